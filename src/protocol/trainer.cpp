#include "protocol/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <sstream>

#include "core/error.h"
#include "core/notice.h"
#include "protocol/plausibility.h"
#include "protocol/schedule.h"

namespace cllnsim::protocol {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// Training wall-clock time: it starts when this process has loaded its first segment's circuit
// (just before the first time step) and runs on across segments, reloads and checkpoints; a
// resumed run continues from the checkpoint's value. Read when the simulation passes an epoch's
// end, inside the transient, so an epoch is timed when ngspice finished it, not its segment.
class TrainingClock {
 public:
  explicit TrainingClock(double earlier_seconds) : earlier_seconds_(earlier_seconds) {}
  void start() {
    if (!started_) started_ = std::chrono::steady_clock::now();
  }
  double seconds() const {
    if (!started_) return earlier_seconds_;
    return earlier_seconds_ +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - *started_).count();
  }

 private:
  double earlier_seconds_;
  std::optional<std::chrono::steady_clock::time_point> started_;
};

// Two consecutive epochs of the driver's signals: ngspice may evaluate a source just past the
// current epoch's end before the point at the end is reported, so the next one is always ready.
class SignalWindow {
 public:
  // Starts at `first_epoch` with every signal holding its value in `held`.
  SignalWindow(const Schedule& schedule, int first_epoch, const std::vector<double>& held)
      : schedule_(schedule) {
    for (double value : held) current_signals_.emplace_back(value);
    current_ = schedule_.append_epoch(first_epoch, current_signals_);
    prepare_next();
  }

  const EpochPlan& current() const { return current_; }

  // The values the signals hold after the current epoch.
  std::vector<double> held_values() const {
    std::vector<double> held;
    for (const auto& signal : current_signals_) held.push_back(signal.values().back());
    return held;
  }

  double value(std::size_t signal, double time) const {
    const bool in_next = time > current_.end && next_.has_value();
    return (in_next ? next_signals_ : current_signals_)[signal].at(time);
  }

  double next_corner_after(double time) const {
    for (const EpochPlan* plan : {&current_, next_ ? &*next_ : nullptr}) {
      if (!plan) continue;
      auto it = std::upper_bound(plan->corners.begin(), plan->corners.end(), time);
      if (it != plan->corners.end()) return *it;
    }
    return kNever;
  }

  void advance() {
    current_ = std::move(*next_);
    current_signals_ = std::move(next_signals_);
    prepare_next();
  }

 private:
  void prepare_next() {
    next_.reset();
    if (current_.epoch >= schedule_.epochs()) return;
    next_signals_.clear();
    for (const auto& signal : current_signals_) next_signals_.emplace_back(signal.values().back());
    next_ = schedule_.append_epoch(current_.epoch + 1, next_signals_);
  }

  const Schedule& schedule_;
  EpochPlan current_;
  std::vector<netlist::Waveform> current_signals_;
  std::optional<EpochPlan> next_;
  std::vector<netlist::Waveform> next_signals_;
};

// Output O of each config output: V(plus) or V(plus) - V(minus), from observed values.
struct OutputProbe {
  std::size_t plus = 0;
  std::optional<std::size_t> minus;
};

}  // namespace

Metrics score(const tasks::Dataset& data, const std::vector<tasks::Sample>& samples,
              const std::vector<std::vector<double>>& outputs) {
  Metrics metrics;
  double squared = 0.0;
  std::size_t terms = 0, correct = 0;
  for (std::size_t s = 0; s < samples.size(); ++s) {
    for (std::size_t k = 0; k < samples[s].labels.size(); ++k) {
      const double error = outputs[s][k] - samples[s].labels[k];
      squared += error * error;
      ++terms;
    }
    correct += tasks::is_correct(data, outputs[s], samples[s].labels) ? 1 : 0;
  }
  metrics.mse = terms ? squared / static_cast<double>(terms) : 0.0;
  if (data.decision != tasks::Decision::none) {
    metrics.accuracy = static_cast<double>(correct) / static_cast<double>(samples.size());
  }
  return metrics;
}

