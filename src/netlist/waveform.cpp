#include "netlist/waveform.h"

#include <algorithm>
#include <stdexcept>

namespace cllnsim::netlist {

void Waveform::ramp_to(double start, double end, double value) {
  if (start < times_.back() || end <= start) {
    throw std::logic_error("Waveform::ramp_to: ramps must come in time order and take time");
  }
  if (value == values_.back()) return;
  if (start > times_.back()) {
    times_.push_back(start);
    values_.push_back(values_.back());
  }
  times_.push_back(end);
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
