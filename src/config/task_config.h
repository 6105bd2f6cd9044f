// Reads the `task` section: XOR, the generated regression and classification tasks, and a user's
// CSV data (columns, voltage maps, the train/test split). Kept apart from config.cpp: a new task
// kind is added here.
#pragma once

#include <filesystem>

#include "config/config.h"
#include "config/json_reader.h"

namespace cllnsim::config {

// Relative data file paths resolve against `config_file`'s folder.
Task read_task(const ValueReader& value, const std::filesystem::path& config_file);

}  // namespace cllnsim::config
