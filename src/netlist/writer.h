// Internal to src/netlist: the text writer that netlist.cpp (the twin network) and freqprop.cpp
// (one network with a reference sine, training.protocol "frequency_propagation") share, with the
// node names and helpers both use.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "io/csv.h"
#include "netlist/edge_file.h"
#include "netlist/netlist.h"
#include "netlist/noise.h"
#include "netlist/physical.h"
#include "network/network.h"

namespace cllnsim::netlist::detail {

using io::format_number;
using network::Role;

// A nonzero vss rail's output conductance (Norton form, see write_sources): 1 mOhm, 1 nV of rail
// per uA drawn. The current source is V times it (exact for volts with few digits; V / 1e-3 is
// not).
inline constexpr double kSupplySiemens = 1e3;

// The network is simulated with KLU (simulator.solver "klu", or "auto" at its size; resolved
// against the loaded library by protocol::resolve_solver before the netlist is generated).
inline bool uses_klu(const config::Config& config, const network::Network& network) {
  return config.simulator.solver_for(network.edges().size()) == config::Simulator::Solver::klu;
}

// With KLU, vss is no ideal source (write_sources).
inline bool vss_without_source(const config::Config& config, const network::Network& network) {
  return uses_klu(config, network);
}

// The node of the edges' vss port: ground itself when that rail is at 0 V without a source.
inline std::string vss_node(const config::Config& config, const network::Network& network) {
  return vss_without_source(config, network) && config.network.supply.vss == 0 ? "0" : "vss";
}

inline std::string lattice_node(const network::Network& network, int node, char copy) {
  const network::Node& n = network.nodes().at(static_cast<std::size_t>(node));
  if (n.role == Role::ground) return "0";
  if (!n.graph_name.empty()) return std::string(1, copy) + "_" + n.graph_name;
  return std::string(1, copy) + std::to_string(n.at.row) + "_" + std::to_string(n.at.col);
}

inline std::string pos_node(const network::Network& network, const config::NodeRef& at, char copy) {
  return lattice_node(network, network.node_at(at).index, copy);
}

// PWL points, a few pairs per line, as '+' continuation lines: `count` points, point(k) the k-th
// (time, value) pair.
template <typename Point>
inline void append_pwl(std::vector<std::string>& lines, const std::string& head, std::size_t count,
                       const Point& point) {
  constexpr std::size_t kPairsPerLine = 6;
  lines.push_back(head + " pwl(");
  for (std::size_t i = 0; i < count; i += kPairsPerLine) {
    std::string line = "+";
    for (std::size_t k = i; k < std::min(i + kPairsPerLine, count); ++k) {
      const auto [time, value] = point(k);
      line += " " + format_number(time) + " " + format_number(value);
    }
    lines.push_back(line);
  }
  lines.push_back("+ )");
}

inline bool any_noise(const config::Noise& noise) {
  return noise.input_v > 0 || noise.label_v > 0 || noise.edge_a > 0 || noise.learn_a > 0;
}

class Writer {
 public:
  Writer(const config::Config& config, const network::Network& network,
         const std::optional<Replay>& replay)
      : config_(config),
        network_(network),
        replay_(replay),
        draws_(draw_physical(config.physical, network.edges().size())) {}

  Netlist result;

  void comment(const std::string& text) { result.lines.push_back("* " + text); }
  void section(const std::string& text) {
    result.lines.push_back("");
    comment("---- " + text + " ----");
  }
  void line(const std::string& text) { result.lines.push_back(text); }

  // A voltage source from `node` to ground whose value is the driver's signal `signal`.
  // A voltage source from `node` to `reference` (ground unless noise sits under it) whose value
  // is the driver's signal `signal`.
  void driven(const std::string& instance, const std::string& node, std::size_t signal,
              const std::string& reference = "0") {
    const std::string head = instance + " " + node + " " + reference;
    if (replay_) {
      const Waveform& wave = replay_->signals.at(signal);
      append_pwl(result.lines, head, wave.times().size(), [&](std::size_t k) {
        return std::pair{wave.times()[k], wave.values()[k]};
      });
    } else {
      // EXTERNAL with no `dc` value: `dc 0 external` crashes libngspice 39 at `tran`.
      line(head + " external");
    }
    result.driven_sources.push_back({instance, signal});
  }

  // A seeded noise source (netlist/noise.h) from `plus` to `minus`: EXTERNAL, its samples
  // presented by the driver; in a replay, the same samples as PWL points up to the analysis' end.
  void noise(const std::string& instance, const std::string& plus, const std::string& minus,
             double rms) {
    const NoiseSource source{instance, rms};
    const std::string head = instance + " " + plus + " " + minus;
    if (replay_) {
      const double step = config_.physical.noise.step_seconds;
      const NoiseWaveform wave(config_.physical.seed, NoiseRealization::training, source, step);
      const std::uint64_t last = noise_samples_to_cover(replay_end(), step);
      append_pwl(result.lines, head, static_cast<std::size_t>(last + 1), [&](std::size_t k) {
        return std::pair{noise_sample_time(k, step), wave.sample(k)};
      });
    } else {
      line(head + " external");
    }
    result.noise_sources.push_back(source);
  }

