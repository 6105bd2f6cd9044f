// Everything a run needs, read and checked before anything is simulated.
#pragma once

#include <filesystem>
#include <vector>

#include "config/config.h"
#include "netlist/edge_file.h"
#include "network/network.h"
#include "spice/session.h"
#include "tasks/dataset.h"

namespace cllnsim::protocol {

struct Experiment {
  config::Config config;
  network::Network network;
  netlist::EdgeDefinition edge;
  tasks::Dataset data;
};

// Throws cllnsim::input_error (exit code 2) for any problem in the config, edge file or data.
Experiment prepare(const std::filesystem::path& config_file,
                   const std::vector<config::Override>& overrides);
// The same from a config already read (e.g. the one a checkpoint recorded).
Experiment prepare(config::Config config);

// Settles config.simulator.solver for the loaded library (`library`: the session's that will run
// the training, asked before anything is written): "auto" stays when its choice at the network's
// size (Simulator::solver_for) is Sparse or the library has KLU, and becomes "sparse" when it
// would be KLU on a library without (Debian bookworm's 39.3). "klu" on a library without KLU
// (which ignores `.options klu` without a word) is a bad input: throws cllnsim::input_error
// naming the loaded library.
void resolve_solver(config::Config& config, std::size_t edges, const spice::LibraryInfo& library);

// A compiled device in the edge file (`pre_osdi`) on a libngspice without OSDI (Debian bookworm's
// 39.3) is a bad input: throws cllnsim::input_error naming network.edge.file, the library and
// what to do instead, before anything is written or simulated.
void check_compiled_devices(const Experiment& experiment, const spice::LibraryInfo& library);

// Both of the above: what `train` and `netlist` settle against the loaded library.
void settle_for_library(Experiment& experiment, const spice::LibraryInfo& library);

}  // namespace cllnsim::protocol
