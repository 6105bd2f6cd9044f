// A run's configuration: JSON file -> typed, validated values.
// Every error names the file, the JSON path, what was found and what was expected (exit code 2).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cllnsim::config {

struct GridPos {
  int row = 0;
  int col = 0;
  bool operator==(const GridPos&) const = default;
};

struct Lattice {
  int rows = 4;
  int cols = 4;
  bool periodic = true;  // wrap-around edges in both directions
};

struct InputNode {
  std::string name;
  GridPos at;
};

struct RailNode {
  std::string name;
  GridPos at;
  double volts = 0.0;
};

// Single-ended when `minus` is absent: O = V(plus). Differential: O = V(plus) - V(minus).
struct Output {
  std::string name;
  GridPos plus;
  std::optional<GridPos> minus;
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
  Lattice lattice;
  std::vector<InputNode> inputs;
  std::vector<RailNode> rails;
  std::vector<GridPos> ground;
  std::vector<Output> outputs;
  Edge edge;
  InitialGates initial_gates;
  Supply supply;
  double node_leak_ohms = 1e7;  // resistor from every lattice node to ground, both copies
};

struct Task {
  std::string kind = "xor";
  double input_low = 0.0;
  double input_high = 0.45;
  double target_same = 0.0;          // label for inputs 00 and 11
  double target_different = -0.087;  // label for inputs 01 and 10
};

struct Training {
  enum class Order { shuffled, fixed };
  double eta = 0.5;  // nudge: O_C = O_F + eta (L - O_F)
  int epochs = 150;
  Order order = Order::shuffled;  // shuffled: a new seeded order every epoch
  double ramp_seconds = 1e-6;     // rise/fall time of every source step
  double settle_seconds = 5e-6;   // inputs held before learning switches on / before reading
  double learn_seconds = 50e-6;   // learn held at vdd per sample, in the first epoch
  // ... and in the last: the learning time decays geometrically in between (a controller's
  // annealed learning rate). Defaults to learn_seconds: no decay.
  double learn_seconds_final = 50e-6;
  int evaluate_every = 1;  // evaluation pass (learning off) every k epochs and at the end
  bool learning = true;    // false: learn stays at 0 V for the whole run
};

struct Simulator {
  double max_step = 5e-6;  // tmax of the transient (s)
  // Emitted as `.options name=value`: numbers (reltol=1e-4) or words (method=gear).
  std::map<std::string, std::string> options;
  // Added to `options` when a failed segment is retried (once); empty: no retry.
  std::map<std::string, std::string> retry_options;
};

// Long runs: the run is simulated in segments of `every_epochs` epochs, and a checkpoint is
// written at the end of each (and of the run), from which `train --resume` continues.
struct Checkpoint {
  int every_epochs = 10;
};

struct Config {
  std::string name = "run";
  std::uint64_t seed = 1;
  Network network;
  Task task;
  Training training;
  Simulator simulator;
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
