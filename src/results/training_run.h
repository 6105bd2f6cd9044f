// A whole `cllnsim train`: simulate, record every epoch in the run directory, and write
// results.json, also when the simulation fails (status "failed", with ngspice's messages).
#pragma once

#include <filesystem>
#include <functional>

#include "protocol/experiment.h"
#include "protocol/trainer.h"

namespace cllnsim::results {

struct TrainingOutcome {
  protocol::TrainingSummary summary;
  double wall_seconds = 0.0;
  std::filesystem::path run_directory;
};

// Exit status of a run stopped by SIGINT or SIGTERM (128 + SIGINT, the shell convention).
inline constexpr int kInterruptedExitCode = 130;

// Throws cllnsim::Error: input_error before anything is simulated (e.g. the folder cannot be
// written), simulation_error after results.json has recorded the failure. `stop_requested` is
// asked at the end of every epoch: when it says yes, the run directory is completed with
// "status": "interrupted" and the history so far, and the process exits with
// kInterruptedExitCode (ngspice cannot be unwound from inside its callbacks).
TrainingOutcome run_training(const protocol::Experiment& experiment,
                             const std::filesystem::path& run_directory,
                             const std::function<void(const protocol::EpochRecord&)>& progress,
                             const std::function<bool()>& stop_requested = {});

}  // namespace cllnsim::results
