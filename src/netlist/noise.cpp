#include "netlist/noise.h"

#include <cmath>
#include <limits>
#include <numbers>

namespace cllnsim::netlist {
namespace {

constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ULL;  // SplitMix64's increment

// SplitMix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a of the source's name: its stream does not depend on which other sources exist.
std::uint64_t name_hash(const std::string& name) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

// 53 random bits to a double in [0, 1).
double unit(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

}  // namespace

NoiseWaveform::NoiseWaveform(std::uint64_t seed, NoiseRealization realization,
                             const NoiseSource& source, double step_seconds)
    : key_(mix(mix(mix(seed) ^ (static_cast<std::uint64_t>(realization) + 0x6e6f697365ULL)) ^
               name_hash(source.instance))),
      rms_(source.rms),
      step_(step_seconds) {}

double NoiseWaveform::sample(std::uint64_t k) const {
  if (k == 0) return 0.0;
  // Outputs 2k and 2k + 1 of the SplitMix64 stream whose state starts at key_, through
  // Box-Muller written out (std::normal_distribution differs between standard libraries).
  const double u1 = 1.0 - unit(mix(key_ + (2 * k) * kGamma));  // (0, 1]: log stays finite
  const double u2 = unit(mix(key_ + (2 * k + 1) * kGamma));
  return rms_ * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double NoiseWaveform::at(double time) const {
  if (!(time > 0.0)) return 0.0;
  // As trnoise, linear between V_n and V_n+1 for t_n <= t < t_n+1; the interval and the
  // fraction are taken as the PWL of the exported netlist takes them (from the sample times
  // t_n = n * step, not from t / step, which rounds 31 * 2e-6 / 2e-6 below 31), so the run and
  // its replay present the same values at every time.
  auto index = static_cast<std::uint64_t>(std::floor(time / step_));
  while (noise_sample_time(index + 1, step_) <= time) ++index;
  while (index > 0 && noise_sample_time(index, step_) > time) --index;
  if (index != cached_index_) {
    cached_low_ = sample(index);
    cached_high_ = sample(index + 1);
    cached_index_ = index;
  }
  const double low = noise_sample_time(index, step_);
  const double fraction = (time - low) / (noise_sample_time(index + 1, step_) - low);
  return cached_low_ + (cached_high_ - cached_low_) * fraction;
}

double noise_sample_time(std::uint64_t k, double step_seconds) {
  return static_cast<double>(k) * step_seconds;
}

double next_noise_sample_after(double time, double step_seconds) {
  if (time < 0.0) return 0.0;
  auto k = static_cast<std::uint64_t>(std::floor(time / step_seconds));
  while (noise_sample_time(k, step_seconds) <= time) ++k;
  return noise_sample_time(k, step_seconds);
}

std::uint64_t noise_samples_to_cover(double time, double step_seconds) {
  if (time <= 0.0) return 0;
  auto k = static_cast<std::uint64_t>(std::ceil(time / step_seconds));
  while (noise_sample_time(k, step_seconds) < time) ++k;
  return k;
}

NoiseField::NoiseField(const config::Physical& physical, const std::vector<NoiseSource>& sources,
                       NoiseRealization realization)
    : step_(physical.noise.step_seconds) {
  for (const NoiseSource& source : sources) {
    waves_.emplace_back(physical.seed, realization, source, step_);
  }
}

double NoiseField::next_sample_after(double time) const {
  if (waves_.empty()) return std::numeric_limits<double>::infinity();
  return next_noise_sample_after(time, step_);
}

}  // namespace cllnsim::netlist
