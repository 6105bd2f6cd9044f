// The shipped edge on a single-edge test bench in ngspice: with learning on, the gate moves
// with the sign and rate the coupled-learning rule predicts, dVg/dt = gl/cg (dVF^2 - dVC^2)
// (through the learning circuit's saturation, gl cmax tanh(C / cmax)), in all four cases of (free
// drop larger / clamped drop larger) x (drop polarity); with learning off it holds; with the
// learning polarity reversed it moves the other way at the same rate.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <string>

#include "io/csv.h"
#include "netlist/edge_file.h"
#include "spice/session.h"

namespace cllnsim {
namespace {

constexpr double kGl = 1e-3;    // A/V^2
constexpr double kCmax = 0.25;  // V^2, the edge default
constexpr double kCg = 1e-9;    // F
constexpr double kGate = 2.0;   // V, inside the soft bounds
constexpr double kSeconds = 10e-6;

// A single edge with its four terminals held at fixed voltages.
struct Bench {
  std::string file = "nmos_rule.sub";  // in netlists/edges/
  std::string subckt = "cl_nmos_rule";
  std::string params = " gl=" + io::format_number(kGl) + " cg=" + io::format_number(kCg);
  double vdd = 5.0, vss = 0.0;

  // Gate voltage after kSeconds; `learn` and `polarity` are logic levels (on / reversed).
  double gate_after(double fa, double fb, double ca, double cb, bool learn,
                    bool reversed = false) const {
    const auto edge = netlist::read_edge_file(
        std::string(CLLNSIM_SOURCE_DIR) + "/netlists/edges/" + file, subckt);
    std::vector<std::string> lines{"single edge bench"};
    lines.insert(lines.end(), edge.lines.begin(), edge.lines.end());
    auto source = [&](const std::string& node, double volts) {
      lines.push_back("v" + node + " " + node + " 0 " + io::format_number(volts));
    };
    source("fa", fa);
    source("fb", fb);
    source("ca", ca);
    source("cb", cb);
    source("learn", learn ? vdd : vss);
    source("vdd", vdd);
    source("vss", vss);
    source("polarity", reversed ? vdd : vss);
    lines.push_back("xedge fa fb ca cb g learn vdd vss polarity " + subckt + params);
    lines.push_back(".ic v(g)=" + io::format_number(kGate));

    spice::Session session;
    session.load(lines);
    spice::TransientRequest request;
    request.step = request.max_step = 1e-7;
    request.stop = kSeconds;
    request.observed = {"g"};
    double gate = NAN;
    request.on_point = [&](double, std::span<const double> v) { gate = v[0]; };
    session.run_transient(request);
    return gate;
  }
};

struct Case {
  const char* name;
  double free_drop;
  double clamped_drop;
};

// Shown in test names and failures as the case's name, not its bytes.
void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class EdgeRule : public ::testing::TestWithParam<Case> {};

TEST_P(EdgeRule, GateMovesAsTheRulePredicts) {
  const Case c = GetParam();
  const double common = 0.1;
  const double gate =
      Bench{}.gate_after(common + c.free_drop, common, common + c.clamped_drop, common, true);
  const double contrast = c.free_drop * c.free_drop - c.clamped_drop * c.clamped_drop;
  const double predicted = kGl * kCmax * std::tanh(contrast / kCmax) / kCg * kSeconds;
  EXPECT_EQ(std::signbit(gate - kGate), std::signbit(predicted)) << "gate " << gate;
  // The transistors' overlap capacitances add about 0.05% to the gate capacitor.
  EXPECT_NEAR(gate - kGate, predicted, 0.002 * std::abs(predicted)) << "gate " << gate;
  // ... and within 1% of the ideal, unsaturated rule.
  EXPECT_NEAR(gate - kGate, kGl / kCg * contrast * kSeconds, 0.01 * std::abs(predicted));
}

INSTANTIATE_TEST_SUITE_P(FourCases, EdgeRule,
                         ::testing::Values(Case{"FreeLargerPositive", 0.2, 0.1},
                                           Case{"ClampedLargerPositive", 0.1, 0.2},
                                           Case{"FreeLargerNegative", -0.2, -0.1},
                                           Case{"ClampedLargerNegative", -0.1, -0.2}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_P(EdgeRule, ReversedPolarityMovesTheGateTheOtherWay) {
  const Case c = GetParam();
  const double common = 0.1;
  const auto step = [&](bool reversed) {
    return Bench{}.gate_after(common + c.free_drop, common, common + c.clamped_drop, common, true,
                              reversed) -
           kGate;
  };
  const double normal = step(false), reversed = step(true);
  EXPECT_NEAR(reversed, -normal, 0.002 * std::abs(normal)) << "normal " << normal;
}

TEST(EdgeRuleHold, GateHoldsWhileLearningIsOff) {
  const double gate = Bench{}.gate_after(0.3, 0.1, 0.1, 0.1, false);
  // Only the gate capacitor's 1e12 ohm leak acts: 2 V * 10 us / 1000 s = 20 nV.
  EXPECT_NEAR(gate, kGate, 1e-6);
}

// The board edge's untrimmed offsets (about -1.8e-3 V^2 as a contrast) move its gate at zero
// contrast; reversed, its polarity stage (after every offset) moves it back by the same step to
// within the stage's 0.2 % gain error, which is what the symmetric nudge relies on.
TEST(BoardEdgePolarity, ReversedPolarityUndoesTheOffsetStep) {
  const Bench board{"gen2_board.sub", "gen2_board", "", 12.0, -12.0};
  for (const double free_drop : {0.0, 0.1}) {
    const double normal = board.gate_after(0.2 + free_drop, 0.2, 0.2, 0.2, true) - kGate;
    const double reversed = board.gate_after(0.2 + free_drop, 0.2, 0.2, 0.2, true, true) - kGate;
    std::cout << "free drop " << free_drop << " V: gate step normal " << normal * 1e3
              << " mV, reversed " << reversed * 1e3 << " mV\n";
    EXPECT_GT(std::abs(normal), 0.05);
    EXPECT_NEAR(reversed, -normal, 0.005 * std::abs(normal));
  }
}

}  // namespace
}  // namespace cllnsim
