#include "quasistatic_network.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "netlist/netlist.h"
#include "netlist/physical.h"
#include "netlist/spice_words.h"

namespace cllnsim::bench {

using cllnsim::input_error;
using cllnsim::io::format_number;
using cllnsim::network::Role;

namespace {

// Open and closed resistance of the switch that clamps an output node to its nudged value.
constexpr double kClampOpenOhms = 1e12;
constexpr double kClampClosedOhms = 1e-3;

Options parse_options(int argc, char** argv, const std::string& usage,
                      const std::vector<std::string>& own_flags) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool own = std::find(own_flags.begin(), own_flags.end(), arg) != own_flags.end();
    if ((arg == "--set" || arg == "--out" || own) && i + 1 >= argc) {
      throw input_error(arg + " needs a value (" + usage + ")");
    }
    if (arg == "--set") {
      const std::string setting = argv[++i];
      const auto equals = setting.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw input_error("--set " + setting + ": expected PATH=VALUE");
      }
      options.overrides.push_back({setting.substr(0, equals), setting.substr(equals + 1)});
    } else if (arg == "--out") {
      options.out = argv[++i];
    } else if (own) {
      options.flags[arg] = argv[++i];
    } else if (options.config.empty() && arg.rfind("--", 0) != 0) {
      options.config = arg;
    } else {
      throw input_error("unexpected argument '" + arg + "' (" + usage + ")");
    }
  }
  if (options.config.empty()) throw input_error("no CONFIG given (" + usage + ")");
  return options;
}

// A SPICE number with an optional scale suffix ("1m", "1n", "0.25", "5meg").
double spice_number(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const double mantissa = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) throw input_error(what + ": found '" + text + "', expected a number");
  const std::string suffix = netlist::lower(end);
  const std::pair<const char*, double> scales[] = {{"meg", 1e6}, {"t", 1e12},  {"g", 1e9},
                                                   {"k", 1e3},   {"m", 1e-3},  {"u", 1e-6},
                                                   {"n", 1e-9},  {"p", 1e-12}, {"f", 1e-15}};
  for (const auto& [name, scale] : scales) {
    if (suffix.rfind(name, 0) == 0) return mantissa * scale;
  }
  return mantissa;
}

// The edge's free transistor (the MOSFET between fa and fb), with its continuation lines, taken
// from the subcircuit `source` among `lines` (the edge file's, or a mismatched copy's) and
// wrapped in a subcircuit `target fa fb g vss` that declares the edge's parameters.
std::vector<std::string> free_transistor_subckt(const netlist::EdgeDefinition& edge,
                                                const std::vector<std::string>& lines_in,
                                                const std::string& source,
                                                const std::string& target) {
  if (edge.free_transistor.empty()) {
    throw input_error(edge.file.string() + ": .subckt " + edge.subckt +
                      " has no MOSFET between fa and fb, which the quasi-static reference needs");
  }
  std::vector<std::string> body;
  bool inside = false, in_transistor = false;
  for (const std::string& line : lines_in) {
    const auto words = netlist::split_words(netlist::lower(line));
    if (words.empty()) continue;
    if (words[0] == ".subckt") inside = words.size() > 1 && words[1] == netlist::lower(source);
    if (words[0] == ".ends") inside = false;
    if (in_transistor && words[0][0] == '+') {
      body.push_back(line);
      continue;
    }
    in_transistor = inside && words[0] == edge.free_transistor;
    if (!in_transistor) continue;
    for (std::size_t k = 1; k <= 4 && k < words.size(); ++k) {
      if (words[k] != "fa" && words[k] != "fb" && words[k] != "g" && words[k] != "vss" &&
          words[k] != "0") {
        throw input_error(edge.file.string() + ": the free transistor " + words[0] +
                          " connects to '" + words[k] +
                          "'; the quasi-static reference needs it on fa, fb, g, vss, 0 only");
      }
    }
    body.push_back(line);
  }
  std::string params;
  for (const auto& [name, value] : edge.params) params += " " + name + "=" + value;
  std::vector<std::string> lines = {".subckt " + target + " fa fb g vss params:" + params};
  lines.insert(lines.end(), body.begin(), body.end());
  lines.push_back(".ends " + target);
  return lines;
}

std::string gate_source(int edge) { return "vgate" + std::to_string(edge); }
std::string input_source(std::size_t input) { return "vin" + std::to_string(input); }
std::string clamp_source(std::size_t half) { return "vclamp" + std::to_string(half); }
std::string clamp_switch(std::size_t half) { return "rclamp" + std::to_string(half); }

