#include "analysis/time_scales.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "analysis/driven_transient.h"
#include "netlist/netlist.h"
#include "netlist/waveform.h"

namespace cllnsim::analysis {
namespace {

constexpr int kMaxSteps = 4;                 // input steps whose relaxation is measured
constexpr double kHoldPerTau = 20.0;         // a hold must last this many relaxation times ...
constexpr double kPointsPerHold = 400.0;     // ... and is resolved by this many time steps
constexpr int kPointsPerWindow = 20;         // time points in the learning window measured
constexpr double kSignificantChange = 0.05;  // of the largest node change in a step
// A nominal network resistance for the first guess of the hold (refined from the measurement).
constexpr double kNominalOhms = 1e4;

// The nodes that relax: every node of both copies that no source holds.
std::vector<std::string> relaxing_nodes(const network::Network& network) {
  std::vector<std::string> names;
  for (const auto& node : network.nodes()) {
    using network::Role;
    if (node.role == Role::input || node.role == Role::rail || node.role == Role::ground) continue;
    names.push_back(netlist::free_node(network, node.index));
    names.push_back(netlist::clamped_node(network, node.index));
  }
  return names;
}

struct Trace {
  std::vector<double> times;
  std::vector<std::vector<double>> values;  // per observed vector, per time
};

// Inputs and labels stepped through the first training samples, each held `hold`; learning off
// until `learn_from`, then on (every learn line) after a ramp of training.ramp_seconds.
struct ProbeSchedule {
  std::vector<netlist::Waveform> signals;
  std::vector<double> corners;
  std::vector<double> step_starts;
  double learn_from = 0.0;
};

ProbeSchedule probe_schedule(const config::Config& config,
                             const std::vector<tasks::Sample>& samples, double hold, double step) {
  const std::size_t inputs = config.network.inputs.size();
  const std::size_t labels = config.network.outputs.size();
  const double vss = config.network.supply.vss;
  ProbeSchedule probe;
  probe.signals.assign(inputs + labels, netlist::Waveform(0.0));
  probe.signals.resize(netlist::signal_names(config).size(), netlist::Waveform(vss));
  double t = hold;  // the networks first settle with inputs and labels at 0 V
  for (const tasks::Sample& sample : samples) {
    const double stepped = t + step;
    std::size_t signal = 0;
    for (double volts : sample.inputs) probe.signals[signal++].ramp_to(t, stepped, volts);
    for (double volts : sample.labels) probe.signals[signal++].ramp_to(t, stepped, volts);
    probe.corners.insert(probe.corners.end(), {t, stepped});
    probe.step_starts.push_back(t);
    t = stepped + hold;
  }
  probe.learn_from = t;
  const double learning = t + config.training.ramp_seconds;
  // The global learn line, then (after polarity, left normal) any per-edge learn lines.
  for (std::size_t s = inputs + labels; s < probe.signals.size(); ++s) {
    if (s != inputs + labels + 1) probe.signals[s].ramp_to(t, learning, config.network.supply.vdd);
  }
  probe.corners.insert(probe.corners.end(), {t, learning});
  return probe;
}

Trace run_probe(const config::Config& config, const network::Network& network,
                const netlist::EdgeDefinition& edge, const std::vector<double>& gates,
                const ProbeSchedule& probe, const std::vector<std::string>& observed, double stop,
                double max_step, spice::Session& session) {
  const netlist::Netlist netlist = netlist::generate(config, network, edge, gates);
  session.load(netlist.lines);
  Trace trace;
  trace.values.resize(observed.size());
  DrivenTransient transient(config, netlist, probe.signals, probe.corners);
  spice::TransientRequest& request = transient.request();
  request.step = max_step;
  request.max_step = max_step;
  request.stop = stop;
  request.observed = observed;
  request.on_point = [&](double time, std::span<const double> values) {
    trace.times.push_back(time);
    for (std::size_t i = 0; i < values.size(); ++i) trace.values[i].push_back(values[i]);
  };
  session.run_transient(request);
  return trace;
}

// The relaxation time of the step starting at `start`: its slowest node that moves
// significantly, from the last point before the step to `end`.
double step_relaxation(const Trace& trace, double start, double end) {
  const auto begin = trace.times.begin();
  const auto from =
      static_cast<std::size_t>(std::lower_bound(begin, trace.times.end(), start) - begin);
  const auto to = static_cast<std::size_t>(
      std::upper_bound(begin, trace.times.end(), end * (1 + 1e-12)) - begin);
  if (from == 0 || to <= from + 1) return 0.0;
  const auto range = [from, to](const std::vector<double>& all) {
    return std::vector<double>(all.begin() + static_cast<std::ptrdiff_t>(from - 1),
                               all.begin() + static_cast<std::ptrdiff_t>(to));
  };
  const std::vector<double> times = range(trace.times);
  double largest = 0.0;
  for (const auto& values : trace.values) {
    largest = std::max(largest, std::abs(values[to - 1] - values[from - 1]));
  }
  double slowest = 0.0;
  if (largest <= 1e-6) return slowest;  // nothing moved (a step between equal samples)
  for (const auto& values : trace.values) {
    if (std::abs(values[to - 1] - values[from - 1]) < kSignificantChange * largest) continue;
    slowest = std::max(slowest, one_over_e_time(times, range(values), start));
  }
  return slowest;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

std::vector<double> free_conductances(const netlist::EdgeDefinition& edge, std::size_t edges,
                                      spice::Session& session) {
  std::vector<double> conductances;
  for (std::size_t e = 0; e < edges; ++e) {
    conductances.push_back(
        session.evaluate(netlist::free_conductance_expression(edge, static_cast<int>(e))));
  }
  return conductances;
}

}  // namespace

double one_over_e_time(const std::vector<double>& times, const std::vector<double>& values,
                       double start) {
  if (times.size() < 2) return 0.0;
  const double end = values.back();
  const double band = std::abs(end - values.front()) / std::numbers::e;
  // Scan back from the end for the last sample outside the band; interpolate the crossing.
  for (std::size_t i = times.size() - 1; i-- > 0;) {
    const double outside = std::abs(values[i] - end);
    if (outside <= band) continue;
    const double inside = std::abs(values[i + 1] - end);
    const double fraction = (outside - band) / std::max(outside - inside, 1e-300);
    return std::max(0.0, times[i] + fraction * (times[i + 1] - times[i]) - start);
  }
  return 0.0;
}

bool measures_time_scales(const config::Config& config, const netlist::EdgeDefinition& edge) {
  return config.training.learn_onset == config::Training::LearnOnset::with_input &&
         !edge.free_transistor.empty();
}

TimeScales measure_time_scales(const config::Config& config, const network::Network& network,
                               const netlist::EdgeDefinition& edge,
                               const std::vector<double>& gates, const tasks::Dataset& data,
                               spice::Session& session) {
  TimeScales scales;
  const std::vector<std::string> nodes = relaxing_nodes(network);
  const std::vector<tasks::Sample> samples(
      data.train.begin(), data.train.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                                   kMaxSteps, data.train.size())));
  // Relaxation: hold each step long enough to see its whole tail, and resolve it finely: measure
  // again with the hold fitted to the relaxation time found, until they agree.
  const double shortest_hold = kPointsPerHold * config.analysis.step_seconds;
  double hold =
      std::max(shortest_hold, 2 * kHoldPerTau * config.physical.node_capacitance_f * kNominalOhms);
  for (int attempt = 0; attempt < 5; ++attempt) {
    const double step = hold / kPointsPerHold;
    const ProbeSchedule probe = probe_schedule(config, samples, hold, step);
    const Trace trace =
        run_probe(config, network, edge, gates, probe, nodes, probe.learn_from, step, session);
    scales.relaxation_seconds = 0.0;
    for (double start : probe.step_starts) {
      scales.relaxation_seconds =
          std::max(scales.relaxation_seconds, step_relaxation(trace, start, start + step + hold));
    }
    scales.steps_measured = static_cast<int>(probe.step_starts.size());
    scales.hold_seconds = hold;
    const double fitted = std::max(shortest_hold, 2 * kHoldPerTau * scales.relaxation_seconds);
    if (hold >= fitted / 2 && hold <= fitted * 2) break;
    hold = fitted;
  }

