#include "sweep/slurm.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <regex>
#include <sstream>

#include "core/error.h"
#include "core/version.h"
#include "io/process.h"

namespace cllnsim::sweep {
namespace {

namespace fs = std::filesystem;
using io::ProgramResult;
using io::run_program;

// The sbatch options the script sets itself: a template must not set them again.
struct OwnOption {
  const char* long_name;
  const char* short_name;
  const char* why;
};
constexpr OwnOption kOwnOptions[] = {
    {"--array", "-a", "one task per sweep point; limit them with --max-concurrent"},
    {"--output", "-o", "each task's log goes to DIR/slurm/JOB_TASK.out"},
    {"--error", "-e", "each task's log goes to DIR/slurm/JOB_TASK.out"},
    {"--job-name", "-J", "--collect finds the sweep's tasks in Slurm's queue by it"},
};

// The option an `#SBATCH` line sets ("--array" of "#SBATCH --array=0-3", "-a" of "#SBATCH -a3").
std::string option_of(const std::string& line) {
  std::istringstream words(line.substr(7));
  std::string word;
  words >> word;
  if (word.starts_with("--")) return word.substr(0, word.find('='));
  return word.substr(0, 2);
}

// The template's lines, checked: `#SBATCH` lines first (sbatch ignores them after the first
// command), none setting what the script sets itself, no interpreter line.
std::string template_text(const fs::path& file) {
  std::ifstream stream(file);
  if (!stream) throw input_error("cannot read the Slurm template " + file.string());
  std::string text, line;
  bool after_command = false;
  for (int number = 1; std::getline(stream, line); ++number) {
    const std::string where = file.string() + ":" + std::to_string(number) + ": ";
    const auto first = line.find_first_not_of(" \t");
    const std::string trimmed = first == std::string::npos ? "" : line.substr(first);
    if (trimmed.starts_with("#!")) {
      throw input_error(where + "found an interpreter line '" + trimmed +
                        "'; expected only lines to insert (cllnsim writes #!/bin/bash itself)");
    }
    if (trimmed.starts_with("#SBATCH")) {
      if (after_command) {
        throw input_error(where + "found '" + trimmed +
                          "' after a command; expected every #SBATCH line before the first "
                          "command (sbatch ignores the later ones)");
      }
      const std::string option = option_of(trimmed);
      for (const OwnOption& own : kOwnOptions) {
        if (option == own.long_name || option == own.short_name) {
          throw input_error(where + "found '" + trimmed + "'; cllnsim sets " + own.long_name +
                            " itself (" + own.why + "); expected other options only");
        }
      }
    } else if (!trimmed.empty() && !trimmed.starts_with("#")) {
      after_command = true;
    }
    text += line + "\n";
  }
  return text;
}

void require(bool ok, const std::string& option, const std::string& value,
             const std::string& expected) {
  if (!ok) throw input_error(option + " '" + value + "': expected " + expected);
}

}  // namespace

void check(const SlurmOptions& options) {
  const auto matches = [](const std::string& value, const char* pattern) {
    return value.empty() || std::regex_match(value, std::regex(pattern));
  };
  require(matches(options.partition, "[A-Za-z0-9_.,-]+"), "--partition", options.partition,
          "a partition name (letters, digits, '_', '.', '-'; several separated by commas)");
  require(matches(options.time, "([0-9]+-)?[0-9]+(:[0-9]+){0,2}"), "--time", options.time,
          "a time limit as sbatch takes it, e.g. 02:30:00, 90 (minutes) or 1-12:00:00");
  require(matches(options.memory, "[0-9]+[KMGT]?"), "--mem", options.memory,
          "memory per node as sbatch takes it, e.g. 2G or 500M");
  require(options.max_concurrent >= 0, "--max-concurrent", std::to_string(options.max_concurrent),
          "an integer >= 1 (0: no limit)");
}

std::string job_script(const SlurmOptions& options, const std::vector<std::string>& point_command,
                       const fs::path& out, std::size_t tasks) {
  check(options);
  if (tasks == 0) throw input_error("the sweep has no points to submit");
  if (out.string().find_first_of(" \t\n'\"%\\") != std::string::npos) {
    throw input_error("--out " + out.string() +
                      ": a Slurm job's log path cannot hold spaces, quotes, '\\' or '%'; "
                      "expected a plain path");
  }
  std::ostringstream script;
  script << "#!/bin/bash\n"
         << "# Written by cllnsim " << CLLNSIM_VERSION << " (cllnsim sweep --slurm): array task K"
         << " runs sweep point K.\n"
         << "# Re-submit some points only: sbatch --array=3,7 " << (out / "sweep.sbatch").string()
         << "\n"
         << "#SBATCH --job-name=" << job_name(out) << "\n"
         << "#SBATCH --array=0-" << tasks - 1;
  if (options.max_concurrent > 0) script << "%" << options.max_concurrent;
  script << "\n#SBATCH --output=" << (out / "slurm" / "%A_%a.out").string() << "\n"
         << "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (!options.partition.empty()) script << "#SBATCH --partition=" << options.partition << "\n";
  if (!options.time.empty()) script << "#SBATCH --time=" << options.time << "\n";
  if (!options.memory.empty()) script << "#SBATCH --mem=" << options.memory << "\n";
  if (!options.template_file.empty()) {
    script << "# From " << options.template_file.string() << ":\n"
           << template_text(options.template_file);
  }
  script << "# An array submitted as " << job_name(out) << "+N (split to fit MaxArraySize) runs"
         << " points N + K.\noffset=0\n"
         << "[[ $SLURM_JOB_NAME == *+* ]] && offset=${SLURM_JOB_NAME##*+}\n"
         << "exec";
  for (const std::string& word : point_command) script << " " << shell_quote(word);
  script << " --point \"$((SLURM_ARRAY_TASK_ID + offset))\"\n";
  return script.str();
}

std::string job_name(const fs::path& out) {
  // FNV-1a of the folder: the same sweep gets the same name, different sweeps different ones.
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : out.string()) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  std::ostringstream name;
  name << "cllnsim-sweep-" << std::hex << std::setw(12) << std::setfill('0')
       << (hash & 0xffffffffffffULL);
  return name.str();
}

