#include "config/config.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "config/diagnostics.h"
#include "config/freqprop_config.h"
#include "config/graph_config.h"
#include "config/json_path.h"
#include "config/json_reader.h"
#include "config/overrides.h"
#include "config/physical_config.h"
#include "config/sections.h"
#include "config/shared_readers.h"
#include "config/task_config.h"
#include "core/error.h"
#include "io/csv.h"

namespace cllnsim::config {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Character classes of the string rules below; ASCII only, whatever the locale.
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_letter(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_identifier_start(char c) { return is_letter(c) || c == '_'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || is_digit(c); }
bool is_node_name_char(char c) { return is_lower(c) || is_digit(c) || c == '_'; }
bool is_run_name_char(char c) { return is_identifier_char(c) || c == '.' || c == '-'; }
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Non-empty, with a first character passing `first` and the others passing `rest`.
bool is_word(std::string_view text, bool (*first)(char), bool (*rest)(char)) {
  return !text.empty() && first(text.front()) && std::all_of(text.begin() + 1, text.end(), rest);
}

bool is_run_name(std::string_view text) {
  return is_word(text, is_run_name_char, is_run_name_char);
}
bool is_node_name(std::string_view text) { return is_word(text, is_lower, is_node_name_char); }
bool is_identifier(std::string_view text) {
  return is_word(text, is_identifier_start, is_identifier_char);
}
bool is_spaceless(std::string_view text) {
  return !text.empty() && std::none_of(text.begin(), text.end(), is_space);
}

constexpr StringRule kRunName{"a name matching [A-Za-z0-9_.-]+", is_run_name};
constexpr StringRule kNodeName{"a name matching [a-z][a-z0-9_]*", is_node_name};
constexpr StringRule kParameterName{"a name matching [A-Za-z_][A-Za-z0-9_]*", is_identifier};
constexpr StringRule kOptionWord{"a word matching [A-Za-z_][A-Za-z0-9_]* or a number",
                                 is_identifier};
constexpr StringRule kSubcktName{"a subcircuit name without spaces", is_spaceless};
constexpr StringRule kNonEmptyPath{"a non-empty file path", is_non_empty};

constexpr EnumNames<Training::Order, 2> kOrderNames{{
    {"shuffled", Training::Order::shuffled},
    {"fixed", Training::Order::fixed},
}};
constexpr EnumNames<Simulator::Solver, 3> kSolverNames{{
    {"auto", Simulator::Solver::automatic},
    {"sparse", Simulator::Solver::sparse},
    {"klu", Simulator::Solver::klu},
}};
constexpr EnumNames<Training::Nudge, 2> kNudgeNames{{
    {"one_sided", Training::Nudge::one_sided},
    {"symmetric", Training::Nudge::symmetric},
}};
constexpr EnumNames<Training::Protocol, 4> kProtocolNames{{
    {"coupled", Training::Protocol::coupled},
    {"equilibrium_propagation", Training::Protocol::equilibrium_propagation},
    {"frequency_propagation", Training::Protocol::frequency_propagation},
    {"time_multiplexed", Training::Protocol::time_multiplexed},
}};
constexpr EnumNames<Training::LearnOnset, 2> kLearnOnsetNames{{
    {"settled", Training::LearnOnset::settled},
    {"with_input", Training::LearnOnset::with_input},
}};
constexpr EnumNames<InitialGates::Kind, 2> kGateKindNames{{
    {"uniform", InitialGates::Kind::uniform},
    {"constant", InitialGates::Kind::constant},
}};

// --- Files and JSON text ---

bool is_readable_file(const fs::path& path) {
  std::error_code ignored;
  return fs::is_regular_file(path, ignored) && std::ifstream(path).is_open();
}

std::string_view after_first(std::string_view text, std::string_view marker) {
  const std::size_t at = text.find(marker);
  return at == std::string_view::npos ? text : text.substr(at + marker.size());
}

// nlohmann's message without its exception id and its own position (which counts columns from 0
// after a newline); we report the position ourselves.
std::string json_error_detail(const json::exception& error) {
  std::string_view detail = after_first(error.what(), "] ");
  if (detail.starts_with("parse error")) detail = after_first(detail, ": ");
  return std::string(detail);
}

// "line:column", both from 1, of the last character nlohmann read (`chars_read` counts from 1).
std::string line_and_column(const std::string& text, std::size_t chars_read) {
  const std::string_view before =
      std::string_view(text).substr(0, std::min(chars_read, text.size() + 1) - 1);
  const std::size_t line = 1 + std::count(before.begin(), before.end(), '\n');
  const std::size_t last_newline = before.rfind('\n');
  const std::size_t column =
      last_newline == std::string_view::npos ? before.size() + 1 : before.size() - last_newline;
  return std::to_string(line) + ":" + std::to_string(column);
}

json parse_document(const std::string& text, const fs::path& file) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& error) {
    throw input_error(file.string() + ":" + line_and_column(text, error.byte) +
                      ": invalid JSON: " + json_error_detail(error));
  } catch (const json::exception& error) {
    throw input_error(file.string() + ": invalid JSON: " + json_error_detail(error));
  }
}

