// The square lattice, open or periodic: the topology every config had before network.graph.
#include <string>
#include <vector>

#include "network/network.h"

namespace cllnsim::network {

Network Network::lattice(const config::Network& spec) {
  const int rows = spec.lattice.rows;
  const int cols = spec.lattice.cols;
  const bool periodic = spec.lattice.periodic;
  std::vector<Node> nodes;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      Node node;
      node.index = r * cols + c;
      node.at = {r, c};
      nodes.push_back(node);
    }
  }
  std::vector<Edge> edges;
  auto add_edge = [&](int r, int c, int r2, int c2, bool wraps) {
    const int index = static_cast<int>(edges.size());
    edges.push_back(Edge{index, r * cols + c, r2 * cols + c2, wraps});
  };
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      if (c + 1 < cols)
        add_edge(r, c, r, c + 1, false);
      else if (periodic)
        add_edge(r, c, r, 0, true);
      if (r + 1 < rows)
        add_edge(r, c, r + 1, c, false);
      else if (periodic)
        add_edge(r, c, 0, c, true);
    }
  }
  Shape shape{"lattice", rows, cols, periodic,
              std::to_string(rows) + "x" + std::to_string(cols) + " lattice, " +
                  (periodic ? "periodic" : "open") + " boundaries"};
  return Network(std::move(shape), std::move(nodes), std::move(edges), spec);
}

}  // namespace cllnsim::network
