// The data a run learns: samples of input voltages and output labels, and how to score them.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "config/config.h"

namespace cllnsim::tasks {

struct Sample {
  std::vector<double> inputs;  // volts, one per config input node, in config order
  std::vector<double> labels;  // volts, one per config output, in config order
};

// How an output vector is classed.
enum class Decision {
  none,     // regression: no accuracy
  nearest,  // each output is classed as the class value closest to it (a sign test when the two
            // values are symmetric about 0)
  argmax,   // one output per class (one-hot labels): the class is the largest output
};

struct Dataset {
  std::vector<Sample> train;
  std::vector<Sample> test;
  bool test_is_train = false;  // tasks with no held-out data (XOR's four points)
  Decision decision = Decision::none;
  std::vector<double> classes;           // label values, for Decision::nearest
  std::vector<std::string> class_names;  // for reports; empty for generated tasks
};

// Builds the task the config names. Throws cllnsim::input_error (file + JSON path, or the CSV
// file, line and column) when the data is malformed or the network does not fit the task.
Dataset make_dataset(const config::Config& config);

// classify2d's boundary, a quarter circle of radius 0.8 around the high corner (1, 1): class +1
// where v > classify2d_boundary(u) (inside it), u and v the two inputs scaled to [0, 1].
double classify2d_boundary(double u);

// Nearest-target classification: the class value closest to `output`.
double nearest_class(const std::vector<double>& classes, double output);

// Whether `outputs` get the class `labels` stand for, by the data set's decision rule.
bool is_correct(const Dataset& data, std::span<const double> outputs,
                std::span<const double> labels);

// One-dimensional regression (one input, one output, no classes): the tasks whose error is
// decomposed into modes over the input.
bool is_one_dimensional_regression(const Dataset& data);

}  // namespace cllnsim::tasks
