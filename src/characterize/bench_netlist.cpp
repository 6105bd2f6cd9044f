#include "characterize/bench_netlist.h"

#include "io/csv.h"

namespace cllnsim::characterize {

using io::format_number;

std::vector<BenchPoint> grid_points(const Grid& grid) {
  std::vector<BenchPoint> points;
  for (double gate : grid.gates) {
    for (double common : grid.common_modes) {
      for (double free_drop : grid.drops) {
        for (double clamped_drop : grid.drops) {
          points.push_back({free_drop, clamped_drop, common, gate});
        }
      }
    }
  }
  return points;
}

std::string bench_gate_node(std::size_t index) { return "g_" + std::to_string(index); }

PulseTimes pulse_times(const Timing& timing) {
  const double ramp = timing.ramp_seconds;
  return {ramp, 2 * ramp, 2 * ramp + timing.pulse_seconds, 3 * ramp + timing.pulse_seconds,
          5 * ramp + timing.pulse_seconds};
}

namespace {

std::string learn_source(const BenchConfig& config, Learn learn) {
  const double vdd = config.supply.vdd, vss = config.supply.vss;
  if (learn != Learn::pulse) return format_number(learn == Learn::on ? vdd : vss);
  const PulseTimes t = pulse_times(config.timing);
  std::string pwl = "pwl(0 " + format_number(vss);
  for (const auto& [time, volts] :
       {std::pair{t.rise_start, vss}, {t.rise_end, vdd}, {t.fall_start, vdd}, {t.fall_end, vss}}) {
    pwl += " " + format_number(time) + " " + format_number(volts);
  }
  return pwl + ")";
}

}  // namespace

std::vector<std::string> bench_netlist(const BenchConfig& config,
                                       const netlist::EdgeDefinition& edge,
                                       const std::vector<BenchPoint>& points, Learn learn) {
  static const char* const kLearnNames[] = {"on", "off", "one pulse"};
  std::vector<std::string> lines{"* cllnsim characterize: " + std::to_string(points.size()) +
                                 " bench copies of " + edge.subckt + ", learning " +
                                 kLearnNames[static_cast<int>(learn)]};
  if (!config.simulator.options.empty()) {
    std::string options = ".options";
    for (const auto& [name, value] : config.simulator.options) options += " " + name + "=" + value;
    lines.push_back(options);
  }
  const config::Supply& supply = config.supply;
  lines.push_back("vsupply_vdd vdd 0 " + format_number(supply.vdd));
  lines.push_back("vsupply_vss vss 0 " + format_number(supply.vss));
  lines.push_back("vlearn learn 0 " + learn_source(config, learn));
  // The rule is characterized at normal learning polarity.
  if (edge.has_polarity) lines.push_back("vpolarity polarity 0 " + format_number(supply.vss));
  lines.push_back("* ---- edge subcircuit from " + edge.file.string() + " ----");
  lines.insert(lines.end(), edge.lines.begin(), edge.lines.end());
  std::string params;
  for (const auto& [name, value] : config.edge.params)
    params += " " + name + "=" + format_number(value);

  lines.push_back("* ---- one bench copy per grid point: terminals held at common +/- drop/2 ----");
  for (std::size_t i = 0; i < points.size(); ++i) {
    const BenchPoint& p = points[i];
    const std::string k = std::to_string(i);
    const auto source = [&](const std::string& node, double volts) {
      lines.push_back("v" + node + "_" + k + " " + node + "_" + k + " 0 " + format_number(volts));
    };
    source("fa", p.common_mode + p.free_drop / 2);
    source("fb", p.common_mode - p.free_drop / 2);
    source("ca", p.common_mode + p.clamped_drop / 2);
    source("cb", p.common_mode - p.clamped_drop / 2);
    lines.push_back("xbench_" + k + " fa_" + k + " fb_" + k + " ca_" + k + " cb_" + k + " " +
                    bench_gate_node(i) + " learn vdd vss " +
                    (edge.has_polarity ? "polarity " : "") + edge.subckt + params);
    lines.push_back(".ic v(" + bench_gate_node(i) + ")=" + format_number(p.gate));
  }
  lines.push_back(".end");
  return lines;
}

}  // namespace cllnsim::characterize