namespace {

// An epoch's record with its own copies of the gates and train outputs (the record's spans point
// at them), kept until its segment has succeeded.
struct FinishedEpoch {
  EpochRecord record;
  std::vector<double> gates;
  std::vector<std::vector<double>> train_outputs;
};

// One segment of the run: epochs start.epoch + 1 .. last_epoch, from the state `start`.
class Run {
 public:
  Run(const config::Config& config, const network::Network& network, const tasks::Dataset& data,
      const Schedule& schedule, const TrainingClock& clock, const RunState& start, int last_epoch)
      : data_(data),
        schedule_(schedule),
        clock_(clock),
        window_(schedule_, start.epoch + 1, start.signals),
        last_epoch_(last_epoch),
        final_train_(start.train),
        final_test_(start.test) {
    if (start.epoch >= 0) last_train_ = start.train;
    const std::size_t edges = network.edges().size();
    for (std::size_t e = 0; e < edges; ++e) {
      observed_.push_back(netlist::gate_node(static_cast<int>(e)));
    }
    for (const auto& output : config.network.outputs) {
      OutputProbe probe{observed_.size(), std::nullopt};
      observed_.push_back(netlist::free_node(network, network.node_at(output.plus).index));
      if (output.minus) {
        probe.minus = observed_.size();
        observed_.push_back(netlist::free_node(network, network.node_at(*output.minus).index));
      }
      probes_.push_back(probe);
    }
    gates_.resize(edges);
    train_outputs_.assign(data.train.size(), std::vector<double>(probes_.size()));
    test_outputs_.assign(data.test.size(), std::vector<double>(probes_.size()));
  }

  const std::vector<std::string>& observed() const { return observed_; }
  double source_value(std::size_t signal, double time) const { return window_.value(signal, time); }
  double next_corner_after(double time) const { return window_.next_corner_after(time); }
  std::vector<FinishedEpoch>& finished() { return finished_; }

  RunState end_state(const RunState& start, std::size_t time_points) const {
    RunState state = start;
    state.epoch = last_epoch_;
    state.time = window_.current().end;
    state.gates = gates_;
    state.signals = window_.held_values();
    state.train = final_train_;
    state.test = final_test_;
    state.time_points += time_points;
    state.wall_seconds =
        finished_.empty() ? start.wall_seconds : finished_.back().record.wall_seconds;
    return state;
  }

  // Where the run is after its accepted point at `time`: all of Progress but the time points
  // and the wall clock, which are the caller's.
  Progress progress(double time) const {
    const EpochPlan& plan = window_.current();
    const double begin = schedule_.epoch_start(plan.epoch);
    const double length = plan.end - begin;
    const double fraction = length > 0 ? std::clamp((time - begin) / length, 0.0, 1.0) : 1.0;
    Progress progress;
    progress.epochs_done = std::max(0.0, plan.epoch - 1 + fraction);
    progress.epochs = schedule_.epochs();
    progress.time = time;
    progress.stop_time = schedule_.stop_time();
    progress.train = last_train_;
    return progress;
  }

  // Where the simulation was when it failed, e.g. "last accepted time point at simulated time
  // 1.2e-4 s (epoch 3 of 20, learning from training sample 2)".
  std::string position(int epochs) const {
    const EpochPlan& plan = window_.current();
    std::ostringstream text;
    text.precision(9);
    text << "last accepted time point at simulated time " << last_time_ << " s (epoch "
         << plan.epoch << " of " << epochs;
    const Presentation* presenting = nullptr;
    for (const Presentation& presentation : plan.presentations) {
      if (presentation.start <= last_time_) presenting = &presentation;
    }
    if (presenting) {
      const char* set = presenting->pass == Pass::train ? "training" : "test";
      text << (presenting->training ? ", learning from " : ", evaluating ") << set << " sample "
           << presenting->sample;
    }
    text << ")";
    return text.str();
  }

  // The last accepted point may fall a rounding error short of the run's end: record what
  // is still due there with the last values.
  void complete() {
    if (finished_last_epoch_) return;
    const std::vector<double> last = previous_;
    on_point(window_.current().end, last);
  }

  void on_point(double time, std::span<const double> values) {
    last_time_ = time;
    if (previous_.empty()) {
      previous_.assign(values.begin(), values.end());
      previous_time_ = time;
    }
    const EpochPlan& plan = window_.current();
    while (next_read_ < plan.reads.size() && plan.reads[next_read_].time <= time) {
      record_read(plan.reads[next_read_], time, values);
      ++next_read_;
    }
    if (time >= plan.end) finish_epoch(plan, time, values);
    previous_.assign(values.begin(), values.end());
    previous_time_ = time;
  }