  // Learning, for each of the samples in turn: the networks settled there, learning on; the
  // conductances once the learn line has ramped up, and a tenth of a first-epoch learning window
  // (half of it for the symmetric nudge) later. The rates are averaged over the samples.
  const bool symmetric = config.training.nudge == config::Training::Nudge::symmetric;
  const double window = config.training.learn_seconds / (symmetric ? 2 : 1) / 10;
  const double step = scales.hold_seconds / kPointsPerHold;
  std::vector<std::string> gate_nodes;
  for (std::size_t e = 0; e < network.edges().size(); ++e) {
    gate_nodes.push_back(netlist::gate_node(static_cast<int>(e)));
  }
  for (const tasks::Sample& sample : samples) {
    ProbeSchedule probe = probe_schedule(config, {sample}, scales.hold_seconds, step);
    const double learning = probe.learn_from + config.training.ramp_seconds;
    // Breakpoints resolve the learning window finely; the hold before it keeps its coarse step.
    for (int k = 1; k <= kPointsPerWindow; ++k) {
      probe.corners.push_back(learning + window * k / kPointsPerWindow);
    }
    const Trace before =
        run_probe(config, network, edge, gates, probe, gate_nodes, learning, step, session);
    const std::vector<double> g_before = free_conductances(edge, gate_nodes.size(), session);
    const Trace after = run_probe(config, network, edge, gates, probe, gate_nodes,
                                  learning + window, step, session);
    const std::vector<double> g_after = free_conductances(edge, gate_nodes.size(), session);
    std::vector<double> rates;
    for (std::size_t e = 0; e < gate_nodes.size(); ++e) {
      const double slew = std::abs(after.values[e].back() - before.values[e].back()) / window;
      scales.gate_slew_max_volts_per_second = std::max(scales.gate_slew_max_volts_per_second, slew);
      if (g_before[e] <= 0 || g_after[e] <= 0) continue;  // an edge switched off: no rate
      rates.push_back(std::abs(std::log(g_after[e] / g_before[e])) / window);
    }
    if (rates.empty()) continue;
    const double count = static_cast<double>(samples.size());
    scales.learning_rate_max_per_second += *std::max_element(rates.begin(), rates.end()) / count;
    scales.learning_rate_median_per_second += median(rates) / count;
  }
  scales.learning_window_seconds = window;
  scales.ratio = scales.relaxation_seconds * scales.learning_rate_median_per_second;
  scales.ratio_fastest_edge = scales.relaxation_seconds * scales.learning_rate_max_per_second;
  return scales;
}

}  // namespace cllnsim::analysis
