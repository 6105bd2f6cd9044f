// A run's configuration: JSON file -> typed, validated values.
// Every error names the file, the JSON path, what was found and what was expected (exit code 2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/topology.h"

namespace cllnsim::config {

struct Lattice {
  int rows = 4;
  int cols = 4;
  bool periodic = true;  // wrap-around edges in both directions
};

struct InputNode {
  std::string name;
  NodeRef at;
};

struct RailNode {
  std::string name;
  NodeRef at;
  double volts = 0.0;
};

// Single-ended when `minus` is absent: O = V(plus). Differential: O = V(plus) - V(minus).
struct Output {
  std::string name;
  NodeRef plus;
  std::optional<NodeRef> minus;
};

struct Edge {
  std::filesystem::path file;            // absolute, resolved against the config file's folder
  std::string subckt;                    // name of the .subckt inside `file`
  std::map<std::string, double> params;  // passed to every instance as name=value
};

struct InitialGates {
  enum class Kind { constant, uniform };
  Kind kind = Kind::uniform;
  double volts = 2.5;  // constant
  double low = 1.5;    // uniform, drawn per edge from the run's seed
  double high = 3.0;
};

struct Supply {
  double vdd = 5.0;  // the learn signal is at vdd while learning
  double vss = 0.0;
};

struct Network {
  Lattice lattice;             // the topology, unless `graph` is set
  std::optional<Graph> graph;  // network.graph: an edge list or a random graph
  std::vector<InputNode> inputs;
  std::vector<RailNode> rails;
  std::vector<NodeRef> ground;
  std::vector<Output> outputs;
  Edge edge;
  InitialGates initial_gates;
  Supply supply;
  double node_leak_ohms = 1e7;  // resistor from every lattice node to ground, both copies
};

// How a CSV column maps to volts: the data range [data_low, data_high] (default: the column's
// minimum and maximum over the file) goes linearly onto [volts_low, volts_high].
struct ColumnMap {
  std::string column;
  double volts_low = 0.0;
  double volts_high = 0.45;
  std::optional<double> data_low, data_high;
};

// Which samples of a CSV file train and which test, drawn from the run's seed.
struct Split {
  enum class Kind { fraction, per_class };
  Kind kind = Kind::fraction;
  double train_fraction = 0.5;  // fraction: of all rows
  int train_per_class = 10;     // per_class: rows of each class
  int test_per_class = 40;
};

// The task and its data. Which keys apply depends on `kind` (see README "Tasks").
struct Task {
  std::string kind = "xor";  // xor, regression, classify2d or csv
  double input_low = 0.0;    // xor, regression, classify2d: input range (V)
  double input_high = 0.45;
  double target_same = 0.0;          // xor: label for inputs 00 and 11
  double target_different = -0.087;  // xor: label for inputs 01 and 10
  // regression: the published clipped ramp, `points` inputs evenly over the input range,
  // target min(target_start + target_slope (x - input_low), target_ceiling).
  int points = 8;
  double target_start = 0.109;
  double target_slope = 0.63;
  double target_ceiling = 0.304;
  // classify2d: points drawn from the seed, class by the side of a parabola; labels +/- target.
  int train_points = 40;
  int test_points = 200;
  double target = 0.05;
  // csv
  std::filesystem::path file;  // absolute, resolved against the config file's folder
  bool classification = false;
  std::vector<ColumnMap> inputs;             // one per network input
  std::vector<ColumnMap> targets;            // regression: one per network output
  std::string class_column;                  // classification
  double class_low = 0.1, class_high = 0.3;  // one-hot labels (V)
  Split split;
};

struct Training {
  enum class Order { shuffled, fixed };
  // one_sided: the clamped outputs sit at O_F + eta (L - O_F) while learning. symmetric: half of
  // each learning window there with the edges' learning polarity normal, half at
  // O_F - eta (L - O_F) with it reversed (a chopped nudge: whatever contrast does not change
  // sign with the nudge, e.g. twin mismatch or a learning-circuit offset, cancels).
  enum class Nudge { one_sided, symmetric };
  // settled: learning switches on settle_seconds after a sample's step (the quasi-static
  // protocol). with_input: on together with the step, so learning overlaps the networks'
  // relaxation (learning out of equilibrium; physical.node_capacitance_f sets how long it lasts).
  enum class LearnOnset { settled, with_input };
  double eta = 0.5;  // nudge: O_C = O_F + eta (L - O_F)
  Nudge nudge = Nudge::one_sided;
  // > 0: the clamp stage nudges by the soft hinge e - m tanh(e / m) of the error e = L - O_F
  // (a dead-zone amplifier): outputs within about m of their label are hardly nudged, so a
  // learned task stops being trained (hinge-style updates, as the Gen.2 lab's classification).
  double nudge_deadzone_v = 0.0;
  int epochs = 150;
  Order order = Order::shuffled;  // shuffled: a new seeded order every epoch
  double ramp_seconds = 1e-6;     // rise/fall time of every source step
  double settle_seconds = 5e-6;   // inputs held before learning switches on / before reading
  LearnOnset learn_onset = LearnOnset::settled;
  double learn_seconds = 50e-6;  // learn held at vdd per sample, in the first epoch
  // ... and in the last: the learning time decays geometrically in between (a controller's
  // annealed learning rate). Defaults to learn_seconds: no decay.
  double learn_seconds_final = 50e-6;
  int evaluate_every = 1;  // evaluation pass (learning off) every k epochs and at the end
  bool learning = true;    // false: learn stays at 0 V for the whole run
  // Desynchronous learning (issue 17): with fraction p < 1 every edge has its own learn line,
  // on in a seeded random fraction p of the learning windows (protocol/desync.h); 1: the one
  // global line of the synchronous protocol.
  struct Desync {
    double fraction = 1.0;
  } desync;
  // equilibrium_propagation (issue 17): eta is EP's small nudge beta, and the learning circuit's
  // gain (the edge parameter ep_gain_param) is set to its configured value / beta, as a lab sets
  // the learning amplifier's gain, so the step tends to the gradient as beta -> 0 instead of
  // vanishing. coupled: the gain is the configured value at every eta.
  // frequency_propagation (issue 18; Anisetti et al., Neural Computation 2024): one network, no
  // twin copy; the controller injects an error current at the outputs at frequency_hz while
  // learning, and each edge's gate integrates the product of its drop's DC and f2 components
  // (a squarer and a mixer against the global reference sine; README "Frequency propagation").
  // time_multiplexed (issue 15): coupled learning on one network, no twin copy: each edge holds
  // its free drop on a sample-and-hold (the `hold` line), the controller then clamps the outputs
  // (switches onto O_F,held + eta (L - O_F,held)) and the edge learns from the held free drop
  // against its own clamped drop, so no difference between two transistors enters the update
  // (README "Time-multiplexed coupled learning").
  enum class Protocol { coupled, equilibrium_propagation, frequency_propagation, time_multiplexed };
  bool time_multiplexed() const { return protocol == Protocol::time_multiplexed; }
  // One network (no clamped copy) for frequency propagation and time multiplexing.
  bool one_network() const {
    return protocol == Protocol::frequency_propagation || time_multiplexed();
  }
  Protocol protocol = Protocol::coupled;
  // time_multiplexed: free/clamped cycles per training sample, the learning time shared among
  // them (while a free drop is held, the clamped drop also moves with the gates; short cycles keep
  // that drift small against the nudge's contrast).
  int hold_cycles = 1;
  std::string ep_gain_param = "gl";
  struct FreqProp {
    double frequency_hz = 1e6;  // f2: the reference and the error current
    // How the controller drives the error at f2. current: I = feedback_siemens (L - O_lp) cos(w t)
    // (EP's weak current nudge; the output's AC is that current times the network's impedance
    // there). voltage: the output's AC is held at eta (L - O_lp) cos(w t) by a transconductance
    // feedback_siemens on its deviation (an AC clamp, the small-nudge limit of the clamp stage of
    // coupled learning, whatever the impedance at the output).
    enum class ErrorDrive { current, voltage };
    ErrorDrive error_drive = ErrorDrive::current;
    // current: the error current's amplitude per volt of error (the nudge's strength, EP's beta
    // times a conductance); voltage: the clamp's transconductance.
    double feedback_siemens = 1e-4;
    // Time constant of the RC low pass through which the error amplifier reads the output.
    double lowpass_seconds = 1e-6;
  } freqprop;
  bool per_edge_learn() const { return desync.fraction < 1; }
};

struct Simulator {
  // ngspice's linear solver: Sparse 1.3 (every libngspice) or KLU (`.options klu`; only a
  // libngspice built with it, e.g. 46 from bookworm-backports; refused otherwise). automatic
  // ("auto", the default): whichever was measured faster at the network's size (README
  // "Benchmarks": KLU from kKluFromEdges twin edges on), and Sparse on a libngspice without KLU
  // (protocol::resolve_solver decides that, before anything is simulated).
  enum class Solver { automatic, sparse, klu };
  static constexpr std::size_t kKluFromEdges = 128;
  double max_step = 5e-6;  // tmax of the transient (s)
  Solver solver = Solver::automatic;
  // The solver a network of `edges` twin edges is simulated with (never automatic).
  Solver solver_for(std::size_t edges) const {
    if (solver != Solver::automatic) return solver;
    return edges >= kKluFromEdges ? Solver::klu : Solver::sparse;
  }
  // Emitted as `.options name=value`: numbers (reltol=1e-4) or words (method=gear).
  std::map<std::string, std::string> options;
  // Added to `options` when a failed segment is retried (once); empty: no retry.
  std::map<std::string, std::string> retry_options;
};

// "auto", "sparse", "klu": as simulator.solver is written.
const char* solver_name(Simulator::Solver solver);

// Long runs: the run is simulated in segments of `every_epochs` epochs, and a checkpoint is
// written at the end of each (and of the run), from which `train --resume` continues.
struct Checkpoint {
  int every_epochs = 10;
};

// Physical imperfections (README "Physical knobs"): each is a circuit element or a model change
// in the generated netlist. All off by default; random ones are drawn from `seed`.
struct Noise {
  double input_v = 0.0;        // rms of a white-noise source in series with every input source
  bool input_shared = true;    // one noise source per input for both copies, or one per copy
  double label_v = 0.0;        // ... with every label source
  double edge_a = 0.0;         // rms of a noise current across every edge, in each copy
  double learn_a = 0.0;        // rms of a noise current into every gate (learning-circuit noise)
  double step_seconds = 1e-6;  // a new noise sample every step (white up to 1/(2 step))
};

struct Mismatch {
  double vth_sigma_v = 0.0;   // per-transistor threshold shift, normal with this sigma
  double kp_sigma_rel = 0.0;  // per-transistor relative gain (kp) spread
  // Correlation of an edge's clamped transistor's deviations with its free twin's: 0 draws them
  // independently; near 1 models a matched pair (one die), where twins differ far less than edges.
  double twin_correlation = 0.0;
};

struct LearningOffset {
  double sigma = 0.0;             // per-edge offset added to the learning circuit's input
  std::string param = "coffset";  // the edge parameter that carries it
};

struct Damage {
  enum class Mode { open, shorted };
  double fraction = 0.0;   // this fraction of the edges, drawn from the seed ...
  std::vector<int> edges;  // ... plus these edge indices
  Mode mode = Mode::open;
  double short_ohms = 1.0;  // resistance of a shorted edge
};

struct Physical {
  std::uint64_t seed = 0;                // of every draw below; defaults to the run's seed
  double wire_ohms = 0.0;                // series resistance of every edge, in each copy
  double node_capacitance_f = 0.0;       // every lattice node to ground, both copies
  double free_clamped_coupling_f = 0.0;  // between a node's free and clamped copies ...
  std::vector<GridPos> coupling_at;      // ... at these sites (empty: every undriven site)
  Noise noise;
  Mismatch mismatch;
  LearningOffset learning_offset;
  Damage damage;
  std::optional<double> temperature_c;   // .options temp (ngspice's default: 27 C)
  std::optional<double> gate_leak_ohms;  // a resistor from every gate to vss
};

// The measurements after training, with learning off (see README "Energy and latency").
struct Analysis {
  int boundary_grid = 0;           // points per axis of the decision-boundary grid; 0: none
  int inference_samples = 8;       // samples held to measure power and settling
  double step_seconds = 1e-8;      // rise time of an input step
  double hold_seconds = 1e-5;      // how long each input is held
  double settle_tolerance = 0.01;  // settled: within this fraction of the output's full scale
  // A diagnostic (never fed into learning): after each of these epochs, the finite-difference
  // gradient of the training MSE (gates +-delta_v per edge, learning off) against the gate step
  // of one training epoch from the same state (protocol/gradient_check.h).
  struct GradientCheck {
    std::vector<int> epochs;
    double delta_v = 0.005;
    // Learning time per sample of the measured step; 0: the run's at that epoch.
    double learn_seconds = 0.0;
  } gradient_check;
};

struct Config {
  std::string name = "run";
  std::uint64_t seed = 1;
  Network network;
  Task task;
  Training training;
  Simulator simulator;
  Physical physical;
  Analysis analysis;
  Checkpoint checkpoint;

  std::filesystem::path source_file;  // the file it was read from
  nlohmann::json resolved;  // the full config after overrides, with every default filled in
};

// One `--set a.b.c=VALUE` from the command line. VALUE is parsed as JSON, else taken as a string.
struct Override {
  std::string path;   // dotted path, e.g. "training.eta" or "network.rails.0.volts"
  std::string value;  // raw text
};

// Reads, applies overrides, validates. Throws cllnsim::Error(ExitCode::bad_input) on any problem.
Config load(const std::filesystem::path& file, const std::vector<Override>& overrides = {});

// Same, from JSON text already in memory; `file` is used for messages and relative paths.
Config parse(const std::string& text, const std::filesystem::path& file,
             const std::vector<Override>& overrides = {});

}  // namespace cllnsim::config
