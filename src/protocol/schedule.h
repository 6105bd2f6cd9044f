// The training schedule as the hardware's digital controller runs it: for each sample present
// inputs and label, let the networks settle, switch learning on for a set time, switch it off.
// Epoch 0 evaluates the initial network; epochs 1..N train, then evaluate (learning off) every
// `evaluate_every` epochs and after the last. The schedule only sets source values: gate
// voltages change only because ngspice integrates the edge circuits.
#pragma once

#include <cstdint>
#include <vector>

#include "config/config.h"
#include "netlist/waveform.h"
#include "tasks/dataset.h"

namespace cllnsim::protocol {

enum class Pass { train, test };

// A time at which the free outputs are read: the end of an evaluation sample's settling.
struct Read {
  double time = 0.0;
  int epoch = 0;
  Pass pass = Pass::train;
  std::size_t sample = 0;
};

// A sample presented from `start` on: in training (learning follows) or in an evaluation.
struct Presentation {
  double start = 0.0;
  bool training = false;
  Pass pass = Pass::train;
  std::size_t sample = 0;  // index into the data set's train or test samples
};

struct EpochPlan {
  int epoch = 0;
  double start = 0.0;
  double end = 0.0;  // gates are read here
  bool evaluated = false;
  std::vector<double> corners;  // every time a signal starts or ends a ramp, sorted
  std::vector<Read> reads;
  std::vector<Presentation> presentations;  // in time order
};

class Schedule {
 public:
  Schedule(const config::Config& config, const tasks::Dataset& data);

  int epochs() const { return epochs_; }
  double stop_time() const { return epoch_start_.back(); }
  double epoch_start(int epoch) const { return epoch_start_.at(static_cast<std::size_t>(epoch)); }
  bool evaluated(int epoch) const;

  // Signal values at t = 0, in netlist::signal_names() order: inputs and labels at 0 V,
  // learning off, polarity normal, under time multiplexing hold off (the free state), and with
  // training.desync every edge's learn line off.
  std::vector<netlist::Waveform> initial_signals() const;
  // Appends epoch `epoch`'s steps to `signals` (holding the values reached before it).
  EpochPlan append_epoch(int epoch, std::vector<netlist::Waveform>& signals) const;
  // How long learning is on per sample in `epoch` (geometric from learn_seconds to
  // learn_seconds_final).
  double learn_seconds(int epoch) const;
  // The order in which epoch `epoch` presents the training samples (seeded, reproducible).
  std::vector<std::size_t> training_order(int epoch) const;

 private:
  double present(std::vector<netlist::Waveform>& signals, const tasks::Sample& sample, double t,
                 EpochPlan& plan) const;
  // `window` numbers the epoch's learning windows (one per training sample).
  double learn_window(std::vector<netlist::Waveform>& signals, double t, double seconds, int epoch,
                      std::size_t window, EpochPlan& plan) const;
  double learn_start(double step, double settled) const;
  bool symmetric() const { return training_.nudge == config::Training::Nudge::symmetric; }
  bool holds() const { return training_.time_multiplexed(); }
  double hold(std::vector<netlist::Waveform>& signals, double t, bool clamped,
              EpochPlan& plan) const;
  // Appends the epoch's steps from `start`, fills `plan`, returns the epoch's end time.
  double walk_epoch(int epoch, double start, std::vector<netlist::Waveform>& signals,
                    EpochPlan& plan) const;

  const config::Training training_;
  const tasks::Dataset& data_;
  std::uint64_t seed_;
  double learn_on_, learn_off_, polarity_normal_, polarity_reversed_, hold_on_;
  int epochs_;
  std::size_t learn_signal_;         // the global learn line; polarity (and hold) follow it
  std::size_t edge_learn_lines_;     // with training.desync: one learn line per edge, after those
  std::vector<double> epoch_start_;  // epochs_ + 2 entries: the last is the run's end
};

}  // namespace cllnsim::protocol
