#include "analysis/error_modes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace cllnsim::analysis {
namespace {

// The published regression's eight inputs.
std::vector<double> ramp_inputs() {
  std::vector<double> x;
  for (int i = 0; i < 8; ++i) x.push_back(0.435 * i / 7);
  return x;
}

std::vector<double> polynomial(const std::vector<double>& x, double c0, double c1, double c2) {
  std::vector<double> y;
  for (double v : x) y.push_back(c0 + c1 * v + c2 * v * v);
  return y;
}

double mean_square(const std::vector<double>& values) {
  double sum = 0.0;
  for (double v : values) sum += v * v;
  return sum / static_cast<double>(values.size());
}

TEST(ErrorModes, ConstantErrorIsAllMean) {
  const auto x = ramp_inputs();
  const ErrorModes modes = decompose_error(x, polynomial(x, -0.02, 0, 0));
  EXPECT_NEAR(modes.mean, -0.02, 1e-15);
  EXPECT_NEAR(modes.slope, 0.0, 1e-15);
  EXPECT_NEAR(modes.curvature, 0.0, 1e-15);
}

TEST(ErrorModes, LineThroughTheMiddleInputIsAllSlope) {
  const auto x = ramp_inputs();
  const double middle = 0.435 / 2;
  const ErrorModes modes = decompose_error(x, polynomial(x, -0.1 * middle, 0.1, 0));
  EXPECT_NEAR(modes.mean, 0.0, 1e-15);
  EXPECT_GT(modes.slope, 0.0);  // rising error: positive slope mode
  EXPECT_NEAR(modes.curvature, 0.0, 1e-15);
  // Orthonormal modes: a pure mode carries the whole mean squared error.
  EXPECT_NEAR(modes.slope * modes.slope, mean_square(polynomial(x, -0.1 * middle, 0.1, 0)), 1e-15);
}

TEST(ErrorModes, QuadraticErrorSplitsWithoutLoss) {
  const auto x = ramp_inputs();
  const auto error = polynomial(x, 0.01, -0.05, 0.3);
  const ErrorModes modes = decompose_error(x, error);
  EXPECT_GT(modes.curvature, 0.0);
  EXPECT_NEAR(
      modes.mean * modes.mean + modes.slope * modes.slope + modes.curvature * modes.curvature,
      mean_square(error), 1e-15);
}

TEST(ErrorModes, ClippedRampHasCurvatureAPolynomialOfDegreeOneCannotMatch) {
  const auto x = ramp_inputs();
  std::vector<double> error;
  for (double v : x) error.push_back(std::min(0.109 + 0.63 * v, 0.304) - (0.109 + 0.45 * v));
  const ErrorModes modes = decompose_error(x, error);
  EXPECT_LT(modes.curvature, -1e-3);  // a ceiling bends the ramp down
  EXPECT_LE(modes.mean * modes.mean + modes.slope * modes.slope + modes.curvature * modes.curvature,
            mean_square(error) + 1e-15);
}

TEST(ErrorModes, ModesTheInputsCannotResolveAreZero) {
  const std::vector<double> two_points{0.1, 0.3, 0.1, 0.3};
  const ErrorModes modes = decompose_error(two_points, std::vector<double>{1, 2, 1, 2});
  EXPECT_NEAR(modes.mean, 1.5, 1e-12);
  EXPECT_NEAR(modes.slope, 0.5, 1e-12);
  EXPECT_EQ(modes.curvature, 0.0);
}

TEST(ErrorModes, RefusesMismatchedSizes) {
  EXPECT_THROW(decompose_error(std::vector<double>{1, 2}, std::vector<double>{1}),
               std::logic_error);
  EXPECT_THROW(decompose_error(std::vector<double>{}, std::vector<double>{}), std::logic_error);
}

}  // namespace
}  // namespace cllnsim::analysis
