// The free copy of a cllnsim network in libngspice, its gates ideal voltage sources, solved at DC
// (`op`): the circuit the bench programs share. They stand outside cllnsim and compute in the
// driver what cllnsim leaves to the circuit: the quasi-static reference a weight update per
// sample, the capacity fit the best gates it can find for a task. Built only with CLLNSIM_BENCH.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/overrides.h"
#include "protocol/experiment.h"
#include "protocol/trainer.h"
#include "spice/session.h"

namespace cllnsim::bench {

// CONFIG [--set PATH=VALUE]... [--out FILE], and the program's own flags that take a value.
struct Options {
  std::string config;
  std::vector<config::Override> overrides;
  std::optional<std::string> out;
  std::map<std::string, std::string> flags;  // the program's own flags: name -> value
};

// Parses the options, runs `body` and writes its JSON to --out (atomically) or standard output.
// Errors go to standard error as "PROGRAM: error: ..."; returns the exit code.
int run_program(const std::string& program, int argc, char** argv,
                const std::vector<std::string>& own_flags,
                const std::function<nlohmann::json(const Options&)>& body);

// The shipped edge's learning rule (netlists/edges/nmos_rule.sub), with that edge's parameters.
struct LearningRule {
  double rate = 0.0;  // gl / cg: V/s per V^2 of contrast
  double cmax = 0.0;
  double vgmin = 0.0, vgmax = 0.0;  // absolute gate voltages

  double updated_gate(double gate, double free_drop, double clamped_drop, double seconds) const;
};

// The rule with gl, cg, cmax, vgmin, vgmax from network.edge.params or the subcircuit's defaults.
LearningRule rule_of(const protocol::Experiment& experiment);

// An output node the clamped state drives: the node and the sign of its share of the nudge.
struct ClampedHalf {
  int node = 0;
  double share = 1.0;  // single-ended: eta; differential: +eta/2 (plus), -eta/2 (minus)
  std::size_t output = 0;
};

// The circuit in ngspice and the driver's side of it: alter sources, solve, read nodes.
class QuasiStaticNetwork {
 public:
  QuasiStaticNetwork(const protocol::Experiment& experiment, std::vector<double> gates);

  const std::vector<double>& gates() const { return gates_; }
  std::size_t operating_points() const { return operating_points_; }

  // Node voltages (per lattice node) with `inputs` applied and the outputs free.
  std::vector<double> free_state(const std::vector<double>& inputs);

  // Node voltages with each output nudged from its free value towards `labels`.
  std::vector<double> clamped_state(const std::vector<double>& free,
                                    const std::vector<double>& labels);

  // The outputs (single-ended or differential) of a state.
  std::vector<double> outputs(const std::vector<double>& state) const;

  // The update the driver computes (the reference's whole point): every gate from its edge's
  // free and clamped drops, then set with `alter`.
  void learn(const LearningRule& rule, const std::vector<double>& free,
             const std::vector<double>& clamped, double seconds);

  // Sets one gate source: the capacity fit moves gates by its own search, not by a rule.
  void set_gate(int edge, double volts);

 private:
  std::vector<double> solve();

  const protocol::Experiment& experiment_;
  const std::vector<ClampedHalf> halves_;
  std::vector<double> gates_;
  spice::Session session_;
  std::vector<std::string> vectors_;       // node vectors read after every op
  std::vector<std::size_t> solved_index_;  // non-ground node k -> index into vectors_
  std::vector<std::size_t> node_slot_;     // lattice node -> index into vectors_ (or past it)
  std::size_t operating_points_ = 0;
};

// The free outputs of every sample, one `op` each.
std::vector<std::vector<double>> free_outputs(QuasiStaticNetwork& circuit,
                                              const std::vector<tasks::Sample>& samples);

nlohmann::json describe(const protocol::Metrics& metrics);

// Refuses a config that turns on a physical knob the quasi-static reference does not model: any
// (it learns on this one circuit, so it has no clamped copy to mismatch).
void require_ideal_circuit(const config::Config& config);
// The same for a program that uses only the free copy (the capacity fit): the free transistors'
// mismatch and damaged edges are modelled, drawn as cllnsim draws them; the other knobs refused.
void require_free_copy_knobs(const config::Config& config);

}  // namespace cllnsim::bench
