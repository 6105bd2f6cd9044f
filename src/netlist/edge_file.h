// Reads a user's or a shipped edge file, checks it against the cllnsim edge interface, and
// returns its text with every `.include` inlined, so generated netlists stand alone.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cllnsim::netlist {

// The ports every edge subcircuit has, in this order (see README "The edge interface").
inline const std::vector<std::string> kEdgePorts = {"fa", "fb",    "ca",  "cb",
                                                    "g",  "learn", "vdd", "vss"};
// The second interface: an edge for training.protocol "frequency_propagation" (one network, no
// clamped copy) has these ports, in this order: `ref` is the global reference sine at the
// feedback frequency (README "Frequency propagation").
inline const std::vector<std::string> kFreqpropEdgePorts = {"fa",  "fb",  "g",  "learn",
                                                            "vdd", "vss", "ref"};
// The third: an edge for training.protocol "time_multiplexed" (one network; the edge holds its
// free drop while `hold` is at vdd and learns from it against its live, clamped drop; `polarity`
// as the twin edge's).
inline const std::vector<std::string> kTimeMultiplexedEdgePorts = {
    "fa", "fb", "g", "learn", "vdd", "vss", "hold", "polarity"};
// Which of the port lists an edge file's subcircuit has.
enum class EdgeInterface { twin, frequency_propagation, time_multiplexed };
// An edge may add a ninth port, its learning polarity: at vss the learning circuit drives the
// gate as the rule says, at vdd with the sign reversed (training.nudge "symmetric" needs it).
inline const std::string kPolarityPort = "polarity";
// An edge without a MOSFET between fa and fb reports its conductance through a resistor of this
// name inside its subcircuit: the current through it (in A) is the free element's conductance (in
// S), e.g. 1 kOhm from a node at the conductance in mS to ground.
inline const std::string kConductanceResistor = "rgfree";

struct EdgeDefinition {
  std::filesystem::path file;
  std::string subckt;                         // lower case, as ngspice names it
  std::vector<std::string> lines;             // the file, includes inlined, ready to paste
  std::map<std::string, std::string> params;  // declared parameters and their defaults
  std::string free_transistor;                // the MOSFET between fa and fb ("" if none)
  std::string clamped_transistor;             // the MOSFET between ca and cb ("" if none)
  std::map<std::string, std::string> models;  // .model name -> its logical line
  std::map<std::string, std::string> transistor_models;  // MOSFET instance -> model name
  EdgeInterface interface = EdgeInterface::twin;  // kEdgePorts, kFreqpropEdgePorts or kTime...
  bool has_polarity = false;                      // the ninth port kPolarityPort is declared
  bool has_conductance_resistor = false;      // the subcircuit has a resistor kConductanceResistor
  std::vector<std::string> compiled_devices;  // OSDI libraries its `pre_osdi` lines load (absolute)
};

// `.include FILE` and `.lib FILE SECTION` (only that section's `.lib SECTION` ... `.endl` block)
// are inlined, relative paths resolved against the including file's folder.
// Throws cllnsim::input_error naming the file and line when the file cannot be read, an
// include or library section is missing, the subcircuit is absent, its ports are neither
// interface's (twin or frequency propagation), a device (MOSFET, diode, JFET, switch) anywhere in
// the file names a model that no
// `.model` line defines, or an instance calls a subcircuit that no `.subckt` defines.
EdgeDefinition read_edge_file(const std::filesystem::path& file, const std::string& subckt);

// Throws cllnsim::input_error naming `json_path` if a parameter is not declared by the edge.
void check_edge_params(const EdgeDefinition& edge, const std::map<std::string, double>& params,
                       const std::string& json_path);

}  // namespace cllnsim::netlist
