#include "protocol/gradient_check.h"

#include <gtest/gtest.h>

namespace cllnsim::protocol {
namespace {

TEST(DescentCosine, IsOneDownTheGradientMinusOneUpItAndZeroWithoutAStep) {
  const std::vector<double> gradient = {3.0, -4.0, 0.0};
  EXPECT_DOUBLE_EQ(descent_cosine(gradient, {-0.3, 0.4, 0.0}), 1.0);
  EXPECT_DOUBLE_EQ(descent_cosine(gradient, {6.0, -8.0, 0.0}), -1.0);
  EXPECT_DOUBLE_EQ(descent_cosine(gradient, {0.0, 0.0, 1.0}), 0.0);
  EXPECT_DOUBLE_EQ(descent_cosine(gradient, {0.0, 0.0, 0.0}), 0.0);
  EXPECT_NEAR(descent_cosine(gradient, {-3.0, 0.0, 0.0}), 0.6, 1e-15);
}

}  // namespace
}  // namespace cllnsim::protocol
