// Hands a sweep to Slurm as a job array (one array task per point, each running
// `cllnsim sweep SPEC --point K --out DIR`) and asks Slurm which of its tasks are still queued.
// cllnsim schedules nothing itself here: Slurm does.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cllnsim::sweep {

struct SlurmOptions {
  std::string partition;   // "" : the cluster's default
  std::string time;        // the time limit of one task, as sbatch --time ("" : the default)
  std::string memory;      // as sbatch --mem ("" : the default)
  int max_concurrent = 0;  // tasks running at once (0: as many as Slurm allows)
  std::filesystem::path template_file;  // site-specific lines ("" : none)
};

// Throws cllnsim::input_error naming the option whose value sbatch would not take.
void check(const SlurmOptions& options);

// The job-array script for the `points` points of the sweep in `out` (absolute). Task K runs
// `point_command` (absolute binary, SPEC and DIR, already in order) followed by --point K.
// Throws cllnsim::input_error naming the template's file and line on a line it cannot use.
std::string job_script(const SlurmOptions& options, const std::vector<std::string>& point_command,
                       const std::filesystem::path& out, std::size_t points);

// The job name of the sweep in `out` (absolute), the same for every submission of it: what
// queued_tasks() finds its tasks by.
std::string job_name(const std::filesystem::path& out);

// The `%N` limit of tasks at once in the `--array` line of the job script `script` ("" when it
// has none): to keep it when some points are submitted again.
std::string array_limit(const std::filesystem::path& script);

// "0-3,7,9-10": the indices (sorted, distinct) as sbatch --array takes them.
std::string index_list(const std::vector<std::size_t>& indices);

// Submits `script` with sbatch; returns the job id. Throws cllnsim::input_error with sbatch's
// message when it refuses (or is not installed).
std::string submit(const std::filesystem::path& script);

// The array task ids of the jobs named `name` that Slurm still holds (pending, running,
// completing...), or nothing with the reason in `why_not` when squeue cannot be asked.
std::optional<std::vector<std::size_t>> queued_tasks(const std::string& name, std::string& why_not);

// `word` quoted for bash (single quotes unless it needs none).
std::string shell_quote(const std::string& word);

}  // namespace cllnsim::sweep
