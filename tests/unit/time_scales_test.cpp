#include "analysis/time_scales.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cllnsim::analysis {
namespace {

// v(t) = end + (begin - end) exp(-(t - start) / tau), sampled every `dt` from `start`.
void Exponential(double start, double tau, double begin, double end, double dt, double until,
                 std::vector<double>& times, std::vector<double>& values) {
  for (double t = start; t <= until; t += dt) {
    times.push_back(t);
    values.push_back(end + (begin - end) * std::exp(-(t - start) / tau));
  }
}

TEST(TimeScales, OneOverETimeOfAnExponentialIsItsTimeConstant) {
  for (double tau : {1e-7, 3e-6, 2e-5}) {
    std::vector<double> times, values;
    Exponential(1e-3, tau, 0.1, 0.35, tau / 50, 1e-3 + 30 * tau, times, values);
    EXPECT_NEAR(one_over_e_time(times, values, 1e-3), tau, tau * 1e-3) << tau;
    // Falling steps alike.
    for (double& v : values) v = -v;
    EXPECT_NEAR(one_over_e_time(times, values, 1e-3), tau, tau * 1e-3) << tau;
  }
}

TEST(TimeScales, ARingingNodeCountsUntilItStaysInsideTheBand) {
  // Overshoots to 1.6x the change, then sits at the end value: the last exit from the band is
  // on the way back down.
  const std::vector<double> times{0.0, 1.0, 2.0, 3.0, 4.0};
  const std::vector<double> values{0.0, 1.6, 1.6, 1.0, 1.0};
  const double band = 1.0 / std::exp(1.0);
  EXPECT_NEAR(one_over_e_time(times, values, 0.0), 2.0 + (0.6 - band) / 0.6, 1e-12);
}

TEST(TimeScales, AFlatOrTooShortTraceHasNoRelaxation) {
  EXPECT_EQ(one_over_e_time({0.0, 1.0, 2.0}, {0.2, 0.2, 0.2}, 0.0), 0.0);
  EXPECT_EQ(one_over_e_time({0.0}, {0.2}, 0.0), 0.0);
}

}  // namespace
}  // namespace cllnsim::analysis
