// training.protocol "time_multiplexed": the parts of the netlist that differ from the twin
// network's (netlist.cpp writes the rest, with one copy of the network): the hold and polarity
// lines and the controller's sample-and-hold of the free outputs and its switched clamp.
#include <string>

#include "netlist/writer.h"

namespace cllnsim::netlist::detail {
namespace {

// The controller's switches: a sample switch that tracks while `hold` is below mid-supply and a
// clamp switch that closes above it (ngspice's voltage-controlled switch, threshold 0 V on the
// difference of its control nodes). 1 Ohm is stiff against edges of 200 Ohm and more.
constexpr double kClampOnOhms = 1.0;
constexpr double kSampleOnOhms = 100.0;
constexpr double kSwitchOffOhms = 1e12;
constexpr double kHoldFarads = 100e-12;  // the output sample-and-hold's capacitor

}  // namespace

// While `hold` is low the networks' outputs float (the free state) and the controller's
// sample-and-hold tracks them; when it rises the samples hold O_F and the clamp switches drive
// the outputs to O_F + eta (L - O_F) (with the symmetric nudge, O_F - eta (L - O_F) while the
// polarity line is at vdd): the clamped state of the same network.
void write_hold_clamp_stage(Writer& w) {
  const auto& c = w.config_;
  const auto& n = w.network_;
  const auto& supply = c.network.supply;
  const bool symmetric = c.training.nudge == config::Training::Nudge::symmetric;
  w.section("hold: vss the free state, vdd the clamped state; polarity: vss normal, vdd reversed");
  w.driven("vhold", "hold", w.hold_signal());
  w.driven("vpolarity", "polarity", w.polarity_signal());
  w.line("vhold_mid hold_mid 0 " + format_number((supply.vdd + supply.vss) / 2));
  w.line(".model cl_clamp_switch sw vt=0 vh=0 ron=" + format_number(kClampOnOhms) +
         " roff=" + format_number(kSwitchOffOhms));
  w.line(".model cl_sample_switch sw vt=0 vh=0 ron=" + format_number(kSampleOnOhms) +
         " roff=" + format_number(kSwitchOffOhms));
  std::string sign;
  if (symmetric) {
    sign = " * (1 - 2 * (V(polarity) - " + format_number(supply.vss) + ") / " +
           format_number(supply.vdd - supply.vss) + ")";
  }
  w.section("clamping stage: the free outputs held (O_F), then switched onto O_F " +
            std::string(symmetric ? "+/-" : "+") + " eta " +
            (c.training.nudge_deadzone_v > 0 ? "h(L - O_F)" : "(L - O_F)") +
            ", eta = " + format_number(c.training.eta) + " while hold is at vdd");
  // A buffered sample of `node` on `held`, tracking while hold is low.
  const auto sample = [&](const std::string& node, const std::string& held) {
    w.line("ebuf_" + held + " buf_" + held + " 0 " + node + " 0 1");
    w.line("ssample_" + held + " buf_" + held + " " + held + " hold_mid hold cl_sample_switch");
    w.line("chold_" + held + " " + held + " 0 " + format_number(kHoldFarads));
  };
  const auto clamp = [&](const std::string& node, const std::string& name,
                         const std::string& value) {
    w.line("bclamp_" + name + " clamp_" + name + " 0 V = " + value);
    w.line("sclamp_" + name + " clamp_" + name + " " + node + " hold hold_mid cl_clamp_switch");
  };
  for (std::size_t k = 0; k < c.network.outputs.size(); ++k) {
    const auto& output = c.network.outputs[k];
    const std::string label = w.label_source(k);
    const std::string plus = pos_node(n, output.plus, 'f');
    const std::string held_plus = "held_" + output.name + (output.minus ? "_p" : "");
    sample(plus, held_plus);
    if (!output.minus) {
      clamp(plus, output.name,
            "V(" + held_plus + ") + " + format_number(c.training.eta) + " * " +
                shaped_error(c, "(V(" + label + ") - V(" + held_plus + "))") + sign);
      continue;
    }
    // Differential: each half moves by +/- (eta/2)(L - O_F), keeping the pair's mean.
    const std::string minus = pos_node(n, *output.minus, 'f');
    const std::string held_minus = "held_" + output.name + "_m";
    sample(minus, held_minus);
    const std::string nudge =
        format_number(c.training.eta / 2) + " * " +
        shaped_error(c, "(V(" + label + ") - (V(" + held_plus + ") - V(" + held_minus + ")))") +
        sign;
    clamp(plus, output.name + "_p", "V(" + held_plus + ") + " + nudge);
    clamp(minus, output.name + "_m", "V(" + held_minus + ") - " + nudge);
  }
}

}  // namespace cllnsim::netlist::detail