// --- Values shared by several sections ---

// Objects of free-form names mapped to numbers: edge parameters, simulator options.
std::map<std::string, double> read_named_numbers(const ValueReader& value) {
  std::map<std::string, double> numbers;
  for (const auto& [name, number] : value.members("an object mapping names to numbers")) {
    if (!kParameterName.accepts(name)) {
      number.fail("the name \"" + name + "\"", kParameterName.expected);
    }
    numbers.emplace(name, number.number(kAnyNumber));
  }
  return numbers;
}

// ngspice options take numbers (reltol=1e-4) or words (method=gear); kept as netlist text.
std::map<std::string, std::string> read_simulator_options(const ValueReader& value) {
  std::map<std::string, std::string> options;
  for (const auto& [name, option] : value.members("an object mapping option names to values")) {
    if (!kParameterName.accepts(name)) {
      option.fail("the name \"" + name + "\"", kParameterName.expected);
    }
    options.emplace(name, option.is_string() ? option.string(kOptionWord)
                                             : io::format_number(option.number(kAnyNumber)));
  }
  return options;
}

// --- Network ---

// Node names and network nodes, each usable once across inputs, rails, ground and outputs.
class NodeRegistry {
 public:
  explicit NodeRegistry(const Network& network) : network_(network) {}

  std::string name(const ValueReader& value) {
    std::string name = value.string(kNodeName);
    claim(names_, name, value, "the name \"" + name + "\"",
          "node names unique across inputs, rails and outputs");
    return name;
  }

  NodeRef position(const ValueReader& value) {
    ReadNode read = read_node(value, network_);
    claim(positions_, read.shown, value, read.shown,
          network_.graph ? "each node in at most one role (input, rail, ground or output)"
                         : "each lattice node in at most one role (input, rail, ground or output)");
    return std::move(read.node);
  }

 private:
  template <typename Key>
  static void claim(std::map<Key, JsonPath>& used, const Key& key, const ValueReader& value,
                    const std::string& shown, std::string_view expected) {
    const auto [entry, inserted] = used.emplace(key, value.path());
    if (!inserted) value.fail(shown + ", already used at " + entry->second.str(), expected);
  }

  const Network& network_;
  std::map<std::string, JsonPath> names_;
  std::map<std::string, JsonPath> positions_;
};

Lattice read_lattice(const ValueReader& value) {
  const Lattice defaults;
  const ObjectReader object = value.object({"rows", "cols", "periodic"});
  Lattice lattice;
  lattice.rows = object.optional("rows", defaults.rows).integer(2);
  lattice.cols = object.optional("cols", defaults.cols).integer(2);
  lattice.periodic = object.optional("periodic", defaults.periodic).boolean();
  return lattice;
}

std::vector<InputNode> read_inputs(const ValueReader& value, NodeRegistry& nodes) {
  std::vector<InputNode> inputs;
  for (const ValueReader& element : value.array("a non-empty array of inputs", 1)) {
    const ObjectReader input = element.object({"name", "at"});
    inputs.push_back({nodes.name(input.required("name")), nodes.position(input.required("at"))});
  }
  return inputs;
}

std::vector<RailNode> read_rails(const ValueReader& value, NodeRegistry& nodes) {
  std::vector<RailNode> rails;
  for (const ValueReader& element : value.array("an array of rails", 0)) {
    const ObjectReader rail = element.object({"name", "at", "volts"});
    rails.push_back({nodes.name(rail.required("name")), nodes.position(rail.required("at")),
                     rail.optional("volts", RailNode{}.volts).number(kAnyNumber)});
  }
  return rails;
}

std::vector<NodeRef> read_ground(const ValueReader& value, NodeRegistry& nodes) {
  std::vector<NodeRef> ground;
  for (const ValueReader& element : value.array("an array of [row, col] pairs or node names", 0)) {
    ground.push_back(nodes.position(element));
  }
  return ground;
}

