// The topology factories: a config's network section -> Network. Each topology has its own file
// (lattice.cpp, edge_list.cpp, random_graph.cpp); all end in the same Network, which the netlist
// generator, the trainer and the plots consume alike.
#pragma once

#include <filesystem>

#include "config/config.h"
#include "network/network.h"

namespace cllnsim::network {

// The network of a checked config: its lattice, or its network.graph.
Network build(const config::Config& config);

// network.graph of kind edge_list, as the config lists it (node order, edge order).
Network edge_list(const config::Network& spec);

// network.graph of kind random_regular or erdos_renyi, drawn from its seed until connected.
// Throws an input_error naming `config_file` and network.graph.seed if no draw is connected.
Network random_graph(const config::Network& spec, const std::filesystem::path& config_file);

// Graph nodes named as the config names them, in order; the factories' shared start.
std::vector<Node> graph_nodes(const config::Graph& graph);

}  // namespace cllnsim::network
