// A whole `cllnsim train`: simulate, record every epoch in the run directory, and write
// results.json, also when the simulation fails (status "failed", with ngspice's messages).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "protocol/experiment.h"
#include "protocol/trainer.h"
#include "results/checkpoint.h"

namespace cllnsim::results {

struct TrainingOutcome {
  protocol::TrainingSummary summary;
  double wall_seconds = 0.0;
  std::filesystem::path run_directory;
  // What the user must know about numbers in results.json (also listed there as "warnings").
  std::vector<std::string> warnings;
};

// Exit status of a run stopped by SIGINT or SIGTERM (128 + SIGINT, the shell convention).
inline constexpr int kInterruptedExitCode = 130;

// Throws cllnsim::Error: input_error before anything is simulated (e.g. the folder cannot be
// written), simulation_error after results.json has recorded the failure (the last checkpoint
// stays). `stop_requested` is asked after every checkpoint: when it says yes, the run directory
// is completed with "status": "interrupted" and the history so far, and the process exits with
// kInterruptedExitCode. With `resume`, the run continues from that checkpoint of
// `run_directory` (see read_resumable). `on_epoch` receives each epoch's record once its segment
// has succeeded; `on_progress`, the trainer's reports from inside the transient (see
// protocol::Progress).
TrainingOutcome run_training(
    const protocol::Experiment& experiment, const std::filesystem::path& run_directory,
    const std::function<void(const protocol::EpochRecord&)>& on_epoch,
    const std::function<bool()>& stop_requested = {},
    const std::optional<Checkpoint>& resume = std::nullopt,
    const std::function<void(const protocol::Progress&)>& on_progress = {});

// The checkpoint of a run directory that `train --resume` may continue: throws
// cllnsim::input_error if there is none or the run has completed.
Checkpoint read_resumable(const std::filesystem::path& run_directory);

// After the process that simulated the run died without a result (a crash inside libngspice,
// or killed): results.json with "status": "crashed", `what` happened, and the epoch of the
// checkpoint it left (which stays as it was). Returns that epoch (-1: no checkpoint).
int record_crash(const protocol::Experiment& experiment, const std::filesystem::path& run_directory,
                 const std::string& what);

}  // namespace cllnsim::results