  // For physical.noise: a noise voltage source `vnoise_<name>` from ground to a node
  // `noise_<name>`, on which the driven sources of that signal then stand (the same noise for
  // both copies of an input, as one noisy source drives both). Ground when `rms` is 0.
  std::string noise_reference(const std::string& name, double rms) {
    if (rms <= 0) return "0";
    const std::string node = "noise_" + name;
    noise("vnoise_" + name, node, "0", rms);
    return node;
  }

  // The label source of output `k` (`vlabel_<output>`, driven, on its label noise if any);
  // returns its node, "label_<output>".
  std::string label_source(std::size_t k) {
    const std::string& name = config_.network.outputs.at(k).name;
    const std::string label = "label_" + name;
    driven("vlabel_" + name, label, label_signal(k),
           noise_reference(label, config_.physical.noise.label_v));
    return label;
  }

  // The replay's .tran end: noise breakpoints can make the last time point miss `stop` by
  // rounding, failing the measurements, so with noise the analysis runs one step longer.
  double replay_end() const {
    return any_noise(config_.physical.noise) ? replay_->stop + replay_->max_step : replay_->stop;
  }

  // Signals by position, as signal_names() orders them: names may coincide (an input may be
  // called "learn").
  std::size_t input_signal(std::size_t input) const { return input; }
  std::size_t label_signal(std::size_t output) const {
    return config_.network.inputs.size() + output;
  }
  std::size_t learn_signal() const {
    return config_.network.inputs.size() + config_.network.outputs.size();
  }
  std::size_t polarity_signal() const { return learn_signal() + 1; }
  // Under time multiplexing, the hold line (after polarity).
  std::size_t hold_signal() const { return polarity_signal() + 1; }
  // With training.desync, edge `edge`'s own learn line (after polarity and hold).
  std::size_t edge_learn_signal(int edge) const {
    return hold_signal() + (holds() ? 1 : 0) + static_cast<std::size_t>(edge);
  }
  bool holds() const { return config_.training.time_multiplexed(); }
  // The learn node an edge's instance connects to: the global line, or with training.desync
  // its own.
  std::string learn_node(int edge) const {
    return config_.training.per_edge_learn() ? "learn_" + std::to_string(edge) : "learn";
  }

  // The copies of the network: free and clamped ('f', 'c') for the twin protocols, the one
  // network ('f') for frequency propagation and time multiplexing.
  bool twin() const { return !config_.training.one_network(); }
  std::vector<char> copies() const { return twin() ? std::vector{'f', 'c'} : std::vector{'f'}; }

  const config::Config& config_;
  const network::Network& network_;
  const std::optional<Replay>& replay_;
  const PhysicalDraws draws_;
};

// The terminals of edge `edge` in copy `copy` ('f' or 'c') with the physical knobs that change
// them: a damaged edge cut (both on the a end) or shorted (a resistor rshort_E_<copy>), or a wire
// resistor rwire_E_<copy> in series (node wE_<copy>); the resistor lines are written here.
std::pair<std::string, std::string> edge_terminals(Writer& w, const network::Edge& edge, char copy);

// The parameters of edge `edge`'s instance line: network.edge.params (edge_instance_params), then
// its learning offset (physical.learning_offset), each " name=value".
std::string instance_params(const Writer& w, const network::Edge& edge);

// The error an error amplifier amplifies: `error`, or with training.nudge_deadzone_v m > 0 its
// soft hinge e - m tanh(e / m) (about e^3 / 3m^2 inside the zone, e -/+ m beyond it).
std::string shaped_error(const config::Config& config, const std::string& error);

// The edge subcircuit's text, then the per-edge copies of device mismatch (none without it).
void write_edge_definition(Writer& w, const EdgeDefinition& edge);

// training.protocol "frequency_propagation" (freqprop.cpp): the reference sine and the error
// current at the outputs.
void write_feedback_stage(Writer& w);

// training.protocol "time_multiplexed" (time_multiplexed.cpp): the polarity and hold lines, the
// controller's sample-and-hold of the free outputs and its switched clamp.
void write_hold_clamp_stage(Writer& w);

// The edge instances of the one network (frequency propagation, time multiplexing): ports
// fa fb g learn vdd vss, then `ports` (the protocol's global lines, e.g. "ref").
void write_one_network_edges(Writer& w, const EdgeDefinition& edge, const std::string& ports);

}  // namespace cllnsim::netlist::detail
