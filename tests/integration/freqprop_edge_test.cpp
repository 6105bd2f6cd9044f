// The frequency-propagation edge (netlists/edges/freqprop_nmos.sub) on a one-edge bench in
// ngspice: its drop is D + A cos(2 pi f t) (a SIN source at fa, fb at 0 V), the reference is the
// unit cosine at f, and `learn` is a trapezoid whose ramps last one period. Over the window (and
// the tail of the edge's low pass) the gate moves by -gl/cg * D * A * (hold + ramp): the product of
// the two frequency components, with its sign, in all four sign cases; with no AC it does not move,
// whatever the DC drop or the squarer's offset; and with ramps that are not whole periods the DC
// drop leaks into the gate (why the config asks for whole periods). The edge that reads gm
// (freqprop_nmos_gm.sub) steps by gm/kn in place of D: as the drop edge in triode, by the
// overdrive in saturation, not at all below threshold.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <string>

#include "io/csv.h"
#include "netlist/edge_file.h"
#include "spice/session.h"

namespace cllnsim {
namespace {

using io::format_number;

constexpr double kGl = 1e-3;        // A/V^2
constexpr double kCg = 1e-9;        // F
constexpr double kGate = 2.0;       // V, inside the soft bounds
constexpr double kFrequency = 1e6;  // Hz
constexpr double kPeriod = 1 / kFrequency;
constexpr double kStart = 2e-6;        // learn starts ramping here
constexpr double kHold = 8 * kPeriod;  // learn held at vdd

struct Bench {
  std::string subckt = "freqprop_nmos";  // in netlists/edges/<subckt>.sub
  double ramp = kPeriod;                 // learn's rise and fall time
  double gate = kGate;
  std::string params = " gl=" + format_number(kGl) + " cg=" + format_number(kCg);