std::vector<ClampedHalf> clamped_halves(const protocol::Experiment& experiment) {
  const auto& outputs = experiment.config.network.outputs;
  const double eta = experiment.config.training.eta;
  std::vector<ClampedHalf> halves;
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    const int plus = experiment.network.node_at(outputs[k].plus).index;
    if (!outputs[k].minus) {
      halves.push_back({plus, eta, k});
      continue;
    }
    halves.push_back({plus, eta / 2, k});
    halves.push_back({experiment.network.node_at(*outputs[k].minus).index, -eta / 2, k});
  }
  return halves;
}

std::vector<std::string> reference_netlist(const protocol::Experiment& experiment,
                                           const std::vector<double>& gates,
                                           const std::vector<ClampedHalf>& halves) {
  const auto& c = experiment.config;
  const auto& n = experiment.network;
  auto node = [&](int index) { return netlist::free_node(n, index); };
  auto at = [&](const config::NodeRef& ref) { return node(n.node_at(ref).index); };
  std::vector<std::string> lines = {
      "* cllnsim quasi-static reference (bench/): free network, "
      "gates as ideal sources"};
  if (!c.simulator.options.empty()) {
    std::string options = ".options";
    for (const auto& [name, value] : c.simulator.options) options += " " + name + "=" + value;
    lines.push_back(options);
  }
  const netlist::EdgeDefinition& edge = experiment.edge;
  lines.insert(lines.end(), edge.lines.begin(), edge.lines.end());
  for (const auto& line : free_transistor_subckt(edge, edge.lines, edge.subckt, "qs_edge")) {
    lines.push_back(line);
  }
  // The physical knobs that change the free copy itself (require_modelled_knobs refuses the
  // rest): the same draws cllnsim's netlist makes from physical.seed.
  const netlist::PhysicalDraws draws = netlist::draw_physical(c.physical, n.edges().size());
  auto edge_subckt = [&](int index) {
    return draws.free_device.empty() ? std::string("qs_edge") : "qs_edge" + std::to_string(index);
  };
  for (std::size_t index = 0; index < draws.free_device.size(); ++index) {
    const int e = static_cast<int>(index);
    const auto copy =
        netlist::mismatched_edge(edge, e, draws.free_device[index], draws.clamped_device[index]);
    lines.insert(lines.end(), copy.begin(), copy.end());
    for (const auto& line :
         free_transistor_subckt(edge, copy, netlist::mismatched_subckt(edge, e), edge_subckt(e))) {
      lines.push_back(line);
    }
  }
  lines.push_back("vsupply_vss vss 0 " + format_number(c.network.supply.vss));
  for (std::size_t i = 0; i < c.network.inputs.size(); ++i) {
    lines.push_back(input_source(i) + " " + at(c.network.inputs[i].at) + " 0 dc 0");
  }
  for (const auto& rail : c.network.rails) {
    lines.push_back("vrail_" + rail.name + " " + at(rail.at) + " 0 dc " +
                    format_number(rail.volts));
  }
  for (std::size_t h = 0; h < halves.size(); ++h) {
    const std::string nudged = "nclamp" + std::to_string(h);
    lines.push_back(clamp_source(h) + " " + nudged + " 0 dc 0");
    lines.push_back(clamp_switch(h) + " " + node(halves[h].node) + " " + nudged + " " +
                    format_number(kClampOpenOhms));
  }
  for (const auto& lattice_node : n.nodes()) {
    const Role role = lattice_node.role;
    if (role == Role::input || role == Role::rail || role == Role::ground) continue;
    const std::string name = node(lattice_node.index);
    lines.push_back("rleak_" + name + " " + name + " 0 " + format_number(c.network.node_leak_ohms));
  }
  std::string params;
  for (const auto& [name, value] : c.network.edge.params) {
    params += " " + name + "=" + format_number(value);
  }
  for (const auto& e : n.edges()) {
    const std::string gate = netlist::gate_node(e.index);
    const auto index = static_cast<std::size_t>(e.index);
    lines.push_back(gate_source(e.index) + " " + gate + " 0 dc " + format_number(gates[index]));
    if (draws.damaged[index]) {
      // Cut: no element (the gate source stays, so every edge keeps its index); shorted: the
      // damage's resistor instead of the transistor, as cllnsim's netlist has it.
      if (c.physical.damage.mode == config::Damage::Mode::shorted) {
        lines.push_back("rshort" + std::to_string(e.index) + " " + node(e.a) + " " + node(e.b) +
                        " " + format_number(c.physical.damage.short_ohms));
      }
      continue;
    }
    lines.push_back("xq" + std::to_string(e.index) + " " + node(e.a) + " " + node(e.b) + " " +
                    gate + " vss " + edge_subckt(e.index) + params);
  }
  return lines;
}

}  // namespace

