// network.graph: edge lists (inline and from a file), random graphs by seed, the node names that
// roles use, every error a bad graph gets, the factories' networks and their netlist node names.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/graph_config.h"
#include "core/error.h"
#include "netlist/netlist.h"
#include "network/build.h"

namespace cllnsim::network {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class TopologyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cllnsim-topology-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A diamond a-b-d, a-c-d plus b-c: inputs a and b, a rail at c, the output at d.
  static json diamond() {
    return json::parse(R"({"seed": 1, "network": {
      "graph": {"kind": "edge_list",
                "edges": [["a", "b"], ["a", "c"], ["b", "c"], ["b", "d"], ["c", "d"]]},
      "inputs": [{"name": "x1", "at": "a"}, {"name": "x2", "at": "b"}],
      "rails": [{"name": "bias", "at": "c", "volts": 0.2}],
      "outputs": [{"name": "out", "plus": "d"}],
      "edge": {"file": ")" +
                       std::string(CLLNSIM_SOURCE_DIR) +
                       R"(/netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule"}}})");
  }

  void write(const fs::path& file, const std::string& text) const {
    std::ofstream(dir_ / file) << text;
  }

  config::Config load(const json& document) const {
    write("config.json", document.dump(2));
    return config::load(dir_ / "config.json");
  }

  // The message of the input error that loading `document` throws.
  std::string error_of(const json& document) const {
    try {
      load(document);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::bad_input);
      return error.what();
    }
    ADD_FAILURE() << "no error for " << document.dump();
    return "";
  }

  // Loading `document` fails with a message that contains `text`.
  void expect_error(const json& document, const std::string& text) const {
    const std::string message = error_of(document);
    EXPECT_NE(message.find(text), std::string::npos) << message;
  }

  std::string config_file() const { return (dir_ / "config.json").string(); }

  fs::path dir_;
};

std::vector<int> degrees(const Network& network) {
  std::vector<int> degree(network.nodes().size(), 0);
  for (const Edge& e : network.edges()) {
    ++degree[static_cast<std::size_t>(e.a)];
    ++degree[static_cast<std::size_t>(e.b)];
  }
  return degree;
}

bool connected(const Network& network) {
  std::vector<int> group(network.nodes().size());
  for (std::size_t i = 0; i < group.size(); ++i) group[i] = static_cast<int>(i);
  for (bool changed = true; changed;) {
    changed = false;
    for (const Edge& e : network.edges()) {
      int& a = group[static_cast<std::size_t>(e.a)];
      int& b = group[static_cast<std::size_t>(e.b)];
      if (a != b) {
        a = b = std::min(a, b);
        changed = true;
      }
    }
  }
  return std::all_of(group.begin(), group.end(), [](int g) { return g == 0; });
}

std::set<std::pair<int, int>> edge_set(const Network& network) {
  std::set<std::pair<int, int>> set;
  for (const Edge& e : network.edges()) set.emplace(std::min(e.a, e.b), std::max(e.a, e.b));
  return set;
}

// --- edge lists ---

TEST_F(TopologyTest, InlineEdgeListKeepsTheOrderOfNodesAndEdgesAndTheRoles) {
  const config::Config config = load(diamond());
  const Network network = build(config);
  EXPECT_FALSE(network.is_lattice());
  EXPECT_EQ(network.kind(), "edge_list");
  ASSERT_EQ(network.nodes().size(), 4u);
  ASSERT_EQ(network.edges().size(), 5u);
  EXPECT_EQ(network.nodes()[3].graph_name, "d");
  EXPECT_EQ(network.edges()[3].a, 1);
  EXPECT_EQ(network.edges()[3].b, 3);
  EXPECT_EQ(network.node_at(config::NodeRef(std::string("c"))).role, Role::rail);
  EXPECT_EQ(network.node_at(config::NodeRef(std::string("d"))).role, Role::output_plus);
  EXPECT_EQ(network.node_at(config::NodeRef(std::string("d"))).name, "out");
}

TEST_F(TopologyTest, EdgeListFileGivesCoordinatesAndTheConfigRecordsItsAbsolutePath) {
  fs::create_directories(dir_ / "graphs");
  write("graphs/diamond.json", R"({"nodes": [{"name": "a", "x": 0, "y": 1}, "b",
    {"name": "c", "x": 2.5, "y": -1}, "d"],
    "edges": [["a", "b"], ["a", "c"], ["b", "c"], ["b", "d"], ["c", "d"]]})");
  json document = diamond();
  document["network"]["graph"] = {{"file", "graphs/diamond.json"}};
  const config::Config config = load(document);
  EXPECT_EQ(config.resolved["network"]["graph"]["file"], (dir_ / "graphs/diamond.json").string());
  const Network network = build(config);
  ASSERT_TRUE(network.nodes()[2].position.has_value());
  EXPECT_DOUBLE_EQ((*network.nodes()[2].position)[0], 2.5);
  EXPECT_FALSE(network.nodes()[1].position.has_value());
  EXPECT_NE(network.description().find("diamond.json"), std::string::npos);
}

