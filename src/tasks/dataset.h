// The data a run learns: samples of input voltages and output labels, and how to score them.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace cllnsim::tasks {

struct Sample {
  std::vector<double> inputs;  // volts, one per config input node, in config order
  std::vector<double> labels;  // volts, one per config output, in config order
};

struct Dataset {
  std::vector<Sample> train;
  std::vector<Sample> test;
  bool test_is_train = false;   // tasks with no held-out data (XOR's four points)
  std::vector<double> classes;  // label values for nearest-target accuracy; empty: regression
};

// Builds the task the config names. Throws cllnsim::input_error (file + JSON path) when the
// network does not fit the task (e.g. XOR needs two inputs and one output).
Dataset make_dataset(const config::Config& config);

// Nearest-target classification: the class value closest to `output`.
double nearest_class(const std::vector<double>& classes, double output);

}  // namespace cllnsim::tasks
