// A graph the user lists edge by edge (network.graph, inline or from a file). The config layer
// has already checked it: names, no loops or repeated edges, connected, a path to ground.
#include <string>
#include <utility>
#include <vector>

#include "network/build.h"

namespace cllnsim::network {

Network edge_list(const config::Network& spec) {
  const config::Graph& graph = *spec.graph;
  std::vector<Node> nodes = graph_nodes(graph);
  for (std::size_t i = 0; i < nodes.size() && i < graph.positions.size(); ++i) {
    nodes[i].position = graph.positions[i];
  }
  std::vector<Edge> edges;
  for (const auto& [a, b] : graph.edges) {
    edges.push_back(Edge{static_cast<int>(edges.size()), a, b, false});
  }
  const std::string source =
      graph.file.empty() ? "listed in the config" : "from " + graph.file.filename().string();
  Network::Shape shape{
      "edge_list", 0, 0, false,
      "edge-list graph of " + std::to_string(nodes.size()) + " nodes (" + source + ")"};
  return Network(std::move(shape), std::move(nodes), std::move(edges), spec);
}

}  // namespace cllnsim::network
