#include "results/run_directory.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "analysis/error_modes.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/json_file.h"

namespace cllnsim::results {
namespace {

// Amplitudes (V) of the training error's mean, slope and curvature (analysis/error_modes.h).
std::filesystem::path prepared(std::filesystem::path dir) {
  io::ensure_directory(dir);
  return dir;
}

std::string optional_number(const std::optional<double>& value) {
  return value ? io::format_number(*value) : "";
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cells[i];
  return line + "\n";
}

}  // namespace

std::filesystem::path default_run_directory(const config::Config& config) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  std::ostringstream name;
  name << config.name << "-" << std::put_time(&local, "%Y%m%d-%H%M%S");
  return std::filesystem::path("runs") / name.str();
}

RunDirectory::RunDirectory(std::filesystem::path dir, const network::Network& network,
                           const tasks::Dataset& data)
    : dir_(prepared(std::move(dir))),
      data_(data),
      error_modes_(tasks::is_one_dimensional_regression(data)),
      history_(dir_ / "history.csv"),
      gates_(dir_ / "gates.csv") {
  history_header_ = {"epoch",         "train_mse",         "train_accuracy", "test_mse",
                     "test_accuracy", "simulated_seconds", "wall_seconds"};
  if (error_modes_) {
    for (const char* mode : {"mean", "slope", "curvature"}) {
      history_header_.push_back(std::string("train_error_") + mode);
    }
  }
  history_.append(csv_line(history_header_));
  gates_header_ = {"epoch"};
  for (const auto& edge : network.edges()) {
    gates_header_.push_back("g" + std::to_string(edge.index));
  }
  gates_.append(csv_line(gates_header_));
}

void RunDirectory::publish_records() {
  history_.commit();
  gates_.commit();
}

void RunDirectory::restore_records(int epoch) {
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".history.csv.partial-", 0) == 0 || name.rfind(".gates.csv.partial-", 0) == 0) {
      if (entry.path() != history_.temporary() && entry.path() != gates_.temporary()) {
        std::filesystem::remove(entry.path());
      }
    }
  }
  auto restore = [&](const char* name, const std::vector<std::string>& header,
                     io::AppendingFile& file, bool every_epoch) {
    const std::filesystem::path path = dir_ / name;
    std::ifstream stream(path, std::ios::binary);
    if (!stream) throw input_error(path.string() + ": missing; the run directory cannot resume");
    std::ostringstream text;
    text << stream.rdbuf();
    const io::CsvRows csv = io::read_csv(text.str(), path.string());
    if (csv.header != header) {
      throw input_error(path.string() + ":1: the header differs from this run's (" +
                        csv_line(header).substr(0, 60) + "...)");
    }
    int last = -1;
    for (std::size_t r = 0; r < csv.rows.size(); ++r) {
      const std::string& cell = csv.rows[r][0];
      int row_epoch = -1;
      const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), row_epoch);
      if (error != std::errc() || end != cell.data() + cell.size() || row_epoch <= last) {
        throw input_error(path.string() + ":" + std::to_string(csv.row_lines[r]) + ": found \"" +
                          cell + "\", expected an epoch after " + std::to_string(last));
      }
      if (row_epoch > epoch) break;
      file.append(csv_line(csv.rows[r]));
      last = row_epoch;
    }
    if (every_epoch && last != epoch) {
      throw input_error(path.string() + ": ends at epoch " + std::to_string(last) +
                        ", expected rows up to the checkpoint's epoch " + std::to_string(epoch));
    }
  };
  restore("history.csv", history_header_, history_, false);
  restore("gates.csv", gates_header_, gates_, true);
}

void RunDirectory::write_netlist(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  io::write_file_atomically(dir_ / "netlist.cir", text);
}

void RunDirectory::record_epoch(const protocol::EpochRecord& record) {
  std::vector<std::string> gates{std::to_string(record.epoch)};
  for (double gate : record.gates) gates.push_back(io::format_number(gate));
  gates_.append(csv_line(gates));
  if (!record.evaluated) return;
  std::vector<std::string> cells{
      std::to_string(record.epoch),
      io::format_number(record.train.mse),
      optional_number(record.train.accuracy),
      io::format_number(record.test.mse),
      optional_number(record.test.accuracy),
      io::format_number(record.time),
      io::format_number(std::round(record.wall_seconds * 1e6) / 1e6)};  // to the microsecond
  if (error_modes_) {
    std::vector<double> inputs, errors;
    for (std::size_t s = 0; s < data_.train.size(); ++s) {
      inputs.push_back(data_.train[s].inputs[0]);
      errors.push_back(record.train_outputs[s][0] - data_.train[s].labels[0]);
    }
    const analysis::ErrorModes modes = analysis::decompose_error(inputs, errors);
    for (double mode : {modes.mean, modes.slope, modes.curvature}) {
      cells.push_back(io::format_number(mode));
    }
  }
  history_.append(csv_line(cells));
}

