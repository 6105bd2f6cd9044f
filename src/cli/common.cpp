#include <csignal>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "core/error.h"
#include "core/version.h"
#include "io/process.h"
#include "protocol/experiment.h"
#include "spice/session.h"

namespace cllnsim::cli {

namespace po = boost::program_options;

namespace {

// Set by SIGINT/SIGTERM; commands stop at their next safe point.
volatile std::sig_atomic_t stop_signal = 0;

void request_stop(int) { stop_signal = 1; }

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;  // no SA_RESTART: a blocking wait returns to look at the flag
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool stop_requested() { return stop_signal != 0; }

std::optional<po::variables_map> parse_command_line(const std::vector<std::string>& args,
                                                    const po::options_description& command,
                                                    const std::string& usage,
                                                    bool config_optional) {
  po::options_description options(command);
  options.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                        "override a key of this command's config by its dotted path, "
                        "PATH=VALUE (VALUE parsed as JSON, else a string)")("help,h",
                                                                            "show this help");
  po::options_description hidden;
  hidden.add_options()("config", po::value<std::string>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << usage << "\n" << options;
    return std::nullopt;
  }
  if (!vm.count("config") && !config_optional) {
    throw missing_config(usage);
  }
  return vm;
}

Error missing_config(const std::string& usage) {
  std::string synopsis;
  std::istringstream lines(usage);
  for (std::string line; std::getline(lines, line);) {
    // "usage: " and the lines under it are aligned at column 7.
    if (!line.starts_with("usage: ") && !(line.starts_with("       ") && !synopsis.empty())) break;
    synopsis += "\n  " + line.substr(7);
  }
  return input_error("no CONFIG given; expected:" + synopsis);
}

protocol::Experiment prepare_experiment(const po::variables_map& vm) {
  return protocol::prepare(vm["config"].as<std::string>(), overrides_of(vm));
}

std::vector<config::Override> overrides_of(const po::variables_map& vm) {
  std::vector<config::Override> overrides;
  if (!vm.count("set")) return overrides;
  for (const std::string& setting : vm["set"].as<std::vector<std::string>>()) {
    const auto equals = setting.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw input_error("--set " + setting + ": expected PATH=VALUE, e.g. --set training.eta=0.5");
    }
    overrides.push_back({setting.substr(0, equals), setting.substr(equals + 1)});
  }
  return overrides;
}

// The loaded library's version (asked through a session: `--version` does nothing else), and
// the one built against when they differ (an ngspice upgraded without a rebuild).
std::string version_text() {
  spice::Session session;
  const std::string loaded = session.library_info().version;
  const std::string built = spice::Session::built_against_version();
  return std::string("cllnsim ") + CLLNSIM_VERSION + " (libngspice " + loaded +
         (loaded == built ? "" : ", built against " + built) + ")";
}

namespace {

// The first of `python3` on the PATH and Debian's /usr/bin/python3 that can import matplotlib
// (a pyenv or venv python3 often cannot); "" when neither can. Asked once per process.
const std::string& plot_python() {
  static const std::string found = [] {
    for (const std::string candidate : {"python3", "/usr/bin/python3"}) {
      try {
        if (io::run_program({candidate, "-c", "import matplotlib"}).exit_code == 0) {
          return candidate;
        }
      } catch (const Error&) {  // not installed: try the next
      }
    }
    return std::string();
  }();
  return found;
}

}  // namespace

std::string run_plot_script(const std::string& script, const std::filesystem::path& dir) {
  const std::string& python = plot_python();
  if (python.empty()) {
    return "no python3 with matplotlib found (tried python3 on the PATH and /usr/bin/python3); "
           "install python3-matplotlib (apt-get install python3-matplotlib, or scripts/setup.sh), "
           "then run python3 scripts/" +
           script + " " + dir.string();
  }
  try {
    const io::ProgramResult result =
        io::run_program({python, std::string(CLLNSIM_SCRIPTS_DIR) + "/" + script, dir.string()});
    if (result.exit_code == 0) return "";
    const std::string said = result.err.substr(0, result.err.find_last_not_of('\n') + 1);
    return "scripts/" + script + " with " + python + " failed: " + said;
  } catch (const Error& error) {
    return error.what();
  }
}

}  // namespace cllnsim::cli
