#include <boost/program_options.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/process.h"
#include "results/training_run.h"
#include "sweep/runner.h"
#include "sweep/slurm.h"

namespace po = boost::program_options;

namespace cllnsim::cli {
namespace {

namespace fs = std::filesystem;

const char* const kSweepUsage =
    "usage: cllnsim sweep SPEC --out DIR [--jobs N] [--list] [--point K] [--set PATH=VALUE]...\n"
    "       cllnsim sweep SPEC --out DIR --slurm [--partition P] [--time T] [--mem M]\n"
    "                     [--max-concurrent N] [--template FILE] [--dry-run]\n"
    "       cllnsim sweep SPEC --out DIR --collect [--no-plot]\n"
    "Runs every point of the sweep SPEC (a base config, axes over config paths, repeats), each\n"
    "in its own process; keeps each point's run directory under DIR/points/ and writes\n"
    "DIR/sweep.csv. Started again with the same --out, it skips the points that finished.\n"
    "--slurm submits the points as a Slurm job array instead (script DIR/sweep.sbatch), as\n"
    "several arrays when the points outnumber the cluster's MaxArraySize;\n"
    "--collect merges the finished points into DIR/sweep.csv and lists the missing ones.\n"
    "Exit codes: 0 every point completed; 1 some point failed (see DIR/sweep.csv); 2 bad spec\n"
    "or command line; 130 interrupted. With --point K: point K's own exit code.\n"
    "examples (from the repository's root):\n"
    "  build/cllnsim sweep configs/sweeps/damage_xor.json --out runs/damage-2 --list\n"
    "      --set training.epochs=2\n"
    "  build/cllnsim sweep configs/sweeps/damage_xor.json --out runs/damage-2 --jobs 2\n"
    "      --set training.epochs=2\n"
    "  build/cllnsim sweep configs/sweeps/damage_xor.json --out runs/damage-2 --collect\n"
    "      --set training.epochs=2\n"
    "  build/cllnsim sweep configs/sweeps/damage_xor.json --out runs/damage-2-slurm --slurm\n"
    "      --dry-run --set training.epochs=2\n";

std::string progress_text(const sweep::Progress& p) {
  return "sweep: " + std::to_string(p.done) + "/" + std::to_string(p.total) + " done, " +
         std::to_string(p.failed) + " failed, " + std::to_string(p.running) + " running, elapsed " +
         format_duration(p.elapsed_seconds) + ", ETA " +
         (p.eta_seconds ? format_duration(*p.eta_seconds) : "?");
}

// The command a Slurm task runs, up to --point: absolute paths, since the task starts elsewhere.
std::vector<std::string> point_command(const fs::path& spec, const fs::path& out,
                                       const std::vector<config::Override>& settings) {
  std::vector<std::string> words{fs::read_symlink("/proc/self/exe").string(),
                                 "sweep",
                                 fs::canonical(spec).string(),
                                 "--out",
                                 out.string(),
                                 "--quiet"};
  for (const auto& o : settings) {
    words.push_back("--set");
    words.push_back(o.path + "=" + o.value);
  }
  return words;
}

// The tasks' command with --collect for --quiet: the same --set, or it would be another sweep.
std::string collect_command(const std::vector<std::string>& command) {
  std::string words;
  for (const std::string& word : command) {
    words += " " + (word == "--quiet" ? "--collect" : sweep::shell_quote(word));
  }
  return words;
}

// "sbatch ... && sbatch ...": one sbatch per job array of `parts`.
std::string sbatch_commands(const std::vector<sweep::ArrayPart>& parts, const std::string& limit,
                            const fs::path& out, const fs::path& script) {
  std::string commands;
  for (const sweep::ArrayPart& part : parts) {
    commands += commands.empty() ? "sbatch" : " && sbatch";
    for (const std::string& word : sweep::sbatch_arguments(part, limit, out, script)) {
      commands += " " + sweep::shell_quote(word);
    }
  }
  return commands;
}

int submit_to_slurm(const po::variables_map& vm, const sweep::Spec& spec,
                    const std::vector<std::string>& command, const fs::path& out) {
  sweep::SlurmOptions options;
  if (vm.count("partition")) options.partition = vm["partition"].as<std::string>();
  if (vm.count("time")) options.time = vm["time"].as<std::string>();
  if (vm.count("mem")) options.memory = vm["mem"].as<std::string>();
  if (vm.count("max-concurrent")) {
    options.max_concurrent = vm["max-concurrent"].as<int>();
    if (options.max_concurrent < 1) {
      throw input_error("--max-concurrent " + std::to_string(options.max_concurrent) +
                        ": expected an integer >= 1");
    }
  }
  if (vm.count("template")) options.template_file = vm["template"].as<std::string>();
  const std::size_t count = sweep::expand(spec).size();
  std::string why_not;
  const std::size_t max_array = sweep::max_array_size(why_not);
  if (!why_not.empty()) {
    std::cerr << "cllnsim: note: Slurm's MaxArraySize not read (" << why_not << "); assumed "
              << max_array << "\n";
  }
  std::vector<std::size_t> all(count);
  std::iota(all.begin(), all.end(), 0);
  const std::vector<sweep::ArrayPart> parts = sweep::split_points(all, max_array);
  // Checked (options, template) before anything is written.
  const std::string script = sweep::job_script(options, command, out, parts.front().tasks.size());
  // Records the points in DIR/sweep.json, or refuses a DIR holding another sweep.
  const sweep::Sweep sweep(spec, out, command[0]);
  io::ensure_directory(out / "slurm");
  const fs::path script_file = out / "sweep.sbatch";
  io::write_file_atomically(script_file, script);
  fs::permissions(script_file, fs::perms::owner_exec | fs::perms::group_exec,
                  fs::perm_options::add);
  const std::string limit = sweep::array_limit(script_file);
  const std::string split = parts.size() > 1 ? " in " + std::to_string(parts.size()) +
                                                   " job arrays (the cluster's MaxArraySize is " +
                                                   std::to_string(max_array) + ")"
                                             : "";
  if (vm.count("dry-run")) {
    std::cout << "wrote " << script_file.string() << " (" << count << " points" << split
              << "); submit it with: " << sbatch_commands(parts, limit, out, script_file)
              << "\nmerge the results:" << collect_command(command) << "\n";
    return 0;
  }
  for (const sweep::ArrayPart& part : parts) {
    const std::string job = sweep::submit(sweep::sbatch_arguments(part, limit, out, script_file));
    std::vector<std::size_t> points(part.tasks);
    for (std::size_t& point : points) point += part.offset;
    std::cout << "submitted job array " << job << " (points " << sweep::index_list(points) << ")\n";
  }
  std::cout << count << " points" << split << ", script " << script_file.string()
            << "\nmerge the results:" << collect_command(command) << "\n";
  return 0;
}

// The commands that run points again: through Slurm if the sweep was submitted there (the
// cluster's MaxArraySize is asked once, when the first such command is made).
class RerunCommands {
 public:
  RerunCommands(std::vector<std::string> command, fs::path out)
      : command_(std::move(command)), out_(std::move(out)) {}
  std::string operator()(const std::vector<std::size_t>& points);