std::string array_limit(const fs::path& script) {
  std::ifstream stream(script);
  for (std::string line; std::getline(stream, line);) {
    if (!line.starts_with("#SBATCH --array=")) continue;
    const auto percent = line.find('%');
    return percent == std::string::npos ? "" : line.substr(percent);
  }
  return "";
}

std::string index_list(const std::vector<std::size_t>& indices) {
  std::ostringstream list;
  for (std::size_t i = 0; i < indices.size();) {
    std::size_t last = i;
    while (last + 1 < indices.size() && indices[last + 1] == indices[last] + 1) ++last;
    list << (i > 0 ? "," : "") << indices[i];
    if (last > i) list << "-" << indices[last];
    i = last + 1;
  }
  return list.str();
}

std::optional<std::size_t> parse_max_array_size(const std::string& scontrol_config) {
  std::istringstream lines(scontrol_config);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, std::regex(R"(\s*MaxArraySize\s*=\s*([0-9]+)\s*)"))) {
      return std::stoul(match[1]);
    }
  }
  return std::nullopt;
}

std::size_t max_array_size(std::string& why_not) {
  try {
    const ProgramResult result = run_program({"scontrol", "show", "config"});
    if (result.exit_code == 0) {
      if (const auto size = parse_max_array_size(result.out); size && *size > 0) return *size;
      why_not = "scontrol show config has no MaxArraySize line";
    } else {
      why_not = "scontrol show config failed (exit " + std::to_string(result.exit_code) + ")";
    }
  } catch (const Error& error) {
    why_not = error.what();
  }
  return kDefaultMaxArraySize;
}

std::vector<ArrayPart> split_points(const std::vector<std::size_t>& points,
                                    std::size_t max_array_size) {
  std::vector<ArrayPart> parts;
  for (const std::size_t point : points) {
    const std::size_t offset = point / max_array_size * max_array_size;
    if (parts.empty() || parts.back().offset != offset) parts.push_back({offset, {}});
    parts.back().tasks.push_back(point - offset);
  }
  return parts;
}

std::vector<std::string> sbatch_arguments(const ArrayPart& part, const std::string& limit,
                                          const fs::path& out, const fs::path& script) {
  std::vector<std::string> arguments{"--array=" + index_list(part.tasks) + limit};
  if (part.offset > 0) {
    arguments.push_back("--job-name=" + job_name(out) + "+" + std::to_string(part.offset));
  }
  arguments.push_back(script.string());
  return arguments;
}

std::string submit(const std::vector<std::string>& arguments) {
  std::vector<std::string> command{"sbatch", "--parsable"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  const ProgramResult result = run_program(command);
  // --parsable prints "JOBID" or "JOBID;CLUSTER".
  const std::string id = result.out.substr(0, result.out.find_first_of(";\n"));
  if (result.exit_code != 0 || id.empty() ||
      id.find_first_not_of("0123456789") != std::string::npos) {
    throw input_error("sbatch " + arguments.back() + " failed (exit " +
                      std::to_string(result.exit_code) + "): " + result.err + result.out +
                      "(the script is kept: submit it by hand, or fix the options)");
  }
  return id;
}

std::optional<std::vector<std::size_t>> queued_points(const std::string& name,
                                                      std::string& why_not) {
  ProgramResult result;
  try {
    // --array: one line per task, pending ones included; %j the job's name, %K the task's index.
    result = run_program({"squeue", "--noheader", "--array", "--me", "--format=%j|%K"});
  } catch (const Error& error) {
    why_not = error.what();
    return std::nullopt;
  }
  if (result.exit_code != 0) {
    // Its last line says why (the others are the steps that led there).
    std::string reason = result.err.substr(0, result.err.find_last_not_of("\n") + 1);
    reason = reason.substr(reason.find_last_of('\n') + 1);
    why_not = "squeue failed (exit " + std::to_string(result.exit_code) + "): " + reason;
    return std::nullopt;
  }
  return parse_queued_points(name, result.out);
}

std::vector<std::size_t> parse_queued_points(const std::string& name,
                                             const std::string& squeue_lines) {
  const auto is_number = [](const std::string& text) {
    return !text.empty() && text.size() < 10 &&
           text.find_first_not_of("0123456789") == std::string::npos;
  };
  std::vector<std::size_t> points;
  std::istringstream lines(squeue_lines);
  for (std::string line; std::getline(lines, line);) {
    const auto bar = line.rfind('|');
    if (bar == std::string::npos || !line.starts_with(name)) continue;
    const std::string job = line.substr(0, bar), task = line.substr(bar + 1);
    const std::string suffix = job.substr(name.size());
    if (!is_number(task)) continue;
    if (suffix.empty()) {
      points.push_back(std::stoul(task));
    } else if (suffix[0] == '+' && is_number(suffix.substr(1))) {
      points.push_back(std::stoul(task) + std::stoul(suffix.substr(1)));
    }
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}

std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789_-+=./:,@%") == std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace cllnsim::sweep
