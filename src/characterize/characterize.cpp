#include "characterize/characterize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "characterize/bench_netlist.h"
#include "core/error.h"
#include "core/version.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/json_file.h"
#include "netlist/spice_words.h"

namespace cllnsim::characterize {
namespace {

using nlohmann::json;

// The gate of every bench copy, interpolated at two times: the start and end of the window.
class WindowRecorder {
 public:
  WindowRecorder(std::size_t copies, double start, double end)
      : start_(start), end_(end), at_start_(copies, NAN), at_end_(copies, NAN) {}

  void on_point(double time, std::span<const double> values) {
    capture(start_, at_start_, time, values);
    capture(end_, at_end_, time, values);
    previous_time_ = time;
    previous_.assign(values.begin(), values.end());
  }

  std::vector<double> rates() const {
    std::vector<double> rates(at_start_.size());
    for (std::size_t i = 0; i < rates.size(); ++i) {
      rates[i] = (at_end_[i] - at_start_[i]) / (end_ - start_);
    }
    return rates;
  }

 private:
  void capture(double wanted, std::vector<double>& into, double time,
               std::span<const double> values) const {
    // The first point (t = 0) is taken as it is: a window may start there.
    if (previous_.empty()) {
      if (wanted <= time) into.assign(values.begin(), values.end());
      return;
    }
    if (!(previous_time_ < wanted && wanted <= time * (1 + 1e-12))) return;
    const double fraction =
        time > previous_time_ ? (wanted - previous_time_) / (time - previous_time_) : 1.0;
    for (std::size_t i = 0; i < into.size(); ++i) {
      into[i] = previous_[i] + std::min(fraction, 1.0) * (values[i] - previous_[i]);
    }
  }