  // The gate step over the learning window, for a drop D + A cos(2 pi f t).
  double gate_step(double dc, double ac) const {
    const auto edge = netlist::read_edge_file(
        std::string(CLLNSIM_SOURCE_DIR) + "/netlists/edges/" + subckt + ".sub", subckt);
    EXPECT_EQ(edge.interface, netlist::EdgeInterface::frequency_propagation);
    std::vector<std::string> lines{"frequency-propagation edge bench"};
    lines.insert(lines.end(), edge.lines.begin(), edge.lines.end());
    const std::string f = format_number(kFrequency);
    lines.push_back("vfa fa 0 sin(" + format_number(dc) + " " + format_number(ac) + " " + f +
                    " 0 0 90)");
    lines.push_back("vfb fb 0 0");
    lines.push_back("vref ref 0 sin(0 1 " + f + " 0 0 90)");
    lines.push_back("vvdd vdd 0 5");
    lines.push_back("vvss vss 0 0");
    const double up = kStart + ramp, down = up + kHold, off = down + ramp;
    lines.push_back("vlearn learn 0 pwl(0 0 " + format_number(kStart) + " 0 " + format_number(up) +
                    " 5 " + format_number(down) + " 5 " + format_number(off) + " 0)");
    lines.push_back("xedge fa fb g learn vdd vss ref " + subckt + params);
    lines.push_back(".ic v(g)=" + format_number(gate));

    spice::Session session;
    session.load(lines);
    spice::TransientRequest request;
    request.step = request.max_step = kPeriod / 64;
    // The edge's low pass (two loaded RC stages of tlp 5 us: time constants 2.6 tlp and 0.38
    // tlp) passes the window's step on within 1e-5 after 150 us.
    request.stop = off + 150e-6;
    request.observed = {"g"};
    double final_gate = NAN;
    request.on_point = [&](double, std::span<const double> v) { final_gate = v[0]; };
    session.run_transient(request);
    return final_gate - gate;
  }
};

// -gl/cg * D * A over the window's area (hold + ramp: a trapezoid).
double predicted_step(double dc, double ac) { return -kGl / kCg * dc * ac * (kHold + kPeriod); }

struct Case {
  const char* name;
  double dc;
  double ac;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class FreqpropEdge : public ::testing::TestWithParam<Case> {};

TEST_P(FreqpropEdge, GateStepIsMinusTheProductOfTheTwoComponents) {
  const Case c = GetParam();
  const double step = Bench{}.gate_step(c.dc, c.ac);
  const double predicted = predicted_step(c.dc, c.ac);
  std::cout << c.name << ": gate step " << step * 1e3 << " mV, -gl/cg D A T " << predicted * 1e3
            << " mV\n";
  EXPECT_EQ(std::signbit(step), std::signbit(predicted));
  // tanh(x / cmax) for x <= 0.05 V^2 and the overlap capacitances: well inside 1%.
  EXPECT_NEAR(step, predicted, 0.01 * std::abs(predicted));
}

INSTANTIATE_TEST_SUITE_P(FourSigns, FreqpropEdge,
                         ::testing::Values(Case{"PositiveDcPositiveAc", 0.2, 0.02},
                                           Case{"PositiveDcNegativeAc", 0.2, -0.02},
                                           Case{"NegativeDcPositiveAc", -0.2, 0.02},
                                           Case{"NegativeDcNegativeAc", -0.2, -0.02}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(FreqpropEdgeNoAc, WithoutTheErrorComponentTheGateHolds) {
  // The step a 10 mV AC drop would give at this DC drop is 3 mV: without AC, the D^2 cos term
  // averages out over the window (ramps of whole periods) to well under 1% of it.
  const double reference = std::abs(predicted_step(0.3, 0.01));
  const double step = Bench{}.gate_step(0.3, 0.0);
  std::cout << "D 0.3 V, no AC: gate step " << step * 1e6 << " uV (a 10 mV AC: " << reference * 1e6
            << " uV)\n";
  EXPECT_LT(std::abs(step), 0.01 * reference);
  // The squarer's offset is mixed with the reference too, so it averages out as well.
  Bench offset;
  offset.params += " coffset=0.01";
  EXPECT_LT(std::abs(offset.gate_step(0.3, 0.0)), 0.01 * reference);
}

TEST(FreqpropEdgeNoAc, RampsOfAHalfPeriodLetTheDcDropLeakIn) {
  // The control for the test above: ramps of 1.5 periods pass the window's edges at f, and the
  // D^2 cos term moves the gate without any AC (gl/cg D^2 / (2 pi f)-sized, about 10 mV here).
  Bench leaky;
  leaky.ramp = 1.5 * kPeriod;
  const double reference = std::abs(predicted_step(0.3, 0.01));
  const double step = leaky.gate_step(0.3, 0.0);
  std::cout << "D 0.3 V, no AC, ramps of 1.5 periods: gate step " << step * 1e6 << " uV\n";
  EXPECT_GT(std::abs(step), 0.1 * reference);
}

// netlists/edges/freqprop_nmos_gm.sub reads the transistor's own dI/dVg (replicas at Vg +- dg)
// in place of the drop D. Level 1 (the ALD1106 card, lambda 0.2, source at 0 V so no body
// effect): gm = kn D (1 + lambda D) in triode and kn Vov (1 + lambda D) in saturation, 0 below
// threshold (vto 0.72 V); kn is the edge's normalization, so the step is -gl/cg gm/kn A T.
double gm_edge_step(double gate, double dc, double ac) {
  Bench bench;
  bench.subckt = "freqprop_nmos_gm";
  bench.gate = gate;
  bench.params += " vgmin=0.3";  // the soft bound stays below the cut-off case's gate
  return bench.gate_step(dc, ac);
}

constexpr double kLambda = 0.2;
constexpr double kVto = 0.72;

TEST(FreqpropGmEdge, InTriodeItStepsAsTheDropEdge) {
  const double step = gm_edge_step(kGate, 0.2, 0.02);
  const double predicted = predicted_step(0.2, 0.02) * (1 + kLambda * 0.2);
  std::cout << "gm edge, triode: " << step * 1e3 << " mV, predicted " << predicted * 1e3 << " mV\n";
  EXPECT_NEAR(step, predicted, 0.02 * std::abs(predicted));
}

TEST(FreqpropGmEdge, InSaturationItStepsByTheOverdriveNotTheDrop) {
  const double gate = 0.9, dc = 0.3;  // overdrive 0.18 V < drop 0.3 V
  const double step = gm_edge_step(gate, dc, 0.02);
  const double predicted = predicted_step(gate - kVto, 0.02) * (1 + kLambda * dc);
  std::cout << "gm edge, saturation: " << step * 1e3 << " mV, predicted " << predicted * 1e3
            << " mV (the drop edge: " << predicted_step(dc, 0.02) * 1e3 << " mV)\n";
  EXPECT_NEAR(step, predicted, 0.04 * std::abs(predicted));
}

TEST(FreqpropGmEdge, BelowThresholdItHoldsWhereTheDropEdgeMoves) {
  const double reference = std::abs(predicted_step(0.2, 0.02));
  const double step = gm_edge_step(0.6, 0.2, 0.02);
  Bench drop_edge;
  drop_edge.gate = 0.6;
  drop_edge.params += " vgmin=0.3";
  const double drop_step = drop_edge.gate_step(0.2, 0.02);
  std::cout << "gate 0.6 V (off): gm edge " << step * 1e6 << " uV, drop edge " << drop_step * 1e6
            << " uV\n";
  EXPECT_LT(std::abs(step), 0.01 * reference);
  EXPECT_GT(std::abs(drop_step), 0.9 * reference);
}

}  // namespace
}  // namespace cllnsim
