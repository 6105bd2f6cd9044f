// Networks that are not lattices, trained by the real binary in libngspice: the shipped random
// graph config, an edge list from a file outside the repository, the shipped XOR lattice
// written out as an edge list (the same circuit must train to the same gates), and a bad graph
// file refused before anything is simulated.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "network/build.h"
#include "training_harness.h"

namespace cllnsim::trainingtest {
namespace {

using nlohmann::json;

const fs::path kRepo = CLLNSIM_SOURCE_DIR;

class TopologyRun : public Training {
 protected:
  // `cllnsim train CONFIG --out DIR --quiet --no-plots --set ...`.
  Finished train_quietly(const fs::path& config, const fs::path& out,
                         const std::vector<std::string>& settings) {
    std::vector<std::string> argv{CLLNSIM_BINARY, "train", config.string(), "--quiet",
                                  "--no-plots",   "--out", out.string()};
    for (const auto& setting : settings) argv.insert(argv.end(), {"--set", setting});
    return run(argv, dir_ / (out.filename().string() + ".log"));
  }

  // A config written outside the repository, its edge file pointed back at the shipped one.
  void write_config(const fs::path& file, json document) const {
    document["network"]["edge"]["file"] = (kRepo / "netlists/edges/nmos_rule.sub").string();
    write(file, document.dump(2));
  }

  json results(const fs::path& out) const { return json::parse(read(out / "results.json")); }

