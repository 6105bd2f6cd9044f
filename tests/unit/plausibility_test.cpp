// The guard that stops a run whose circuit solution diverged (protocol/plausibility.h).
#include "protocol/plausibility.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"

namespace cllnsim::protocol {
namespace {

std::string message_of(int epoch, const std::vector<double>& gates,
                       const std::vector<std::vector<double>>& outputs) {
  try {
    require_plausible(epoch, gates, outputs, 0.0, 5.0);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::simulation_failed);
    return error.what();
  }
  return "";
}

TEST(Plausibility, GatesAndOutputsNearTheSuppliesPass) {
  // A gate clamped above vdd (the board edge's 7 V) and a negative differential output are real.
  EXPECT_EQ(message_of(3, {0.8, 7.0, -5.0}, {{-0.087, 0.05}}), "");
  EXPECT_EQ(message_of(3, {104.9, -99.9}, {}), "");
}

TEST(Plausibility, AGateFarOutsideTheSuppliesStopsTheRunNamingEpochEdgeAndValue) {
  const std::string message = message_of(43, {1.2, 1.5, -1231.2}, {{0.01}});
  EXPECT_NE(message.find("epoch 43"), std::string::npos) << message;
  EXPECT_NE(message.find("gate of edge 2"), std::string::npos) << message;
  EXPECT_NE(message.find("-1231.2"), std::string::npos) << message;
  EXPECT_NE(message.find("diverged"), std::string::npos) << message;
}

TEST(Plausibility, AnOutputFarOutsideOrNotFiniteStopsTheRun) {
  EXPECT_NE(message_of(5, {1.0}, {{0.0}, {6.5e8}}).find("output 0 on training sample 1"),
            std::string::npos);
  EXPECT_NE(message_of(5, {NAN}, {}).find("gate of edge 0"), std::string::npos);
  EXPECT_NE(message_of(5, {1.0}, {{INFINITY}}).find("output 0"), std::string::npos);
}

}  // namespace
}  // namespace cllnsim::protocol