 private:
  // The value at `at`, interpolated between the previous accepted point and this one (exact
  // when a breakpoint put a point at `at`, as it does for every read time).
  double value_at(std::size_t index, double at, double time, std::span<const double> values) const {
    if (time <= previous_time_) return values[index];
    const double fraction = (at - previous_time_) / (time - previous_time_);
    return previous_[index] + fraction * (values[index] - previous_[index]);
  }

  void record_read(const Read& read, double time, std::span<const double> values) {
    auto& outputs = read.pass == Pass::train ? train_outputs_ : test_outputs_;
    for (std::size_t k = 0; k < probes_.size(); ++k) {
      double output = value_at(probes_[k].plus, read.time, time, values);
      if (probes_[k].minus) output -= value_at(*probes_[k].minus, read.time, time, values);
      outputs[read.sample][k] = output;
    }
  }

  void finish_epoch(const EpochPlan& plan, double time, std::span<const double> values) {
    for (std::size_t e = 0; e < gates_.size(); ++e) gates_[e] = value_at(e, plan.end, time, values);
    EpochRecord record;
    record.epoch = plan.epoch;
    record.time = plan.end;
    record.wall_seconds = clock_.seconds();
    record.evaluated = plan.evaluated;
    if (plan.evaluated) {
      record.train = score(data_, data_.train, train_outputs_);
      record.test = data_.test_is_train ? record.train : score(data_, data_.test, test_outputs_);
      final_train_ = record.train;
      final_test_ = record.test;
      last_train_ = record.train;
    }
    finished_.push_back(
        {record, gates_, plan.evaluated ? train_outputs_ : std::vector<std::vector<double>>{}});
    next_read_ = 0;
    if (plan.epoch < last_epoch_) {
      window_.advance();
    } else {
      finished_last_epoch_ = true;
    }
  }

  const tasks::Dataset& data_;
  const Schedule& schedule_;
  const TrainingClock& clock_;
  SignalWindow window_;
  int last_epoch_;
  std::vector<FinishedEpoch> finished_;
  double last_time_ = 0.0;
  std::vector<std::string> observed_;
  std::vector<OutputProbe> probes_;
  std::vector<double> previous_;
  double previous_time_ = 0.0;
  std::size_t next_read_ = 0;
  bool finished_last_epoch_ = false;
  std::vector<double> gates_;
  std::vector<std::vector<double>> train_outputs_, test_outputs_;
  Metrics final_train_, final_test_;
  std::optional<Metrics> last_train_;  // for Progress: none before the first evaluation
};

// The node names ngspice's messages point at (`trouble with node "g3"` after a collapsed time
// step, `check node xe1.nf` for a singular matrix), so the user learns where, not only when.
std::vector<std::string> named_nodes(const std::string& messages) {
  std::vector<std::string> nodes;
  for (const std::string marker : {"trouble with node \"", "check node "}) {
    for (std::size_t at = messages.find(marker); at != std::string::npos;
         at = messages.find(marker, at + 1)) {
      std::size_t begin = at + marker.size();
      while (begin < messages.size() && messages[begin] == ' ') ++begin;
      const std::size_t end = messages.find_first_of(" \"\n", begin);
      const std::string node = messages.substr(begin, end - begin);
      if (!node.empty() && std::find(nodes.begin(), nodes.end(), node) == nodes.end()) {
        nodes.push_back(node);
      }
    }
  }
  return nodes;
}

// Simulates one segment from `start` to the end of `last_epoch` in a freshly loaded circuit whose
// gates start at start.gates. ngspice's time 0 is the segment's start; the driver works in run
// time. Throws cllnsim::Error with where the simulation was when it failed.
RunState simulate_segment(const config::Config& config, const network::Network& network,
                          const netlist::EdgeDefinition& edge, const tasks::Dataset& data,
                          const Schedule& schedule, spice::Session& session, TrainingClock& clock,
                          const RunState& start, int last_epoch,
                          std::vector<FinishedEpoch>& finished,
                          const std::function<void(const Progress&)>& on_progress) {
  const netlist::Netlist netlist = netlist::generate(config, network, edge, start.gates);
  session.load(netlist.lines);
  clock.start();
  Run run(config, network, data, schedule, clock, start, last_epoch);
  const double offset = schedule.epoch_start(start.epoch + 1);
  spice::TransientRequest request;
  request.step = config.simulator.max_step;
  request.max_step = config.simulator.max_step;
  request.stop = schedule.epoch_start(last_epoch + 1) - offset;
  request.time_origin = offset;
  // The noise is a function of run time, so every segment (and a resumed run) continues the
  // same realization.
  const netlist::NoiseField noise(config.physical, netlist.noise_sources,
                                  netlist::NoiseRealization::training);
  const std::size_t driven = netlist.driven_sources.size();
  request.external_sources = netlist::external_sources(netlist);
  request.source_value = [&](std::size_t source, double time) {
    return source < driven ? run.source_value(netlist.driven_sources[source].signal, offset + time)
                           : noise.value(source - driven, offset + time);
  };
  const auto next_corner = [&](double time) {
    return std::min(run.next_corner_after(time), noise.next_sample_after(time));
  };
  request.next_breakpoint = [&](double time) {
    // A corner that rounds back onto `time` in segment time is skipped.
    double corner = next_corner(offset + time);
    while (corner - offset <= time) corner = next_corner(corner);
    return corner - offset;
  };
  request.observed = run.observed();
  std::size_t points = 0;
  request.on_point = [&](double time, std::span<const double> values) {
    run.on_point(offset + time, values);
    ++points;
    if (on_progress) {
      Progress progress = run.progress(offset + time);
      progress.time_points = start.time_points + points;
      progress.wall_seconds = clock.seconds();
      on_progress(progress);
    }
  };
  spice::TransientStats stats;
  try {
    stats = session.run_transient(request);
  } catch (const Error& error) {
    std::string where = run.position(schedule.epochs());
    const std::vector<std::string> nodes = named_nodes(error.what());
    if (!nodes.empty()) {
      where += ", at node";
      for (std::size_t i = 0; i < nodes.size(); ++i) where += (i ? ", " : " ") + nodes[i];
    }
    throw Error(error.code(), where + ": " + error.what());
  }
  run.complete();
  RunState end = run.end_state(start, stats.time_points);
  finished = std::move(run.finished());
  const config::Supply& supply = config.network.supply;
  for (const FinishedEpoch& epoch : finished) {
    require_plausible(epoch.record.epoch, epoch.gates, epoch.train_outputs, supply.vss, supply.vdd);
  }
  return end;
}

// The state before epoch 0: initial gates, every signal at its value at t = 0.
RunState start_state(const Schedule& schedule, const std::vector<double>& gates) {
  RunState state;
  state.gates = gates;
  for (const auto& signal : schedule.initial_signals()) {
    state.signals.push_back(signal.values().back());
  }
  return state;
}

}  // namespace

