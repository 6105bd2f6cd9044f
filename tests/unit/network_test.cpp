#include "network/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"

namespace cllnsim::network {
namespace {

// A config whose edge file is the shipped one, so config::parse accepts it.
config::Config ParseConfig(int rows, int cols, bool periodic, const std::string& nodes) {
  const std::string text = R"({"seed": 1, "network": {"lattice": {"rows": )" +
                           std::to_string(rows) + R"(, "cols": )" + std::to_string(cols) +
                           R"(, "periodic": )" + (periodic ? "true" : "false") + "}, " + nodes +
                           R"(,
    "edge": {"file": "../netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule"}}})";
  return config::parse(text, CLLNSIM_SOURCE_DIR "/configs/network_test.json");
}

constexpr const char* kXorNodes = R"(
    "inputs": [{"name": "x1", "at": [0, 0]}, {"name": "x2", "at": [2, 2]}],
    "rails": [{"name": "rail_low", "at": [1, 1], "volts": 0.11}],
    "ground": [[3, 1]],
    "outputs": [{"name": "out", "plus": [0, 2], "minus": [2, 0]}, {"name": "probe", "plus": [3, 3]}])";

constexpr const char* kOpenNodes = R"(
    "inputs": [{"name": "x1", "at": [0, 0]}, {"name": "x2", "at": [0, 4]}],
    "outputs": [{"name": "out", "plus": [2, 2]}])";

Network Periodic4x4() { return Network::lattice(ParseConfig(4, 4, true, kXorNodes).network); }
Network Open3x5() { return Network::lattice(ParseConfig(3, 5, false, kOpenNodes).network); }

std::vector<int> Degrees(const Network& network) {
  std::vector<int> degree(network.nodes().size(), 0);
  for (const Edge& edge : network.edges()) {
    ++degree.at(static_cast<std::size_t>(edge.a));
    ++degree.at(static_cast<std::size_t>(edge.b));
  }
  return degree;
}

// Lattice distance between the edge's ends, counting a wrap as one step.
bool JoinsNeighbours(const Network& network, const Edge& edge) {
  const config::GridPos a = network.nodes().at(static_cast<std::size_t>(edge.a)).at;
  const config::GridPos b = network.nodes().at(static_cast<std::size_t>(edge.b)).at;
  const int dr = std::abs(a.row - b.row);
  const int dc = std::abs(a.col - b.col);
  const int steps_r = std::min(dr, network.rows() - dr);
  const int steps_c = std::min(dc, network.cols() - dc);
  return network.periodic() ? steps_r + steps_c == 1 : dr + dc == 1;
}

TEST(NetworkLattice, Periodic4x4HasThirtyTwoEdges) {
  const Network network = Periodic4x4();
  EXPECT_EQ(network.rows(), 4);
  EXPECT_EQ(network.cols(), 4);
  EXPECT_TRUE(network.periodic());
  EXPECT_EQ(network.nodes().size(), 16u);
  EXPECT_EQ(network.edges().size(), 32u);
}

TEST(NetworkLattice, Periodic4x4EveryNodeHasDegreeFour) {
  const Network network = Periodic4x4();
  const std::vector<int> degree = Degrees(network);
  for (std::size_t i = 0; i < degree.size(); ++i) EXPECT_EQ(degree[i], 4) << "node " << i;
}

TEST(NetworkLattice, Periodic4x4HasExactlyEightWrapEdgesFromLastRowOrColumn) {
  const Network network = Periodic4x4();
  int wraps = 0;
  for (const Edge& edge : network.edges()) {
    if (!edge.wraps) continue;
    ++wraps;
    const config::GridPos a = network.nodes()[static_cast<std::size_t>(edge.a)].at;
    const config::GridPos b = network.nodes()[static_cast<std::size_t>(edge.b)].at;
    const bool row_wrap = a.row == 3 && b.row == 0 && a.col == b.col;
    const bool col_wrap = a.col == 3 && b.col == 0 && a.row == b.row;
    EXPECT_TRUE(row_wrap || col_wrap) << "edge " << edge.index;
  }
  EXPECT_EQ(wraps, 8);
}

