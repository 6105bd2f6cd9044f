#include "results/training_run.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "analysis/inference.h"
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

// The inputs the trained network is driven with after training: the first
// analysis.inference_samples test inputs (measured), then the boundary grid, if any.
struct InferencePlan {
  std::vector<std::vector<double>> inputs;
  std::size_t measured = 0;
  std::size_t grid_points = 0;
};

InferencePlan plan_inference(const protocol::Experiment& experiment) {
  const config::Config& config = experiment.config;
  const tasks::Dataset& data = experiment.data;
  InferencePlan plan;
  const auto count = static_cast<std::size_t>(config.analysis.inference_samples);
  for (std::size_t i = 0; i < std::min(count, data.test.size()); ++i) {
    plan.inputs.push_back(data.test[i].inputs);
  }
  plan.measured = plan.inputs.size();
  if (config.analysis.boundary_grid > 0 && config.network.inputs.size() == 2) {
    // The grid spans the box of every sample, training and test.
    std::array<double, 2> low{INFINITY, INFINITY}, high{-INFINITY, -INFINITY};
    for (const auto* samples : {&data.train, &data.test}) {
      for (const auto& sample : *samples) {
        for (std::size_t k = 0; k < 2; ++k) {
          low[k] = std::min(low[k], sample.inputs[k]);
          high[k] = std::max(high[k], sample.inputs[k]);
        }
      }
    }
    const auto grid = analysis::grid_inputs(config.analysis.boundary_grid, low, high);
    plan.grid_points = grid.size();
    plan.inputs.insert(plan.inputs.end(), grid.begin(), grid.end());
  }
  return plan;
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
  RunDirectory directory(run_directory, experiment.network, experiment.data);
  directory.write_samples(experiment.config);
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  nlohmann::json results = base_results(experiment);
  spice::Session session;
  TrainingOutcome outcome;
  outcome.run_directory = run_directory;
  analysis::InferenceMeasurement inference;
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
    const InferencePlan plan = plan_inference(experiment);
    inference = analysis::measure_inference(experiment.config, experiment.network, experiment.edge,
                                            outcome.summary.final_gates, plan.inputs, plan.measured,
                                            session);
    if (plan.grid_points > 0) {
      const auto first = static_cast<std::ptrdiff_t>(plan.measured);
      directory.write_boundary(experiment.config, {plan.inputs.begin() + first, plan.inputs.end()},
                               {inference.outputs.begin() + first, inference.outputs.end()});
    }
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
  // Measured on the trained circuit (README "Energy and latency of inference").
  results["inference_power_w"] = inference.power_watts;
  results["settling_time_s"] = inference.settling_seconds;
  results["energy_per_inference_j"] = inference.energy_joules;
  results["energy_per_parameter_inference_j"] = inference.energy_per_parameter_joules;
  results["inference_inputs_measured"] = inference.measured_inputs;
  if (!experiment.data.class_names.empty()) results["classes"] = experiment.data.class_names;
  directory.write_results(results);
  return outcome;
}

}  // namespace cllnsim::results
