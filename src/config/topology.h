// How a config names the network's nodes and, when it is not a lattice, its graph
// (network.graph; README "Topologies").
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cllnsim::config {

struct GridPos {
  int row = 0;
  int col = 0;
  bool operator==(const GridPos&) const = default;
};

// A node that has a role (input, rail, ground, output): a lattice site [row, col], or a graph
// node by its name.
struct NodeRef {
  GridPos at;        // on a lattice
  std::string name;  // in a graph ("" on a lattice)

  NodeRef() = default;
  NodeRef(GridPos site) : at(site) {}  // implicit: a lattice site is a node
  explicit NodeRef(std::string node) : name(std::move(node)) {}
  bool operator==(const NodeRef&) const = default;
};

// A network that is not a lattice: an edge list (inline or from a file), or a random graph
// drawn from a seed.
struct Graph {
  enum class Kind { edge_list, random_regular, erdos_renyi };
  Kind kind = Kind::edge_list;
  std::filesystem::path file;  // edge_list read from this file; empty when inline
  // edge_list: node names in order, optional drawing coordinates, edges as node indices.
  std::vector<std::string> nodes;
  std::vector<std::optional<std::array<double, 2>>> positions;
  std::vector<std::pair<int, int>> edges;
  // random_regular: `node_count` nodes of degree `degree`; erdos_renyi: G(n, M) with
  // M = round(node_count * mean_degree / 2) edges. Both drawn from `seed` until connected.
  int node_count = 0;
  int degree = 3;
  double mean_degree = 3.0;
  std::uint64_t seed = 0;

  const char* kind_name() const;
  int edge_count() const;
  // The names of the nodes: the edge list's, or n0 .. n<N-1> for a random graph.
  std::vector<std::string> node_names() const;
};

}  // namespace cllnsim::config
