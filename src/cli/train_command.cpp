#include <boost/program_options.hpp>
#include <csignal>
#include <iostream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/supervisor.h"
#include "core/error.h"
#include "core/notice.h"
#include "io/csv.h"
#include "protocol/experiment.h"
#include "results/run_directory.h"
#include "results/training_run.h"

namespace po = boost::program_options;

namespace cllnsim::cli {
namespace {

const char* const kTrainUsage =
    "usage: cllnsim train CONFIG [--out DIR] [--set PATH=VALUE]... [--no-plots] [--quiet]\n"
    "       cllnsim train --resume DIR [--no-plots] [--quiet]\n"
    "Trains and evaluates the network CONFIG describes, inside libngspice, and writes the run\n"
    "directory (results.json, history.csv, gates.csv, netlist.cir, checkpoint.json), then its\n"
    "plots (scripts/plot_run.py: learning_curve.png, gates.png, network.png, ...; a warning,\n"
    "not a failure, when no python3 with matplotlib is found).\n"
    "--resume continues a run that was killed, interrupted or failed from its last checkpoint.\n"
    "examples (from the repository's root):\n"
    "  build/cllnsim train configs/xor.json --out runs/xor-20 --set training.epochs=20\n"
    "  build/cllnsim train configs/regression.json --out runs/regression-seed2 --set seed=2\n"
    "      --set training.epochs=10 --no-plots --quiet\n";

std::string accuracy_text(const protocol::Metrics& metrics) {
  return metrics.accuracy ? io::format_number(*metrics.accuracy) : "n/a";
}

// `train --resume DIR`: the run's config as its checkpoint recorded it.
protocol::Experiment resumed_experiment(const std::filesystem::path& dir,
                                        const results::Checkpoint& checkpoint) {
  return protocol::prepare(config::parse(checkpoint.config.dump(),
                                         results::checkpoint_path(dir).string() + " (config)"));
}

// After a successful run: scripts/plot_run.py draws the run's PNGs into it. A plot that cannot
// be drawn is a warning: the run itself succeeded.
void draw_plots(const std::filesystem::path& dir) {
  const std::string complaint = run_plot_script("plot_run.py", dir);
  if (complaint.empty()) {
    std::cout << "  plots: " << dir.string() << "/*.png\n";
  } else {
    std::cerr << "cllnsim: warning: " << dir.string() << ": no plots: " << complaint << "\n";
  }
}

}  // namespace

int train_command(const std::vector<std::string>& args) {
  po::options_description options("train options");
  options.add_options()("out", po::value<std::string>(),
                        "run directory (default runs/<name>-<timestamp>)")(
      "resume", po::value<std::string>(),
      "continue the run in DIR from its last checkpoint (no CONFIG, --set or --out)")(
      "no-plots", "do not draw the run's plots at the end")("no-plot", "same as --no-plots")(
      "quiet,q", "no progress on stderr");
  const auto parsed = parse_command_line(args, options, kTrainUsage, true);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  std::optional<results::Checkpoint> resume;
  std::filesystem::path out;
  if (vm.count("resume")) {
    if (vm.count("config") || vm.count("set") || vm.count("out")) {
      throw input_error(
          "--resume DIR continues the run as its checkpoint recorded it: give no "
          "CONFIG, --set or --out with it");
    }
    out = vm["resume"].as<std::string>();
    resume = results::read_resumable(out);
  } else if (!vm.count("config")) {
    throw missing_config(kTrainUsage);
  }
  const protocol::Experiment experiment =
      resume ? resumed_experiment(out, *resume) : prepare_experiment(vm);
  if (!resume) {
    out = vm.count("out") ? std::filesystem::path(vm["out"].as<std::string>())
                          : results::default_run_directory(experiment.config);
  }

  // Everything was checked above (exit 2, nothing written); the simulation runs in a child.
  if (const std::optional<ChildEnd> ended = fork_supervised()) {
    const int code = ended->exit_code;
    if (ended->signal == 0 && code == 0 && !vm.count("no-plots") && !vm.count("no-plot")) {
      draw_plots(out);
    }
    if (ended->signal == 0 && (code == 0 || code == 2 || code == 3 || code == 130)) return code;
    const std::string what = "the simulation process " + describe(*ended) +
                             " before the run ended (a crash inside libngspice, or killed)";
    const int epoch = results::record_crash(experiment, out, what);
    std::cerr << "\ncllnsim: error: " << what << "; " << (out / "results.json").string()
              << " says \"crashed\"; "
              << (epoch >= 0 ? "the checkpoint at epoch " + std::to_string(epoch) +
                                   " is kept: continue with cllnsim train --resume " + out.string()
                             : std::string("no checkpoint had been written yet"))
              << "\n";
    return static_cast<int>(ExitCode::simulation_failed);
  }

  // Updated from inside the transient (see protocol::Progress); ended with the last epoch, so
  // the inference measurement after it and the summary start on a line of their own.
  ProgressLine line(progress_mode(vm.count("quiet") > 0), std::cerr);
  TrainingStatus status;
  std::function<void(const protocol::Progress&)> on_progress;  // none with --quiet
  if (line.enabled()) {
    on_progress = [&](const protocol::Progress& progress) {
      status.observe(progress);
      if (line.due()) line.update(status.text());
    };
  }
  const ScopedNoticeSink notices([&line](const std::string& text) { line.notice(text); });
  install_stop_handlers();
  const results::TrainingOutcome outcome = results::run_training(
      experiment, out,
      [&](const protocol::EpochRecord& record) {
        if (record.epoch < experiment.config.training.epochs) return;
        status.completed(record);
        line.update(status.text());
        line.finish();
      },
      [] { return stop_requested(); }, resume, on_progress);

  const auto& summary = outcome.summary;
  std::cout << "run " << experiment.config.name << " (seed " << experiment.config.seed
            << "): " << summary.epochs << " epochs\n"
            << "  train: accuracy " << accuracy_text(summary.train) << ", mse "
            << io::format_number(summary.train.mse) << " V^2\n"
            << "  test:  accuracy " << accuracy_text(summary.test) << ", mse "
            << io::format_number(summary.test.mse) << " V^2"
            << (experiment.data.test_is_train ? " (test set = training set)" : "") << "\n"
            << "  wall time " << outcome.wall_seconds << " s, simulated time "
            << summary.simulated_seconds << " s, " << summary.time_points << " time points\n"
            << "  run directory: " << outcome.run_directory.string() << "\n";
  for (const auto& warning : outcome.warnings) std::cerr << "cllnsim: warning: " << warning << "\n";
  return 0;
}

}  // namespace cllnsim::cli