int run_program(const std::string& program, int argc, char** argv,
                const std::vector<std::string>& own_flags,
                const std::function<nlohmann::json(const Options&)>& body) {
  std::string usage = "usage: " + program + " CONFIG [--set PATH=VALUE]...";
  for (const auto& flag : own_flags) usage += " [" + flag + " VALUE]";
  usage += " [--out FILE]";
  try {
    const Options options = parse_options(argc, argv, usage, own_flags);
    const std::string text = body(options).dump(2) + "\n";
    if (options.out) {
      io::write_file_atomically(*options.out, text);
    } else {
      std::cout << text;
    }
    return 0;
  } catch (const Error& error) {
    std::cerr << program << ": error: " << error.what() << "\n";
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    std::cerr << program << ": internal error: " << error.what() << "\n";
    return 1;
  }
}

double LearningRule::updated_gate(double gate, double free_drop, double clamped_drop,
                                  double seconds) const {
  const auto clip = [](double v) { return std::clamp(v, -1.0, 1.0); };
  const double contrast =
      clip(free_drop) * clip(free_drop) - clip(clamped_drop) * clip(clamped_drop);
  const double moved = gate + rate * cmax * std::tanh(contrast / cmax) * seconds;
  return std::clamp(moved, vgmin, vgmax);
}

LearningRule rule_of(const protocol::Experiment& experiment) {
  const auto& edge = experiment.edge;
  const auto& given = experiment.config.network.edge.params;
  auto param = [&](const std::string& name) {
    if (const auto it = given.find(name); it != given.end()) return it->second;
    const auto declared = edge.params.find(name);
    if (declared == edge.params.end()) {
      throw input_error(edge.file.string() + ": .subckt " + edge.subckt + " declares no '" + name +
                        "': the quasi-static reference applies the rule of "
                        "netlists/edges/nmos_rule.sub and needs gl, cg, cmax, vgmin, vgmax");
    }
    return spice_number(declared->second, edge.file.string() + ": parameter " + name);
  };
  const double vss = experiment.config.network.supply.vss;
  return {param("gl") / param("cg"), param("cmax"), vss + param("vgmin"), vss + param("vgmax")};
}

QuasiStaticNetwork::QuasiStaticNetwork(const protocol::Experiment& experiment,
                                       std::vector<double> gates)
    : experiment_(experiment), halves_(clamped_halves(experiment)), gates_(std::move(gates)) {
  session_.load(reference_netlist(experiment, gates_, halves_));
  for (const auto& node : experiment.network.nodes()) {
    if (node.role == Role::ground) continue;
    solved_index_.push_back(vectors_.size());
    vectors_.push_back(netlist::free_node(experiment.network, node.index));
  }
  // Ground nodes read as 0 V: they index one past the vectors read.
  std::size_t next = 0;
  for (const auto& node : experiment.network.nodes()) {
    node_slot_.push_back(node.role == Role::ground ? vectors_.size() : solved_index_[next++]);
  }
}

std::vector<double> QuasiStaticNetwork::free_state(const std::vector<double>& inputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    session_.command("alter " + input_source(i) + " = " + format_number(inputs[i]));
  }
  return solve();
}

std::vector<double> QuasiStaticNetwork::clamped_state(const std::vector<double>& free,
                                                      const std::vector<double>& labels) {
  const auto outs = outputs(free);
  for (std::size_t h = 0; h < halves_.size(); ++h) {
    const ClampedHalf& half = halves_[h];
    const double nudged = free[static_cast<std::size_t>(half.node)] +
                          half.share * (labels[half.output] - outs[half.output]);
    session_.command("alter " + clamp_source(h) + " = " + format_number(nudged));
    session_.command("alter " + clamp_switch(h) + " = " + format_number(kClampClosedOhms));
  }
  std::vector<double> clamped = solve();
  for (std::size_t h = 0; h < halves_.size(); ++h) {
    session_.command("alter " + clamp_switch(h) + " = " + format_number(kClampOpenOhms));
  }
  return clamped;
}

