// A guard against numbers no circuit can make: gates and outputs of a network driven from its
// supplies stay near them, so a value far outside (or not finite) is ngspice's solution gone
// wrong, not a result. Found on a frequency-propagation run whose gates reached -2463 V and whose
// MSE 2.7e18 V^2, reported as completed.
#pragma once

#include <vector>

namespace cllnsim::protocol {

// How far outside [vss, vdd] a gate or an output may be before the run is called diverged.
inline constexpr double kImplausibleVolts = 100.0;

// Throws simulation_error naming the epoch, the edge or sample and the value when a gate or an
// output is not finite or lies more than kImplausibleVolts outside [vss, vdd].
void require_plausible(int epoch, const std::vector<double>& gates,
                       const std::vector<std::vector<double>>& outputs, double vss, double vdd);

}  // namespace cllnsim::protocol
