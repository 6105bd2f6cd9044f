#include "results/training_run.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "analysis/inference.h"
#include "analysis/time_scales.h"
#include "core/error.h"
#include "core/version.h"
#include "io/csv.h"
#include "io/json_file.h"
#include "results/run_directory.h"
#include "spice/session.h"

namespace cllnsim::results {
namespace {

// analysis.gradient_check's measurements (README "Equilibrium propagation").
nlohmann::json describe_gradient_checks(const std::vector<protocol::GradientCheck>& checks) {
  nlohmann::json described = nlohmann::json::array();
  for (const protocol::GradientCheck& check : checks) {
    described.push_back({{"epoch", check.epoch},
                         {"cosine", check.cosine},
                         {"cost_mse", check.cost_mse},
                         {"learn_seconds", check.learn_seconds},
                         {"wall_seconds", check.wall_seconds},
                         {"gradient", check.gradient},
                         {"step", check.step}});
  }
  return described;
}

nlohmann::json base_results(const protocol::Experiment& experiment,
                            const std::string& ngspice_version) {
  const config::Config& config = experiment.config;
  return {{"name", config.name},
          {"seed", config.seed},
          {"config", config.resolved},
          {"versions", {{"cllnsim", CLLNSIM_VERSION}, {"ngspice", ngspice_version}}}};
}

// README "Learning out of equilibrium": measured at the initial gates.
nlohmann::json describe_time_scales(const analysis::TimeScales& scales) {
  return {{"ratio", scales.ratio},
          {"ratio_fastest_edge", scales.ratio_fastest_edge},
          {"relaxation_seconds", scales.relaxation_seconds},
          {"learning_rate_max_per_second", scales.learning_rate_max_per_second},
          {"learning_rate_median_per_second", scales.learning_rate_median_per_second},
          {"gate_slew_max_volts_per_second", scales.gate_slew_max_volts_per_second},
          {"learning_window_seconds", scales.learning_window_seconds},
          {"relaxation_steps_measured", scales.steps_measured},
          {"relaxation_hold_seconds", scales.hold_seconds}};
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

Checkpoint read_resumable(const std::filesystem::path& run_directory) {
  std::optional<Checkpoint> checkpoint = read_checkpoint(run_directory);
  if (!checkpoint) {
    throw input_error(run_directory.string() +
                      ": no checkpoint.json to resume from (the run ended before its first "
                      "checkpoint, or this is not a run directory); start the run again");
  }
  std::ifstream results(run_directory / "results.json");
  if (results) {
    const auto json = nlohmann::json::parse(results, nullptr, false);
    if (!json.is_discarded() && json.value("status", "") == "completed") {
      throw input_error(run_directory.string() + ": the run has completed; nothing to resume");
    }
  }
  return *checkpoint;
}

int record_crash(const protocol::Experiment& experiment, const std::filesystem::path& run_directory,
                 const std::string& what) {
  std::optional<Checkpoint> checkpoint;
  try {
    checkpoint = read_checkpoint(run_directory);
  } catch (const Error&) {
    // A damaged checkpoint is reported as none; resuming will name what is wrong with it.
  }
  // Written by the supervising process, which holds no libngspice (one instance per process,
  // in the crashed child): the version built against, which scripts/setup.sh keeps in step.
  nlohmann::json results = base_results(experiment, spice::Session::built_against_version());
  results["status"] = "crashed";
  results["error"] = what;
  results["network"] = describe_network(experiment.network, nullptr);
  const int epoch = checkpoint ? checkpoint->state.epoch : -1;
  if (checkpoint) {
    results["checkpoint_epoch"] = epoch;
    results["wall_seconds"] = checkpoint->wall_seconds;
    results["simulated_seconds"] = checkpoint->state.time;
  }
  io::write_json_atomically(run_directory / "results.json", results);
  return epoch;
}

TrainingOutcome run_training(const protocol::Experiment& requested,
                             const std::filesystem::path& run_directory,
                             const std::function<void(const protocol::EpochRecord&)>& on_epoch,
                             const std::function<bool()>& stop_requested,
                             const std::optional<Checkpoint>& resume,
                             const std::function<void(const protocol::Progress&)>& on_progress) {
  if (!resume && std::filesystem::exists(run_directory / "results.json")) {
    throw input_error(run_directory.string() +
                      " already holds a run (results.json); choose another --out");
  }
  spice::Session session;
  // The run's own copy, its simulator.solver settled for the loaded library (and its edge checked).
  protocol::Experiment experiment = requested;
  protocol::settle_for_library(experiment, session.library_info());
  RunDirectory directory(run_directory, experiment.network, experiment.data);
  directory.write_samples(experiment.config);
  if (resume) directory.restore_records(resume->state.epoch);
  const double earlier_wall_seconds = resume ? resume->wall_seconds : 0.0;
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return earlier_wall_seconds +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };

  nlohmann::json results = base_results(experiment, session.library_info().version);
  // What "auto" chose (the config keeps what was asked).
  results["solver"] = config::solver_name(
      experiment.config.simulator.solver_for(experiment.network.edges().size()));
  TrainingOutcome outcome;
  outcome.run_directory = run_directory;
  analysis::InferenceMeasurement inference;
  std::optional<analysis::TimeScales> time_scales;
  std::vector<std::string> retries = resume ? resume->state.retries : std::vector<std::string>{};
  auto write_incomplete = [&](const char* status, int checkpoint_epoch) {
    results["status"] = status;
    results["wall_seconds"] = elapsed();
    results["network"] = describe_network(experiment.network, nullptr);
    if (checkpoint_epoch >= 0) results["checkpoint_epoch"] = checkpoint_epoch;
    if (!retries.empty()) results["retries"] = retries;
    directory.write_results(results);
  };
  int checkpoint_epoch = resume ? resume->state.epoch : -1;
  try {
    outcome.summary = protocol::train(
        experiment.config, experiment.network, experiment.edge, experiment.data, session,
        [&](const protocol::EpochRecord& record) {
          directory.record_epoch(record);
          if (on_epoch) on_epoch(record);
        },
        [&](const std::vector<std::string>& netlist) { directory.write_netlist(netlist); },
        resume ? std::optional<protocol::RunState>(resume->state) : std::nullopt,
        [&](const protocol::RunState& state) {
          directory.publish_records();
          write_checkpoint(run_directory, {state, elapsed(), experiment.config.resolved});
          checkpoint_epoch = state.epoch;
          retries = state.retries;
          if (stop_requested && stop_requested() &&
              state.epoch < experiment.config.training.epochs) {
            results["interrupted_after_epoch"] = state.epoch;
            results["simulated_seconds"] = state.time;
            write_incomplete("interrupted", state.epoch);
            std::fprintf(stderr,
                         "\ncllnsim: interrupted after epoch %d; %s holds the run so far "
                         "(continue with: cllnsim train --resume %s)\n",
                         state.epoch, run_directory.c_str(), run_directory.c_str());
            std::_Exit(kInterruptedExitCode);
          }
        },
        on_progress);
    const InferencePlan plan = plan_inference(experiment);
    protocol::with_one_retry(experiment.config, "the inference measurement",
                             outcome.summary.retries, [&](const config::Config& attempt_config) {
                               inference = analysis::measure_inference(
                                   attempt_config, experiment.network, experiment.edge,
                                   outcome.summary.final_gates, plan.inputs, plan.measured,
                                   session);
                             });
    if (analysis::measures_time_scales(experiment.config, experiment.edge)) {
      protocol::with_one_retry(experiment.config, "the time-scale measurement",
                               outcome.summary.retries, [&](const config::Config& attempt_config) {
                                 time_scales = analysis::measure_time_scales(
                                     attempt_config, experiment.network, experiment.edge,
                                     outcome.summary.initial_gates, experiment.data, session);
                               });
    }
    if (plan.grid_points > 0) {
      const auto first = static_cast<std::ptrdiff_t>(plan.measured);
      directory.write_boundary(experiment.config, {plan.inputs.begin() + first, plan.inputs.end()},
                               {inference.outputs.begin() + first, inference.outputs.end()});
    }
  } catch (const Error& error) {
    results["error"] = error.what();
    write_incomplete("failed", checkpoint_epoch);
    if (checkpoint_epoch < 0) throw;
    throw Error(error.code(), std::string(error.what()) + "\nthe checkpoint at epoch " +
                                  std::to_string(checkpoint_epoch) + " is kept in " +
                                  run_directory.string());
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
  if (!summary.retries.empty()) results["retries"] = summary.retries;
  if (resume) results["resumed_from_epoch"] = resume->state.epoch;
  results["network"] = describe_network(experiment.network, &summary);
  // Measured on the trained circuit (README "Energy and latency of inference").
  results["inference_power_w"] = inference.power_watts;
  results["settling_time_s"] = inference.settling_seconds;
  results["energy_per_inference_j"] = inference.energy_joules;
  results["energy_per_parameter_inference_j"] = inference.energy_per_parameter_joules;
  results["inference_inputs_measured"] = inference.measured_inputs;
  results["settled_within_hold"] = inference.settled_within_hold;
  if (!summary.gradient_checks.empty()) {
    results["gradient_checks"] = describe_gradient_checks(summary.gradient_checks);
  }
  if (time_scales) results["time_scales"] = describe_time_scales(*time_scales);
  if (!inference.settled_within_hold) {
    outcome.warnings.push_back(
        "the outputs did not settle within analysis.hold_seconds = " +
        io::format_number(experiment.config.analysis.hold_seconds) +
        " s (still outside the settling band after half of it): settling_time_s and the "
        "energies in results.json are lower bounds; raise analysis.hold_seconds");
  }
  if (!outcome.warnings.empty()) results["warnings"] = outcome.warnings;
  if (!experiment.data.class_names.empty()) results["classes"] = experiment.data.class_names;
  directory.write_results(results);
  return outcome;
}

}  // namespace cllnsim::results
