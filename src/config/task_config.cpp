#include "config/task_config.h"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/shared_readers.h"

namespace cllnsim::config {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr StringRule kColumnName{"a non-empty column name", is_non_empty};

// A [low, high] pair of numbers; `distinct` refuses low == high (a range that maps nothing).
std::pair<double, double> read_pair(const ValueReader& value, std::string_view expected) {
  const std::vector<ValueReader> pair = value.array(expected, 2, 2);
  const std::pair<double, double> read{pair[0].number(kAnyNumber), pair[1].number(kAnyNumber)};
  if (read.first == read.second) value.reject(std::string(expected) + " with low != high");
  return read;
}

ColumnMap read_column_map(const ValueReader& value) {
  const ColumnMap defaults;
  const ObjectReader object = value.object({"column", "volts", "range"});
  ColumnMap map;
  map.column = object.required("column").string(kColumnName);
  std::tie(map.volts_low, map.volts_high) =
      read_pair(object.optional("volts", {defaults.volts_low, defaults.volts_high}),
                "a [low, high] pair of volts");
  if (object.contains("range")) {
    std::tie(map.data_low, map.data_high) =
        read_pair(object.required("range"), "a [low, high] pair of data values");
  }
  return map;
}

std::vector<ColumnMap> read_column_maps(const ValueReader& value, std::string_view expected) {
  std::vector<ColumnMap> maps;
  for (const ValueReader& element : value.array(expected, 1)) {
    maps.push_back(read_column_map(element));
  }
  return maps;
}

constexpr EnumNames<Split::Kind, 2> kSplitNames{{
    {"fraction", Split::Kind::fraction},
    {"per_class", Split::Kind::per_class},
}};

Split read_split(const ValueReader& value, bool classification) {
  const Split defaults;
  Split split;
  split.kind =
      read_choice(value.object({"kind", "train", "test"}), "kind", kSplitNames, defaults.kind);
  if (split.kind == Split::Kind::fraction) {
    const ObjectReader object = value.object({"kind", "train"});
    // 1: every row trains and the training set is also the test set (reported as such).
    split.train_fraction = object.optional("train", defaults.train_fraction).number(kFraction);
    return split;
  }
  if (!classification) {
    value.object({"kind", "train", "test"})
        .required("kind")
        .reject("\"fraction\" (a per-class split needs task.problem \"classification\")");
  }
  const ObjectReader object = value.object({"kind", "train", "test"});
  split.train_per_class = object.optional("train", defaults.train_per_class).integer(1);
  split.test_per_class = object.optional("test", defaults.test_per_class).integer(0);
  return split;
}

// The input range every generated task shares; `high_default` differs by task.
void read_input_range(const ObjectReader& object, Task& task, double high_default) {
  task.input_low = object.optional("input_low", task.input_low).number(kAnyNumber);
  task.input_high = read_above(object, "input_high", high_default, "input_low", task.input_low);
}

void read_csv_task(const ValueReader& value, const fs::path& config_file, Task& task) {
  const ObjectReader object =
      value.object({"kind", "file", "problem", "inputs", "targets", "classes", "split"});
  task.file = read_file_path(object.required("file"), config_file, "CSV file");
  task.classification =
      object.optional("problem", "regression").one_of({"regression", "classification"}) ==
      "classification";
  task.inputs = read_column_maps(object.required("inputs"), "a non-empty array of input columns");
  if (task.classification) {
    if (object.contains("targets")) {
      object.required("targets").reject("no \"targets\" (a classification task uses \"classes\")");
    }
    const ObjectReader classes = object.required("classes").object({"column", "volts"});
    task.class_column = classes.required("column").string(kColumnName);
    std::tie(task.class_low, task.class_high) =
        read_pair(classes.optional("volts", {task.class_low, task.class_high}),
                  "a [low, high] pair of volts");
  } else {
    if (object.contains("classes")) {
      object.required("classes").reject("no \"classes\" (a regression task uses \"targets\")");
    }
    task.targets =
        read_column_maps(object.required("targets"), "a non-empty array of target columns");
  }
  task.split = read_split(object.optional("split", json::object()), task.classification);
}

}  // namespace

Task read_task(const ValueReader& value, const fs::path& config_file) {
  Task task;
  // The keys allowed depend on the kind, so the kind is read first.
  task.kind =
      value
          .object({"kind", "input_low", "input_high", "target_same", "target_different", "points",
                   "target_start", "target_slope", "target_ceiling", "train_points", "test_points",
                   "target", "file", "problem", "inputs", "targets", "classes", "split"})
          .optional("kind", task.kind)
          .one_of({"xor", "regression", "classify2d", "csv"});
  if (task.kind == "xor") {
    const ObjectReader object =
        value.object({"kind", "input_low", "input_high", "target_same", "target_different"});
    read_input_range(object, task, task.input_high);
    task.target_same = object.optional("target_same", task.target_same).number(kAnyNumber);
    task.target_different =
        object.optional("target_different", task.target_different).number(kAnyNumber);
  } else if (task.kind == "regression") {
    const ObjectReader object = value.object({"kind", "points", "input_low", "input_high",
                                              "target_start", "target_slope", "target_ceiling"});
    task.points = object.optional("points", task.points).integer(3);
    read_input_range(object, task, 0.435);
    task.target_start = object.optional("target_start", task.target_start).number(kAnyNumber);
    task.target_slope = object.optional("target_slope", task.target_slope).number(kAnyNumber);
    task.target_ceiling = object.optional("target_ceiling", task.target_ceiling).number(kAnyNumber);
  } else if (task.kind == "classify2d") {
    const ObjectReader object =
        value.object({"kind", "train_points", "test_points", "input_low", "input_high", "target"});
    task.train_points = object.optional("train_points", task.train_points).integer(2);
    task.test_points = object.optional("test_points", task.test_points).integer(1);
    read_input_range(object, task, task.input_high);
    task.target = object.optional("target", task.target).number(kPositive);
  } else {
    read_csv_task(value, config_file, task);
  }
  return task;
}

}  // namespace cllnsim::config