std::vector<Output> read_outputs(const ValueReader& value, NodeRegistry& nodes) {
  std::vector<Output> outputs;
  for (const ValueReader& element : value.array("a non-empty array of outputs", 1)) {
    const ObjectReader object = element.object({"name", "plus", "minus"});
    Output output{nodes.name(object.required("name")), nodes.position(object.required("plus")),
                  std::nullopt};
    if (object.contains("minus")) output.minus = nodes.position(object.required("minus"));
    outputs.push_back(std::move(output));
  }
  return outputs;
}

Edge read_edge(const ValueReader& value, const fs::path& config_file) {
  const ObjectReader object = value.object({"file", "subckt", "params"});
  Edge edge;
  edge.file = read_file_path(object.required("file"), config_file, "edge netlist");
  edge.subckt = object.required("subckt").string(kSubcktName);
  edge.params = read_named_numbers(object.optional("params", json::object()));
  return edge;
}

InitialGates read_initial_gates(const ValueReader& value) {
  const InitialGates defaults;
  InitialGates gates;
  // The keys allowed depend on the kind, so the kind is read first.
  gates.kind = read_choice(value.object({"kind", "low", "high", "volts"}), "kind", kGateKindNames,
                           defaults.kind);
  if (gates.kind == InitialGates::Kind::constant) {
    const ObjectReader object = value.object({"kind", "volts"});
    gates.volts = object.optional("volts", defaults.volts).number(kAnyNumber);
  } else {
    const ObjectReader object = value.object({"kind", "low", "high"});
    gates.low = object.optional("low", defaults.low).number(kAnyNumber);
    gates.high = read_above(object, "high", defaults.high, "low", gates.low);
  }
  return gates;
}

Supply read_supply(const ValueReader& value) {
  const Supply defaults;
  const ObjectReader object = value.object({"vdd", "vss"});
  Supply supply;
  supply.vss = object.optional("vss", defaults.vss).number(kAnyNumber);
  supply.vdd = read_above(object, "vdd", defaults.vdd, "vss", supply.vss);
  return supply;
}

Network read_network(const ValueReader& value, const fs::path& config_file,
                     std::uint64_t run_seed) {
  const Network defaults;
  const ObjectReader object =
      value.object({"lattice", "graph", "inputs", "rails", "ground", "outputs", "edge",
                    "initial_gates", "supply", "node_leak_ohms"});
  Network network;
  if (object.contains("graph")) {
    if (object.contains("lattice")) {
      object.required("lattice").fail("network.lattice next to network.graph",
                                      "one topology: network.lattice or network.graph");
    }
    network.graph = read_graph(object.required("graph"), config_file, run_seed);
  } else {
    network.lattice = read_lattice(object.optional("lattice", json::object()));
  }
  NodeRegistry nodes(network);
  network.inputs = read_inputs(object.required("inputs"), nodes);
  network.rails = read_rails(object.optional("rails", json::array()), nodes);
  network.ground = read_ground(object.optional("ground", json::array()), nodes);
  network.outputs = read_outputs(object.required("outputs"), nodes);
  if (network.graph) check_graph_paths(object.required("graph"), network);
  network.edge = read_edge(object.required("edge"), config_file);
  network.initial_gates = read_initial_gates(object.optional("initial_gates", json::object()));
  network.supply = read_supply(object.optional("supply", json::object()));
  network.node_leak_ohms =
      object.optional("node_leak_ohms", defaults.node_leak_ohms).number(kPositive);
  return network;
}

// --- Training, simulator (the task: task_config.cpp) ---

