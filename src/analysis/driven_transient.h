// The transient of a measurement after (or beside) training: the driven sources follow the
// measurement's own signal waveforms, the noise sources (physical.noise) the seeded realization
// kept for measurements, and ngspice lands a time point on every corner and noise sample.
#pragma once

#include <vector>

#include "config/config.h"
#include "netlist/netlist.h"
#include "netlist/noise.h"
#include "netlist/waveform.h"
#include "spice/session.h"

namespace cllnsim::analysis {

class DrivenTransient {
 public:
  // `signals` (one per netlist::signal_names() entry) must outlive this object; `corners` sorted.
  DrivenTransient(const config::Config& config, const netlist::Netlist& netlist,
                  const std::vector<netlist::Waveform>& signals, std::vector<double> corners);
  DrivenTransient(const DrivenTransient&) = delete;
  DrivenTransient& operator=(const DrivenTransient&) = delete;

  // Sources and breakpoints are filled in; the caller sets times, observed vectors, on_point.
  spice::TransientRequest& request() { return request_; }

 private:
  netlist::NoiseField noise_;
  std::vector<double> corners_;
  std::vector<netlist::DrivenSource> driven_;
  spice::TransientRequest request_;
};

}  // namespace cllnsim::analysis
