#include "protocol/trainer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>

#include "core/error.h"
#include "protocol/schedule.h"

namespace cllnsim::protocol {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// Two consecutive epochs of the driver's signals: ngspice may evaluate a source just past the
// current epoch's end before the point at the end is reported, so the next one is always ready.
class SignalWindow {
 public:
  explicit SignalWindow(const Schedule& schedule)
      : schedule_(schedule), current_signals_(schedule.initial_signals()) {
    current_ = schedule_.append_epoch(0, current_signals_);
    prepare_next();
  }

  const EpochPlan& current() const { return current_; }

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

class Run {
 public:
  Run(const config::Config& config, const network::Network& network, const tasks::Dataset& data,
      const std::function<void(const EpochRecord&)>& on_epoch)
      : data_(data), schedule_(config, data), window_(schedule_), on_epoch_(on_epoch) {
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
  const std::vector<double>& gates() const { return gates_; }
  double stop_time() const { return schedule_.stop_time(); }
  int current_epoch() const { return window_.current().epoch; }
  const Metrics& final_train() const { return final_train_; }
  const Metrics& final_test() const { return final_test_; }

  // The last accepted point may fall a rounding error short of the run's end: record what
  // is still due there with the last values.
  void complete() {
    if (finished_last_epoch_) return;
    const std::vector<double> last = previous_;
    on_point(window_.current().end, last);
  }

  void on_point(double time, std::span<const double> values) {
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
    record.evaluated = plan.evaluated;
    if (plan.evaluated) {
      record.train = score(data_, data_.train, train_outputs_);
      record.test = data_.test_is_train ? record.train : score(data_, data_.test, test_outputs_);
      record.train_outputs = train_outputs_;
      final_train_ = record.train;
      final_test_ = record.test;
    }
    record.gates = gates_;
    if (on_epoch_) on_epoch_(record);
    next_read_ = 0;
    if (plan.epoch < schedule_.epochs()) {
      window_.advance();
    } else {
      finished_last_epoch_ = true;
    }
  }

  const tasks::Dataset& data_;
  Schedule schedule_;
  SignalWindow window_;
  const std::function<void(const EpochRecord&)>& on_epoch_;
  std::vector<std::string> observed_;
  std::vector<OutputProbe> probes_;
  std::vector<double> previous_;
  double previous_time_ = 0.0;
  std::size_t next_read_ = 0;
  bool finished_last_epoch_ = false;
  std::vector<double> gates_;
  std::vector<std::vector<double>> train_outputs_, test_outputs_;
  Metrics final_train_, final_test_;
};

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

TrainingSummary train(const config::Config& config, const network::Network& network,
                      const netlist::EdgeDefinition& edge, const tasks::Dataset& data,
                      spice::Session& session,
                      const std::function<void(const EpochRecord&)>& on_epoch,
                      const std::function<void(const std::vector<std::string>&)>& on_netlist) {
  TrainingSummary summary;
  summary.initial_gates = initial_gates(config, network.edges().size());
  const netlist::Netlist netlist = netlist::generate(config, network, edge, summary.initial_gates);
  if (on_netlist) on_netlist(netlist.lines);
  session.load(netlist.lines);

  Run run(config, network, data, on_epoch);
  spice::TransientRequest request;
  request.step = config.simulator.max_step;
  request.max_step = config.simulator.max_step;
  request.stop = run.stop_time();
  for (const auto& source : netlist.driven_sources) {
    request.external_sources.push_back(source.instance);
  }
  request.source_value = [&](std::size_t source, double time) {
    return run.source_value(netlist.driven_sources[source].signal, time);
  };
  request.next_breakpoint = [&](double time) { return run.next_corner_after(time); };
  request.observed = run.observed();
  request.on_point = [&](double time, std::span<const double> values) {
    run.on_point(time, values);
  };
  spice::TransientStats stats;
  try {
    stats = session.run_transient(request);
  } catch (const Error& error) {
    // Say where in the training the circuit failed, not only when.
    throw Error(error.code(), "during epoch " + std::to_string(run.current_epoch()) + " of " +
                                  std::to_string(config.training.epochs) + ": " + error.what());
  }
  run.complete();

  summary.train = run.final_train();
  summary.test = run.final_test();
  summary.epochs = config.training.epochs;
  summary.simulated_seconds = stats.end_time;
  summary.time_points = stats.time_points;
  summary.final_gates = run.gates();
  if (!edge.free_transistor.empty()) {
    for (std::size_t e = 0; e < network.edges().size(); ++e) {
      summary.conductances.push_back(session.evaluate(
          "@" + edge.free_transistor.substr(0, 1) + "." +
          netlist::edge_instance(static_cast<int>(e)) + "." + edge.free_transistor + "[gds]"));
    }
  }
  return summary;
}

}  // namespace cllnsim::protocol
