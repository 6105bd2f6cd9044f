// The run directory a training run leaves behind: results.json, history.csv, gates.csv and
// netlist.cir, each written atomically (see README "Run directory").
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "io/appending_file.h"
#include "network/network.h"
#include "protocol/trainer.h"
#include "tasks/dataset.h"

namespace cllnsim::results {

// `runs/<name>-<YYYYmmdd-HHMMSS>` under the current folder.
std::filesystem::path default_run_directory(const config::Config& config);

class RunDirectory {
 public:
  // Creates the folder (throws cllnsim::input_error if it cannot be created or written).
  // A 1-D regression's history.csv also gets the error modes of every evaluated epoch.
  RunDirectory(std::filesystem::path dir, const network::Network& network,
               const tasks::Dataset& data);

  const std::filesystem::path& path() const { return dir_; }
  void write_netlist(const std::vector<std::string>& lines);
  // samples.csv: every training and test sample (inputs and labels, V), as the seed drew them.
  void write_samples(const config::Config& config);
  // boundary.csv: the trained network's outputs over a grid of its two inputs (learning off).
  void write_boundary(const config::Config& config, const std::vector<std::vector<double>>& inputs,
                      const std::vector<std::vector<double>>& outputs);
  void record_epoch(const protocol::EpochRecord& record);
  // Publishes history.csv and gates.csv as they stand (before a checkpoint is written).
  void publish_records();
  // On resume: takes over the rows of the published history.csv and gates.csv up to `epoch`
  // (the checkpoint's) and removes the unpublished rows a killed process left behind. Throws
  // cllnsim::input_error naming the file and line if they are malformed or end before `epoch`.
  void restore_records(int epoch);
  // Publishes history.csv and gates.csv as they stand and writes results.json; the run is
  // over (no more epochs may be recorded) and no temporary file is left behind.
  void write_results(const nlohmann::json& results);

 private:
  std::filesystem::path dir_;
  const tasks::Dataset& data_;
  bool error_modes_;
  io::AppendingFile history_;
  io::AppendingFile gates_;
  std::vector<std::string> history_header_, gates_header_;
};

// The network as results.json describes it (nodes with roles, edges with final state).
nlohmann::json describe_network(const network::Network& network,
                                const protocol::TrainingSummary* summary);

nlohmann::json describe_metrics(const protocol::Metrics& metrics);

}  // namespace cllnsim::results
