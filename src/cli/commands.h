// One function per command; main.cpp dispatches. Each parses its own arguments with
// Boost.Program_options and returns the process exit code; errors travel as cllnsim::Error.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "protocol/experiment.h"

namespace cllnsim::cli {

int train_command(const std::vector<std::string>& args);
int netlist_command(const std::vector<std::string>& args);
int characterize_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);

// Parses a command's arguments: its own `options`, --set, --help and one positional CONFIG. Returns
// nothing after printing the help when --help was given; throws cllnsim::input_error when
// CONFIG is missing, unless `config_optional`.
std::optional<boost::program_options::variables_map> parse_command_line(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& options, const std::string& usage,
    bool config_optional = false);

// The error for a command line without CONFIG: the command's whole synopsis (the "usage:"
// lines of `usage` and the lines continuing them).
Error missing_config(const std::string& usage);

// Reads and checks everything the parsed command line's CONFIG and --set describe.
protocol::Experiment prepare_experiment(const boost::program_options::variables_map& vm);

// The --set values of a parsed command line as overrides ("a.b.c=VALUE"); throws
// cllnsim::input_error when one has no '='.
std::vector<config::Override> overrides_of(const boost::program_options::variables_map& vm);

std::string version_text();

// Runs scripts/SCRIPT (a plot script) on DIR with the first of `python3` on the PATH and
// /usr/bin/python3 that has matplotlib; returns "" when it succeeded, else why not in one message
// without a final newline (no such Python and what to install, what the script printed on
// stderr, or that it could not be started).
std::string run_plot_script(const std::string& script, const std::filesystem::path& dir);

// Ctrl-C and SIGTERM set a flag that stop_requested() reports (a run ends at its next
// checkpoint; a sweep launches no more points and waits for those running).
void install_stop_handlers();
bool stop_requested();

}  // namespace cllnsim::cli