  void write(const fs::path& file, const std::string& text) const {
    std::ofstream(dir_ / file) << text;
  }
};

double largest_change(const std::vector<std::vector<double>>& rows) {
  double largest = 0.0;
  for (std::size_t e = 0; e < rows.front().size(); ++e) {
    largest = std::max(largest, std::abs(rows.back()[e] - rows.front()[e]));
  }
  return largest;
}

TEST_F(TopologyRun, ShippedRandomGraphConfigTrainsItsGraph) {
  const fs::path out = dir_ / "run";
  ASSERT_EQ(train_quietly(kRepo / "configs/xor_random.json", out, {"training.epochs=3"}).exit_code,
            0)
      << read(dir_ / "run.log");
  const json network = results(out)["network"];
  EXPECT_EQ(network["kind"], "random_regular");
  ASSERT_EQ(network["edges"].size(), 32u);
  std::vector<int> degree(network["nodes"].size(), 0);
  for (const json& edge : network["edges"]) {
    ++degree.at(edge["a"].get<std::size_t>());
    ++degree.at(edge["b"].get<std::size_t>());
  }
  for (int d : degree) EXPECT_EQ(d, 4);
  const std::string netlist = read(out / "netlist.cir");
  EXPECT_NE(netlist.find("* random 4-regular graph of 16 nodes (seed 3), 32 twin edges."),
            std::string::npos);
  EXPECT_NE(netlist.find("vin_x1_f f_n0 "), std::string::npos);
  // The gates move only because ngspice integrates the edges' learning circuits.
  EXPECT_GT(largest_change(gate_rows(out / "gates.csv")), 0.01);
}

TEST_F(TopologyRun, ErdosRenyiGraphTrains) {
  json document = json::parse(read(kRepo / "configs/xor_random.json"));
  document["network"]["graph"] = {
      {"kind", "erdos_renyi"}, {"nodes", 12}, {"mean_degree", 3}, {"seed", 4}};
  write_config("xor_erdos_renyi.json", document);
  const fs::path out = dir_ / "run";
  ASSERT_EQ(train_quietly(dir_ / "xor_erdos_renyi.json", out, {"training.epochs=2"}).exit_code, 0)
      << read(dir_ / "run.log");
  const json network = results(out)["network"];
  EXPECT_EQ(network["kind"], "erdos_renyi");
  EXPECT_EQ(network["nodes"].size(), 12u);
  EXPECT_EQ(network["edges"].size(), 18u);
  EXPECT_GT(largest_change(gate_rows(out / "gates.csv")), 0.01);
}

// The shipped XOR lattice as an edge list (same edge order, nodes named s<row>_<col>): the
// circuit is the same, so the run must be too.
TEST_F(TopologyRun, LatticeWrittenAsAnEdgeListTrainsToTheSameGates) {
  const fs::path lattice_config = kRepo / "configs/xor.json";
  const config::Config config = config::load(lattice_config);
  const network::Network lattice = network::build(config);
  const auto name = [&](int node) {
    const config::GridPos at = lattice.nodes().at(static_cast<std::size_t>(node)).at;
    return "s" + std::to_string(at.row) + "_" + std::to_string(at.col);
  };
  json edges = json::array();
  for (const auto& edge : lattice.edges()) edges.push_back({name(edge.a), name(edge.b)});
  json document = json::parse(read(lattice_config));
  document["network"].erase("lattice");
  document["network"]["graph"] = {{"edges", edges}};
  for (const char* role : {"inputs", "rails"}) {
    for (json& node : document["network"][role]) {
      node["at"] = name(lattice.node_at(config::GridPos{node["at"][0], node["at"][1]}).index);
    }
  }
  for (json& output : document["network"]["outputs"]) {
    for (const char* end : {"plus", "minus"}) {
      output[end] = name(lattice.node_at(config::GridPos{output[end][0], output[end][1]}).index);
    }
  }
  write_config("xor_edge_list.json", document);

  const std::vector<std::string> settings{"training.epochs=3"};
  ASSERT_EQ(train_quietly(lattice_config, dir_ / "lattice", settings).exit_code, 0);
  ASSERT_EQ(train_quietly(dir_ / "xor_edge_list.json", dir_ / "graph", settings).exit_code, 0)
      << read(dir_ / "graph.log");
  EXPECT_EQ(results(dir_ / "graph")["network"]["kind"], "edge_list");
  const auto lattice_gates = gate_rows(dir_ / "lattice" / "gates.csv");
  const auto graph_gates = gate_rows(dir_ / "graph" / "gates.csv");
  ASSERT_EQ(graph_gates.size(), lattice_gates.size());
  EXPECT_GT(largest_change(lattice_gates), 0.01);
  for (std::size_t row = 0; row < lattice_gates.size(); ++row) {
    ASSERT_EQ(graph_gates[row].size(), lattice_gates[row].size());
    for (std::size_t e = 0; e < lattice_gates[row].size(); ++e) {
      EXPECT_NEAR(graph_gates[row][e], lattice_gates[row][e], 1e-9) << "epoch " << row;
    }
  }
}

TEST_F(TopologyRun, EdgeListFileOutsideTheRepositoryKeepsItsCoordinates) {
  fs::create_directories(dir_ / "graphs");
  write("graphs/wheel.json", R"({"nodes": [{"name": "hub", "x": 0, "y": 0},
    {"name": "r0", "x": 1, "y": 0}, {"name": "r1", "x": 0, "y": 1},
    {"name": "r2", "x": -1, "y": 0}, {"name": "r3", "x": 0, "y": -1}],
    "edges": [["hub", "r0"], ["hub", "r1"], ["hub", "r2"], ["hub", "r3"],
              ["r0", "r1"], ["r1", "r2"], ["r2", "r3"], ["r3", "r0"]]})");
  json document = json::parse(read(kRepo / "configs/xor.json"));
  document["network"].erase("lattice");
  document["network"]["graph"] = {{"file", "graphs/wheel.json"}};
  document["network"]["inputs"] = json::parse(R"([{"name": "x1", "at": "r0"},
    {"name": "x2", "at": "r2"}])");
  document["network"]["rails"] = json::parse(R"([{"name": "bias", "at": "r1", "volts": 0.2}])");
  document["network"]["outputs"] = json::parse(R"([{"name": "out", "plus": "hub"}])");
  write_config("wheel.json", document);

  const fs::path out = dir_ / "run";
  ASSERT_EQ(train_quietly(dir_ / "wheel.json", out, {"training.epochs=2"}).exit_code, 0)
      << read(dir_ / "run.log");
  const json network = results(out)["network"];
  EXPECT_EQ(network["edges"].size(), 8u);
  EXPECT_EQ(network["nodes"][1]["node"], "r0");
  EXPECT_EQ(network["nodes"][1]["x"], 1.0);
  EXPECT_EQ(network["nodes"][0]["role"], "output_plus");
  EXPECT_GT(largest_change(gate_rows(out / "gates.csv")), 0.001);
}

TEST_F(TopologyRun, BadGraphFileIsRefusedBeforeAnythingIsWritten) {
  write("two_parts.json", R"({"edges": [["a", "b"], ["c", "d"]]})");
  json document = json::parse(read(kRepo / "configs/xor.json"));
  document["network"].erase("lattice");
  document["network"]["graph"] = {{"file", "two_parts.json"}};
  document["network"]["inputs"] = json::parse(R"([{"name": "x1", "at": "a"},
    {"name": "x2", "at": "c"}])");
  document["network"]["rails"] = json::array();
  document["network"]["outputs"] = json::parse(R"([{"name": "out", "plus": "b", "minus": "d"}])");
  write_config("two_parts_config.json", document);

  const fs::path out = dir_ / "run";
  EXPECT_EQ(train_quietly(dir_ / "two_parts_config.json", out, {}).exit_code, 2);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_NE(read(dir_ / "run.log")
                .find((dir_ / "two_parts.json").string() +
                      ": at edges: found a graph in 2 disconnected parts: {a, b}; {c, d}"),
            std::string::npos)
      << read(dir_ / "run.log");
}

}  // namespace
}  // namespace cllnsim::trainingtest
