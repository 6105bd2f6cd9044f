// The graph a config describes: nodes with roles, and the edges between them. Built by the
// factories in build.h (lattice, edge list, random graphs). Pure data; no knowledge of SPICE.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace cllnsim::network {

enum class Role { hidden, input, rail, ground, output_plus, output_minus };
const char* role_name(Role role);

struct Node {
  int index = 0;
  config::GridPos at;  // lattice site (a graph's nodes leave it at [0, 0])
  Role role = Role::hidden;
  std::string name;        // the config's name for non-hidden nodes ("" for hidden and ground)
  std::string graph_name;  // a graph's name of the node ("" on a lattice)
  std::optional<std::array<double, 2>> position;  // drawing coordinates an edge list gave
};

struct Edge {
  int index = 0;
  int a = 0;  // node indices
  int b = 0;
  bool wraps = false;  // a periodic edge joining the last row/column to the first
};

class Network {
 public:
  // What kind of topology, and for a lattice its size.
  struct Shape {
    std::string kind = "lattice";  // lattice or network.graph.kind
    int rows = 0;
    int cols = 0;
    bool periodic = false;
    std::string description;  // "4x4 lattice, periodic boundaries", "random 3-regular graph ..."
  };

  Network() = default;
  // The factories' common end: nodes and edges, the roles taken from `spec`.
  Network(Shape shape, std::vector<Node> nodes, std::vector<Edge> edges,
          const config::Network& spec);

  // Square lattice: from each node an edge to its right and to its lower neighbour; with
  // periodic boundaries the last column and row join the first, giving 2*rows*cols edges.
  static Network lattice(const config::Network& spec);

  bool is_lattice() const { return shape_.kind == "lattice"; }
  const std::string& kind() const { return shape_.kind; }
  const std::string& description() const { return shape_.description; }
  int rows() const { return shape_.rows; }
  int cols() const { return shape_.cols; }
  bool periodic() const { return shape_.periodic; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  // The node a config names: a lattice site or a graph node's name.
  const Node& node_at(const config::NodeRef& at) const;
  const Node& node_at(config::GridPos at) const { return node_at(config::NodeRef(at)); }

 private:
  Node& node(const config::NodeRef& at);

  Shape shape_;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::map<std::string, int> by_graph_name_;
};

}  // namespace cllnsim::network
