// The graph a config describes: lattice nodes with roles, and the edges between them.
// Pure data; no knowledge of SPICE.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace cllnsim::network {

enum class Role { hidden, input, rail, ground, output_plus, output_minus };
const char* role_name(Role role);

struct Node {
  int index = 0;
  config::GridPos at;
  Role role = Role::hidden;
  std::string name;  // the config's name for non-hidden nodes ("" for hidden and ground)
};

struct Edge {
  int index = 0;
  int a = 0;  // node indices
  int b = 0;
  bool wraps = false;  // a periodic edge joining the last row/column to the first
};

class Network {
 public:
  // Square lattice: from each node an edge to its right and to its lower neighbour; with
  // periodic boundaries the last column and row join the first, giving 2*rows*cols edges.
  static Network lattice(const config::Network& spec);

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  bool periodic() const { return periodic_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  const Node& node_at(config::GridPos at) const;

 private:
  int rows_ = 0;
  int cols_ = 0;
  bool periodic_ = false;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
};

}  // namespace cllnsim::network
