#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "core/version.h"
#include "spice/session.h"

namespace cllnsim::cli {

std::vector<config::Override> parse_overrides(const std::vector<std::string>& settings) {
  std::vector<config::Override> overrides;
  for (const std::string& setting : settings) {
    const auto equals = setting.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw input_error("--set " + setting + ": expected PATH=VALUE, e.g. --set training.eta=0.5");
    }
    overrides.push_back({setting.substr(0, equals), setting.substr(equals + 1)});
  }
  return overrides;
}

bool print_help_if_asked(bool asked, const std::string& usage, const std::string& options) {
  if (asked) std::cout << usage << "\n" << options;
  return asked;
}

std::string version_text() {
  return std::string("cllnsim ") + CLLNSIM_VERSION + " (libngspice " +
         spice::Session::ngspice_version() + ")";
}

}  // namespace cllnsim::cli
