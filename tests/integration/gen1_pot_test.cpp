// The Gen.1 digital-potentiometer edge (netlists/edges/gen1_pot.sub) on a single-edge bench in
// ngspice: each learning window (a pulse of `learn`) moves the tap register by exactly one step,
// whatever the window's length, in the comparator's direction (reversed by `polarity`); it holds
// while learn stays low; it saturates at both ends; both pots follow the documented tap law
// R(n) = rmax (rmin/rmax)^(n/(steps-1)); and a short training of the shipped Gen.1 regression
// lowers the error; the shipped classification separates its hardest seed.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/csv.h"
#include "netlist/edge_file.h"
#include "run_cli.h"
#include "spice/session.h"

namespace cllnsim {
namespace {

constexpr double kRmin = 40.0, kRmax = 32e3;
constexpr int kSteps = 100;
constexpr double kVstep = 1.0 / (kSteps - 1);  // vspan 1 V (the default)
constexpr double kVdd = 5.0;
constexpr double kRamp = 1e-6;

double resistance(int tap) {
  return kRmax * std::pow(kRmin / kRmax, static_cast<double>(tap) / (kSteps - 1));
}

struct Result {
  double gate = NAN;             // V(g) at the end
  double free_current = NAN;     // A through the free pot (fa -> fb)
  double clamped_current = NAN;  // ... and the clamped one
  double conductance_ms = NAN;   // V(gfree_ms)
  double tap() const { return gate / kVstep; }
};

// One edge with its four terminals held by sources; `windows` learning pulses of `window`
// seconds (plus kRamp ramps) 5 us apart; `gate` is the register's initial voltage (.ic).
Result simulate(double gate, double fa, double ca, int windows, double window,
                bool reversed = false, const std::string& params = "") {
  const auto edge = netlist::read_edge_file(
      std::string(CLLNSIM_SOURCE_DIR) + "/netlists/edges/gen1_pot.sub", "gen1_pot");
  EXPECT_TRUE(edge.has_conductance_resistor);
  std::vector<std::string> lines{"gen1 pot bench"};
  lines.insert(lines.end(), edge.lines.begin(), edge.lines.end());
  const auto number = [](double value) { return io::format_number(value); };
  lines.push_back("vfa fa 0 " + number(fa));
  lines.push_back("vca ca 0 " + number(ca));
  lines.push_back("vdd vdd 0 " + number(kVdd));
  lines.push_back("vpolarity polarity 0 " + number(reversed ? kVdd : 0.0));
  std::string pwl = "vlearn learn 0 pwl(0 0";
  double t = 5e-6;
  for (int k = 0; k < windows; ++k) {
    pwl += " " + number(t) + " 0 " + number(t + kRamp) + " " + number(kVdd) + " " +
           number(t + kRamp + window) + " " + number(kVdd) + " " + number(t + 2 * kRamp + window) +
           " 0";
    t += 2 * kRamp + window + 5e-6;
  }
  lines.push_back(pwl + ")");
  lines.push_back("xedge fa 0 ca 0 g learn vdd 0 polarity gen1_pot" + params);
  lines.push_back(".ic v(g)=" + number(gate));

  spice::Session session;
  session.load(lines);
  spice::TransientRequest request;
  request.step = 1e-7;
  request.max_step = 1e-6;
  request.stop = t;
  request.observed = {"g", "vfa#branch", "vca#branch", "xedge.gfree_ms"};
  Result result;
  request.on_point = [&](double, std::span<const double> v) {
    result = {v[0], -v[1], -v[2], v[3]};
  };
  session.run_transient(request);
  return result;
}

struct Direction {
  const char* name;
  double fa, ca;  // the free and the clamped drop (fb = cb = 0)
  bool reversed;
  int step;  // the tap change one window makes
};

void PrintTo(const Direction& d, std::ostream* out) { *out << d.name; }

class Gen1PotWindow : public ::testing::TestWithParam<Direction> {};

TEST_P(Gen1PotWindow, OneWindowMovesTheTapByExactlyOneStepWhateverItsLength) {
  const Direction d = GetParam();
  for (const double window : {0.5e-6, 5e-6, 100e-6}) {
    const Result r = simulate(50 * kVstep, d.fa, d.ca, 1, window, d.reversed);
    EXPECT_NEAR(r.tap(), 50 + d.step, 1e-4) << "window " << window << " s";
  }
  // Three windows: three steps.
  EXPECT_NEAR(simulate(50 * kVstep, d.fa, d.ca, 3, 2e-6, d.reversed).tap(), 50 + 3 * d.step, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(
    Comparator, Gen1PotWindow,
    ::testing::Values(Direction{"FreeDropLargerGoesUp", 0.2, 0.19, false, +1},
                      Direction{"ClampedDropLargerGoesDown", 0.19, 0.2, false, -1},
                      Direction{"NegativeDropsFreeLargerGoesUp", -0.2, -0.19, false, +1},
                      Direction{"ReversedPolarityGoesDown", 0.2, 0.19, true, -1},
                      Direction{"ContrastOf1e6VSquaredIsResolved", 0.1, 0.099995, false, +1}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Gen1Pot, HoldsWhileLearnStaysLow) {
  // No window: the register keeps its value (1e12 ohm leak on 1 nF) and its tap.
  const Result r = simulate(37 * kVstep, 0.2, 0.1, 0, 0.0);
  EXPECT_NEAR(r.tap(), 37, 1e-6);
}

// A comparator offset with equal drops: one-sided, every window steps the same way; the
// symmetric nudge's second window (polarity reversed) steps back, so the pair cancels.
TEST(Gen1Pot, AnOffsetStepsOneWayAndTheReversedWindowUndoesIt) {
  const std::string offset = " coffset=1e-6";
  EXPECT_NEAR(simulate(50 * kVstep, 0.2, 0.2, 2, 2e-6, false, offset).tap(), 52, 1e-4);
  const double after_first = simulate(50 * kVstep, 0.2, 0.2, 1, 2e-6, false, offset).gate;
  EXPECT_NEAR(simulate(after_first, 0.2, 0.2, 1, 2e-6, true, offset).tap(), 50, 1e-4);
}

TEST(Gen1Pot, SaturatesAtBothEnds) {
  EXPECT_NEAR(simulate(97 * kVstep, 0.2, 0.19, 5, 2e-6).tap(), kSteps - 1, 1e-4);
  EXPECT_NEAR(simulate(2 * kVstep, 0.19, 0.2, 5, 2e-6).tap(), 0, 1e-4);
}

TEST(Gen1Pot, BothPotsFollowTheTapLaw) {
  for (const int tap : {0, 1, 37, 50, 98, 99}) {
    // Set a third of a step off the tap: the register is read rounded to the nearest tap.
    const Result r = simulate((tap + (tap == 99 ? -0.3 : 0.3)) * kVstep, 0.2, 0.15, 0, 0.0);
    const double expected = 1.0 / resistance(tap);
    EXPECT_NEAR(r.free_current / 0.2, expected, 1e-9 * expected) << "tap " << tap;
    EXPECT_NEAR(r.clamped_current / 0.15, expected, 1e-9 * expected) << "tap " << tap;
    EXPECT_NEAR(r.conductance_ms * 1e-3, expected, 1e-9 * expected) << "tap " << tap;
  }
  EXPECT_NEAR(resistance(0), kRmax, 1e-9);
  EXPECT_NEAR(resistance(kSteps - 1), kRmin, 1e-9);
}

// The shipped regression config, 6 epochs: the error falls, and results.json reports the pots'
// conductances (read from the conductance node) on the documented law.
TEST(Gen1PotTraining, AShortTrainingLowersTheError) {
  clitest::TempDir tmp;
  const auto run = tmp.path() / "run";
  const clitest::CliResult result = clitest::run_cli(
      {"train", std::string(CLLNSIM_SOURCE_DIR) + "/configs/regression_gen1.json", "--out",
       run.string(), "--quiet", "--no-plots", "--set", "training.epochs=6"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream in(run / "results.json");
  const auto results = nlohmann::json::parse(in);
  std::ifstream history(run / "history.csv");
  std::string line;
  std::getline(history, line);  // header
  std::getline(history, line);  // epoch 0
  const double initial = std::stod(line.substr(line.find(',') + 1));
  const double final_mse = results["metrics"]["train"]["mse"];
  std::cout << "regression_gen1, 6 epochs: mse " << initial << " -> " << final_mse << " V^2\n";
  EXPECT_LT(final_mse, initial / 4);
  for (const auto& edge : results["network"]["edges"]) {
    const int tap = static_cast<int>(std::lround(edge["gate_volts"].get<double>() / kVstep));
    const double expected = 1.0 / resistance(tap);
    EXPECT_NEAR(edge["conductance_siemens"].get<double>(), expected, 1e-9 * expected);
    EXPECT_NEAR(edge["gate_volts"].get<double>(), tap * kVstep, 1e-4);
  }
}

// The shipped classification config on seed 4, the seed that tested worst (0.806) before the
// margin (a comparator resolution of 1e-4 V^2 and a 50 mV dead-zone nudge): the samples already
// on their side by a margin stop moving the taps, so the boundary stays where the training set
// put it.
TEST(Gen1PotTraining, ShippedClassificationSeparatesTheTestSetOnItsHardestSeed) {
  clitest::TempDir tmp;
  const auto run = tmp.path() / "run";
  const clitest::CliResult result =
      clitest::run_cli({"train", std::string(CLLNSIM_SOURCE_DIR) + "/configs/classify2d_gen1.json",
                        "--out", run.string(), "--quiet", "--no-plots", "--set", "seed=4"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream in(run / "results.json");
  const double accuracy = nlohmann::json::parse(in)["metrics"]["test"]["accuracy"];
  std::cout << "classify2d_gen1, seed 4: test accuracy " << accuracy << "\n";
  EXPECT_GE(accuracy, 0.9);
}

}  // namespace
}  // namespace cllnsim