std::vector<double> QuasiStaticNetwork::outputs(const std::vector<double>& state) const {
  const auto& n = experiment_.network;
  std::vector<double> values;
  for (const auto& output : experiment_.config.network.outputs) {
    double value = state[static_cast<std::size_t>(n.node_at(output.plus).index)];
    if (output.minus) value -= state[static_cast<std::size_t>(n.node_at(*output.minus).index)];
    values.push_back(value);
  }
  return values;
}

void QuasiStaticNetwork::learn(const LearningRule& rule, const std::vector<double>& free,
                               const std::vector<double>& clamped, double seconds) {
  for (const auto& e : experiment_.network.edges()) {
    const auto a = static_cast<std::size_t>(e.a), b = static_cast<std::size_t>(e.b);
    const double gate = gates_[static_cast<std::size_t>(e.index)];
    set_gate(e.index, rule.updated_gate(gate, free[a] - free[b], clamped[a] - clamped[b], seconds));
  }
}

void QuasiStaticNetwork::set_gate(int edge, double volts) {
  gates_.at(static_cast<std::size_t>(edge)) = volts;
  session_.command("alter " + gate_source(edge) + " = " + format_number(volts));
}

std::vector<double> QuasiStaticNetwork::solve() {
  const std::vector<double> solved = session_.operating_point(vectors_);
  ++operating_points_;
  std::vector<double> state(node_slot_.size());
  for (std::size_t i = 0; i < node_slot_.size(); ++i) {
    state[i] = node_slot_[i] < solved.size() ? solved[node_slot_[i]] : 0.0;
  }
  return state;
}

std::vector<std::vector<double>> free_outputs(QuasiStaticNetwork& circuit,
                                              const std::vector<tasks::Sample>& samples) {
  std::vector<std::vector<double>> outputs;
  for (const auto& sample : samples)
    outputs.push_back(circuit.outputs(circuit.free_state(sample.inputs)));
  return outputs;
}

nlohmann::json describe(const protocol::Metrics& metrics) {
  nlohmann::json json = {{"mse", metrics.mse}};
  if (metrics.accuracy) json["accuracy"] = *metrics.accuracy;
  return json;
}

namespace {

// The physical knobs a config turns on, by JSON path.
std::vector<std::string> knobs_on(const config::Physical& p) {
  const std::pair<const char*, bool> knobs[] = {
      {"physical.wire_ohms", p.wire_ohms > 0},
      {"physical.node_capacitance_f", p.node_capacitance_f > 0},
      {"physical.free_clamped_coupling_f", p.free_clamped_coupling_f > 0},
      {"physical.noise",
       p.noise.input_v > 0 || p.noise.label_v > 0 || p.noise.edge_a > 0 || p.noise.learn_a > 0},
      {"physical.mismatch", p.mismatch.vth_sigma_v > 0 || p.mismatch.kp_sigma_rel > 0},
      {"physical.learning_offset", p.learning_offset.sigma > 0},
      {"physical.damage", p.damage.fraction > 0 || !p.damage.edges.empty()},
      {"physical.temperature_c", p.temperature_c.has_value()},
      {"physical.gate_leak_ohms", p.gate_leak_ohms.has_value()}};
  std::vector<std::string> on;
  for (const auto& [path, set] : knobs) {
    if (set) on.push_back(path);
  }
  return on;
}

void refuse_knobs(const config::Config& config, const std::vector<std::string>& modelled,
                  const std::string& circuit) {
  for (const std::string& path : knobs_on(config.physical)) {
    if (std::find(modelled.begin(), modelled.end(), path) != modelled.end()) continue;
    std::string expected = "off";
    if (!modelled.empty()) {
      expected = "off (it models only";
      for (const auto& name : modelled) expected += " " + name;
      expected += ")";
    }
    throw input_error(config.source_file.string() + ": at " + path + ": " + circuit +
                      " does not model it; found it turned on, expected it " + expected);
  }
}

}  // namespace

void require_ideal_circuit(const config::Config& config) {
  refuse_knobs(config, {}, "the quasi-static reference");
}

void require_free_copy_knobs(const config::Config& config) {
  refuse_knobs(config, {"physical.mismatch", "physical.damage"}, "the capacity fit");
}

}  // namespace cllnsim::bench