Training read_training(const ValueReader& value, const Edge& edge) {
  const Training defaults;
  const ObjectReader object = value.object(
      {"eta", "nudge", "nudge_deadzone_v", "epochs", "order", "ramp_seconds", "settle_seconds",
       "learn_seconds", "learn_seconds_final", "learn_onset", "evaluate_every", "learning",
       "desync", "protocol", "ep_gain_param", "freqprop", "hold_cycles"});
  Training training;
  training.eta = object.optional("eta", defaults.eta).number(kFraction);
  training.nudge = read_choice(object, "nudge", kNudgeNames, defaults.nudge);
  training.nudge_deadzone_v =
      object.optional("nudge_deadzone_v", defaults.nudge_deadzone_v).number(kNonNegative);
  training.epochs = object.optional("epochs", defaults.epochs).integer(1);
  training.order = read_choice(object, "order", kOrderNames, defaults.order);
  training.ramp_seconds = object.optional("ramp_seconds", defaults.ramp_seconds).number(kPositive);
  training.settle_seconds =
      object.optional("settle_seconds", defaults.settle_seconds).number(kPositive);
  training.learn_onset = read_choice(object, "learn_onset", kLearnOnsetNames, defaults.learn_onset);
  training.learn_seconds =
      object.optional("learn_seconds", defaults.learn_seconds).number(kPositive);
  training.learn_seconds_final =
      object.optional("learn_seconds_final", training.learn_seconds).number(kPositive);
  training.evaluate_every = object.optional("evaluate_every", defaults.evaluate_every).integer(1);
  training.learning = object.optional("learning", defaults.learning).boolean();
  const ObjectReader desync = object.optional("desync", json::object()).object({"fraction"});
  training.desync.fraction =
      desync.optional("fraction", defaults.desync.fraction).number(kFraction);
  training.protocol = read_choice(object, "protocol", kProtocolNames, defaults.protocol);
  const ValueReader cycles = object.optional("hold_cycles", defaults.hold_cycles);
  training.hold_cycles = cycles.integer(1);
  if (training.hold_cycles != 1 && !training.time_multiplexed()) {
    cycles.fail(std::to_string(training.hold_cycles) +
                    " with training.protocol other than "
                    "\"time_multiplexed\"",
                "1 (free/clamped cycles are the time-multiplexed protocol's)");
  }
  const ValueReader gain = object.optional("ep_gain_param", defaults.ep_gain_param);
  training.ep_gain_param = gain.string(kParameterName);
  if (training.protocol == Training::Protocol::equilibrium_propagation &&
      !edge.params.count(training.ep_gain_param)) {
    gain.fail("\"" + training.ep_gain_param + "\", which network.edge.params does not set",
              "the name of a parameter set in network.edge.params (the learning gain at unit "
              "nudge, which equilibrium_propagation divides by eta)");
  }
  training.freqprop = read_freqprop(object.optional("freqprop", json::object()));
  return training;
}

// --- Long runs: checkpoints and the retry after a simulation failure (issue 8) ---

// The options a failed segment is retried with, on top of `simulator.options`; {} = no retry.
std::map<std::string, std::string> read_retry_options(const ObjectReader& simulator) {
  const json relaxed{{"method", "gear"}, {"itl4", 100}};
  return read_simulator_options(simulator.optional("retry_options", relaxed));
}

Checkpoint read_checkpoint(const ValueReader& value) {
  const Checkpoint defaults;
  const ObjectReader object = value.object({"every_epochs"});
  Checkpoint checkpoint;
  checkpoint.every_epochs = object.optional("every_epochs", defaults.every_epochs).integer(1);
  return checkpoint;
}

Simulator read_simulator(const ValueReader& value) {
  const Simulator defaults;
  const ObjectReader object = value.object({"max_step", "solver", "options", "retry_options"});
  Simulator simulator;
  simulator.max_step = object.optional("max_step", defaults.max_step).number(kPositive);
  simulator.solver = read_choice(object, "solver", kSolverNames, defaults.solver);
  simulator.options = read_simulator_options(object.optional("options", json::object()));
  simulator.retry_options = read_retry_options(object);
  return simulator;
}

bool is_classification(const Task& task) {
  return task.kind == "classify2d" || (task.kind == "csv" && task.classification);
}

Analysis read_analysis(const ValueReader& value, const Config& config) {
  const Analysis defaults;
  const ObjectReader object = value.object({"boundary_grid", "inference_samples", "step_seconds",
                                            "hold_seconds", "settle_tolerance", "gradient_check"});
  // A decision boundary is drawn by default where there is one to draw: two inputs, classes.
  const bool planar = config.network.inputs.size() == 2 && is_classification(config.task);
  Analysis analysis;
  analysis.boundary_grid = object.optional("boundary_grid", planar ? 21 : 0).integer(0);
  analysis.inference_samples =
      object.optional("inference_samples", defaults.inference_samples).integer(1);
  analysis.step_seconds = object.optional("step_seconds", defaults.step_seconds).number(kPositive);
  analysis.hold_seconds = object.optional("hold_seconds", defaults.hold_seconds).number(kPositive);
  analysis.settle_tolerance =
      object.optional("settle_tolerance", defaults.settle_tolerance).number(kOpenFraction);
  const ObjectReader check = object.optional("gradient_check", json::object())
                                 .object({"epochs", "delta_v", "learn_seconds"});
  for (const ValueReader& epoch :
       check.optional("epochs", json::array()).array("an array of epoch numbers", 0)) {
    analysis.gradient_check.epochs.push_back(epoch.integer(0));
    if (analysis.gradient_check.epochs.back() > config.training.epochs) {
      epoch.fail(
          std::to_string(analysis.gradient_check.epochs.back()),
          "an epoch from 0 to training.epochs (" + std::to_string(config.training.epochs) + ")");
    }
  }
  analysis.gradient_check.delta_v =
      check.optional("delta_v", defaults.gradient_check.delta_v).number(kPositive);
  analysis.gradient_check.learn_seconds =
      check.optional("learn_seconds", defaults.gradient_check.learn_seconds).number(kNonNegative);
  return analysis;
}

