#include <boost/program_options/errors.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"

namespace {

const char* const kUsage =
    "usage: cllnsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  train CONFIG [--out DIR] [--set PATH=VALUE]... [--quiet]\n"
    "                          train and evaluate a network inside libngspice\n"
    "  train --resume DIR [--quiet]\n"
    "                          continue a run from its last checkpoint\n"
    "  netlist CONFIG [-o FILE] [--set PATH=VALUE]...\n"
    "                          write the standalone netlist of the whole run (ngspice -b)\n"
    "  characterize EDGE_CONFIG --out DIR [--set PATH=VALUE]... [--no-plot]\n"
    "                          measure an edge design's learning-rule map (exit 1: fails spec)\n"
    "  sweep SPEC --out DIR [--jobs N] [--list] [--point K] [--set PATH=VALUE]...\n"
    "                          many trainings over config values, one process per point\n"
    "  sweep SPEC --out DIR --slurm [--partition P] [--time T] [--mem M] [--max-concurrent N]\n"
    "                          [--template FILE] [--dry-run]\n"
    "                          submit the sweep's points to Slurm as a job array\n"
    "  sweep SPEC --out DIR --collect [--no-plot]\n"
    "                          merge the finished points; list the missing and how to re-submit\n"
    "\n"
    "  cllnsim <command> --help   options of a command\n"
    "  cllnsim --version          versions of cllnsim and libngspice\n"
    "\n"
    "  --quiet                    (train, characterize, sweep) no progress on stderr\n"
    "\n"
    "exit codes: 0 success; 1 characterize: the edge fails its spec; 2 bad command line,\n"
    "  config or data (nothing simulated); 3 simulation failure (what could be saved was\n"
    "  saved); 130 stopped by Ctrl-C or SIGTERM (the run ends at its next checkpoint)\n";

int dispatch(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << cllnsim::cli::version_text() << "\n";
    return 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "train") return cllnsim::cli::train_command(rest);
  if (args[0] == "netlist") return cllnsim::cli::netlist_command(rest);
  if (args[0] == "characterize") return cllnsim::cli::characterize_command(rest);
  if (args[0] == "sweep") return cllnsim::cli::sweep_command(rest);
  throw cllnsim::input_error("unknown command '" + args[0] + "' (see cllnsim --help)");
}

}  // namespace

// The one place where errors become exit codes.
int main(int argc, char** argv) {
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const cllnsim::Error& error) {
    std::cerr << "cllnsim: error: " << error.what() << "\n";
    return static_cast<int>(error.code());
  } catch (const boost::program_options::error& error) {
    std::cerr << "cllnsim: error: " << error.what() << " (see --help)\n";
    return static_cast<int>(cllnsim::ExitCode::bad_input);
  } catch (const std::exception& error) {
    std::cerr << "cllnsim: internal error: " << error.what() << "\n";
    return 1;
  }
}
