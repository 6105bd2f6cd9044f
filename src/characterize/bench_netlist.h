// The characterization bench as netlist text: many copies of one edge, each with its four
// terminals held by DC sources at one grid point and its gate started at that point's voltage
// (.ic), sharing the supplies and the learn signal. Pure text generation, unit-testable.
#pragma once

#include <string>
#include <vector>

#include "characterize/bench_config.h"
#include "characterize/rule_map.h"
#include "netlist/edge_file.h"

namespace cllnsim::characterize {

// Every grid point: drops (free x clamped) x common modes x gate voltages.
std::vector<BenchPoint> grid_points(const Grid& grid);

// The gate node of bench copy `index` ("g_<index>").
std::string bench_gate_node(std::size_t index);

// What the bench's learn source does: held at vdd or vss, or one pulse vss -> vdd -> vss.
enum class Learn { on, off, pulse };

// The pulse's times: off, ramp up, hold (timing.pulse_seconds), ramp down, off again.
struct PulseTimes {
  double rise_start, rise_end, fall_start, fall_end, stop;
};
PulseTimes pulse_times(const Timing& timing);

// One netlist with a bench copy per point.
std::vector<std::string> bench_netlist(const BenchConfig& config,
                                       const netlist::EdgeDefinition& edge,
                                       const std::vector<BenchPoint>& points, Learn learn);

}  // namespace cllnsim::characterize
