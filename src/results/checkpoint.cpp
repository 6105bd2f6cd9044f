#include "results/checkpoint.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "io/json_file.h"

namespace cllnsim::results {
namespace {

using nlohmann::json;

constexpr int kFormat = 1;

// Doubles go into JSON as the shortest text that reads back to the same bits; NaN (an MSE of a
// node that failed) as null.
json number(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

json metrics_json(const protocol::Metrics& metrics) {
  json out{{"mse", number(metrics.mse)}};
  if (metrics.accuracy) out["accuracy"] = *metrics.accuracy;
  return out;
}

class CheckpointReader {
 public:
  CheckpointReader(const std::filesystem::path& file, const json& document)
      : file_(file), document_(document) {}

  const json& at(const std::string& path) const {
    const json* value = &document_;
    std::string walked;
    std::istringstream keys(path);
    for (std::string key; std::getline(keys, key, '.');) {
      walked += (walked.empty() ? "" : ".") + key;
      if (!value->is_object() || !value->contains(key)) fail(walked, "missing");
      value = &(*value)[key];
    }
    return *value;
  }

  double real(const json& value, const std::string& path) const {
    if (value.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!value.is_number()) fail(path, "expected a number");
    return value.get<double>();
  }

  std::vector<double> reals(const std::string& path) const {
    const json& array = at(path);
    if (!array.is_array()) fail(path, "expected an array of numbers");
    std::vector<double> values;
    for (const json& value : array) values.push_back(real(value, path));
    return values;
  }

  protocol::Metrics metrics(const std::string& path) const {
    protocol::Metrics metrics;
    metrics.mse = real(at(path + ".mse"), path + ".mse");
    if (at(path).contains("accuracy")) {
      metrics.accuracy = real(at(path + ".accuracy"), path + ".accuracy");
    }
    return metrics;
  }

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw input_error(file_.string() + ": at " + path + ": " + what +
                      " (the checkpoint is damaged or not one cllnsim wrote)");
  }

 private:
  std::filesystem::path file_;
  const json& document_;
};

}  // namespace

std::filesystem::path checkpoint_path(const std::filesystem::path& run_directory) {
  return run_directory / "checkpoint.json";
}

void write_checkpoint(const std::filesystem::path& run_directory, const Checkpoint& checkpoint) {
  const protocol::RunState& state = checkpoint.state;
  json gates = json::array(), signals = json::array();
  for (double gate : state.gates) gates.push_back(number(gate));
  for (double signal : state.signals) signals.push_back(number(signal));
  io::write_json_atomically(
      checkpoint_path(run_directory),
      {{"format", kFormat},
       {"epoch", state.epoch},
       {"simulated_seconds", state.time},
       {"gates", gates},
       {"signals", signals},
       {"metrics", {{"train", metrics_json(state.train)}, {"test", metrics_json(state.test)}}},
       {"time_points", state.time_points},
       {"retries", state.retries},
       {"wall_seconds", checkpoint.wall_seconds},
       {"training_wall_seconds", state.wall_seconds},
       {"config", checkpoint.config}});
}

std::optional<Checkpoint> read_checkpoint(const std::filesystem::path& run_directory) {
  const std::filesystem::path file = checkpoint_path(run_directory);
  std::ifstream stream(file, std::ios::binary);
  if (!stream) return std::nullopt;
  std::ostringstream text;
  text << stream.rdbuf();
  const json document = json::parse(text.str(), nullptr, false);
  if (document.is_discarded()) {
    throw input_error(file.string() + ": not valid JSON (the checkpoint is damaged)");
  }
  const CheckpointReader reader(file, document);
  if (reader.at("format") != kFormat) reader.fail("format", "expected 1");
  Checkpoint checkpoint;
  protocol::RunState& state = checkpoint.state;
  const json& epoch = reader.at("epoch");
  if (!epoch.is_number_integer() || epoch.get<int>() < 0) {
    reader.fail("epoch", "expected an integer >= 0");
  }
  state.epoch = epoch.get<int>();
  state.time = reader.real(reader.at("simulated_seconds"), "simulated_seconds");
  state.gates = reader.reals("gates");
  state.signals = reader.reals("signals");
  state.train = reader.metrics("metrics.train");
  state.test = reader.metrics("metrics.test");
  const json& points = reader.at("time_points");
  if (!points.is_number_unsigned()) reader.fail("time_points", "expected an integer >= 0");
  state.time_points = points.get<std::size_t>();
  const json& retries = reader.at("retries");
  if (!retries.is_array()) reader.fail("retries", "expected an array of strings");
  for (const json& retry : retries) {
    if (!retry.is_string()) reader.fail("retries", "expected an array of strings");
    state.retries.push_back(retry.get<std::string>());
  }
  checkpoint.wall_seconds = reader.real(reader.at("wall_seconds"), "wall_seconds");
  // Checkpoints written before history.csv had wall_seconds: the run's clock is the nearest.
  state.wall_seconds =
      document.contains("training_wall_seconds")
          ? reader.real(reader.at("training_wall_seconds"), "training_wall_seconds")
          : checkpoint.wall_seconds;
  checkpoint.config = reader.at("config");
  if (!checkpoint.config.is_object()) reader.fail("config", "expected an object");
  return checkpoint;
}

}  // namespace cllnsim::results
