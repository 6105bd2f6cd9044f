#include "netlist/edge_params.h"

namespace cllnsim::netlist {

std::map<std::string, double> edge_instance_params(const config::Config& config) {
  std::map<std::string, double> params = config.network.edge.params;
  if (config.training.protocol == config::Training::Protocol::equilibrium_propagation) {
    // EP's update is the two phases' difference divided by beta: the contrast shrinks with
    // beta, the gain grows with 1/beta, so the step stays finite as beta -> 0.
    params.at(config.training.ep_gain_param) /= config.training.eta;
  }
  return params;
}

}  // namespace cllnsim::netlist
