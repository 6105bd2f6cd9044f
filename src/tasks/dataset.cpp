#include "tasks/dataset.h"

#include <cmath>
#include <limits>

#include "core/error.h"

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
  data.classes = {task.target_same, task.target_different};
  return data;
}

}  // namespace

Dataset make_dataset(const config::Config& config) {
  if (config.task.kind == "xor") return make_xor(config);
  throw input_error(config.source_file.string() + ": at task.kind: found \"" + config.task.kind +
                    "\", expected \"xor\"");
}

double nearest_class(const std::vector<double>& classes, double output) {
  double best = std::numeric_limits<double>::quiet_NaN();
  for (double value : classes) {
    if (std::isnan(best) || std::abs(output - value) < std::abs(output - best)) best = value;
  }
  return best;
}

}  // namespace cllnsim::tasks
