// The parameters every edge instance is given: network.edge.params, with the learning gain
// divided by the nudge under training.protocol "equilibrium_propagation" (README "Equilibrium
// propagation"): the gain a lab would set on each edge's learning amplifier.
#pragma once

#include <map>
#include <string>

#include "config/config.h"

namespace cllnsim::netlist {

std::map<std::string, double> edge_instance_params(const config::Config& config);

}  // namespace cllnsim::netlist
