// The random part of the physical knobs (config::Physical): per-device mismatch, per-edge
// learning offsets and the damaged edges, drawn from `physical.seed` alone, so the same seed
// gives the same draws on every machine. Each knob has its own stream: turning one knob on
// does not change another's draws. Also the model-card rewriting that realizes mismatch.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "netlist/edge_file.h"

namespace cllnsim::netlist {

struct DeviceShift {
  double vth_volts = 0.0;  // added to the model's threshold (vto, or vth0 for BSIM cards)
  double kp_scale = 1.0;   // multiplies the model's gain (kp, or u0 for BSIM cards)
};

struct PhysicalDraws {
  std::vector<DeviceShift> free_device, clamped_device;  // per edge; empty without mismatch
  std::vector<double> learning_offset;                   // per edge; empty without offsets
  std::vector<bool> damaged;                             // per edge
};

PhysicalDraws draw_physical(const config::Physical& physical, std::size_t edges);

// Throws cllnsim::input_error when the edge cannot carry a requested knob: mismatch needs a
// free (fa-fb) and a clamped (ca-cb) MOSFET whose model is a `.model` card in the edge file,
// named on the transistor's first line; a learning offset needs the edge to declare its param.
void check_physical_support(const config::Config& config, const EdgeDefinition& edge);

// The netlist lines that give edge `index` its own transistors: one `.model` card per device
// (the edge's card with the shifted threshold and scaled gain) and a copy of the subcircuit,
// named mismatched_subckt(edge, index), whose transistors use them (a one-network edge has only
// the free one; clamped_device is then unused).
std::vector<std::string> mismatched_edge(const EdgeDefinition& edge, int index,
                                         const DeviceShift& free_device,
                                         const DeviceShift& clamped_device);
std::string mismatched_subckt(const EdgeDefinition& edge, int index);

}  // namespace cllnsim::netlist