  double start_, end_;
  double previous_time_ = 0.0;
  std::vector<double> previous_;
  std::vector<double> at_start_, at_end_;
};

// A measurement window: dVg/dt between `start` and `start + length`.
struct Window {
  double start = 0.0;
  double length = 0.0;
  double max_step = 0.0;
};

// dVg/dt of every copy in one netlist.
std::vector<double> measure_rates(spice::Session& session, const std::vector<std::string>& lines,
                                  std::size_t copies, const Window& window,
                                  std::size_t& time_points) {
  session.load(lines);
  const double start = window.start;
  const double end = start + window.length;
  WindowRecorder recorder(copies, start, end);
  spice::TransientRequest request;
  request.step = request.max_step = window.max_step;
  request.stop = end;
  for (std::size_t i = 0; i < copies; ++i) request.observed.push_back(bench_gate_node(i));
  request.next_breakpoint = [start, end](double time) { return time < start ? start : end; };
  request.on_point = [&](double time, std::span<const double> values) {
    recorder.on_point(time, values);
  };
  time_points += session.run_transient(request).time_points;
  return recorder.rates();
}

json fit_json(const RuleFit& fit) {
  return {{"gain_volts_per_second_per_v2", fit.gain},
          {"offset_volts_per_second", fit.offset},
          {"points", fit.points}};
}

json groups_json(const std::vector<GroupFit>& groups, const char* key) {
  json list = json::array();
  for (const auto& g : groups) {
    json entry = fit_json(g.fit);
    entry[key] = g.value;
    entry["max_abs_droop_volts_per_second"] = g.max_abs_droop;
    list.push_back(entry);
  }
  return list;
}

// JSON has no infinity: an undefined ratio (zero gain) is written as null.
json finite_or_null(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

}  // namespace

bool Characterization::meets_spec() const {
  for (const auto& item : spec) {
    if (!item.met) return false;
  }
  return true;
}

netlist::EdgeDefinition load_edge(const BenchConfig& config) {
  netlist::EdgeDefinition edge = netlist::read_edge_file(config.edge.file, config.edge.subckt);
  // The bench holds a twin edge's free and clamped drops; a one-network edge has no clamped
  // side (frequency propagation's rule is checked by tests/integration/freqprop_edge_test.cpp,
  // the time-multiplexed edge's step against the twin's by time_multiplexed_run_test.cpp).
  if (edge.interface != netlist::EdgeInterface::twin) {
    const bool freqprop = edge.interface == netlist::EdgeInterface::frequency_propagation;
    throw input_error(config.source_file.string() + ": at edge.subckt: '" + config.edge.subckt +
                      "' in " + config.edge.file.string() + " is a " +
                      (freqprop ? "frequency-propagation" : "time-multiplexed") + " edge (ports " +
                      netlist::joined(freqprop ? netlist::kFreqpropEdgePorts
                                               : netlist::kTimeMultiplexedEdgePorts) +
                      "); characterize measures twin edges (ports fa fb ca cb g learn vdd vss)");
  }
  netlist::check_edge_params(edge, config.edge.params,
                             config.source_file.string() + ": at edge.params");
  return edge;
}

Characterization characterize(const BenchConfig& config, const netlist::EdgeDefinition& edge,
                              spice::Session& session,
                              const std::function<void(std::size_t, std::size_t)>& on_progress) {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<BenchPoint> points = grid_points(config.grid);
  const auto batch = static_cast<std::size_t>(config.simulator.points_per_netlist);
  const std::size_t batches = (points.size() + batch - 1) / batch;
  // The droop is orders of magnitude slower than learning: a longer window, larger steps.
  const Window learning{config.timing.settle_seconds, config.timing.measure_seconds,
                        config.simulator.max_step};
  const Window holding{config.timing.settle_seconds, config.timing.droop_seconds,
                       std::max(config.simulator.max_step, config.timing.droop_seconds / 20)};
  Characterization result;
  result.ngspice_version = session.library_info().version;
  for (std::size_t first = 0; first < points.size(); first += batch) {
    const std::vector<BenchPoint> part(points.begin() + first,
                                       points.begin() + std::min(first + batch, points.size()));
    const auto rates = measure_rates(session, bench_netlist(config, edge, part, Learn::on),
                                     part.size(), learning, result.time_points);
    const auto droops = measure_rates(session, bench_netlist(config, edge, part, Learn::off),
                                      part.size(), holding, result.time_points);
    for (std::size_t i = 0; i < part.size(); ++i) {
      result.measurements.push_back({part[i], rates[i], droops[i]});
    }
    result.transients += 2;
    if (on_progress) on_progress(first / batch + 1, batches);
  }
  result.summary = summarize(result.measurements, config.sign_threshold_v2);
  const PulseTimes times = pulse_times(config.timing);
  const Window whole_pulse{times.rise_start / 2, times.stop - times.rise_start / 2,
                           config.simulator.max_step};
  std::vector<BenchPoint> balanced;  // |dV_F| = |dV_C|: zero contrast
  std::vector<double> steady_rates;  // their rates with learning held on
  for (const PointMeasurement& m : result.measurements) {
    const BenchPoint& p = m.point;
    if (std::abs(std::abs(p.free_drop) - std::abs(p.clamped_drop)) < 1e-12) {
      balanced.push_back(p);
      steady_rates.push_back(m.rate);
    }
  }
  std::vector<PulseMeasurement> pulses;
  for (std::size_t first = 0; first < balanced.size(); first += batch) {
    const std::vector<BenchPoint> part(balanced.begin() + first,
                                       balanced.begin() + std::min(first + batch, balanced.size()));
    const auto rates = measure_rates(session, bench_netlist(config, edge, part, Learn::pulse),
                                     part.size(), whole_pulse, result.time_points);
    for (std::size_t i = 0; i < part.size(); ++i) {
      pulses.push_back({part[i], rates[i] * whole_pulse.length, steady_rates[first + i]});
    }
    ++result.transients;
  }
  add_pulses(result.summary, pulses, times.fall_start - times.rise_start);
  result.spec = check_spec(config.spec, result.summary);
  result.findings = diagnose(result.summary);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

void write_characterization(const std::filesystem::path& out, const BenchConfig& config,
                            const Characterization& result) {
  io::ensure_directory(out);
  const RuleMapSummary& s = result.summary;
  io::CsvTable table({"free_drop", "clamped_drop", "common_mode", "gate", "contrast_v2",
                      "rate_volts_per_second", "ideal_rate_volts_per_second",
                      "difference_volts_per_second", "droop_volts_per_second"});
  for (const auto& m : result.measurements) {
    const double ideal = ideal_rule_reference(s, m.point);
    table.add_row({io::format_number(m.point.free_drop), io::format_number(m.point.clamped_drop),
                   io::format_number(m.point.common_mode), io::format_number(m.point.gate),
                   io::format_number(m.point.contrast()), io::format_number(m.rate),
                   io::format_number(ideal), io::format_number(m.rate - ideal),
                   io::format_number(m.droop)});
  }
  io::write_file_atomically(out / "rule_map.csv", table.text());

  json spec = json::array();
  for (const auto& item : result.spec) {
    spec.push_back({{"item", item.item},
                    {"limit", item.limit},
                    {"measured", finite_or_null(item.measured)},
                    {"met", item.met},
                    {"why", item.met ? "" : item.why}});
  }
  json report = {
      {"name", config.name},
      {"edge",
       {{"file", config.edge.file.string()},
        {"subckt", config.edge.subckt},
        {"params", config.edge.params}}},
      {"config", config.resolved},
      {"points", result.measurements.size()},
      {"rule",
       {{"reference", "ideal coupled learning: rate = gain * (dV_F^2 - dV_C^2)"},
        {"fit", fit_json(s.fit)},
        {"offset_v2", finite_or_null(s.offset_v2)},
        {"relative_rms_residual", finite_or_null(s.relative_rms_residual)},
        {"sign_threshold_v2", s.sign_threshold_v2},
        {"sign_points", s.sign_points},
        {"sign_agreement", s.sign_agreement},
        {"dead_zone_v2", s.dead_zone_v2},
        {"charge_gain_volts_per_second_per_v2", s.charge_gain},
        {"discharge_gain_volts_per_second_per_v2", s.discharge_gain},
        {"asymmetry", finite_or_null(s.asymmetry)},
        {"common_mode_gain_spread", s.common_mode_gain_spread},
        {"gate_gain_spread", s.gate_gain_spread}}},
      {"by_common_mode", groups_json(s.by_common_mode, "common_mode_volts")},
      {"by_gate", groups_json(s.by_gate, "gate_volts")},
      {"droop",
       {{"max_abs_volts_per_second", s.max_abs_droop}, {"mean_volts_per_second", s.mean_droop}}},
      {"learn_pulse",
       {{"points", s.pulse.points},
        {"learn_seconds", s.pulse.learn_seconds},
        {"max_abs_gate_step_volts", s.pulse.max_abs_step},
        {"mean_gate_step_volts", s.pulse.mean_step},
        {"switching_gate_step_volts", s.pulse.switching_step},
        {"equivalent_offset_v2", s.pulse.equivalent_offset_v2}}},
      {"findings", result.findings},
      {"spec", {{"checked", !result.spec.empty()}, {"met", result.meets_spec()}, {"items", spec}}},
      {"transients", result.transients},
      {"time_points", result.time_points},
      {"wall_seconds", result.wall_seconds},
      {"versions", {{"cllnsim", CLLNSIM_VERSION}, {"libngspice", result.ngspice_version}}}};
  io::write_json_atomically(out / "report.json", report);
}

}  // namespace cllnsim::characterize
