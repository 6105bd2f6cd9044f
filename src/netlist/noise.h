// Seeded transient noise (physical.noise): every noise source's samples are drawn from
// `physical.seed`, so a run, a second run and the `ngspice -b` replay of its exported netlist
// all see the same noise. ngspice's own `trnoise` is not used: its generator is not seeded by
// anything a netlist or the shared library can set (README "Physical knobs").
//
// Like trnoise, a source holds a new sample every `step` seconds and is linear in between:
// samples V_k at t_k = k * step, V_0 = 0 (the operating point is noise-free, as with trnoise),
// V_k for k >= 1 independent N(0, rms^2). Sample k is a pure function of (seed, realization,
// source name, k) (a counter-based generator: the k-th outputs of a SplitMix64 stream keyed by
// them), so any time can be evaluated in any order without stored state: the in-process run
// evaluates it on every Newton iteration, rejected steps and resumed segments included, and the
// exported netlist writes it as PWL points, one sample at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace cllnsim::netlist {

// A noise source in the netlist: an EXTERNAL (in-process) or PWL (exported) voltage source
// ("vnoise_...") or current source ("inoise_...").
struct NoiseSource {
  std::string instance;  // its name in the netlist, which also names its stream of samples
  double rms = 0.0;      // V for a voltage source, A for a current source
};

// Which realization of the noise: the training run (and its replay) or the inference
// measurement after it (another stretch of circuit time, with its own noise).
enum class NoiseRealization : std::uint32_t { training = 0, inference = 1 };

class NoiseWaveform {
 public:
  NoiseWaveform(std::uint64_t seed, NoiseRealization realization, const NoiseSource& source,
                double step_seconds);

  double sample(std::uint64_t k) const;  // V_k
  double at(double time) const;          // linear between samples; 0 at and before t = 0
  double step() const { return step_; }

 private:
  std::uint64_t key_;
  double rms_;
  double step_;
  // The last interval evaluated (ngspice asks many times per time step): a cache of values that
  // are a pure function of its index, so `at` stays a pure function of time.
  mutable std::uint64_t cached_index_ = UINT64_MAX;
  mutable double cached_low_ = 0.0, cached_high_ = 0.0;
};

// The time of noise sample k (k * step), exactly as the exported netlist writes it.
double noise_sample_time(std::uint64_t k, double step_seconds);
// The first noise sample time strictly after `time`.
double next_noise_sample_after(double time, double step_seconds);
// The index of the first sample at or after `time` (the last PWL point that covers `time`).
std::uint64_t noise_samples_to_cover(double time, double step_seconds);

// Every noise source of a netlist as the in-process run presents it.
class NoiseField {
 public:
  NoiseField(const config::Physical& physical, const std::vector<NoiseSource>& sources,
             NoiseRealization realization);

  bool empty() const { return waves_.empty(); }
  std::size_t size() const { return waves_.size(); }
  double value(std::size_t source, double time) const { return waves_[source].at(time); }
  // The first sample time strictly after `time` (+infinity without noise sources): ngspice
  // lands a time point on each, as it does on trnoise's and PWL's corners.
  double next_sample_after(double time) const;

 private:
  std::vector<NoiseWaveform> waves_;
  double step_ = 0.0;
};

}  // namespace cllnsim::netlist