// Reads and checks every section; fills defaults into `document` as it goes.
Config read_config(json& document, const fs::path& file, const Diagnostics& diagnostics) {
  const Config defaults;
  const ObjectReader top = ValueReader(&document, JsonPath(), diagnostics)
                               .object({"name", "seed", "network", "task", "training", "simulator",
                                        "physical", "analysis", "checkpoint"});
  Config config;
  config.name = top.optional("name", defaults.name).string(kRunName);
  config.seed = top.required("seed").integer<std::uint64_t>(0);
  config.network = read_network(top.required("network"), file, config.seed);
  config.task = read_task(top.optional("task", json::object()), file);
  config.training = read_training(top.optional("training", json::object()), config.network.edge);
  config.simulator = read_simulator(top.optional("simulator", json::object()));
  config.physical =
      read_physical(top.optional("physical", json::object()), config.network, config.seed);
  config.analysis = read_analysis(top.optional("analysis", json::object()), config);
  config.checkpoint = read_checkpoint(top.optional("checkpoint", json::object()));
  if (config.training.protocol == Training::Protocol::frequency_propagation) {
    check_frequency_propagation(config, diagnostics);
  }
  if (config.training.one_network() && config.physical.free_clamped_coupling_f > 0) {
    const std::string protocol =
        config.training.time_multiplexed() ? "time_multiplexed" : "frequency_propagation";
    diagnostics.fail(JsonPath().key("physical").key("free_clamped_coupling_f"),
                     io::format_number(config.physical.free_clamped_coupling_f),
                     "0: there is no clamped copy to couple to (training.protocol \"" + protocol +
                         "\" has one network)");
  }
  config.source_file = file;
  config.resolved = document;
  config.resolved["network"]["edge"]["file"] = config.network.edge.file.string();
  if (config.network.graph && !config.network.graph->file.empty()) {
    config.resolved["network"]["graph"]["file"] = config.network.graph->file.string();
  }
  if (config.task.kind == "csv") config.resolved["task"]["file"] = config.task.file.string();
  return config;
}

}  // namespace

double read_above(const ObjectReader& object, const std::string& upper_key, double fallback,
                  const std::string& lower_key, double lower) {
  const ValueReader upper = object.optional(upper_key, fallback);
  const double value = upper.number(kAnyNumber);
  if (value <= lower) {
    upper.reject("a number greater than " + lower_key,
                 " (" + lower_key + " is " + json(lower).dump() + ")");
  }
  return value;
}

// Relative paths are relative to the config file, so a config and the files it names travel
// together.
fs::path read_file_path(const ValueReader& value, const fs::path& config_file,
                        std::string_view what) {
  const std::string written = value.string(kNonEmptyPath);
  const fs::path resolved = fs::absolute(config_file.parent_path() / written).lexically_normal();
  if (!is_readable_file(resolved)) {
    value.fail("the path \"" + written + "\" (resolved to " + resolved.string() +
                   "), which is not a readable file",
               "the path of an existing, readable " + std::string(what));
  }
  return resolved;
}

const char* solver_name(Simulator::Solver solver) {
  for (const auto& [name, value] : kSolverNames) {
    if (value == solver) return name.data();
  }
  throw std::logic_error("cllnsim: a simulator.solver without a name");
}

Config load(const fs::path& file, const std::vector<Override>& overrides) {
  return parse(read_config_text(file), file, overrides);
}

std::string read_config_text(const fs::path& file) {
  if (!is_readable_file(file)) {
    throw input_error(file.string() + ": cannot open the config file (" +
                      (fs::exists(file) ? "not a readable file" : "no such file") + ")");
  }
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

json parse_config_document(const std::string& text, const fs::path& file) {
  return parse_document(text, file);
}

Edge read_edge_section(const ValueReader& value, const fs::path& config_file) {
  return read_edge(value, config_file);
}

Supply read_supply_section(const ValueReader& value) { return read_supply(value); }

std::map<std::string, std::string> read_simulator_options_section(const ValueReader& value) {
  return read_simulator_options(value);
}

Config parse(const std::string& text, const fs::path& file,
             const std::vector<Override>& overrides) {
  json document = parse_document(text, file);
  Diagnostics diagnostics(file);
  apply_overrides(overrides, document, diagnostics);
  return read_config(document, file, diagnostics);
}

}  // namespace cllnsim::config
