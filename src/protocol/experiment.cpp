#include "protocol/experiment.h"

#include "core/error.h"
#include "core/notice.h"
#include "netlist/physical.h"
#include "network/build.h"

namespace cllnsim::protocol {
namespace {

// The symmetric nudge reverses each edge's learning halfway through its window: the edge must
// have the polarity port to be told.
void check_nudge_support(const config::Config& config, const netlist::EdgeDefinition& edge) {
  if (config.training.nudge != config::Training::Nudge::symmetric || edge.has_polarity) return;
  throw input_error(config.source_file.string() +
                    ": at training.nudge: \"symmetric\" needs an edge with a learning-polarity "
                    "port, but the subcircuit '" +
                    edge.subckt + "' in " + edge.file.string() +
                    " has none (expected a ninth port '" + netlist::kPolarityPort +
                    "' after vss; or use \"one_sided\")");
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

}  // namespace cllnsim::protocol