TEST_F(TopologyTest, NetlistNamesGraphNodesByNameInBothCopies) {
  const config::Config config = load(diamond());
  const Network network = build(config);
  const int d = network.node_at(config::NodeRef(std::string("d"))).index;
  EXPECT_EQ(netlist::free_node(network, d), "f_d");
  EXPECT_EQ(netlist::clamped_node(network, d), "c_d");
}

// --- random graphs ---

TEST_F(TopologyTest, RandomRegularGraphIsRegularConnectedSimpleAndSeeded) {
  json document = diamond();
  document["network"]["graph"] = {{"kind", "random_regular"}, {"nodes", 20}, {"degree", 3}};
  document["network"]["inputs"] = {{{"name", "x1"}, {"at", "n0"}}, {{"name", "x2"}, {"at", "n7"}}};
  document["network"]["rails"] = json::array();
  document["network"]["outputs"] = {{{"name", "out"}, {"plus", "n19"}}};
  const config::Config config = load(document);
  EXPECT_EQ(config.network.graph->seed, 1u);  // the run's seed by default
  const Network network = build(config);
  ASSERT_EQ(network.nodes().size(), 20u);
  EXPECT_EQ(network.edges().size(), 30u);
  for (int degree : degrees(network)) EXPECT_EQ(degree, 3);
  EXPECT_EQ(edge_set(network).size(), 30u);  // no repeated edge
  for (const Edge& e : network.edges()) EXPECT_NE(e.a, e.b);
  EXPECT_TRUE(connected(network));
  EXPECT_EQ(network.node_at(config::NodeRef(std::string("n19"))).role, Role::output_plus);
  EXPECT_EQ(edge_set(build(load(document))), edge_set(network));  // same seed, same graph
  document["network"]["graph"]["seed"] = 2;
  EXPECT_NE(edge_set(build(load(document))), edge_set(network));
}

TEST_F(TopologyTest, ErdosRenyiGraphHasRoundedMeanDegreeEdgesAndIsConnected) {
  json document = diamond();
  document["network"]["graph"] = {
      {"kind", "erdos_renyi"}, {"nodes", 15}, {"mean_degree", 2.5}, {"seed", 9}};
  document["network"]["inputs"] = {{{"name", "x1"}, {"at", "n0"}}, {{"name", "x2"}, {"at", "n1"}}};
  document["network"]["rails"] = json::array();
  document["network"]["outputs"] = {{{"name", "out"}, {"plus", "n2"}}};
  const config::Config config = load(document);
  EXPECT_EQ(config::edge_count(config.network), 19);  // round(15 * 2.5 / 2)
  for (std::uint64_t seed : {9u, 10u, 11u}) {
    document["network"]["graph"]["seed"] = seed;
    const Network network = build(load(document));
    EXPECT_EQ(network.edges().size(), 19u);
    EXPECT_EQ(edge_set(network).size(), 19u);
    EXPECT_TRUE(connected(network)) << "seed " << seed;
  }
}

// --- errors: each names the file, the entry, what was found and what was expected ---

TEST_F(TopologyTest, UnknownNodeInARoleIsAnError) {
  json document = diamond();
  document["network"]["outputs"][0]["plus"] = "e";
  expect_error(document, config_file() +
                             ": at network.outputs[0].plus: found the node \"e\", "
                             "which network.graph does not have, expected one of "
                             "its 4 nodes (a, b, c, d)");
}

TEST_F(TopologyTest, UnknownNodeInAnEdgeOfAListedGraphIsAnError) {
  json document = diamond();
  document["network"]["graph"]["nodes"] = {"a", "b", "c", "d"};
  document["network"]["graph"]["edges"][4] = {"c", "q"};
  expect_error(document,
               "at network.graph.edges[4][1]: found the node \"q\", which is not in "
               "nodes");
}

TEST_F(TopologyTest, InputOnTheOutputNodeIsAnError) {
  json document = diamond();
  document["network"]["outputs"][0]["plus"] = "a";
  expect_error(document,
               "at network.outputs[0].plus: found \"a\", already used at "
               "network.inputs[0].at, expected each node in at most one role");
}

