#include "network/build.h"

namespace cllnsim::network {

Network build(const config::Config& config) {
  const config::Network& spec = config.network;
  if (!spec.graph) return Network::lattice(spec);
  if (spec.graph->kind == config::Graph::Kind::edge_list) return edge_list(spec);
  return random_graph(spec, config.source_file);
}

std::vector<Node> graph_nodes(const config::Graph& graph) {
  std::vector<Node> nodes;
  for (const std::string& name : graph.node_names()) {
    Node node;
    node.index = static_cast<int>(nodes.size());
    node.graph_name = name;
    nodes.push_back(node);
  }
  return nodes;
}

}  // namespace cllnsim::network
