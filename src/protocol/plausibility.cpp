#include "protocol/plausibility.h"

#include <cmath>
#include <string>

#include "core/error.h"
#include "io/csv.h"

namespace cllnsim::protocol {
namespace {

bool plausible(double volts, double vss, double vdd) {
  return std::isfinite(volts) && volts >= vss - kImplausibleVolts &&
         volts <= vdd + kImplausibleVolts;
}

[[noreturn]] void diverged(int epoch, const std::string& what, double volts, double vss,
                           double vdd) {
  throw simulation_error("epoch " + std::to_string(epoch) + ": " + what + " is at " +
                         io::format_number(volts) + " V, more than " +
                         io::format_number(kImplausibleVolts) + " V outside the supplies (" +
                         io::format_number(vss) + " to " + io::format_number(vdd) +
                         " V): ngspice's solution diverged; the run stops here, not a result");
}

}  // namespace

void require_plausible(int epoch, const std::vector<double>& gates,
                       const std::vector<std::vector<double>>& outputs, double vss, double vdd) {
  for (std::size_t e = 0; e < gates.size(); ++e) {
    if (!plausible(gates[e], vss, vdd)) {
      diverged(epoch, "the gate of edge " + std::to_string(e), gates[e], vss, vdd);
    }
  }
  for (std::size_t s = 0; s < outputs.size(); ++s) {
    for (std::size_t k = 0; k < outputs[s].size(); ++k) {
      if (!plausible(outputs[s][k], vss, vdd)) {
        diverged(epoch, "output " + std::to_string(k) + " on training sample " + std::to_string(s),
                 outputs[s][k], vss, vdd);
      }
    }
  }
}

}  // namespace cllnsim::protocol
