#include "characterize/rule_map.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "characterize/bench_netlist.h"

namespace cllnsim::characterize {
namespace {

// Synthetic measurements on a 5 x 5 drop grid, two common modes, two gates: rate(point).
std::vector<PointMeasurement> measure(const std::function<double(const BenchPoint&)>& rate,
                                      double droop = 0.0) {
  Grid grid{{-0.2, -0.1, 0.0, 0.1, 0.2}, {0.1, 0.3}, {1.5, 2.5}};
  std::vector<PointMeasurement> measurements;
  for (const BenchPoint& p : grid_points(grid)) measurements.push_back({p, rate(p), droop});
  return measurements;
}

TEST(RuleMap, GridCoversEveryCombination) {
  const Grid grid{{-0.1, 0.0, 0.1}, {0.2}, {1.0, 2.0}};
  const auto points = grid_points(grid);
  ASSERT_EQ(points.size(), 18u);
  EXPECT_DOUBLE_EQ(points[0].contrast(), 0.0);  // (-0.1, -0.1)
  EXPECT_DOUBLE_EQ(points[1].contrast(), 0.01 - 0.0);
}

TEST(RuleMap, IdealRuleFitsExactly) {
  const auto s = summarize(measure([](const BenchPoint& p) { return 1e7 * p.contrast(); }), 0.01);
  EXPECT_NEAR(s.fit.gain, 1e7, 1e-3);
  EXPECT_NEAR(s.fit.offset, 0.0, 1e-6);
  EXPECT_DOUBLE_EQ(s.sign_agreement, 1.0);
  // Squares 0.04, 0.01, 0 (x2, x2, x1): 16 of the 25 drop pairs differ, all by >= 0.01 V^2;
  // four (common mode, gate) groups.
  EXPECT_EQ(s.sign_points, 4u * 16u);
  EXPECT_DOUBLE_EQ(s.dead_zone_v2, 0.0);
  EXPECT_NEAR(s.asymmetry, 0.0, 1e-9);
  EXPECT_NEAR(s.gate_gain_spread, 0.0, 1e-9);
  EXPECT_TRUE(diagnose(s).empty());
}

TEST(RuleMap, ReversedRuleFailsEverySignAndTheGainSpec) {
  const auto s = summarize(measure([](const BenchPoint& p) { return -1e7 * p.contrast(); }), 0.01);
  EXPECT_DOUBLE_EQ(s.sign_agreement, 0.0);
  EXPECT_NEAR(s.dead_zone_v2, 0.04, 1e-12);
  Spec spec;
  spec.min_sign_agreement = 0.99;
  spec.min_gain = 0.0;
  spec.max_droop_volts_per_second = 1.0;
  const auto items = check_spec(spec, s);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_FALSE(items[0].met);
  EXPECT_FALSE(items[1].met);
  EXPECT_NE(items[1].why.find("reversed"), std::string::npos);
  EXPECT_TRUE(items[2].met);
  EXPECT_NE(diagnose(s).front().find("reversed"), std::string::npos);
}

TEST(RuleMap, OffsetShowsAsOffsetContrastAndDeadZone) {
  // rate = 1e7 (C + 0.005): zero at C = -0.005 V^2.
  const auto s =
      summarize(measure([](const BenchPoint& p) { return 1e7 * (p.contrast() + 0.005); }), 0.001);
  EXPECT_NEAR(s.offset_v2, -0.005, 1e-9);
  // The grid's smallest nonzero contrasts are +/-0.01 V^2, beyond the offset: no wrong sign.
  EXPECT_DOUBLE_EQ(s.dead_zone_v2, 0.0);
  Spec spec;
  spec.max_offset_v2 = 0.001;
  const auto items = check_spec(spec, s);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_FALSE(items[0].met);
  EXPECT_NEAR(items[0].measured, 0.005, 1e-9);
}

TEST(RuleMap, AsymmetryGateDependenceAndDroopAreMeasured) {
  const auto s = summarize(measure(
                               [](const BenchPoint& p) {
                                 const double c = p.contrast();
                                 return (c > 0 ? 2e7 : 1e7) * c * (p.gate > 2 ? 1.5 : 1.0);
                               },
                               0.5),
                           0.01);
  EXPECT_GT(s.asymmetry, 0.3);
  EXPECT_GT(s.gate_gain_spread, 0.3);
  EXPECT_NEAR(s.common_mode_gain_spread, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(s.max_abs_droop, 0.5);
  Spec spec;
  spec.max_droop_volts_per_second = 0.1;
  spec.max_asymmetry = 0.2;
  for (const auto& item : check_spec(spec, s)) EXPECT_FALSE(item.met) << item.item;
}

TEST(RuleMap, IdealReferenceUsesTheFittedGainWithoutOffset) {
  RuleMapSummary s;
  s.fit.gain = 2e6;
  s.fit.offset = 100;
  EXPECT_DOUBLE_EQ(ideal_rule_reference(s, {0.2, 0.1, 0.2, 2.0}), 2e6 * 0.03);
}

}  // namespace
}  // namespace cllnsim::characterize
