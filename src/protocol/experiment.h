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

// simulator.solver "klu" on a libngspice without KLU (Debian bookworm's 39.3 ignores
// `.options klu` without a word) is a bad input: throws cllnsim::input_error naming the loaded
// library. Asked of the session that will run the training, before anything is written.
void require_supported_solver(const config::Config& config, spice::Session& session);

}  // namespace cllnsim::protocol
