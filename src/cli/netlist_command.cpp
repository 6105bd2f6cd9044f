#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "netlist/netlist.h"
#include "protocol/experiment.h"
#include "protocol/trainer.h"

namespace po = boost::program_options;

namespace cllnsim::cli {
namespace {

const char* const kNetlistUsage =
    "usage: cllnsim netlist CONFIG [-o FILE] [--set PATH=VALUE]...\n"
    "Writes the standalone netlist of the run CONFIG describes: the whole training schedule as\n"
    "PWL sources, so `ngspice -b FILE` replays the run and prints the final gate voltages.\n";

}  // namespace

int netlist_command(const std::vector<std::string>& args) {
  po::options_description options("netlist options");
  options.add_options()("output,o", po::value<std::string>(),
                        "netlist file (default: standard output)");
  const auto parsed = parse_command_line(args, options, kNetlistUsage);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const protocol::Experiment experiment = prepare_experiment(vm);
  const auto gates = protocol::initial_gates(experiment.config, experiment.network.edges().size());
  const netlist::Netlist netlist =
      netlist::generate(experiment.config, experiment.network, experiment.edge, gates,
                        protocol::replay_signals(experiment.config, experiment.data));
  std::string text;
  for (const auto& line : netlist.lines) text += line + "\n";
  if (vm.count("output")) {
    io::write_file_atomically(vm["output"].as<std::string>(), text);
  } else {
    std::cout << text;
  }
  return 0;
}

}  // namespace cllnsim::cli
