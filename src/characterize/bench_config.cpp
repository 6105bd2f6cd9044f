#include "characterize/bench_config.h"

#include "config/diagnostics.h"
#include "config/json_reader.h"
#include "config/overrides.h"
#include "config/sections.h"

namespace cllnsim::characterize {
namespace {

using config::kAnyNumber;
using config::kNonNegative;
using config::kPositive;
using config::kUnitInterval;
using config::NumberRule;
using config::ObjectReader;
using config::ValueReader;
using nlohmann::json;

constexpr config::StringRule kName{"a non-empty name without '/'", [](std::string_view s) {
                                     return !s.empty() && s.find('/') == std::string_view::npos;
                                   }};

// `{"max": M, "count": N}`: N drops evenly from -M to M.
std::vector<double> read_drops(const ValueReader& value) {
  const ObjectReader object = value.object({"max", "count"});
  const double max = object.optional("max", 0.3).number(kPositive);
  const int count = object.optional("count", 7).integer(2);
  std::vector<double> drops;
  for (int i = 0; i < count; ++i) drops.push_back(max * (2.0 * i - (count - 1)) / (count - 1));
  return drops;
}

std::vector<double> read_numbers(const ValueReader& value) {
  std::vector<double> numbers;
  for (const ValueReader& element : value.array("a non-empty array of numbers (volts)", 1)) {
    numbers.push_back(element.number(kAnyNumber));
  }
  return numbers;
}

Grid read_grid(const ValueReader& value) {
  const ObjectReader object = value.object({"drop_volts", "common_mode_volts", "gate_volts"});
  Grid grid;
  grid.drops = read_drops(object.optional("drop_volts", json::object()));
  grid.common_modes = read_numbers(object.optional("common_mode_volts", json{0.1, 0.2, 0.3}));
  grid.gates = read_numbers(object.optional("gate_volts", json{1.5, 2.0, 3.0}));
  return grid;
}

Timing read_timing(const ValueReader& value) {
  const Timing defaults;
  const ObjectReader object = value.object(
      {"settle_seconds", "measure_seconds", "droop_seconds", "pulse_seconds", "ramp_seconds"});
  Timing timing;
  timing.settle_seconds =
      object.optional("settle_seconds", defaults.settle_seconds).number(kNonNegative);
  timing.measure_seconds =
      object.optional("measure_seconds", defaults.measure_seconds).number(kPositive);
  timing.droop_seconds = object.optional("droop_seconds", defaults.droop_seconds).number(kPositive);
  timing.pulse_seconds = object.optional("pulse_seconds", defaults.pulse_seconds).number(kPositive);
  timing.ramp_seconds = object.optional("ramp_seconds", defaults.ramp_seconds).number(kPositive);
  return timing;
}

Simulator read_simulator(const ValueReader& value) {
  const Simulator defaults;
  const ObjectReader object = value.object({"max_step", "options", "points_per_netlist"});
  Simulator simulator;
  simulator.max_step = object.optional("max_step", defaults.max_step).number(kPositive);
  simulator.options =
      config::read_simulator_options_section(object.optional("options", json::object()));
  simulator.points_per_netlist =
      object.optional("points_per_netlist", defaults.points_per_netlist).integer(1);
  return simulator;
}

std::optional<double> read_limit(const ObjectReader& object, const std::string& key,
                                 const NumberRule& rule) {
  if (!object.contains(key)) return std::nullopt;
  return object.required(key).number(rule);
}

Spec read_spec(const ValueReader& value) {
  const ObjectReader object =
      value.object({"min_sign_agreement", "min_gain", "max_offset_v2", "max_dead_zone_v2",
                    "max_asymmetry", "max_droop_volts_per_second", "max_pulse_error_volts"});
  Spec spec;
  spec.min_sign_agreement = read_limit(object, "min_sign_agreement", kUnitInterval);
  spec.min_gain = read_limit(object, "min_gain", kAnyNumber);
  spec.max_offset_v2 = read_limit(object, "max_offset_v2", kNonNegative);
  spec.max_dead_zone_v2 = read_limit(object, "max_dead_zone_v2", kNonNegative);
  spec.max_asymmetry = read_limit(object, "max_asymmetry", kNonNegative);
  spec.max_droop_volts_per_second = read_limit(object, "max_droop_volts_per_second", kNonNegative);
  spec.max_pulse_error_volts = read_limit(object, "max_pulse_error_volts", kNonNegative);
  return spec;
}

}  // namespace

BenchConfig load_bench_config(const std::filesystem::path& file,
                              const std::vector<config::Override>& overrides) {
  json document = config::parse_config_document(config::read_config_text(file), file);
  config::Diagnostics diagnostics(file);
  config::apply_overrides(overrides, document, diagnostics);
  const ObjectReader top =
      ValueReader(&document, config::JsonPath(), diagnostics)
          .object({"name", "edge", "supply", "grid", "timing", "simulator", "analysis", "spec"});
  BenchConfig bench;
  bench.name = top.optional("name", bench.name).string(kName);
  bench.edge = config::read_edge_section(top.required("edge"), file);
  bench.supply = config::read_supply_section(top.optional("supply", json::object()));
  bench.grid = read_grid(top.optional("grid", json::object()));
  bench.timing = read_timing(top.optional("timing", json::object()));
  bench.simulator = read_simulator(top.optional("simulator", json::object()));
  const ObjectReader analysis =
      top.optional("analysis", json::object()).object({"sign_threshold_v2"});
  bench.sign_threshold_v2 =
      analysis.optional("sign_threshold_v2", bench.sign_threshold_v2).number(kNonNegative);
  if (top.contains("spec")) bench.spec = read_spec(top.required("spec"));
  bench.source_file = file;
  bench.resolved = document;
  bench.resolved["edge"]["file"] = bench.edge.file.string();
  return bench;
}

}  // namespace cllnsim::characterize