 private:
  std::vector<std::string> command_;
  fs::path out_;
  std::optional<std::size_t> max_array_;
};

std::string RerunCommands::operator()(const std::vector<std::size_t>& points) {
  const fs::path script = out_ / "sweep.sbatch";
  if (fs::exists(script)) {
    if (!max_array_) {
      std::string why_not;  // without scontrol: Slurm's default, as at submission
      max_array_ = sweep::max_array_size(why_not);
    }
    const auto parts = sweep::split_points(points, *max_array_);
    return sbatch_commands(parts, sweep::array_limit(script), out_, script);
  }
  std::string loop = "for k in";
  for (const std::size_t k : points) loop += " " + std::to_string(k);
  loop += "; do";
  for (const std::string& word : command_) loop += " " + sweep::shell_quote(word);
  return loop + " --point \"$k\"; done";
}

int collect(const po::variables_map& vm, sweep::Sweep& sweep,
            const std::vector<std::string>& command, const fs::path& out) {
  const sweep::Merged merged = sweep.merge();
  std::string plotted;
  if (!vm.count("no-plot") && !merged.completed.empty()) {
    const std::string complaint = run_plot_script("plot_sweep.py", out);
    if (complaint.empty()) {
      plotted = ", " + (out / "sweep.png").string();
    } else {
      std::cerr << "cllnsim: warning: no sweep.png: " << complaint << "\n";
    }
  }
  std::cout << "sweep: " << sweep.points().size() << " points: " << merged.completed.size()
            << " completed, " << merged.failed.size() << " failed, " << merged.unfinished.size()
            << " not finished; " << (out / "sweep.csv").string() << plotted << "\n";
  // Slurm is asked only about a sweep submitted there, and only if something is left.
  const bool submitted = fs::exists(out / "sweep.sbatch");
  std::string why_not;
  const auto queued = submitted && !merged.unfinished.empty()
                          ? sweep::queued_points(sweep::job_name(out), why_not)
                          : std::nullopt;
  std::vector<std::size_t> missing, waiting;
  for (const std::size_t k : merged.unfinished) {
    const bool in_queue = queued && std::binary_search(queued->begin(), queued->end(), k);
    (in_queue ? waiting : missing).push_back(k);
  }
  if (submitted && !queued && !merged.unfinished.empty()) {
    std::cout << "Slurm's queue not read (" << why_not
              << "): the points not finished may still be queued or running\n";
  }
  if (!waiting.empty()) {
    std::cout << "queued or running in Slurm: " << sweep::index_list(waiting) << "\n";
  }
  for (const fs::path& partial : merged.partial) {
    std::cout << "unfinished working folder (a run in progress, or left by a killed task): "
              << partial.string() << "\n";
  }
  RerunCommands rerun_command(command, out);
  if (!missing.empty()) {
    std::cout << (queued ? "missing (no result, not queued): " : "not finished: ")
              << sweep::index_list(missing) << "\nre-submit them: " << rerun_command(missing)
              << "\n";
  }
  if (!merged.failed.empty()) {
    std::string folders;
    for (const std::size_t k : merged.failed) {
      folders += " " + sweep::shell_quote(sweep.point_directory(k).string());
    }
    std::cout << "failed (reasons in sweep.csv): " << sweep::index_list(merged.failed)
              << "\nrun them again (after changing what made them fail): rm -r" << folders << " && "
              << rerun_command(merged.failed) << "\n";
  }
  return 0;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  po::options_description options("sweep options");
  options.add_options()("out", po::value<std::string>(), "sweep directory (required)")(
      "jobs,j", po::value<int>(), "points run at a time (default: the number of cores)")(
      "list", "print the points (index, seed, --set values) and exit")(
      "point", po::value<std::size_t>(), "run point K alone (for schedulers) and exit")(
      "quiet,q", "no progress on stderr")(
      "slurm", "submit the points to Slurm as a job array (script DIR/sweep.sbatch)")(
      "partition", po::value<std::string>(), "with --slurm: sbatch --partition")(
      "time", po::value<std::string>(), "with --slurm: time limit of one point (HH:MM:SS)")(
      "mem", po::value<std::string>(), "with --slurm: memory of one point (e.g. 2G)")(
      "max-concurrent", po::value<int>(), "with --slurm: array tasks running at once (per array)")(
      "template", po::value<std::string>(),
      "with --slurm: file of site-specific lines (#SBATCH options, module loads) for the script")(
      "dry-run", "with --slurm: write the script, do not submit it")(
      "collect", "merge the finished points into DIR/sweep.csv and sweep.png; list the missing")(
      "no-plot", "with --collect: no sweep.png");
  const auto parsed = parse_command_line(args, options, kSweepUsage);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  sweep::Spec spec = sweep::read_spec(vm["config"].as<std::string>());
  // --set adds to the spec's "set": applied to every point.
  for (const auto& setting : overrides_of(vm)) {
    if (setting.path == "seed") {
      throw input_error("--set seed=" + setting.value +
                        ": a sweep sets each point's seed to first_seed + its repeat; set "
                        "\"repeats\" and \"first_seed\" in " +
                        vm["config"].as<std::string>());
    }
    spec.set.push_back(setting);
  }
  sweep::check_axis_paths(spec);

  if (vm.count("list")) {
    for (const sweep::Point& point : sweep::expand(spec)) {
      std::cout << point.index;
      for (const auto& o : point.overrides) std::cout << " " << o.path << "=" << o.value;
      std::cout << "\n";
    }
    return 0;
  }
  if (!vm.count("out")) throw input_error("sweep needs --out DIR (see cllnsim sweep --help)");
  const int modes = static_cast<int>(vm.count("point") + vm.count("slurm") + vm.count("collect"));
  if (modes > 1) throw input_error("--point, --slurm and --collect exclude each other");
  for (const char* option : {"partition", "time", "mem", "max-concurrent", "template", "dry-run"}) {
    if (vm.count(option) && !vm.count("slurm")) {
      throw input_error(std::string("--") + option + " needs --slurm");
    }
  }
  if (vm.count("no-plot") && !vm.count("collect")) throw input_error("--no-plot needs --collect");
  const int jobs = vm.count("jobs")
                       ? vm["jobs"].as<int>()
                       : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  if (jobs < 1) throw input_error("--jobs " + std::to_string(jobs) + ": expected an integer >= 1");
  if (vm.count("collect") && !fs::exists(fs::path(vm["out"].as<std::string>()) / "sweep.json")) {
    throw input_error("--collect: " + vm["out"].as<std::string>() +
                      " holds no sweep (no sweep.json); expected the --out of a started sweep");
  }
  if (vm.count("slurm") || vm.count("collect")) {
    const fs::path out = fs::weakly_canonical(fs::absolute(vm["out"].as<std::string>()));
    const auto command = point_command(vm["config"].as<std::string>(), out, overrides_of(vm));
    if (vm.count("slurm")) return submit_to_slurm(vm, spec, command, out);
    sweep::Sweep sweep(spec, out, "/proc/self/exe");
    return collect(vm, sweep, command, out);
  }
  // The points run this very binary, even if it is rebuilt while the sweep runs.
  sweep::Sweep sweep(spec, vm["out"].as<std::string>(), "/proc/self/exe");
  install_stop_handlers();

  if (vm.count("point")) {
    const std::size_t index = vm["point"].as<std::size_t>();
    const auto record = sweep.run_point(index);
    if (!record) return results::kInterruptedExitCode;
    std::cout << "point " << index << ": " << record->status
              << (record->error.empty() ? "" : " (" + record->error + ")") << ", "
              << record->wall_seconds << " s\n";
    // A scheduler sees the point's own exit code (2: its config, 3: the simulation, ...).
    if (record->status != "failed") return 0;
    return record->exit_code > 0 ? record->exit_code : 1;
  }

  ProgressLine line(progress_mode(vm.count("quiet") > 0), std::cerr);
  std::optional<std::size_t> done;
  const bool complete = sweep.run(
      jobs,
      [&](const sweep::Progress& p) {
        // A finished point is an event (a plain line of its own); the launch and the clock
        // ticking while points run are routine updates.
        if (done && p.done != *done) {
          line.event(progress_text(p));
        } else {
          line.update(progress_text(p));
        }
        done = p.done;
      },
      [] { return stop_requested(); });
  line.finish();
  std::size_t failed = 0;
  std::string first_error;
  for (const auto& point : sweep.points()) {
    const auto record = sweep.finished(point.index);
    if (!record || record->status != "failed") continue;
    if (failed++ == 0) first_error = "point " + std::to_string(point.index) + ": " + record->error;
  }
  std::cout << "sweep: " << sweep.points().size() << " points, " << failed << " failed; "
            << vm["out"].as<std::string>() << "/sweep.csv\n";
  if (!complete) return results::kInterruptedExitCode;
  if (failed == sweep.points().size()) {
    std::cerr << "cllnsim sweep: every point failed; the first: " << first_error << "\n";
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace cllnsim::cli
