// The learning-rule map of one edge, measured point by point, compared with the ideal coupled
// learning rule dVg/dt = gain (dV_F^2 - dV_C^2). The ideal rule lives here only as a reference
// for comparison: nothing in a training run uses it. Pure arithmetic, unit-testable.
#pragma once

#include <string>
#include <vector>

#include "characterize/bench_config.h"

namespace cllnsim::characterize {

struct BenchPoint {
  double free_drop = 0.0;     // V(fa) - V(fb)
  double clamped_drop = 0.0;  // V(ca) - V(cb)
  double common_mode = 0.0;   // mean of each transistor's two terminals
  double gate = 0.0;          // gate voltage at the start of the measurement
  double contrast() const { return free_drop * free_drop - clamped_drop * clamped_drop; }
};

struct PointMeasurement {
  BenchPoint point;
  double rate = 0.0;   // dVg/dt with learning on, V/s
  double droop = 0.0;  // dVg/dt with learning off, V/s
};

// An affine fit rate = gain * contrast + offset over a group of points.
struct RuleFit {
  double gain = 0.0;    // V/s per V^2
  double offset = 0.0;  // V/s at zero contrast
  std::size_t points = 0;
};

struct GroupFit {
  double value = 0.0;  // the common-mode or gate voltage of the group
  RuleFit fit;
  double max_abs_droop = 0.0;
};

// Learn switched on and off once at zero contrast (|dV_F| = |dV_C|): the ideal rule does not
// move the gate, so any step is the learning circuit's switching error (charge injection,
// settling of internal nodes).
struct PulseMeasurement {
  BenchPoint point;
  double gate_step = 0.0;    // V, over the whole pulse
  double steady_rate = 0.0;  // V/s, the same point's rate with learning held on
};

struct PulseSummary {
  std::size_t points = 0;
  double learn_seconds = 0.0;  // the pulse's effective length: hold plus one ramp
  double max_abs_step = 0.0;   // V
  double mean_step = 0.0;      // V
  // mean_step less what the steady rate at the same points accounts for over learn_seconds:
  // the part due to switching learn on and off (charge injection, internal nodes settling).
  double switching_step = 0.0;  // V
  // The contrast whose ideal rate would give mean_step over learn_seconds: the switching error
  // read as an offset of the rule (V^2).
  double equivalent_offset_v2 = 0.0;
};

struct RuleMapSummary {
  RuleFit fit;                       // over every point
  double offset_v2 = 0.0;            // contrast at which the fitted rate is zero: -offset/gain
  double relative_rms_residual = 0;  // rms(rate - fit) / rms(fit)
  double sign_threshold_v2 = 0.0;
  std::size_t sign_points = 0;  // points with |contrast| >= threshold
  double sign_agreement = 0.0;  // fraction of those where sign(rate) == sign(contrast)
  double dead_zone_v2 = 0.0;    // largest |contrast| at which the gate moves the wrong way
  double charge_gain = 0.0;     // gain of an affine fit over the points with contrast > 0
  double discharge_gain = 0.0;  // ... with contrast < 0
  double asymmetry = 0.0;       // |charge - discharge| / mean of the two
  std::vector<GroupFit> by_common_mode;
  std::vector<GroupFit> by_gate;
  double common_mode_gain_spread = 0.0;  // (max - min) / |overall gain| over common modes
  double gate_gain_spread = 0.0;         // ... over gate voltages
  double max_abs_droop = 0.0;            // V/s, learning off
  double mean_droop = 0.0;               // V/s
  PulseSummary pulse;
};

RuleMapSummary summarize(const std::vector<PointMeasurement>& measurements,
                         double sign_threshold_v2);

// Fills `summary.pulse`; uses the summary's fitted gain.
void add_pulses(RuleMapSummary& summary, const std::vector<PulseMeasurement>& pulses,
                double learn_seconds);

// The reference: the ideal rule with the fitted gain and no offset.
double ideal_rule_reference(const RuleMapSummary& summary, const BenchPoint& point);

struct SpecItem {
  std::string item;  // the spec key, e.g. "min_sign_agreement"
  double limit = 0.0;
  double measured = 0.0;
  bool met = true;
  std::string why;  // for a failed item: what the measurement means for learning
};

std::vector<SpecItem> check_spec(const Spec& spec, const RuleMapSummary& summary);

// Plain-language findings about the map (a reversed rule, an offset that creates a dead zone,
// dependence on common mode or gate voltage, droop), whether or not a spec was given.
std::vector<std::string> diagnose(const RuleMapSummary& summary);

}  // namespace cllnsim::characterize
