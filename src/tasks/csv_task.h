// A user's data set from a CSV file (task.kind "csv"): columns mapped to volts, split by the seed.
#pragma once

#include "config/config.h"
#include "tasks/dataset.h"

namespace cllnsim::tasks {

// Throws cllnsim::input_error naming the file, line and column of malformed data, or the JSON
// path of a config entry that does not fit the file.
Dataset make_csv_dataset(const config::Config& config);

}  // namespace cllnsim::tasks
