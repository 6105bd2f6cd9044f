#include "netlist/waveform.h"

#include <algorithm>
#include <stdexcept>

namespace cllnsim::netlist {

void Waveform::step_to(double start, double ramp, double value) {
  if (start < times_.back() || ramp <= 0.0) {
    throw std::logic_error("Waveform::step_to: steps must come in time order with a ramp > 0");
  }
  if (value == values_.back()) return;
  if (start > times_.back()) {
    times_.push_back(start);
    values_.push_back(values_.back());
  }
  times_.push_back(start + ramp);
  values_.push_back(value);
}

double Waveform::at(double time) const {
  if (time <= times_.front()) return values_.front();
  if (time >= times_.back()) return values_.back();
  const auto after = std::upper_bound(times_.begin(), times_.end(), time);
  const auto i = static_cast<std::size_t>(after - times_.begin());
  const double fraction = (time - times_[i - 1]) / (times_[i] - times_[i - 1]);
  return values_[i - 1] + fraction * (values_[i] - values_[i - 1]);
}

}  // namespace cllnsim::netlist
