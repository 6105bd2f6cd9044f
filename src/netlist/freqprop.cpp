// training.protocol "frequency_propagation": the parts of the netlist that differ from the twin
// network's (netlist.cpp writes the rest, with one copy of the network): the controller's
// reference sine and its error amplifier and modulator at the outputs.
#include <string>

#include "netlist/writer.h"

namespace cllnsim::netlist::detail {
namespace {

// The RC low pass through which the error amplifier reads an output: this resistor, and a
// capacitor of lowpass_seconds / R.
constexpr double kLowpassOhms = 1e3;

}  // namespace

// The reference is a unit cosine around vss (1 V amplitude stands for 1 in the edges' mixers):
// SIN(0 1 f 0 0 90) = cos(2 pi f t), its phase zero at the start of each transient. The error
// current at each output is feedback_siemens * (L - O_lp) * ref * (learn fraction): in phase with
// the reference, on only while learning (the controller's modulator is enabled by `learn`), and
// pushed into the plus node, pulled out of the minus node of a differential output.
void write_feedback_stage(Writer& w) {
  const auto& c = w.config_;
  const auto& n = w.network_;
  const auto& freqprop = c.training.freqprop;
  const std::string vss = vss_node(c, n);
  w.section("reference: a unit cosine at training.freqprop.frequency_hz = " +
            format_number(freqprop.frequency_hz) + " Hz, around vss");
  const std::string cosine = " sin(0 1 " + format_number(freqprop.frequency_hz) + " 0 0 90)";
  if (c.training.nudge == config::Training::Nudge::symmetric) {
    // A chopped reference: the polarity line reverses it halfway through each learning window,
    // and with it the error current (which reads it) and every mixer's reference, so the product
    // D * A keeps its sign while whatever the mixers pass from D^2 * ref reverses and cancels.
    w.comment("chopped: reversed while the polarity line is at vdd (training.nudge symmetric)");
    w.driven("vpolarity", "polarity", w.polarity_signal());
    w.line("vosc osc " + vss + cosine);
    w.line("bref ref " + vss + " V = V(osc," + vss + ") * (1 - 2 * V(polarity," + vss +
           ") / V(vdd," + vss + "))");
  } else {
    w.line("vref ref " + vss + cosine);
  }
  const std::string ref = "V(ref," + vss + ")";
  const std::string enable = "V(learn," + vss + ") / V(vdd," + vss + ")";
  w.section("error current at f2: I = " + format_number(freqprop.feedback_siemens) +
            " S * (L - O_lp) * ref * learn, O_lp the output through an RC low pass of " +
            format_number(freqprop.lowpass_seconds) + " s");
  for (std::size_t k = 0; k < c.network.outputs.size(); ++k) {
    const auto& output = c.network.outputs[k];
    const std::string label = w.label_source(k);
    const std::string plus = pos_node(n, output.plus, 'f');
    const std::string minus = output.minus ? pos_node(n, *output.minus, 'f') : "0";
    const std::string sense = "sense_" + output.name, lowpass = "lowpass_" + output.name;
    w.line("bsense_" + output.name + " " + sense + " 0 V = V(" + plus + ")" +
           (output.minus ? " - V(" + minus + ")" : ""));
    w.line("rlowpass_" + output.name + " " + sense + " " + lowpass + " " +
           format_number(kLowpassOhms));
    w.line("clowpass_" + output.name + " " + lowpass + " 0 " +
           format_number(freqprop.lowpass_seconds / kLowpassOhms));
    const std::string error = shaped_error(c, "(V(" + label + ") - V(" + lowpass + "))");
    const std::string drive =
        freqprop.error_drive == config::Training::FreqProp::ErrorDrive::current
            ? error + " * " + ref
            // The AC clamp: the output's f2 part (O - O_lp, the RC's high pass) is pulled toward
            // eta * error * ref with the transconductance; it carries no DC in steady state.
            : "(" + format_number(c.training.eta) + " * " + error + " * " + ref + " - (V(" + sense +
                  ") - V(" + lowpass + ")))";
    w.line("bfeedback_" + output.name + " " + minus + " " + plus +
           " I = " + format_number(freqprop.feedback_siemens) + " * " + drive + " * " + enable);
  }
}

}  // namespace cllnsim::netlist::detail
