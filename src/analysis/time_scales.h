// The two time scales of learning out of equilibrium, measured on the circuit (not assumed):
// how fast the networks relax after an input step, and how fast learning changes the edges.
// Their product is the dimensionless ratio learning rate / relaxation rate that decides whether
// learning can overlap the relaxation (Stern et al., PRR 2022: it works up to a critical ratio).
#pragma once

#include <vector>

#include "config/config.h"
#include "netlist/edge_file.h"
#include "network/network.h"
#include "spice/session.h"
#include "tasks/dataset.h"

namespace cllnsim::analysis {

struct TimeScales {
  // Relaxation time: after a step of inputs and labels (learning off), the time until the
  // slowest node of either copy stays within 1/e of its total change (the 1/e time of its step
  // response; nodes that move less than 5 % of the largest change are left out). The largest
  // over the steps measured.
  double relaxation_seconds = 0.0;
  int steps_measured = 0;
  double hold_seconds = 0.0;  // how long each step was held (at least 20x the relaxation time)
  // Learning rate: for each of the samples stepped to (from 0 V), with the networks settled
  // there and learning on (after its ramp), |d ln g / dt| of each edge's free transistor (g its
  // small-signal conductance gds) over `learning_window_seconds`; of the fastest edge and of the
  // median edge, each averaged over the samples.
  double learning_rate_max_per_second = 0.0;
  double learning_rate_median_per_second = 0.0;
  double gate_slew_max_volts_per_second = 0.0;  // the fastest gate over the same window
  double learning_window_seconds = 0.0;
  // relaxation_seconds * learning_rate_median: the fraction by which the median edge's
  // conductance changes within one relaxation time (<< 1: quasi-static learning). The median,
  // because the fastest fractional change belongs to an edge nearly switched off (tiny gds),
  // whose change the network hardly feels; that one is kept as ratio_fastest_edge.
  double ratio = 0.0;
  double ratio_fastest_edge = 0.0;
};

// Needs an edge whose free transistor is known (netlist::EdgeDefinition::free_transistor).
// Throws cllnsim::Error (simulation_failed) when a transient fails.
TimeScales measure_time_scales(const config::Config& config, const network::Network& network,
                               const netlist::EdgeDefinition& edge,
                               const std::vector<double>& gates, const tasks::Dataset& data,
                               spice::Session& session);

// Whether a run measures them: learning that overlaps the relaxation (learn_onset with_input).
bool measures_time_scales(const config::Config& config, const netlist::EdgeDefinition& edge);

// 1/e time of one node's step response: from `start` until `values` (sampled at `times`) stays
// within |end - begin| / e of the last value; linear between samples.
double one_over_e_time(const std::vector<double>& times, const std::vector<double>& values,
                       double start);

}  // namespace cllnsim::analysis
