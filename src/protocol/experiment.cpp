#include "protocol/experiment.h"

#include "netlist/physical.h"

namespace cllnsim::protocol {

Experiment prepare(const std::filesystem::path& config_file,
                   const std::vector<config::Override>& overrides) {
  return prepare(config::load(config_file, overrides));
}

Experiment prepare(config::Config config) {
  network::Network network = network::Network::lattice(config.network);
  netlist::EdgeDefinition edge =
      netlist::read_edge_file(config.network.edge.file, config.network.edge.subckt);
  netlist::check_edge_params(edge, config.network.edge.params,
                             config.source_file.string() + ": at network.edge.params");
  netlist::check_physical_support(config, edge);
  tasks::Dataset data = tasks::make_dataset(config);
  return {std::move(config), std::move(network), std::move(edge), std::move(data)};
}

}  // namespace cllnsim::protocol
