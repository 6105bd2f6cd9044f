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
#include "protocol/gradient_check.h"
#include "spice/session.h"
#include "tasks/dataset.h"

namespace cllnsim::protocol {

struct Metrics {
  double mse = 0.0;                // mean over samples and outputs of (O - L)^2, V^2
  std::optional<double> accuracy;  // classification tasks: by the data set's decision rule
};

struct EpochRecord {
  int epoch = 0;
  double time = 0.0;  // simulated seconds at the end of the epoch
  // Wall-clock seconds of training when the simulation passed the epoch's end: counted from the
  // load of this process's first circuit, plus RunState::wall_seconds of a resumed run.
  double wall_seconds = 0.0;
  bool evaluated = false;  // train/test metrics are meaningful only then
  Metrics train;
  Metrics test;
  std::span<const double> gates;  // volts, per edge, at the end of the epoch
  // When evaluated: the free outputs read for each training sample, in data set order.
  std::span<const std::vector<double>> train_outputs;
};

// Where a running training is, reported at every accepted time point from inside the transient,
// for progress displays (numbers only: rendering is the command line's). libngspice runs `tran`
// synchronously, so the reports arrive on the thread that called train(); keep the receiver
// cheap, it runs as often as ngspice accepts a time point.
struct Progress {
  // Epochs completed plus the fraction (in simulated time) of the one being simulated:
  // 0 .. epochs (epoch 0, the evaluation before training, counts as nothing).
  double epochs_done = 0.0;
  int epochs = 0;
  double time = 0.0;             // simulated seconds of the run reached
  double stop_time = 0.0;        // simulated seconds at the run's end
  std::size_t time_points = 0;   // accepted time points so far, a resumed run's earlier included
  double wall_seconds = 0.0;     // as EpochRecord::wall_seconds
  std::optional<Metrics> train;  // the last evaluation's training metrics, once there is one
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
  std::vector<std::string> retries;  // segments retried with simulator.retry_options
  // analysis.gradient_check's measurements made by this process (a resumed run's earlier ones
  // are not in its checkpoint).
  std::vector<GradientCheck> gradient_checks;
};

// The run at the end of an epoch where a segment ends (see README "Checkpoints and resume").
// Learning is off there and the network has settled, so the gate voltages and the values the
// driver's sources hold are the whole state of the circuit; the sample order of every epoch
// follows from the seed alone, so no random-generator state is needed.
struct RunState {
  int epoch = -1;               // the last epoch completed (-1: none, the run starts at epoch 0)
  double time = 0.0;            // simulated seconds at its end
  std::vector<double> gates;    // volts, per edge, at full precision
  std::vector<double> signals;  // values the driver's signals hold, in signal_names() order
  Metrics train, test;          // the last evaluation
  std::size_t time_points = 0;  // accepted ngspice time points so far
  std::vector<std::string> retries;  // one line per segment retried with retry_options
  double wall_seconds = 0.0;         // EpochRecord::wall_seconds of `epoch`
};

// MSE and accuracy of `outputs` (one vector per sample) against the samples' labels.
Metrics score(const tasks::Dataset& data, const std::vector<tasks::Sample>& samples,
              const std::vector<std::vector<double>>& outputs);

// Initial gate voltages: constant, or uniform per edge drawn from the run's seed.
std::vector<double> initial_gates(const config::Config& config, std::size_t edges);

// The whole run's signals, for the standalone netlist that `ngspice -b` replays.
netlist::Replay replay_signals(const config::Config& config, const tasks::Dataset& data);

// Runs `attempt` with `config`. When it fails with a simulation error and
// simulator.retry_options is not empty, says so on stderr, adds "<what> retried with ... after:
// <error>" to `retries`, and runs it once more with the retry options added to the options; a
// second failure throws, saying that the retry failed too.
void with_one_retry(const config::Config& config, const std::string& what,
                    std::vector<std::string>& retries,
                    const std::function<void(const config::Config&)>& attempt);

// A measurement outside the training loop: epochs 0 .. last_epoch of `config`'s schedule in a
// freshly loaded circuit whose gates start at `gates` (one retry with retry_options). Returns the
// gates at the end of each epoch and the training metrics of those that evaluate.
struct EpochEnd {
  std::vector<double> gates;
  Metrics train;
};
std::vector<EpochEnd> simulate_epochs(const config::Config& config, const network::Network& network,
                                      const netlist::EdgeDefinition& edge,
                                      const tasks::Dataset& data, spice::Session& session,
                                      const std::vector<double>& gates, int last_epoch);

// `on_netlist` receives the exact netlist before it is simulated (for the run directory).
// The run is simulated in segments of config.checkpoint.every_epochs epochs, each a fresh
// transient starting from the previous one's end state; a run resumed from a segment's end state
// (`resume_from`) therefore takes exactly the path of an uninterrupted one. A segment's epochs
// reach `on_epoch` when it has succeeded, then its end state reaches `on_checkpoint`. A failed
// segment is retried once with simulator.retry_options added to the options (noted in
// RunState::retries); a second failure throws simulation_error saying when and where.
// Segments also end at every epoch of analysis.gradient_check.epochs, where the check is made.
// `on_progress` receives a Progress at every accepted time point (also of a segment that then
// fails and is retried).
TrainingSummary train(const config::Config& config, const network::Network& network,
                      const netlist::EdgeDefinition& edge, const tasks::Dataset& data,
                      spice::Session& session,
                      const std::function<void(const EpochRecord&)>& on_epoch,
                      const std::function<void(const std::vector<std::string>&)>& on_netlist,
                      const std::optional<RunState>& resume_from = std::nullopt,
                      const std::function<void(const RunState&)>& on_checkpoint = {},
                      const std::function<void(const Progress&)>& on_progress = {});

}  // namespace cllnsim::protocol
