// One function per command; main.cpp dispatches. Each parses its own arguments with
// Boost.Program_options and returns the process exit code; errors travel as cllnsim::Error.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace cllnsim::cli {

int train_command(const std::vector<std::string>& args);
int netlist_command(const std::vector<std::string>& args);

// "a.b.c=VALUE" from --set; throws cllnsim::input_error when there is no '='.
std::vector<config::Override> parse_overrides(const std::vector<std::string>& settings);

// Prints the help text when asked and says so, so the caller can return 0.
bool print_help_if_asked(bool asked, const std::string& usage, const std::string& options);

std::string version_text();

}  // namespace cllnsim::cli