std::vector<double> initial_gates(const config::Config& config, std::size_t edges) {
  const config::InitialGates& spec = config.network.initial_gates;
  if (spec.kind == config::InitialGates::Kind::constant) {
    return std::vector<double>(edges, spec.volts);
  }
  std::seed_seq sequence{static_cast<std::uint32_t>(config.seed),
                         static_cast<std::uint32_t>(config.seed >> 32), 0x67617465U /* "gate" */};
  std::mt19937_64 generator(sequence);
  std::vector<double> gates(edges);
  for (double& gate : gates) {
    // 53 random bits to a double in [0, 1), the same on every standard library.
    const double unit = static_cast<double>(generator() >> 11) * 0x1.0p-53;
    gate = spec.low + unit * (spec.high - spec.low);
  }
  return gates;
}

netlist::Replay replay_signals(const config::Config& config, const tasks::Dataset& data) {
  const Schedule schedule(config, data);
  netlist::Replay replay;
  replay.signals = schedule.initial_signals();
  for (int epoch = 0; epoch <= schedule.epochs(); ++epoch) {
    schedule.append_epoch(epoch, replay.signals);
  }
  replay.stop = schedule.stop_time();
  replay.max_step = config.simulator.max_step;
  return replay;
}

void with_one_retry(const config::Config& config, const std::string& what,
                    std::vector<std::string>& retries,
                    const std::function<void(const config::Config&)>& attempt) {
  try {
    attempt(config);
    return;
  } catch (const Error& error) {
    if (config.simulator.retry_options.empty() || error.code() != ExitCode::simulation_failed) {
      throw;
    }
    config::Config relaxed = config;
    std::string options;
    for (const auto& [name, value] : config.simulator.retry_options) {
      relaxed.simulator.options[name] = value;
      options += " " + name + "=" + value;
    }
    notice("cllnsim: simulation failed; retrying " + what + " once with" + options + "\n" +
           error.what());
    retries.push_back(what + " retried with" + options + " after: " + error.what());
    try {
      attempt(relaxed);
    } catch (const Error& second) {
      throw Error(second.code(), std::string(second.what()) +
                                     "\n(the retry with simulator.retry_options" + options +
                                     " failed too)");
    }
  }
}

