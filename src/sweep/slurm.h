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

// The job-array script of the sweep in `out` (absolute); its own --array line holds tasks
// 0 .. `tasks` - 1. Task K of a job named job_name(out) runs `point_command` (absolute binary,
// SPEC and DIR, already in order) followed by --point K; of a job named job_name(out) + "+N"
// (an array split off to fit MaxArraySize, see split_points), --point K + N.
// Throws cllnsim::input_error naming the template's file and line on a line it cannot use.
std::string job_script(const SlurmOptions& options, const std::vector<std::string>& point_command,
                       const std::filesystem::path& out, std::size_t tasks);

// Slurm's default MaxArraySize: array task ids 0 .. 1000.
constexpr std::size_t kDefaultMaxArraySize = 1001;

// MaxArraySize from the text of `scontrol show config` (nothing if it has no such line).
std::optional<std::size_t> parse_max_array_size(const std::string& scontrol_config);

// The cluster's MaxArraySize (`scontrol show config`); kDefaultMaxArraySize with the reason in
// `why_not` when scontrol cannot say.
std::size_t max_array_size(std::string& why_not);

// Points of a sweep as one job array: tasks run points offset + task.
struct ArrayPart {
  std::size_t offset = 0;
  std::vector<std::size_t> tasks;
};

// `points` (sorted, distinct) split into job arrays whose task ids stay below
// `max_array_size`: point k goes to the array at offset max * floor(k / max).
std::vector<ArrayPart> split_points(const std::vector<std::size_t>& points,
                                    std::size_t max_array_size);

// The sbatch arguments (after "sbatch") that submit `part` of the sweep in `out` with
// `script`: --array with the task ids and `limit` ("%N" or ""), and, past offset 0, the job
// name that carries the offset.
std::vector<std::string> sbatch_arguments(const ArrayPart& part, const std::string& limit,
                                          const std::filesystem::path& out,
                                          const std::filesystem::path& script);

// The job name of the sweep in `out` (absolute), the same for every submission of it: what
// queued_tasks() finds its tasks by.
std::string job_name(const std::filesystem::path& out);

// The `%N` limit of tasks at once in the `--array` line of the job script `script` ("" when it
// has none): to keep it when some points are submitted again.
std::string array_limit(const std::filesystem::path& script);

// "0-3,7,9-10": the indices (sorted, distinct) as sbatch --array takes them.
std::string index_list(const std::vector<std::size_t>& indices);

// Runs sbatch with `arguments` (from sbatch_arguments); returns the job id. Throws
// cllnsim::input_error with sbatch's message when it refuses (or is not installed).
std::string submit(const std::vector<std::string>& arguments);

// The sweep points whose array tasks Slurm still holds (pending, running, completing...) in
// the jobs named `name` or `name`+N, or nothing with the reason in `why_not` when squeue
// cannot be asked.
std::optional<std::vector<std::size_t>> queued_points(const std::string& name,
                                                      std::string& why_not);

// The points of the job array named `name` or `name`+N from squeue's "%j|%K" lines: task K of
// `name`+N is point K + N; other jobs' lines are skipped.
std::vector<std::size_t> parse_queued_points(const std::string& name,
                                             const std::string& squeue_lines);

// `word` quoted for bash (single quotes unless it needs none).
std::string shell_quote(const std::string& word);

}  // namespace cllnsim::sweep
