// A piecewise-linear signal: what the driver presents on a source, over the whole run.
#pragma once

#include <string>
#include <vector>

namespace cllnsim::netlist {

class Waveform {
 public:
  explicit Waveform(double initial = 0.0) : times_{0.0}, values_{initial} {}

  // Holds the current value until `start`, then ramps linearly to `value` by `end`.
  // Calls must come in time order. A ramp to the value already held adds nothing.
  void ramp_to(double start, double end, double value);

  double at(double time) const;  // constant after the last corner
  const std::vector<double>& times() const { return times_; }
  const std::vector<double>& values() const { return values_; }

 private:
  std::vector<double> times_;
  std::vector<double> values_;
};

}  // namespace cllnsim::netlist
