#include <unistd.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "core/error.h"
#include "results/training_run.h"
#include "sweep/runner.h"

namespace po = boost::program_options;

namespace cllnsim::cli {
namespace {

const char* const kSweepUsage =
    "usage: cllnsim sweep SPEC --out DIR [--jobs N] [--list] [--point K] [--set PATH=VALUE]...\n"
    "Runs every point of the sweep SPEC (a base config, axes over config paths, repeats), each\n"
    "in its own process; keeps each point's run directory under DIR/points/ and writes\n"
    "DIR/sweep.csv. Started again with the same --out, it skips the points that finished.\n";

void print_progress(const sweep::Progress& p, bool terminal) {
  std::fprintf(
      stderr, "%ssweep: %zu/%zu done, %zu failed, %zu running, elapsed %.0f s, ETA %s%s",
      terminal ? "\r" : "", p.done, p.total, p.failed, p.running, p.elapsed_seconds,
      p.eta_seconds ? (std::to_string(static_cast<long>(*p.eta_seconds)) + " s").c_str() : "?",
      terminal ? "   " : "\n");
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  po::options_description options("sweep options");
  options.add_options()("out", po::value<std::string>(), "sweep directory (required)")(
      "jobs,j", po::value<int>(), "points run at a time (default: the number of cores)")(
      "list", "print the points (index, seed, --set values) and exit")(
      "point", po::value<std::size_t>(), "run point K alone (for schedulers) and exit")(
      "quiet,q", "no progress on stderr");
  const auto parsed = parse_command_line(args, options, kSweepUsage);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  sweep::Spec spec = sweep::read_spec(vm["config"].as<std::string>());
  // --set adds to the spec's "set": applied to every point.
  for (const auto& setting : overrides_of(vm)) spec.set.push_back(setting);

  if (vm.count("list")) {
    for (const sweep::Point& point : sweep::expand(spec)) {
      std::cout << point.index;
      for (const auto& o : point.overrides) std::cout << " " << o.path << "=" << o.value;
      std::cout << "\n";
    }
    return 0;
  }
  if (!vm.count("out")) throw input_error("sweep needs --out DIR (see cllnsim sweep --help)");
  const int jobs = vm.count("jobs")
                       ? vm["jobs"].as<int>()
                       : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  if (jobs < 1) throw input_error("--jobs " + std::to_string(jobs) + ": expected an integer >= 1");
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
    return 0;
  }

  const bool quiet = vm.count("quiet") > 0;
  const bool terminal = ::isatty(STDERR_FILENO);
  const bool complete = sweep.run(
      jobs,
      [&](const sweep::Progress& p) {
        if (!quiet) print_progress(p, terminal);
      },
      [] { return stop_requested(); });
  if (!quiet && terminal) std::fprintf(stderr, "\n");
  std::size_t failed = 0;
  for (const auto& point : sweep.points()) {
    const auto record = sweep.finished(point.index);
    failed += record && record->status == "failed";
  }
  std::cout << "sweep: " << sweep.points().size() << " points, " << failed << " failed; "
            << vm["out"].as<std::string>() << "/sweep.csv\n";
  return complete ? 0 : results::kInterruptedExitCode;
}

}  // namespace cllnsim::cli
