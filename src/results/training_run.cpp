#include "results/training_run.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/version.h"
#include "results/run_directory.h"
#include "spice/session.h"

namespace cllnsim::results {
namespace {

nlohmann::json base_results(const protocol::Experiment& experiment) {
  const config::Config& config = experiment.config;
  return {
      {"name", config.name},
      {"seed", config.seed},
      {"config", config.resolved},
      {"versions", {{"cllnsim", CLLNSIM_VERSION}, {"ngspice", spice::Session::ngspice_version()}}}};
}

}  // namespace

TrainingOutcome run_training(const protocol::Experiment& experiment,
                             const std::filesystem::path& run_directory,
                             const std::function<void(const protocol::EpochRecord&)>& progress,
                             const std::function<bool()>& stop_requested) {
  if (std::filesystem::exists(run_directory / "results.json")) {
    throw input_error(run_directory.string() +
                      " already holds a run (results.json); choose another --out");
  }
  RunDirectory directory(run_directory, experiment.network);
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  nlohmann::json results = base_results(experiment);
  spice::Session session;
  TrainingOutcome outcome;
  outcome.run_directory = run_directory;
  try {
    outcome.summary = protocol::train(
        experiment.config, experiment.network, experiment.edge, experiment.data, session,
        [&](const protocol::EpochRecord& record) {
          directory.record_epoch(record);
          if (progress) progress(record);
          if (stop_requested && stop_requested()) {
            results["status"] = "interrupted";
            results["interrupted_after_epoch"] = record.epoch;
            results["simulated_seconds"] = record.time;
            results["wall_seconds"] = elapsed();
            results["network"] = describe_network(experiment.network, nullptr);
            directory.write_results(results);
            std::fprintf(stderr, "\ncllnsim: interrupted after epoch %d; %s holds the run so far\n",
                         record.epoch, run_directory.c_str());
            std::_Exit(kInterruptedExitCode);
          }
        },
        [&](const std::vector<std::string>& netlist) { directory.write_netlist(netlist); });
  } catch (const Error& error) {
    results["status"] = "failed";
    results["error"] = error.what();
    results["wall_seconds"] = elapsed();
    results["network"] = describe_network(experiment.network, nullptr);
    directory.write_results(results);
    throw;
  }
  outcome.wall_seconds = elapsed();
  const protocol::TrainingSummary& summary = outcome.summary;
  results["status"] = "completed";
  results["metrics"] = {{"train", describe_metrics(summary.train)},
                        {"test", describe_metrics(summary.test)}};
  if (experiment.data.test_is_train) {
    results["metrics"]["note"] = "this task has no held-out data: test = training set";
  }
  results["epochs"] = summary.epochs;
  results["wall_seconds"] = outcome.wall_seconds;
  results["simulated_seconds"] = summary.simulated_seconds;
  results["time_points"] = summary.time_points;
  results["network"] = describe_network(experiment.network, &summary);
  directory.write_results(results);
  return outcome;
}

}  // namespace cllnsim::results
