// The libngspice session against the real library: loading, EXTERNAL sources with
// breakpoints, reading values back, and every error path turned into a cllnsim::Error.
#include "spice/session.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace cllnsim::spice {
namespace {

// An RC low-pass driven by an EXTERNAL step: the output must follow 1 - exp(-t/RC).
TEST(SpiceSession, ExternalSourceDrivesRcCircuitAsAnalysisPredicts) {
  Session session;
  session.load({"rc test", "vin in 0 external", "r1 in out 1k", "c1 out 0 1n"});
  TransientRequest request;
  request.step = 1e-7;
  request.max_step = 1e-7;
  request.stop = 5e-6;
  request.external_sources = {"vin"};
  request.source_value = [](std::size_t, double t) { return t > 1e-6 ? 1.0 : 0.0; };
  request.next_breakpoint = [](double t) { return t < 1e-6 ? 1e-6 : INFINITY; };
  request.observed = {"out"};
  double worst = 0.0;
  bool landed_on_step = false;
  request.on_point = [&](double t, std::span<const double> v) {
    landed_on_step |= std::abs(t - 1e-6) < 1e-15;
    const double expected = t > 1e-6 ? 1.0 - std::exp(-(t - 1e-6) / 1e-6) : 0.0;
    if (t > 1.2e-6) worst = std::max(worst, std::abs(v[0] - expected));
  };
  const TransientStats stats = session.run_transient(request);
  EXPECT_TRUE(landed_on_step) << "a breakpoint must put a time point on the step";
  EXPECT_LT(worst, 5e-3);
  EXPECT_DOUBLE_EQ(stats.end_time, 5e-6);
  EXPECT_GT(stats.time_points, 40u);
}

// Corners of one instant that differ by rounding (1e-6 and 1e-6 + 2e-20) are merged into one
// breakpoint, and a corner function with nothing beyond its last corner (it returns that corner
// again, as characterize's does) ends the registration: the merge once looped forever there.
// (The case where two such breakpoints made ngspice fail, a schedule corner and a noise sample
// offset by a segment's start, is PhysicalRun.SeededNoiseIsReproducibleAndDependsOnTheSeed.)
TEST(SpiceSession, CornersOfOneInstantAndARepeatedLastCornerEndTheTransient) {
  Session session;
  session.load({"rc test", "vin in 0 external", "r1 in out 1k", "c1 out 0 1n"});
  TransientRequest request;
  request.step = request.max_step = 1e-7;
  request.stop = 5e-6;
  request.external_sources = {"vin"};
  request.source_value = [](std::size_t, double t) { return t > 1e-6 ? 1.0 : 0.0; };
  const double twin = 1e-6 + 2e-20;
  ASSERT_GT(twin, 1e-6);
  request.next_breakpoint = [twin](double t) {
    if (t < 1e-6) return 1e-6;
    if (t < twin) return twin;
    return 2e-6;  // the last corner, returned again for any later time
  };
  request.observed = {"out"};
  request.on_point = [](double, std::span<const double>) {};
  const TransientStats stats = session.run_transient(request);
  EXPECT_DOUBLE_EQ(stats.end_time, 5e-6);
}

TEST(SpiceSession, BadNetlistLineIsAnErrorWithNgspiceMessage) {
  Session session;
  try {
    session.load({"bad line", "r1 a 0 1k", "xbad a 0 nosuchsubckt"});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::simulation_failed);
    EXPECT_NE(std::string(error.what()).find("nosuchsubckt"), std::string::npos) << error.what();
  }
}

TEST(SpiceSession, MissingModelIsAnError) {
  Session session;
  try {
    session.load({"missing model", "m1 d g 0 0 nosuchmodel", "v1 d 0 1", "v2 g 0 1"});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("nosuchmodel"), std::string::npos) << error.what();
  }
}

// A current source that grows exponentially with its own node voltage has no solution past
// a point: ngspice reports "Timestep too small", and the session must not believe the run.
TEST(SpiceSession, NonConvergingTransientIsAnErrorSayingWhen) {
  Session session;
  session.load({"runaway", "v1 in 0 pulse(0 1 1u 1n 1n 1u 2u)",
                "b1 0 out I=1e3*exp(100*V(out))*V(in)", "r1 out 0 1", "d1 out 0 dd",
                ".model dd d is=1e-30"});
  TransientRequest request;
  request.step = 1e-7;
  request.max_step = 1e-7;
  request.stop = 1e-5;
  try {
    session.run_transient(request);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    const std::string text = error.what();
    EXPECT_EQ(error.code(), ExitCode::simulation_failed);
    EXPECT_NE(text.find("simulated time reached"), std::string::npos) << text;
    EXPECT_NE(text.find("out"), std::string::npos) << text;
  }
}

TEST(SpiceSession, SessionIsUsableAgainAfterAFailedTransient) {
  Session session;
  session.load({"runaway", "v1 in 0 pulse(0 1 1u 1n 1n 1u 2u)",
                "b1 0 out I=1e3*exp(100*V(out))*V(in)", "r1 out 0 1", "d1 out 0 dd",
                ".model dd d is=1e-30"});
  TransientRequest failing;
  failing.step = failing.max_step = 1e-7;
  failing.stop = 1e-5;
  EXPECT_THROW(session.run_transient(failing), Error);
  session.load({"divider", "v1 a 0 2", "r1 a b 1k", "r2 b 0 1k"});
  TransientRequest request;
  request.step = request.max_step = 1e-7;
  request.stop = 1e-6;
  request.observed = {"b"};
  double last = 0.0;
  request.on_point = [&](double, std::span<const double> v) { last = v[0]; };
  session.run_transient(request);
  EXPECT_NEAR(last, 1.0, 1e-9);
}

// What the quasi-static reference in bench/ relies on: `alter` between DC solves, the values read
// back after each; errors reported.
TEST(SpiceSession, OperatingPointsFollowAlteredSources) {
  Session session;
  session.load({"divider", "v1 in 0 dc 1", "r1 in mid 1k", "r2 mid 0 3k"});
  EXPECT_NEAR(session.operating_point({"mid", "in"})[0], 0.75, 1e-9);
  session.command("alter v1 = 2");
  session.command("alter r2 = 1k");
  const std::vector<double> values = session.operating_point({"mid", "in"});
  EXPECT_NEAR(values[0], 1.0, 1e-9);
  EXPECT_NEAR(values[1], 2.0, 1e-9);
  EXPECT_THROW(session.operating_point({"nosuchnode"}), Error);
  EXPECT_THROW(session.command("alter nosuchdevice = 1"), Error);
}

TEST(SpiceSession, SecondSessionInOneProcessIsRefused) {
  Session session;
  EXPECT_THROW(Session second, std::logic_error);
}

}  // namespace
}  // namespace cllnsim::spice

// The `dc 0 external` crash of libngspice 39 (fixed in 46) and the other behaviours of the
// library itself: tests/quirks/libngspice_test.cpp.
