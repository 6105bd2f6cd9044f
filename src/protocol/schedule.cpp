#include "protocol/schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "config/graph_config.h"
#include "network/network.h"
#include "protocol/desync.h"
#include "tasks/random.h"

namespace cllnsim::protocol {
namespace {

// A generator for epoch `epoch` alone, so any epoch's order can be recomputed on its own.
std::mt19937_64 epoch_generator(std::uint64_t seed, int epoch) {
  return tasks::seeded_generator(seed, 0x6f72646eU /* "ordn" */, static_cast<std::uint32_t>(epoch));
}

// Times are kept to 12 significant digits, so the netlist's PWL text and the driver's
// callbacks put every corner at exactly the same double (no accumulated rounding noise).
double snap(double time) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", time);
  return std::strtod(text, nullptr);
}

}  // namespace

Schedule::Schedule(const config::Config& config, const tasks::Dataset& data)
    : training_(config.training),
      data_(data),
      seed_(config.seed),
      learn_on_(config.training.learning ? config.network.supply.vdd : config.network.supply.vss),
      learn_off_(config.network.supply.vss),
      polarity_normal_(config.network.supply.vss),
      polarity_reversed_(config.network.supply.vdd),
      hold_on_(config.network.supply.vdd),
      epochs_(config.training.epochs),
      learn_signal_(data.train.front().inputs.size() + data.train.front().labels.size()),
      edge_learn_lines_(config.training.per_edge_learn()
                            ? static_cast<std::size_t>(config::edge_count(config.network))
                            : 0) {
  // Walk the whole run once with the same arithmetic append_epoch uses, so epoch boundaries
  // match the corners to the last bit.
  std::vector<netlist::Waveform> scratch = initial_signals();
  double t = 0.0;
  for (int epoch = 0; epoch <= epochs_; ++epoch) {
    epoch_start_.push_back(t);
    EpochPlan plan;
    t = walk_epoch(epoch, t, scratch, plan);
    for (auto& signal : scratch) signal = netlist::Waveform(signal.values().back());
  }
  epoch_start_.push_back(t);
}

bool Schedule::evaluated(int epoch) const {
  return epoch == 0 || epoch == epochs_ || epoch % training_.evaluate_every == 0;
}

std::vector<netlist::Waveform> Schedule::initial_signals() const {
  const std::size_t inputs = data_.train.front().inputs.size();
  const std::size_t labels = data_.train.front().labels.size();
  std::vector<netlist::Waveform> signals(inputs + labels, netlist::Waveform(0.0));
  signals.emplace_back(learn_off_);
  signals.emplace_back(polarity_normal_);
  if (holds()) signals.emplace_back(learn_off_);
  signals.insert(signals.end(), edge_learn_lines_, netlist::Waveform(learn_off_));
  return signals;
}

double Schedule::learn_seconds(int epoch) const {
  if (epochs_ <= 1) return training_.learn_seconds;
  const double progress = static_cast<double>(epoch - 1) / (epochs_ - 1);
  return training_.learn_seconds *
         std::pow(training_.learn_seconds_final / training_.learn_seconds, progress);
}