void RunDirectory::write_samples(const config::Config& config) {
  std::vector<std::string> header{"set"};
  for (const auto& input : config.network.inputs) header.push_back(input.name);
  for (const auto& output : config.network.outputs) header.push_back("label_" + output.name);
  io::CsvTable table(header);
  auto add = [&](const char* set, const std::vector<tasks::Sample>& samples) {
    for (const auto& sample : samples) {
      std::vector<std::string> row{set};
      for (double volts : sample.inputs) row.push_back(io::format_number(volts));
      for (double volts : sample.labels) row.push_back(io::format_number(volts));
      table.add_row(row);
    }
  };
  add("train", data_.train);
  if (!data_.test_is_train) add("test", data_.test);
  io::write_file_atomically(dir_ / "samples.csv", table.text());
}

void RunDirectory::write_boundary(const config::Config& config,
                                  const std::vector<std::vector<double>>& inputs,
                                  const std::vector<std::vector<double>>& outputs) {
  std::vector<std::string> header;
  for (const auto& input : config.network.inputs) header.push_back(input.name);
  for (const auto& output : config.network.outputs) header.push_back(output.name);
  io::CsvTable table(header);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::vector<std::string> row;
    for (double volts : inputs[i]) row.push_back(io::format_number(volts));
    for (double volts : outputs[i]) row.push_back(io::format_number(volts));
    table.add_row(row);
  }
  io::write_file_atomically(dir_ / "boundary.csv", table.text());
}

void RunDirectory::write_results(const nlohmann::json& results) {
  history_.close();
  gates_.close();
  io::write_json_atomically(dir_ / "results.json", results);
}

nlohmann::json describe_metrics(const protocol::Metrics& metrics) {
  nlohmann::json json{{"mse", metrics.mse}};
  if (metrics.accuracy) json["accuracy"] = *metrics.accuracy;
  return json;
}

nlohmann::json describe_network(const network::Network& network,
                                const protocol::TrainingSummary* summary) {
  // A lattice's nodes and edge ends are sites [row, col]; a graph's are named, edge ends are
  // node indices, and an edge list's coordinates (if any) are kept for the picture.
  const bool lattice = network.is_lattice();
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& node : network.nodes()) {
    nlohmann::json entry{{"name", node.name}, {"role", network::role_name(node.role)}};
    if (lattice) {
      entry["row"] = node.at.row;
      entry["col"] = node.at.col;
    } else {
      entry["node"] = node.graph_name;
    }
    if (node.position) {
      entry["x"] = (*node.position)[0];
      entry["y"] = (*node.position)[1];
    }
    nodes.push_back(entry);
  }
  const auto end = [&](int index) -> nlohmann::json {
    const auto& at = network.nodes()[static_cast<std::size_t>(index)].at;
    return lattice ? nlohmann::json{at.row, at.col} : nlohmann::json(index);
  };
  nlohmann::json edges = nlohmann::json::array();
  for (const auto& edge : network.edges()) {
    nlohmann::json entry{
        {"index", edge.index}, {"a", end(edge.a)}, {"b", end(edge.b)}, {"wraps", edge.wraps}};
    const auto e = static_cast<std::size_t>(edge.index);
    if (summary && e < summary->final_gates.size()) {
      entry["initial_gate_volts"] = summary->initial_gates[e];
      entry["gate_volts"] = summary->final_gates[e];
    }
    if (summary && e < summary->conductances.size()) {
      entry["conductance_siemens"] = summary->conductances[e];
    }
    edges.push_back(entry);
  }
  return {
      {"kind", network.kind()}, {"description", network.description()}, {"rows", network.rows()},
      {"cols", network.cols()}, {"periodic", network.periodic()},       {"nodes", nodes},
      {"edges", edges}};
}

}  // namespace cllnsim::results
