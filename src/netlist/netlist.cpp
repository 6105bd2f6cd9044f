#include "netlist/netlist.h"

#include <algorithm>
#include <sstream>

#include "config/graph_config.h"
#include "io/csv.h"
#include "netlist/edge_params.h"
#include "netlist/noise.h"
#include "netlist/physical.h"
#include "netlist/writer.h"

namespace cllnsim::netlist {
namespace detail {

void write_header(Writer& w) {
  const auto& c = w.config_;
  const auto& n = w.network_;
  if (w.twin()) {
    w.line("* cllnsim twin network: run '" + c.name + "', seed " + std::to_string(c.seed));
    w.comment(n.description() + ", " + std::to_string(n.edges().size()) + " twin edges.");
    w.comment(n.is_lattice()
                  ? "Node fR_C is lattice site (R, C) in the free copy, cR_C in the clamped copy;"
                  : "Node f_NAME is graph node NAME in the free copy, c_NAME in the clamped copy;");
    w.comment("gE is the shared gate of edge E; 'learn' enables learning (vss holds, vdd learns)" +
              std::string(c.training.per_edge_learn() ? ", 'learn_E' edge E's own." : "."));
  } else {
    w.line(std::string("* cllnsim ") + (w.holds() ? "time-multiplexed" : "frequency-propagation") +
           " network: run '" + c.name + "', seed " + std::to_string(c.seed));
    w.comment(n.description() + ", " + std::to_string(n.edges().size()) + " edges, one network.");
    w.comment(n.is_lattice() ? "Node fR_C is lattice site (R, C);"
                             : "Node f_NAME is graph node NAME;");
    if (w.holds()) {
      w.comment("gE is the gate of edge E; 'learn' enables learning (vss holds, vdd learns); at");
      w.comment(
          "vdd 'hold' makes every edge hold its free drop and the clamp stage clamp the outputs.");
    } else {
      w.comment(
          "gE is the gate of edge E; 'learn' enables learning (vss holds, vdd learns) and the");
      w.comment("error current; 'ref' is the reference sine at training.freqprop.frequency_hz.");
    }
  }
  if (uses_klu(c, n)) {
    w.comment(std::string("simulator.solver ") + config::solver_name(c.simulator.solver) +
              ": klu (a libngspice without KLU ignores this line)");
    w.line(".options klu");
    // Found on XOR seeds 3 and 4: a gate held only by its capacitor and its 1 TOhm leak lost
    // convergence under KLU (not under Sparse, on the same netlist); 1% more leak did not help,
    // doubling it did.
    w.comment("1 TOhm from every node to ground (a board's insulation; it doubles the gates' own");
    w.comment("1 TOhm leak): without it KLU stopped with 'Timestep too small' at a gate");
    w.line(".options rshunt=1e12");
  } else {
    w.comment(std::string("simulator.solver ") + config::solver_name(c.simulator.solver) +
              ": sparse (ngspice's default)");
  }
  if (!c.simulator.options.empty()) {
    std::string options = ".options";
    for (const auto& [name, value] : c.simulator.options) {
      options += " " + name + "=" + value;
    }
    w.line(options);
  }
  if (c.physical.temperature_c) {
    w.line(".options temp=" + format_number(*c.physical.temperature_c));
  }
}

void write_sources(Writer& w) {
  const auto& c = w.config_;
  const auto& n = w.network_;
  w.section("supplies of the edges' own circuitry");
  w.line("vsupply_vdd vdd 0 " + format_number(c.network.supply.vdd));
  // Why vss is no ideal source with KLU: every gate capacitor returns to vss. Held by an ideal
  // source, the rail's branch current is the sum of all their C/dt currents, and ngspice's
  // convergence test on it (reltol of a near-zero sum + abstol, 1 pA) asks the gates for a
  // precision that doubles cannot give once a step is cut after a breakpoint: with KLU the
  // shipped XOR died there ("Timestep too small"). At 0 V the rail is ground itself (exact);
  // otherwise a stiff Norton source, which has no branch current. With Sparse the ideal source
  // stays: that same test is an (accidental) tight tolerance on the gates, and without it the
  // gates of the default reltol drift by mV more (README, Performance).
  if (!vss_without_source(c, n)) {
    w.line("vsupply_vss vss 0 " + format_number(c.network.supply.vss));
  } else if (c.network.supply.vss == 0) {
    w.comment("vss is ground (node 0): an ideal 0 V source would carry every gate capacitor's");
    w.comment("current in one branch, whose convergence test fails under KLU once the step is cut");
  } else {
    w.comment("vss in Norton form (a current source across " + format_number(1 / kSupplySiemens) +
              " ohm): an ideal source would carry every gate");
    w.comment("capacitor's current in one branch, whose convergence test fails under KLU once the");
    w.comment("step is cut ('Timestep too small')");
    w.line("isupply_vss 0 vss " + format_number(c.network.supply.vss * kSupplySiemens));
    w.line("rsupply_vss vss 0 " + format_number(1 / kSupplySiemens));
  }
  if (c.training.per_edge_learn()) {
    w.section("desynchronous learning: each edge's own learning enable, presented by the driver");
    w.comment("(on in a seeded random fraction " + format_number(c.training.desync.fraction) +
              " of the learning windows, held at vss otherwise)");
    for (const auto& e : n.edges()) {
      w.driven("vlearn_" + std::to_string(e.index), w.learn_node(e.index),
               w.edge_learn_signal(e.index));
    }
  } else {
    w.section("learning enable, presented by the driver");
    w.driven("vlearn", "learn", w.learn_signal());
  }
  if (w.twin()) {
    w.comment(
        "learning polarity: vss normal, vdd reversed (training.nudge symmetric flips it, and");
    w.comment(
        "with it the nudge, halfway through each learning window; otherwise it stays at vss)");
    w.driven("vpolarity", "polarity", w.polarity_signal());
  }
  w.section(w.twin() ? "inputs, presented by the driver to both copies"
                     : "inputs, presented by the driver");
  for (std::size_t i = 0; i < c.network.inputs.size(); ++i) {
    const auto& input = c.network.inputs[i];
    const std::size_t signal = w.input_signal(i);
    const auto& noise = c.physical.noise;
    const std::string name = "in_" + input.name;
    const std::string free_reference =
        w.noise_reference(noise.input_shared ? name : name + "_f", noise.input_v);
    w.driven("vin_" + input.name + "_f", pos_node(n, input.at, 'f'), signal, free_reference);
    if (!w.twin()) continue;
    const std::string clamped_reference =
        noise.input_shared ? free_reference : w.noise_reference(name + "_c", noise.input_v);
    w.driven("vin_" + input.name + "_c", pos_node(n, input.at, 'c'), signal, clamped_reference);
  }
  if (!c.network.rails.empty()) {
    w.section(w.twin() ? "fixed rails, both copies" : "fixed rails");
    for (const auto& rail : c.network.rails) {
      const std::string volts = format_number(rail.volts);
      for (char copy : w.copies()) {
        w.line("vrail_" + rail.name + "_" + copy + " " + pos_node(n, rail.at, copy) + " 0 " +
               volts);
      }
    }
  }
  if (!c.network.ground.empty()) {
    w.section(w.twin() ? "grounded lattice sites are node 0 in both copies"
                       : "grounded lattice sites are node 0");
  }
}

// The clamped copy's outputs are driven by a summing stage from the free outputs and the label,
// O_C = O_F + eta (L - O_F), so both copies run at the same time, as in the hardware. With the
// symmetric nudge the stage's sign follows the polarity line: O_C = O_F - eta (L - O_F) while
// it is at vdd.
void write_clamp_stage(Writer& w) {
  const auto& c = w.config_;
  const auto& n = w.network_;
  const bool symmetric = c.training.nudge == config::Training::Nudge::symmetric;
  const double deadzone = c.training.nudge_deadzone_v;
  std::string sign;
  if (symmetric) {
    const auto& supply = c.network.supply;
    sign = " * (1 - 2 * (V(polarity) - " + format_number(supply.vss) + ") / " +
           format_number(supply.vdd - supply.vss) + ")";
  }
  const auto shaped = [&](const std::string& error) { return shaped_error(c, error); };
  w.section("clamping stage: O_C = O_F " + std::string(symmetric ? "+/-" : "+") + " eta " +
            (deadzone > 0 ? "h(L - O_F), h(e) = e - m tanh(e/m), m = " + format_number(deadzone)
                          : std::string("(L - O_F)")) +
            ", eta = " + format_number(c.training.eta) +
            (symmetric ? " (- while polarity is at vdd)" : ""));
  for (std::size_t k = 0; k < c.network.outputs.size(); ++k) {
    const auto& output = c.network.outputs[k];
    const std::string label = w.label_source(k);
    const std::string plus_f = pos_node(n, output.plus, 'f');
    const std::string plus_c = pos_node(n, output.plus, 'c');
    if (!output.minus) {
      w.line("bclamp_" + output.name + " " + plus_c + " 0 V = V(" + plus_f + ") + " +
             format_number(c.training.eta) + " * " +
             shaped("(V(" + label + ") - V(" + plus_f + "))") + sign);
      continue;
    }
    // Differential: each half moves by +/- (eta/2)(L - O_F), keeping the pair's mean.
    const std::string minus_f = pos_node(n, *output.minus, 'f');
    const std::string minus_c = pos_node(n, *output.minus, 'c');
    const std::string nudge =
        format_number(c.training.eta / 2) + " * " +
        shaped("(V(" + label + ") - (V(" + plus_f + ") - V(" + minus_f + ")))") + sign;
    w.line("bclamp_" + output.name + "_p " + plus_c + " 0 V = V(" + plus_f + ") + " + nudge);
    w.line("bclamp_" + output.name + "_m " + minus_c + " 0 V = V(" + minus_f + ") - " + nudge);
  }
}

void write_edge_definition(Writer& w, const EdgeDefinition& edge) {
  const PhysicalDraws& draws = w.draws_;
  w.section("edge subcircuit from " + edge.file.string());
  for (const auto& text : edge.lines) w.line(text);
  if (!draws.free_device.empty()) {
    w.section(
        "device mismatch: each edge's own copy of the subcircuit, one model card per "
        "transistor (vth shifted, gain scaled)");
    for (const auto& e : w.network_.edges()) {
      const auto index = static_cast<std::size_t>(e.index);
      for (const auto& text :
           mismatched_edge(edge, e.index, draws.free_device[index], draws.clamped_device[index])) {
        w.line(text);
      }
    }
  }
}

std::pair<std::string, std::string> edge_terminals(Writer& w, const network::Edge& e, char copy) {
  const auto& c = w.config_;
  const auto index = static_cast<std::size_t>(e.index);
  const std::string id = std::to_string(e.index);
  const std::string suffix = std::string("_") + copy;
  std::string a = lattice_node(w.network_, e.a, copy), b = lattice_node(w.network_, e.b, copy);
  if (w.draws_.damaged[index] && c.physical.damage.mode == config::Damage::Mode::open) {
    // Cut: both terminals on the a end, so no current can pass from a to b.
    b = a;
  } else if (w.draws_.damaged[index]) {
    w.line("rshort_" + id + suffix + " " + a + " " + b + " " +
           format_number(c.physical.damage.short_ohms));
  } else if (c.physical.wire_ohms > 0) {
    w.line("rwire_" + id + suffix + " " + a + " w" + id + suffix + " " +
           format_number(c.physical.wire_ohms));
    a = "w" + id + suffix;
  }
  return {a, b};
}

std::string instance_params(const Writer& w, const network::Edge& e) {
  const auto& c = w.config_;
  std::string params;
  for (const auto& [name, value] : edge_instance_params(c)) {
    params += " " + name + "=" + format_number(value);
  }
  if (!w.draws_.learning_offset.empty()) {
    params += " " + c.physical.learning_offset.param + "=" +
              format_number(w.draws_.learning_offset[static_cast<std::size_t>(e.index)]);
  }
  return params;
}

// The edge instances, with the physical knobs that change them: per-device model cards
// (mismatch), a wire resistor in series (wire_ohms), a learning offset parameter, damage.
void write_edges(Writer& w, const EdgeDefinition& edge) {
  const auto& c = w.config_;
  const auto& n = w.network_;
  write_edge_definition(w, edge);
  w.section(std::string("twin edges: fa fb ca cb g learn vdd vss") +
            (edge.has_polarity ? " polarity" : ""));
  for (const auto& e : n.edges()) {
    const auto [fa, fb] = edge_terminals(w, e, 'f');
    const auto [ca, cb] = edge_terminals(w, e, 'c');
    const std::string subckt =
        w.draws_.free_device.empty() ? edge.subckt : mismatched_subckt(edge, e.index);
    w.line(edge_instance(e.index) + " " + fa + " " + fb + " " + ca + " " + cb + " " +
           gate_node(e.index) + " " + w.learn_node(e.index) + " vdd " + vss_node(c, n) + " " +
           (edge.has_polarity ? "polarity " : "") + subckt + instance_params(w, e));
  }
}

void write_one_network_edges(Writer& w, const EdgeDefinition& edge, const std::string& ports) {
  const auto& c = w.config_;
  const auto& n = w.network_;
  write_edge_definition(w, edge);
  w.section("edges: fa fb g learn vdd vss " + ports);
  for (const auto& e : n.edges()) {
    const auto [fa, fb] = edge_terminals(w, e, 'f');
    const std::string subckt =
        w.draws_.free_device.empty() ? edge.subckt : mismatched_subckt(edge, e.index);
    w.line(edge_instance(e.index) + " " + fa + " " + fb + " " + gate_node(e.index) + " " +
           w.learn_node(e.index) + " vdd " + vss_node(c, n) + " " + ports + " " + subckt +
           instance_params(w, e));
  }
}

// Parasitic capacitances, noise currents and gate leakage (physical.*); nothing when all off.
void write_physical_elements(Writer& w) {
  const auto& p = w.config_.physical;
  const auto& n = w.network_;
  const auto undriven = [](const network::Node& node) {
    return node.role != Role::input && node.role != Role::rail && node.role != Role::ground;
  };
  if (p.node_capacitance_f > 0) {
    w.section(std::string("parasitic capacitance from every lattice node to ground") +
              (w.twin() ? ", both copies" : ""));
    for (const auto& node : n.nodes()) {
      if (node.role == Role::ground) continue;
      for (char copy : w.copies()) {
        const std::string name = lattice_node(n, node.index, copy);
        w.line("cnode_" + name + " " + name + " 0 " + format_number(p.node_capacitance_f));
      }
    }
  }
  if (p.free_clamped_coupling_f > 0) {
    w.section("coupling capacitance between a site's free and clamped copies");
    for (const auto& node : n.nodes()) {
      const bool listed =
          std::find(p.coupling_at.begin(), p.coupling_at.end(), node.at) != p.coupling_at.end();
      if (node.role == Role::ground || (p.coupling_at.empty() ? !undriven(node) : !listed)) {
        continue;
      }
      const std::string f = lattice_node(n, node.index, 'f');
      w.line("ccouple_" + f + " " + f + " " + lattice_node(n, node.index, 'c') + " " +
             format_number(p.free_clamped_coupling_f));
    }
  }
  if (p.noise.edge_a > 0) {
    w.section(std::string("seeded noise current across every edge") +
              (w.twin() ? ", each copy independent" : ""));
    for (const auto& e : n.edges()) {
      for (char copy : w.copies()) {
        w.noise("inoise_" + std::to_string(e.index) + "_" + copy, lattice_node(n, e.a, copy),
                lattice_node(n, e.b, copy), p.noise.edge_a);
      }
    }
  }
  if (p.noise.learn_a > 0) {
    w.section("learning-circuit noise: a seeded noise current into every gate");
    for (const auto& e : n.edges()) {
      w.noise("inoise_" + gate_node(e.index), vss_node(w.config_, n), gate_node(e.index),
              p.noise.learn_a);
    }
  }
  if (p.gate_leak_ohms) {
    w.section("gate leakage: a resistor from every gate to vss");
    for (const auto& e : n.edges()) {
      w.line("rgleak_" + gate_node(e.index) + " " + gate_node(e.index) + " " +
             vss_node(w.config_, n) + " " + format_number(*p.gate_leak_ohms));
    }
  }
}

// Why these resistors exist: an edge near threshold switches off, and a node whose edges are
// all off floats (singular matrix, "Timestep too small"). A large resistor to ground fixes its
// potential without measurably loading the network.
void write_node_leaks(Writer& w) {
  const auto& n = w.network_;
  w.section("leak resistors keep a node whose edges are all off from floating");
  const std::string ohms = format_number(w.config_.network.node_leak_ohms);
  for (const auto& node : n.nodes()) {
    const bool driven =
        node.role == Role::input || node.role == Role::rail || node.role == Role::ground;
    if (driven) continue;
    const std::string f = lattice_node(n, node.index, 'f');
    w.line("rleak_" + f + " " + f + " 0 " + ohms);
    if (node.role == Role::hidden && w.twin()) {
      const std::string cl = lattice_node(n, node.index, 'c');
      w.line("rleak_" + cl + " " + cl + " 0 " + ohms);
    }
  }
}

void write_initial_gates(Writer& w, const std::vector<double>& gates) {
  w.section("initial gate voltages");
  for (std::size_t e = 0; e < gates.size(); ++e) {
    w.line(".ic v(" + gate_node(static_cast<int>(e)) + ")=" + format_number(gates[e]));
  }
}

void write_replay_analysis(Writer& w, const Replay& replay) {
  w.section("the whole training run; final gate voltages are printed as measurements");
  // As spice::Session sets it for the in-process run (see there).
  w.comment("no_mem_check: ngspice 46 would read /proc/meminfo at every time point");
  w.line(".control");
  w.line("set no_mem_check");
  w.line(".endc");
  const std::string step = format_number(replay.max_step);
  w.line(".tran " + step + " " + format_number(w.replay_end()) + " 0 " + step);
  std::string save = ".save";
  for (std::size_t e = 0; e < w.network_.edges().size(); ++e) {
    save += " v(" + gate_node(static_cast<int>(e)) + ")";
  }
  w.line(save);
  for (std::size_t e = 0; e < w.network_.edges().size(); ++e) {
    const std::string gate = gate_node(static_cast<int>(e));
    w.line(".measure tran final_" + gate + " find v(" + gate +
           ") at=" + format_number(replay.stop));
  }
}

std::string shaped_error(const config::Config& config, const std::string& error) {
  const double deadzone = config.training.nudge_deadzone_v;
  if (deadzone == 0) return error;
  const std::string m = format_number(deadzone);
  return "(" + error + " - " + m + " * tanh(" + error + " / " + m + "))";
}

}  // namespace detail

using detail::lattice_node;

std::string free_node(const network::Network& network, int node) {
  return lattice_node(network, node, 'f');
}
std::string clamped_node(const network::Network& network, int node) {
  return lattice_node(network, node, 'c');
}
std::string gate_node(int edge) { return "g" + std::to_string(edge); }
std::string edge_instance(int edge) { return "xe" + std::to_string(edge); }

std::string free_conductance_expression(const EdgeDefinition& definition, int edge) {
  if (!definition.free_transistor.empty()) {
    return "@" + definition.free_transistor.substr(0, 1) + "." + edge_instance(edge) + "." +
           definition.free_transistor + "[gds]";
  }
  if (definition.has_conductance_resistor) {
    return "@r." + edge_instance(edge) + "." + kConductanceResistor + "[i]";
  }
  return "";
}

std::vector<std::string> signal_names(const config::Config& config) {
  std::vector<std::string> names;
  for (const auto& input : config.network.inputs) names.push_back(input.name);
  for (const auto& output : config.network.outputs) names.push_back("label_" + output.name);
  names.push_back("learn");
  names.push_back("polarity");
  if (config.training.time_multiplexed()) names.push_back("hold");
  if (config.training.per_edge_learn()) {
    for (int e = 0; e < config::edge_count(config.network); ++e)
      names.push_back("learn_" + std::to_string(e));
  }
  return names;
}

std::vector<std::string> external_sources(const Netlist& netlist) {
  std::vector<std::string> names;
  for (const auto& source : netlist.driven_sources) names.push_back(source.instance);
  for (const auto& source : netlist.noise_sources) names.push_back(source.instance);
  return names;
}

Netlist generate(const config::Config& config, const network::Network& network,
                 const EdgeDefinition& edge, const std::vector<double>& initial_gates,
                 const std::optional<Replay>& replay) {
  using namespace detail;
  Writer writer(config, network, replay);
  write_header(writer);
  write_sources(writer);
  if (writer.twin()) {
    write_clamp_stage(writer);
    write_edges(writer, edge);
  } else if (writer.holds()) {
    write_hold_clamp_stage(writer);
    write_one_network_edges(writer, edge, "hold polarity");
  } else {
    write_feedback_stage(writer);
    write_one_network_edges(writer, edge, "ref");
  }
  write_node_leaks(writer);
  write_physical_elements(writer);
  write_initial_gates(writer, initial_gates);
  if (replay) write_replay_analysis(writer, *replay);
  writer.line(".end");
  return std::move(writer.result);
}

}  // namespace cllnsim::netlist
