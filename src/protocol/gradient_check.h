// How well the in-circuit learning step matches the gradient of the cost: a diagnostic that a lab
// could run with its own controller (set the gates, present the samples, read the outputs), whose
// numbers are reported and never fed into learning.
//
// From the gates of a run at the end of an epoch: the controller runs one training epoch (every
// training sample once, fixed order, the run's next learning time) and reads the gates: that is
// the step. Then, learning off, it sets each gate in turn to +-delta_v and measures the training
// MSE of the free network: the central finite difference is the gradient. Each measurement is a
// freshly loaded circuit whose gates start where asked (as a segment of the run starts).
#pragma once

#include <vector>

#include "config/config.h"
#include "netlist/edge_file.h"
#include "network/network.h"
#include "spice/session.h"
#include "tasks/dataset.h"

namespace cllnsim::protocol {

struct GradientCheck {
  int epoch = 0;             // checked after this epoch of the run
  double cost_mse = 0.0;     // training MSE at the checked gates, V^2
  double learn_seconds = 0;  // learning time per sample of the measured step
  double cosine = 0.0;       // cos(-gradient, step); 0 when either is zero
  double wall_seconds = 0.0;
  std::vector<double> gradient;  // dMSE/dV_gate per edge, V^2 per V
  std::vector<double> step;      // gate change of one training epoch per edge, V
};

// cos(-gradient, step): 1 when the step goes straight down the cost.
double descent_cosine(const std::vector<double>& gradient, const std::vector<double>& step);

GradientCheck check_gradient(const config::Config& config, const network::Network& network,
                             const netlist::EdgeDefinition& edge, const tasks::Dataset& data,
                             spice::Session& session, const std::vector<double>& gates, int epoch);

}  // namespace cllnsim::protocol
