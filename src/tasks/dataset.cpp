#include "tasks/dataset.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "tasks/csv_task.h"
#include "tasks/random.h"

namespace cllnsim::tasks {
namespace {

void require_count(const config::Config& config, const std::string& path, std::size_t found,
                   std::size_t expected) {
  if (found != expected) {
    throw input_error(config.source_file.string() + ": at " + path + ": found " +
                      std::to_string(found) + " entries, expected " + std::to_string(expected) +
                      " for task '" + config.task.kind + "'");
  }
}

// XOR with the published levels: inputs low/high; label target_same for 00 and 11,
// target_different for 01 and 10. Four points, so the test set is the training set.
Dataset make_xor(const config::Config& config) {
  require_count(config, "network.inputs", config.network.inputs.size(), 2);
  require_count(config, "network.outputs", config.network.outputs.size(), 1);
  const config::Task& task = config.task;
  Dataset data;
  for (int a = 0; a < 2; ++a) {
    for (int b = 0; b < 2; ++b) {
      const double x1 = a ? task.input_high : task.input_low;
      const double x2 = b ? task.input_high : task.input_low;
      data.train.push_back({{x1, x2}, {a == b ? task.target_same : task.target_different}});
    }
  }
  data.test = data.train;
  data.test_is_train = true;
  data.decision = Decision::nearest;
  data.classes = {task.target_same, task.target_different};
  return data;
}

// The published 1-D regression: `points` inputs evenly over [input_low, input_high], target a
// clipped ramp min(start + slope (x - low), ceiling). Every point trains, so test = training.
Dataset make_regression(const config::Config& config) {
  require_count(config, "network.inputs", config.network.inputs.size(), 1);
  require_count(config, "network.outputs", config.network.outputs.size(), 1);
  const config::Task& task = config.task;
  Dataset data;
  for (int i = 0; i < task.points; ++i) {
    const double x = task.input_low + (task.input_high - task.input_low) * i / (task.points - 1);
    const double y =
        std::min(task.target_start + task.target_slope * (x - task.input_low), task.target_ceiling);
    data.train.push_back({{x}, {y}});
  }
  data.test = data.train;
  data.test_is_train = true;
  return data;
}

// Points uniform over the input square; class +1 inside the quarter circle of radius 0.8 around
// the high corner, (1 - u)^2 + (1 - v)^2 < 0.8^2 (u, v the inputs scaled to [0, 1]), else -1:
// no straight line separates them. Labels +/- target on one output, so the decision is the
// output's sign.
Dataset make_classify2d(const config::Config& config) {
  require_count(config, "network.inputs", config.network.inputs.size(), 2);
  require_count(config, "network.outputs", config.network.outputs.size(), 1);
  const config::Task& task = config.task;
  std::mt19937_64 generator = seeded_generator(config.seed, 0x32646373U /* "2dcs" */);
  auto draw = [&](int count) {
    std::vector<Sample> samples;
    for (int i = 0; i < count; ++i) {
      const double u = unit_interval(generator);
      const double v = unit_interval(generator);
      const bool above = v > classify2d_boundary(u);  // inside the circle
      const double span = task.input_high - task.input_low;
      samples.push_back({{task.input_low + u * span, task.input_low + v * span},
                         {above ? task.target : -task.target}});
    }
    return samples;
  };
  Dataset data;
  data.train = draw(task.train_points);
  data.test = draw(task.test_points);
  data.decision = Decision::nearest;
  data.classes = {-task.target, task.target};
  return data;
}

}  // namespace

double classify2d_boundary(double u) {
  constexpr double kRadius = 0.8;  // half of the square inside
  const double across = 1.0 - u;
  return across < kRadius ? 1.0 - std::sqrt(kRadius * kRadius - across * across) : 1.0;
}

Dataset make_dataset(const config::Config& config) {
  const std::string& kind = config.task.kind;
  if (kind == "xor") return make_xor(config);
  if (kind == "regression") return make_regression(config);
  if (kind == "classify2d") return make_classify2d(config);
  if (kind == "csv") return make_csv_dataset(config);
  throw input_error(config.source_file.string() + ": at task.kind: found \"" + kind +
                    "\", expected one of \"xor\", \"regression\", \"classify2d\", \"csv\"");
}

double nearest_class(const std::vector<double>& classes, double output) {
  double best = std::numeric_limits<double>::quiet_NaN();
  for (double value : classes) {
    if (std::isnan(best) || std::abs(output - value) < std::abs(output - best)) best = value;
  }
  return best;
}

bool is_correct(const Dataset& data, std::span<const double> outputs,
                std::span<const double> labels) {
  switch (data.decision) {
    case Decision::none:
      return false;
    case Decision::nearest:
      for (std::size_t k = 0; k < labels.size(); ++k) {
        if (nearest_class(data.classes, outputs[k]) != labels[k]) return false;
      }
      return true;
    case Decision::argmax:
      return std::max_element(outputs.begin(), outputs.end()) - outputs.begin() ==
             std::max_element(labels.begin(), labels.end()) - labels.begin();
  }
  return false;
}

bool is_one_dimensional_regression(const Dataset& data) {
  return data.decision == Decision::none && !data.train.empty() &&
         data.train.front().inputs.size() == 1 && data.train.front().labels.size() == 1;
}

}  // namespace cllnsim::tasks
