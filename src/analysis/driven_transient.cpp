#include "analysis/driven_transient.h"

#include <algorithm>
#include <cmath>

namespace cllnsim::analysis {

DrivenTransient::DrivenTransient(const config::Config& config, const netlist::Netlist& netlist,
                                 const std::vector<netlist::Waveform>& signals,
                                 std::vector<double> corners)
    : noise_(config.physical, netlist.noise_sources, netlist::NoiseRealization::inference),
      corners_(std::move(corners)),
      driven_(netlist.driven_sources) {
  request_.external_sources = netlist::external_sources(netlist);
  request_.source_value = [this, &signals](std::size_t source, double time) {
    return source < driven_.size() ? signals[driven_[source].signal].at(time)
                                   : noise_.value(source - driven_.size(), time);
  };
  request_.next_breakpoint = [this](double time) {
    const auto it = std::upper_bound(corners_.begin(), corners_.end(), time);
    return std::min(it == corners_.end() ? INFINITY : *it, noise_.next_sample_after(time));
  };
}

}  // namespace cllnsim::analysis
