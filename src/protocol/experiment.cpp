#include "protocol/experiment.h"

#include "core/error.h"
#include "core/notice.h"
#include "netlist/physical.h"
#include "netlist/spice_words.h"
#include "network/build.h"

namespace cllnsim::protocol {
namespace {

// The symmetric nudge reverses each twin edge's learning halfway through its window: the edge
// must have the polarity port to be told. (Under frequency propagation it reverses the reference
// instead, which every edge reads through its `ref` port.)
void check_nudge_support(const config::Config& config, const netlist::EdgeDefinition& edge) {
  if (config.training.nudge != config::Training::Nudge::symmetric || edge.has_polarity ||
      edge.interface == netlist::EdgeInterface::frequency_propagation) {
    return;
  }
  throw input_error(config.source_file.string() +
                    ": at training.nudge: \"symmetric\" needs an edge with a learning-polarity "
                    "port, but the subcircuit '" +
                    edge.subckt + "' in " + edge.file.string() +
                    " has none (expected a ninth port '" + netlist::kPolarityPort +
                    "' after vss; or use \"one_sided\")");
}

// What each edge interface is, and what uses it.
struct InterfaceUse {
  const std::vector<std::string>& ports;
  const char* kind;  // "a twin edge"
  const char* used_by;
};

InterfaceUse interface_use(netlist::EdgeInterface interface) {
  switch (interface) {
    case netlist::EdgeInterface::frequency_propagation:
      return {
          netlist::kFreqpropEdgePorts, "a frequency-propagation edge",
          "training.protocol \"frequency_propagation\" (e.g. netlists/edges/freqprop_nmos.sub)"};
    case netlist::EdgeInterface::time_multiplexed:
      return {netlist::kTimeMultiplexedEdgePorts, "a time-multiplexed edge",
              "training.protocol \"time_multiplexed\" (e.g. netlists/edges/nmos_sample_hold.sub)"};
    case netlist::EdgeInterface::twin:
      break;
  }
  return {netlist::kEdgePorts, "a twin edge",
          "training.protocol \"coupled\" or \"equilibrium_propagation\" (e.g. "
          "netlists/edges/nmos_rule.sub)"};
}

netlist::EdgeInterface interface_of(config::Training::Protocol protocol) {
  switch (protocol) {
    case config::Training::Protocol::frequency_propagation:
      return netlist::EdgeInterface::frequency_propagation;
    case config::Training::Protocol::time_multiplexed:
      return netlist::EdgeInterface::time_multiplexed;
    case config::Training::Protocol::coupled:
    case config::Training::Protocol::equilibrium_propagation:
      break;
  }
  return netlist::EdgeInterface::twin;
}

// The protocol decides the circuit the edge sits in: the twin network (coupled learning, EP), one
// network with a reference sine (frequency propagation) or one network whose edges hold their
// free drop (time multiplexing); the edge's ports must be that one's.
void check_protocol_support(const config::Config& config, const netlist::EdgeDefinition& edge) {
  const netlist::EdgeInterface needed = interface_of(config.training.protocol);
  if (edge.interface == needed) return;
  const InterfaceUse want = interface_use(needed), have = interface_use(edge.interface);
  throw input_error(config.source_file.string() + ": at training.protocol: this protocol needs " +
                    want.kind + " with the ports '" + netlist::joined(want.ports) +
                    "', but the subcircuit '" + edge.subckt + "' in " + edge.file.string() +
                    " (network.edge) is " + have.kind + " ('" + netlist::joined(have.ports) +
                    "'), for " + have.used_by + "; an edge for this protocol: " + want.used_by);
}

}  // namespace

Experiment prepare(const std::filesystem::path& config_file,
                   const std::vector<config::Override>& overrides) {
  return prepare(config::load(config_file, overrides));
}

Experiment prepare(config::Config config) {
  network::Network network = network::build(config);
  netlist::EdgeDefinition edge =
      netlist::read_edge_file(config.network.edge.file, config.network.edge.subckt);
  netlist::check_edge_params(edge, config.network.edge.params,
                             config.source_file.string() + ": at network.edge.params");
  check_protocol_support(config, edge);
  netlist::check_physical_support(config, edge);
  check_nudge_support(config, edge);
  tasks::Dataset data = tasks::make_dataset(config);
  return {std::move(config), std::move(network), std::move(edge), std::move(data)};
}

void resolve_solver(config::Config& config, std::size_t edges, const spice::LibraryInfo& library) {
  using Solver = config::Simulator::Solver;
  if (library.klu || config.simulator.solver_for(edges) != Solver::klu) return;
  if (config.simulator.solver == Solver::automatic) {
    config.simulator.solver = Solver::sparse;
    notice("cllnsim: simulator.solver \"auto\" would use KLU for " + std::to_string(edges) +
           " twin edges, but the loaded libngspice (ngspice-" + library.version +
           ") has none: Sparse");
    return;
  }
  throw input_error(config.source_file.string() +
                    ": at simulator.solver: \"klu\" needs a libngspice built with KLU, and the "
                    "loaded one (ngspice-" +
                    library.version +
                    ") has none; use \"sparse\" or \"auto\", or install ngspice 46 from "
                    "bookworm-backports (scripts/setup.sh does)");
}

void check_compiled_devices(const Experiment& experiment, const spice::LibraryInfo& library) {
  if (library.osdi || experiment.edge.compiled_devices.empty()) return;
  throw input_error(experiment.config.source_file.string() +
                    ": at network.edge.file: " + experiment.edge.file.string() +
                    " loads a compiled device (pre_osdi " + experiment.edge.compiled_devices[0] +
                    "), and the loaded libngspice (ngspice-" + library.version +
                    ") was built without OSDI; use an edge without one (for the shipped "
                    "nmos_rule_osdi.sub: --set network.edge.file=../netlists/edges/nmos_rule.sub, "
                    "the same rule as a behavioural source), or install ngspice 46 from "
                    "bookworm-backports (scripts/setup.sh does)");
}

void settle_for_library(Experiment& experiment, const spice::LibraryInfo& library) {
  resolve_solver(experiment.config, experiment.network.edges().size(), library);
  check_compiled_devices(experiment, library);
}

}  // namespace cllnsim::protocol
