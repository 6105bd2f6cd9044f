// Pure text generation of the twin network: free and clamped copies of the lattice, one edge
// subcircuit instance per edge, the sources the driver presents, the in-circuit clamping stage,
// supplies, options and initial gate voltages. Testable without ngspice.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "netlist/edge_file.h"
#include "netlist/noise.h"
#include "netlist/waveform.h"
#include "network/network.h"

namespace cllnsim::netlist {

// Node and instance names shared by the generator and the code that reads results back.
std::string free_node(const network::Network& network, int node);
std::string clamped_node(const network::Network& network, int node);
std::string gate_node(int edge);
std::string edge_instance(int edge);
// The ngspice expression of edge `edge`'s free conductance (S) in the loaded circuit's present
// state: its free MOSFET's small-signal gds, else the current of its conductance resistor
// (kConductanceResistor); "" when the edge has neither.
std::string free_conductance_expression(const EdgeDefinition& definition, int edge);

// The signals the driver presents, in this order: one per input node (named after it), one
// label per output ("label_<output>"), "learn" and "polarity", under time multiplexing "hold",
// and with training.desync
// (fraction < 1) one learn line per edge, "learn_<edge>", which the edges then use instead of
// "learn" (no source drives "learn" then: it is the controller's window, kept so the indices
// of every other signal stay put).
std::vector<std::string> signal_names(const config::Config& config);

// A voltage source whose value is one of the driver's signals.
struct DrivenSource {
  std::string instance;  // e.g. "vin_x1_f"
  std::size_t signal;    // index into signal_names()
};

// For `cllnsim netlist`: the whole run written into the netlist, so `ngspice -b` replays it.
struct Replay {
  std::vector<Waveform> signals;  // one per signal_names() entry
  double stop = 0.0;
  double max_step = 0.0;
};

struct Netlist {
  std::vector<std::string> lines;  // first line is the title
  std::vector<DrivenSource> driven_sources;
  // The seeded noise sources (physical.noise), in netlist order: EXTERNAL without `replay`
  // (the driver presents NoiseField values), PWL of the same samples with it.
  std::vector<NoiseSource> noise_sources;
};

// The EXTERNAL sources of an in-process netlist, as a transient names them: the driven sources,
// then the noise sources.
std::vector<std::string> external_sources(const Netlist& netlist);

// Without `replay` the driven and noise sources are EXTERNAL (values from the driver's callback)
// and the netlist has no analysis line; with it they are PWL and it ends in .tran and .measure
// lines.
Netlist generate(const config::Config& config, const network::Network& network,
                 const EdgeDefinition& edge, const std::vector<double>& initial_gates,
                 const std::optional<Replay>& replay = std::nullopt);

}  // namespace cllnsim::netlist