TEST(NetworkLattice, Periodic4x4EdgesJoinDistinctNeighboursOnce) {
  const Network network = Periodic4x4();
  std::set<std::pair<int, int>> seen;
  for (std::size_t i = 0; i < network.edges().size(); ++i) {
    const Edge& edge = network.edges()[i];
    EXPECT_EQ(edge.index, static_cast<int>(i));
    EXPECT_TRUE(JoinsNeighbours(network, edge)) << "edge " << i;
    EXPECT_TRUE(seen.insert({std::min(edge.a, edge.b), std::max(edge.a, edge.b)}).second)
        << "duplicate edge " << i;
  }
}

TEST(NetworkLattice, Open3x5HasTwentyTwoEdgesAndNoWraps) {
  const Network network = Open3x5();
  EXPECT_FALSE(network.periodic());
  EXPECT_EQ(network.nodes().size(), 15u);
  ASSERT_EQ(network.edges().size(), 22u);  // 3 rows * 4 + 2 * 5 columns
  for (const Edge& edge : network.edges()) {
    EXPECT_FALSE(edge.wraps) << "edge " << edge.index;
    EXPECT_TRUE(JoinsNeighbours(network, edge)) << "edge " << edge.index;
  }
}

TEST(NetworkLattice, Open3x5DegreesAreTwoThreeOrFourByPosition) {
  const Network network = Open3x5();
  const std::vector<int> degree = Degrees(network);
  for (const Node& node : network.nodes()) {
    const int borders = (node.at.row == 0 || node.at.row == 2 ? 1 : 0) +
                        (node.at.col == 0 || node.at.col == 4 ? 1 : 0);
    EXPECT_EQ(degree[static_cast<std::size_t>(node.index)], 4 - borders)
        << "node (" << node.at.row << ", " << node.at.col << ")";
  }
}

TEST(NetworkNodes, IndexIsRowMajorPosition) {
  const Network network = Open3x5();
  for (std::size_t i = 0; i < network.nodes().size(); ++i) {
    const Node& node = network.nodes()[i];
    EXPECT_EQ(node.index, static_cast<int>(i));
    EXPECT_EQ(node.at.row, static_cast<int>(i) / 5);
    EXPECT_EQ(node.at.col, static_cast<int>(i) % 5);
  }
}

TEST(NetworkNodes, RolesAndNamesAssignedByPosition) {
  const Network network = Periodic4x4();
  auto check = [&](int row, int col, Role role, const std::string& name) {
    const Node& node = network.node_at({row, col});
    EXPECT_EQ(node.role, role) << "(" << row << ", " << col << ") is " << role_name(node.role);
    EXPECT_EQ(node.name, name) << "(" << row << ", " << col << ")";
    EXPECT_EQ(node.index, row * 4 + col);
  };
  check(0, 0, Role::input, "x1");
  check(2, 2, Role::input, "x2");
  check(1, 1, Role::rail, "rail_low");
  check(3, 1, Role::ground, "");
  check(0, 2, Role::output_plus, "out");
  check(2, 0, Role::output_minus, "out");
  check(3, 3, Role::output_plus, "probe");
  int hidden = 0;
  for (const Node& node : network.nodes()) {
    if (node.role != Role::hidden) continue;
    ++hidden;
    EXPECT_EQ(node.name, "");
  }
  EXPECT_EQ(hidden, 16 - 7);
}

TEST(NetworkNodes, NodeAtOutsideLatticeThrows) {
  const Network network = Open3x5();
  EXPECT_THROW(network.node_at({3, 0}), std::out_of_range);
  EXPECT_THROW(network.node_at({0, 5}), std::out_of_range);
  EXPECT_THROW(network.node_at({-1, 0}), std::out_of_range);
  EXPECT_THROW(network.node_at({0, -1}), std::out_of_range);
  EXPECT_EQ(network.node_at({2, 4}).index, 14);
}

TEST(NetworkNodes, RoleNames) {
  EXPECT_STREQ(role_name(Role::hidden), "hidden");
  EXPECT_STREQ(role_name(Role::input), "input");
  EXPECT_STREQ(role_name(Role::rail), "rail");
  EXPECT_STREQ(role_name(Role::ground), "ground");
  EXPECT_STREQ(role_name(Role::output_plus), "output_plus");
  EXPECT_STREQ(role_name(Role::output_minus), "output_minus");
}

}  // namespace
}  // namespace cllnsim::network
