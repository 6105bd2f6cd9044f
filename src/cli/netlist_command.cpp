#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "netlist/netlist.h"
#include "protocol/experiment.h"
#include "protocol/trainer.h"
#include "spice/session.h"

namespace po = boost::program_options;

namespace cllnsim::cli {
namespace {

const char* const kNetlistUsage =
    "usage: cllnsim netlist CONFIG [-o FILE] [--set PATH=VALUE]...\n"
    "Writes the standalone netlist of the run CONFIG describes: the whole training schedule as\n"
    "PWL sources, so `ngspice -b FILE` replays the run and prints the final gate voltages.\n"
    "examples (from the repository's root):\n"
    "  build/cllnsim netlist configs/xor.json -o runs/xor-2.cir --set training.epochs=2\n"
    "  ngspice -b runs/xor-2.cir\n";

}  // namespace

int netlist_command(const std::vector<std::string>& args) {
  po::options_description options("netlist options");
  options.add_options()("output,o", po::value<std::string>(),
                        "netlist file (default: standard output)");
  const auto parsed = parse_command_line(args, options, kNetlistUsage);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  protocol::Experiment experiment = prepare_experiment(vm);
  {
    // simulator.solver as `train` settles it, for the same library (the netlist is the run's).
    spice::Session session;
    protocol::settle_for_library(experiment, session.library_info());
  }
  const auto gates = protocol::initial_gates(experiment.config, experiment.network.edges().size());
  const netlist::Netlist netlist =
      netlist::generate(experiment.config, experiment.network, experiment.edge, gates,
                        protocol::replay_signals(experiment.config, experiment.data));
  std::string text;
  for (const auto& line : netlist.lines) text += line + "\n";
  if (vm.count("output")) {
    const std::filesystem::path file = vm["output"].as<std::string>();
    if (file.has_parent_path()) io::ensure_directory(file.parent_path());
    io::write_file_atomically(file, text);
  } else {
    std::cout << text;
  }
  return 0;
}

}  // namespace cllnsim::cli
