// checkpoint.json in the run directory: the state at the end of the last segment, from which
// `cllnsim train --resume DIR` continues (see README "Checkpoints and resume"). Written
// atomically after history.csv and gates.csv have been published up to the same epoch, so the
// three always agree and a killed run leaves the previous checkpoint or the new one.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "protocol/trainer.h"

namespace cllnsim::results {

struct Checkpoint {
  protocol::RunState state;
  double wall_seconds = 0.0;  // spent on the run so far, over all its processes
  nlohmann::json config;      // the resolved config the run was started with
};

std::filesystem::path checkpoint_path(const std::filesystem::path& run_directory);

void write_checkpoint(const std::filesystem::path& run_directory, const Checkpoint& checkpoint);

// Nothing when the run directory has no checkpoint.json; throws cllnsim::input_error naming
// the file and the JSON path when it is malformed.
std::optional<Checkpoint> read_checkpoint(const std::filesystem::path& run_directory);

}  // namespace cllnsim::results
