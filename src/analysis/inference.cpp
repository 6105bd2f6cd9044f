#include "analysis/inference.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include "analysis/driven_transient.h"
#include "analysis/settling.h"
#include "netlist/netlist.h"
#include "netlist/waveform.h"

namespace cllnsim::analysis {
namespace {

// Largest time step, per hold: enough points to follow the settling tail between breakpoints.
constexpr double kPointsPerHold = 20.0;

// Where each quantity sits in the observed vectors.
struct Probes {
  std::vector<std::string> names;
  std::vector<std::pair<std::size_t, std::optional<std::size_t>>> outputs;  // plus, minus
  std::vector<std::size_t> source_currents;  // free input sources, then free rails
  std::vector<std::size_t> leak_nodes;       // free nodes with a leak resistor
};

Probes make_probes(const config::Config& config, const network::Network& network) {
  Probes probes;
  auto add = [&](const std::string& name) {
    probes.names.push_back(name);
    return probes.names.size() - 1;
  };
  for (const auto& output : config.network.outputs) {
    const std::size_t plus = add(netlist::free_node(network, network.node_at(output.plus).index));
    std::optional<std::size_t> minus;
    if (output.minus)
      minus = add(netlist::free_node(network, network.node_at(*output.minus).index));
    probes.outputs.emplace_back(plus, minus);
  }
  for (const auto& input : config.network.inputs) {
    probes.source_currents.push_back(add("vin_" + input.name + "_f#branch"));
  }
  for (const auto& rail : config.network.rails) {
    probes.source_currents.push_back(add("vrail_" + rail.name + "_f#branch"));
  }
  for (const auto& node : network.nodes()) {
    using network::Role;
    if (node.role == Role::input || node.role == Role::rail || node.role == Role::ground) continue;
    probes.leak_nodes.push_back(add(netlist::free_node(network, node.index)));
  }
  return probes;
}

}  // namespace

std::vector<std::vector<double>> grid_inputs(int grid, std::array<double, 2> low,
                                             std::array<double, 2> high) {
  std::vector<std::vector<double>> points;
  for (int j = 0; j < grid; ++j) {
    for (int i = 0; i < grid; ++i) {
      const double u = grid > 1 ? static_cast<double>(i) / (grid - 1) : 0.5;
      const double v = grid > 1 ? static_cast<double>(j) / (grid - 1) : 0.5;
      points.push_back({low[0] + u * (high[0] - low[0]), low[1] + v * (high[1] - low[1])});
    }
  }
  return points;
}

InferenceMeasurement measure_inference(const config::Config& config,
                                       const network::Network& network,
                                       const netlist::EdgeDefinition& edge,
                                       const std::vector<double>& gates,
                                       const std::vector<std::vector<double>>& inputs,
                                       std::size_t measured, spice::Session& session) {
  const config::Analysis& analysis = config.analysis;
  const std::size_t input_count = config.network.inputs.size();
  // Signals in netlist::signal_names() order: inputs (stepped), labels (0 V), then every learn
  // line (off) and polarity (normal), all at vss.
  std::vector<netlist::Waveform> signals(input_count + config.network.outputs.size(),
                                         netlist::Waveform(0.0));
  signals.resize(netlist::signal_names(config).size(),
                 netlist::Waveform(config.network.supply.vss));
  std::vector<double> corners, reads;
  double t = analysis.hold_seconds;  // the network first settles with every input at 0 V
  for (const auto& sample : inputs) {
    const double stepped = t + analysis.step_seconds;
    for (std::size_t i = 0; i < input_count; ++i) signals[i].ramp_to(t, stepped, sample[i]);
    corners.insert(corners.end(), {t, stepped});
    t = stepped + analysis.hold_seconds;
    reads.push_back(t);
  }
  corners.insert(corners.end(), reads.begin(), reads.end());
  std::sort(corners.begin(), corners.end());

  const netlist::Netlist netlist = netlist::generate(config, network, edge, gates);
  session.load(netlist.lines);
  const Probes probes = make_probes(config, network);

  InferenceMeasurement result;
  result.measured_inputs = std::min(measured, inputs.size());
  double power_sum = 0.0;
  StepTrace trace;
  std::vector<StepTrace> measured_steps;
  std::size_t next = 0;  // the sample being held
  auto outputs_of = [&](std::span<const double> values) {
    std::vector<double> outputs;
    for (const auto& [plus, minus] : probes.outputs) {
      outputs.push_back(values[plus] - (minus ? values[*minus] : 0.0));
    }
    return outputs;
  };
  auto power_of = [&](double time, std::span<const double> values) {
    double delivered = 0.0;
    for (std::size_t i = 0; i < probes.source_currents.size(); ++i) {
      const double volts =
          i < input_count ? signals[i].at(time) : config.network.rails[i - input_count].volts;
      // ngspice's branch current flows into the source's + terminal.
      delivered -= volts * values[probes.source_currents[i]];
    }
    for (std::size_t node : probes.leak_nodes) {
      delivered -= values[node] * values[node] / config.network.node_leak_ohms;
    }
    return delivered;
  };

  DrivenTransient transient(config, netlist, signals, corners);
  spice::TransientRequest& request = transient.request();
  request.step = analysis.step_seconds;
  request.max_step = analysis.hold_seconds / kPointsPerHold;
  request.stop = t;
  request.observed = probes.names;
  request.on_point = [&](double time, std::span<const double> values) {
    if (next >= reads.size()) return;
    const double step_start = next == 0 ? analysis.hold_seconds : reads[next - 1];
    if (time >= step_start) trace.push_back({time, outputs_of(values)});
    // Reads sit on breakpoints, so an accepted point lands on each (to rounding).
    if (time < reads[next] * (1 - 1e-12)) return;
    result.outputs.push_back(trace.back().outputs);
    if (next < result.measured_inputs) {
      power_sum += power_of(time, values);
      measured_steps.push_back(trace);
    }
    trace.assign(1, trace.back());
    ++next;
  };
  session.run_transient(request);

  const double measured_count =
      static_cast<double>(std::max<std::size_t>(result.measured_inputs, 1));
  result.power_watts = power_sum / measured_count;
  const std::vector<double> full_scale = output_full_scale(measured_steps);
  for (const auto& step : measured_steps) {
    result.settling_seconds = std::max(result.settling_seconds,
                                       settling_time(step, full_scale, analysis.settle_tolerance));
  }
  result.settled_within_hold =
      result.settling_seconds <= analysis.step_seconds + analysis.hold_seconds / 2;
  result.energy_joules = result.power_watts * result.settling_seconds;
  result.energy_per_parameter_joules =
      result.energy_joules / static_cast<double>(network.edges().size());
  return result;
}

}  // namespace cllnsim::analysis
