// Reads network.graph (an edge list, inline or from a file, or a random graph by seed), the
// node each role names, and checks the graph a config describes: every node named, no loops or
// repeated edges, every node with a path to a driven node, one connected piece.
// Kept apart from config.cpp: the lattice needs none of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "config/config.h"
#include "config/json_reader.h"

namespace cllnsim::config {

// `run_seed` is the default of network.graph.seed.
Graph read_graph(const ValueReader& value, const std::filesystem::path& config_file,
                 std::uint64_t run_seed);

// A role's node: [row, col] on a lattice, a node's name in a graph; `shown` renders it for
// messages ("[1, 2]", "\"hub\"") and tells two roles on one node apart.
struct ReadNode {
  NodeRef node;
  std::string shown;
};
ReadNode read_node(const ValueReader& value, const Network& network);

// After the roles are read: an edge list's nodes must each reach an input, rail or ground node
// and form one connected piece (lattices and the random graphs are connected by construction).
// `graph` is the reader of network.graph, for messages about an inline edge list.
void check_graph_paths(const ValueReader& graph, const Network& network);

// Edges of the network the config describes (lattice or graph), for checks of edge indices.
int edge_count(const Network& network);

}  // namespace cllnsim::config
