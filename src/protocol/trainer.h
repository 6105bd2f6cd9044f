// Runs a training schedule on the twin network inside libngspice: the driver presents inputs,
// labels and the learning signal as EXTERNAL sources and reads gate voltages and free outputs
// back at every accepted time point. It never computes a weight update.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "netlist/edge_file.h"
#include "netlist/netlist.h"
#include "network/network.h"
#include "spice/session.h"
#include "tasks/dataset.h"

namespace cllnsim::protocol {

struct Metrics {
  double mse = 0.0;                // mean over samples and outputs of (O - L)^2, V^2
  std::optional<double> accuracy;  // classification tasks: by the data set's decision rule
};

struct EpochRecord {
  int epoch = 0;
  double time = 0.0;       // simulated seconds at the end of the epoch
  bool evaluated = false;  // train/test metrics are meaningful only then
  Metrics train;
  Metrics test;
  std::span<const double> gates;  // volts, per edge, at the end of the epoch
  // When evaluated: the free outputs read for each training sample, in data set order.
  std::span<const std::vector<double>> train_outputs;
};

struct TrainingSummary {
  Metrics train;
  Metrics test;
  int epochs = 0;
  double simulated_seconds = 0.0;
  std::size_t time_points = 0;
  std::vector<double> initial_gates;
  std::vector<double> final_gates;
  // Small-signal conductance of each edge's free transistor at the run's last time point (S);
  // empty when the edge has no MOSFET between fa and fb.
  std::vector<double> conductances;
};

// Initial gate voltages: constant, or uniform per edge drawn from the run's seed.
std::vector<double> initial_gates(const config::Config& config, std::size_t edges);

// The whole run's signals, for the standalone netlist that `ngspice -b` replays.
netlist::Replay replay_signals(const config::Config& config, const tasks::Dataset& data);

// `on_netlist` receives the exact netlist before it is simulated (for the run directory).
TrainingSummary train(const config::Config& config, const network::Network& network,
                      const netlist::EdgeDefinition& edge, const tasks::Dataset& data,
                      spice::Session& session,
                      const std::function<void(const EpochRecord&)>& on_epoch,
                      const std::function<void(const std::vector<std::string>&)>& on_netlist);

}  // namespace cllnsim::protocol