std::vector<std::size_t> Schedule::training_order(int epoch) const {
  std::vector<std::size_t> order(data_.train.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (training_.order == config::Training::Order::shuffled) {
    std::mt19937_64 generator = epoch_generator(seed_, epoch);
    tasks::shuffle(order, generator);
  }
  return order;
}

// Steps inputs and labels to `sample` at `t`; returns when they have settled.
double Schedule::present(std::vector<netlist::Waveform>& signals, const tasks::Sample& sample,
                         double t, EpochPlan& plan) const {
  const double ramped = snap(t + training_.ramp_seconds);
  std::size_t k = 0;
  for (double volts : sample.inputs) signals[k++].ramp_to(t, ramped, volts);
  for (double volts : sample.labels) signals[k++].ramp_to(t, ramped, volts);
  if (symmetric()) signals[learn_signal_ + 1].ramp_to(t, ramped, polarity_normal_);
  plan.corners.insert(plan.corners.end(), {t, ramped});
  return snap(ramped + training_.settle_seconds);
}

// Switches learning on at `t` for `seconds`; returns when it is off again. With desync, each
// edge's own line follows only when that edge's draw for this window says it learns.
double Schedule::learn_window(std::vector<netlist::Waveform>& signals, double t, double seconds,
                              int epoch, std::size_t window, EpochPlan& plan) const {
  const double learning = snap(t + training_.ramp_seconds);
  const double learn_until = snap(learning + seconds);
  const double held = snap(learn_until + training_.ramp_seconds);
  const auto pulse = [&](netlist::Waveform& learn) {
    learn.ramp_to(t, learning, learn_on_);
    learn.ramp_to(learn_until, held, learn_off_);
  };
  pulse(signals[learn_signal_]);
  for (std::size_t edge = 0; edge < edge_learn_lines_; ++edge) {
    if (edge_learns(seed_, training_.desync.fraction, epoch, window, edge)) {
      pulse(signals[learn_signal_ + (holds() ? 3 : 2) + edge]);
    }
  }
  plan.corners.insert(plan.corners.end(), {t, learning, learn_until, held});
  return held;
}

// With training.learn_onset "with_input" learning starts with the step at `step`, while the
// networks still relax; otherwise once they have settled.
double Schedule::learn_start(double step, double settled) const {
  return training_.learn_onset == config::Training::LearnOnset::with_input ? step : settled;
}

// Time multiplexing: ramps the hold line up (the free drops and outputs held, the outputs
// clamped; returns when the clamped network has settled) or down (back to the free state).
double Schedule::hold(std::vector<netlist::Waveform>& signals, double t, bool clamped,
                      EpochPlan& plan) const {
  const double ramped = snap(t + training_.ramp_seconds);
  signals[learn_signal_ + 2].ramp_to(t, ramped, clamped ? hold_on_ : learn_off_);
  plan.corners.insert(plan.corners.end(), {t, ramped});
  return clamped ? snap(ramped + training_.settle_seconds) : ramped;
}

EpochPlan Schedule::append_epoch(int epoch, std::vector<netlist::Waveform>& signals) const {
  EpochPlan plan;
  plan.end = walk_epoch(epoch, epoch_start(epoch), signals, plan);
  return plan;
}

double Schedule::walk_epoch(int epoch, double start, std::vector<netlist::Waveform>& signals,
                            EpochPlan& plan) const {
  plan.epoch = epoch;
  plan.start = start;
  plan.evaluated = evaluated(epoch);
  double t = start;
  if (epoch > 0) {
    // The symmetric nudge splits the window: half with the nudge and polarity normal, then the
    // polarity (and with it the nudge) reversed, the networks settled again, the other half.
    // Time multiplexing splits it again into hold_cycles free/clamped cycles, each learning
    // for its share, so the gates move little while a free drop is held.
    const int cycles = holds() ? training_.hold_cycles : 1;
    const double window = learn_seconds(epoch) / (symmetric() ? 2 : 1) / cycles;
    const std::vector<std::size_t> order = training_order(epoch);
    for (std::size_t position = 0; position < order.size(); ++position) {
      const std::size_t index = order[position];
      plan.presentations.push_back({t, true, Pass::train, index});
      double step = t;
      double settled = present(signals, data_.train[index], t, plan);
      for (int cycle = 0; cycle < cycles; ++cycle) {
        if (cycle > 0) {
          // Free again: polarity back to normal, the network settles before the next sample.
          const double ramped = snap(t + training_.ramp_seconds);
          if (symmetric()) signals[learn_signal_ + 1].ramp_to(t, ramped, polarity_normal_);
          plan.corners.insert(plan.corners.end(), {t, ramped});
          step = t;
          settled = snap(ramped + training_.settle_seconds);
        }
        if (holds()) step = settled = hold(signals, settled, true, plan);
        t = learn_window(signals, learn_start(step, settled), window, epoch, position, plan);
        if (symmetric()) {
          const double reversed = snap(t + training_.ramp_seconds);
          signals[learn_signal_ + 1].ramp_to(t, reversed, polarity_reversed_);
          plan.corners.insert(plan.corners.end(), {t, reversed});
          t = learn_window(signals, learn_start(t, snap(reversed + training_.settle_seconds)),
                           window, epoch, position, plan);
        }
        // Back to the free state: the edges and the controller sample again.
        if (holds()) t = hold(signals, t, false, plan);
      }
    }
  }
  if (plan.evaluated) {
    auto evaluate = [&](Pass pass, const std::vector<tasks::Sample>& samples) {
      for (std::size_t i = 0; i < samples.size(); ++i) {
        plan.presentations.push_back({t, false, pass, i});
        t = present(signals, samples[i], t, plan);
        plan.reads.push_back({t, epoch, pass, i});
      }
    };
    evaluate(Pass::train, data_.train);
    if (!data_.test_is_train) evaluate(Pass::test, data_.test);
  }
  plan.end = t;
  plan.corners.push_back(t);
  std::sort(plan.corners.begin(), plan.corners.end());
  plan.corners.erase(std::unique(plan.corners.begin(), plan.corners.end()), plan.corners.end());
  return t;
}

}  // namespace cllnsim::protocol
