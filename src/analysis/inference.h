// Inference measured on the circuit after training: the trained network (final gates, learning
// off) is driven through a sequence of input steps in a transient of its own; cllnsim reads the
// free outputs, the currents of the free network's sources and the free node voltages.
#pragma once

#include <array>
#include <vector>

#include "config/config.h"
#include "netlist/edge_file.h"
#include "network/network.h"
#include "spice/session.h"

namespace cllnsim::analysis {

struct InferenceMeasurement {
  // Power dissipated in the free network's transistors while it holds an input (W): the power
  // its input and rail sources deliver minus what the node-leak resistors take, at the end of
  // each hold, averaged over the measured inputs.
  double power_watts = 0.0;
  // Time from the start of an input step until every output stays within settle_tolerance of
  // its full scale (|O - O_end| <= tol * full scale + 1 uV; analysis/settling.h), the largest
  // over the measured inputs.
  double settling_seconds = 0.0;
  // False when an output was still outside its band in the second half of a hold: the hold is
  // too short to see the output settle, so settling_seconds and the energy are lower bounds.
  bool settled_within_hold = true;
  double energy_joules = 0.0;                // power_watts * settling_seconds
  double energy_per_parameter_joules = 0.0;  // ... / number of edges
  std::size_t measured_inputs = 0;
  // The free outputs at the end of every hold, for every input given (measured or not).
  std::vector<std::vector<double>> outputs;
};

// Holds each of `inputs` in turn (a step of analysis.step_seconds, then analysis.hold_seconds);
// the first `measured` of them give power and settling. `gates` are the trained gate voltages.
// Throws cllnsim::Error (simulation_failed) when the transient fails.
InferenceMeasurement measure_inference(const config::Config& config,
                                       const network::Network& network,
                                       const netlist::EdgeDefinition& edge,
                                       const std::vector<double>& gates,
                                       const std::vector<std::vector<double>>& inputs,
                                       std::size_t measured, spice::Session& session);

// The points of a grid x grid lattice over the box [low, high] of two inputs, first input
// fastest.
std::vector<std::vector<double>> grid_inputs(int grid, std::array<double, 2> low,
                                             std::array<double, 2> high);

}  // namespace cllnsim::analysis