TEST_F(TopologyTest, DisconnectedGraphIsAnError) {
  json document = diamond();
  document["network"]["graph"]["edges"] = json::parse(R"([["a", "c"], ["b", "d"]])");
  document["network"]["rails"][0]["at"] = "d";
  document["network"]["outputs"][0]["plus"] = "c";
  expect_error(document,
               "at network.graph.edges: found a graph in 2 disconnected parts: {a, c}; "
               "{b, d}, expected one connected network");
}

TEST_F(TopologyTest, NodesWithoutAPathToGroundAreAnError) {
  json document = diamond();
  document["network"]["graph"]["edges"].push_back({"e", "f"});
  expect_error(document, "at network.graph.edges: found no path to ground from the nodes e, f");
}

TEST_F(TopologyTest, LoopAndRepeatedEdgeAreErrors) {
  json document = diamond();
  document["network"]["graph"]["edges"][2] = {"b", "b"};
  expect_error(document,
               "at network.graph.edges[2]: found [\"b\", \"b\"], an edge from "
               "a node to itself, expected two different nodes");
  document["network"]["graph"]["edges"][2] = {"d", "c"};
  expect_error(document,
               "at network.graph.edges[4]: found [\"c\", \"d\"], already "
               "joined at network.graph.edges[2], expected each pair of "
               "nodes joined by at most one edge");
}

TEST_F(TopologyTest, ErrorInsideAnEdgeListFileNamesThatFileAndEntry) {
  write("bad.json", R"({"edges": [["a", "b"], ["a", "c"], ["b", "C"]]})");
  json document = diamond();
  document["network"]["graph"] = {{"file", "bad.json"}};
  expect_error(document, (dir_ / "bad.json").string() +
                             ": at edges[2][1]: found a string \"C\", "
                             "expected a node name matching [a-z0-9_]+");
  document["network"]["graph"] = {{"file", "missing.json"}};
  expect_error(document, "at network.graph.file: found the path \"missing.json\"");
}

TEST_F(TopologyTest, DisconnectedGraphInAFileNamesThatFile) {
  write("two.json", R"({"edges": [["a", "c"], ["b", "d"]]})");
  json document = diamond();
  document["network"]["graph"] = {{"file", "two.json"}};
  document["network"]["rails"][0]["at"] = "d";
  document["network"]["outputs"][0]["plus"] = "c";
  expect_error(document,
               (dir_ / "two.json").string() + ": at edges: found a graph in 2 disconnected parts");
}

TEST_F(TopologyTest, ImpossibleRandomGraphsAreErrors) {
  json document = diamond();
  document["network"]["graph"] = {{"kind", "random_regular"}, {"nodes", 5}, {"degree", 3}};
  expect_error(document,
               "at network.graph.degree: found an integer 3, expected a "
               "degree from 2 to 4 whose product with the 5 nodes is even");
  document["network"]["graph"] = {{"kind", "erdos_renyi"}, {"nodes", 10}, {"mean_degree", 1}};
  expect_error(document,
               "at network.graph.mean_degree: found an integer 1, expected a "
               "mean degree that gives 10 nodes from 9 edges (connected)");
  document["network"]["graph"] = {{"kind", "random_regular"}, {"nodes", 6}, {"mean_degree", 2}};
  expect_error(document, "mean_degree");
}

TEST_F(TopologyTest, LatticeAndGraphTogetherOrALatticeSiteOnAGraphAreErrors) {
  json document = diamond();
  document["network"]["lattice"] = {{"rows", 3}};
  expect_error(document,
               "at network.lattice: found network.lattice next to network.graph, expected one "
               "topology");
  document = diamond();
  document["network"]["inputs"][0]["at"] = {0, 0};
  expect_error(document,
               "at network.inputs[0].at: found an array [0,0], expected the "
               "name of a node of network.graph");
}

TEST_F(TopologyTest, CouplingSitesAreRefusedOnAGraph) {
  json document = diamond();
  document["physical"] = {{"free_clamped_coupling_f", 1e-15}, {"coupling_at", {{0, 0}}}};
  expect_error(document, "at physical.coupling_at: found an array [[0,0]], expected [] on a graph");
  document["physical"].erase("coupling_at");
  EXPECT_NO_THROW(load(document));
}

TEST_F(TopologyTest, DamageIndicesAreCheckedAgainstTheGraphsEdges) {
  json document = diamond();
  document["physical"] = {{"damage", {{"edges", {5}}}}};
  expect_error(document, "(the graph has 5 edges)");
}

}  // namespace
}  // namespace cllnsim::network