std::vector<EpochEnd> simulate_epochs(const config::Config& config, const network::Network& network,
                                      const netlist::EdgeDefinition& edge,
                                      const tasks::Dataset& data, spice::Session& session,
                                      const std::vector<double>& gates, int last_epoch) {
  const Schedule schedule(config, data);
  TrainingClock clock(0.0);
  std::vector<FinishedEpoch> finished;
  std::vector<std::string> retries;
  with_one_retry(config, "a gradient-check measurement", retries, [&](const config::Config& c) {
    simulate_segment(c, network, edge, data, schedule, session, clock, start_state(schedule, gates),
                     last_epoch, finished, {});
  });
  std::vector<EpochEnd> ends;
  for (FinishedEpoch& epoch : finished) ends.push_back({epoch.gates, epoch.record.train});
  return ends;
}

TrainingSummary train(const config::Config& config, const network::Network& network,
                      const netlist::EdgeDefinition& edge, const tasks::Dataset& data,
                      spice::Session& session,
                      const std::function<void(const EpochRecord&)>& on_epoch,
                      const std::function<void(const std::vector<std::string>&)>& on_netlist,
                      const std::optional<RunState>& resume_from,
                      const std::function<void(const RunState&)>& on_checkpoint,
                      const std::function<void(const Progress&)>& on_progress) {
  TrainingSummary summary;
  summary.initial_gates = initial_gates(config, network.edges().size());
  if (on_netlist) {
    on_netlist(netlist::generate(config, network, edge, summary.initial_gates).lines);
  }
  const Schedule schedule(config, data);
  RunState state = resume_from ? *resume_from : start_state(schedule, summary.initial_gates);
  TrainingClock clock(state.wall_seconds);
  const int every = config.checkpoint.every_epochs;
  const std::vector<int>& checks = config.analysis.gradient_check.epochs;
  const auto check_here = [&](const RunState& at) {
    if (std::find(checks.begin(), checks.end(), at.epoch) == checks.end()) return;
    summary.gradient_checks.push_back(
        check_gradient(config, network, edge, data, session, at.gates, at.epoch));
  };
  bool simulated = false;
  while (state.epoch < schedule.epochs()) {
    // The next multiple of `every` (epoch 0, a short evaluation, joins the first segment).
    int last_epoch =
        std::min(schedule.epochs(), std::max(every, (state.epoch + every) / every * every));
    for (int check : checks) {
      if (check > state.epoch && check < last_epoch) last_epoch = check;
    }
    std::vector<FinishedEpoch> finished;
    const std::string epochs =
        "epochs " + std::to_string(state.epoch + 1) + "-" + std::to_string(last_epoch);
    RunState next;
    with_one_retry(config, epochs, state.retries, [&](const config::Config& attempt_config) {
      next = simulate_segment(attempt_config, network, edge, data, schedule, session, clock, state,
                              last_epoch, finished, on_progress);
    });
    state = std::move(next);
    simulated = true;
    for (FinishedEpoch& epoch : finished) {
      epoch.record.gates = epoch.gates;
      epoch.record.train_outputs = epoch.train_outputs;
      if (on_epoch) on_epoch(epoch.record);
    }
    if (on_checkpoint) on_checkpoint(state);
    if (state.epoch < schedule.epochs()) check_here(state);
  }

  summary.train = state.train;
  summary.test = state.test;
  summary.epochs = config.training.epochs;
  summary.simulated_seconds = state.time;
  summary.time_points = state.time_points;
  summary.final_gates = state.gates;
  summary.retries = state.retries;
  // The last segment's circuit is still loaded: read each edge's free conductance there.
  if (simulated && !netlist::free_conductance_expression(edge, 0).empty()) {
    for (std::size_t e = 0; e < network.edges().size(); ++e) {
      summary.conductances.push_back(
          session.evaluate(netlist::free_conductance_expression(edge, static_cast<int>(e))));
    }
  }
  // After the conductances: the check loads circuits of its own.
  if (simulated) check_here(state);
  return summary;
}

}  // namespace cllnsim::protocol
