#include "config/physical_config.h"

#include <array>
#include <string>

#include "config/graph_config.h"

namespace cllnsim::config {
namespace {

using nlohmann::json;

constexpr NumberRule kAboveAbsoluteZero{"a temperature in C above -273.15",
                                        [](double x) { return x > -273.15; }};

bool is_identifier(std::string_view text) {
  const auto start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (text.empty() || !start(text.front())) return false;
  for (char c : text.substr(1)) {
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}
constexpr StringRule kParameterName{"a name matching [A-Za-z_][A-Za-z0-9_]*", is_identifier};

double non_negative(const ObjectReader& object, const std::string& key, double fallback) {
  return object.optional(key, fallback).number(kNonNegative);
}

std::vector<GridPos> read_sites(const ValueReader& value, const Network& network) {
  const Lattice& lattice = network.lattice;
  std::vector<GridPos> sites;
  if (network.graph && !value.array("an array of [row, col] pairs", 0).empty()) {
    value.reject("[] on a graph (coupling_at lists lattice sites; a graph couples every node)");
  }
  for (const ValueReader& element : value.array("an array of [row, col] pairs", 0)) {
    const std::vector<ValueReader> pair = element.array("a [row, col] pair of integers", 2, 2);
    const GridPos at{pair[0].integer<int>(0), pair[1].integer<int>(0)};
    if (at.row >= lattice.rows || at.col >= lattice.cols) {
      element.reject("[row, col] inside the " + std::to_string(lattice.rows) + "x" +
                     std::to_string(lattice.cols) + " lattice");
    }
    sites.push_back(at);
  }
  return sites;
}

Noise read_noise(const ValueReader& value) {
  const Noise defaults;
  const ObjectReader object =
      value.object({"input_v", "input_shared", "label_v", "edge_a", "learn_a", "step_seconds"});
  Noise noise;
  noise.input_v = non_negative(object, "input_v", defaults.input_v);
  noise.input_shared = object.optional("input_shared", defaults.input_shared).boolean();
  noise.label_v = non_negative(object, "label_v", defaults.label_v);
  noise.edge_a = non_negative(object, "edge_a", defaults.edge_a);
  noise.learn_a = non_negative(object, "learn_a", defaults.learn_a);
  noise.step_seconds = object.optional("step_seconds", defaults.step_seconds).number(kPositive);
  return noise;
}

Mismatch read_mismatch(const ValueReader& value) {
  const Mismatch defaults;
  const ObjectReader object = value.object({"vth_sigma_v", "kp_sigma_rel", "twin_correlation"});
  return {non_negative(object, "vth_sigma_v", defaults.vth_sigma_v),
          non_negative(object, "kp_sigma_rel", defaults.kp_sigma_rel),
          object.optional("twin_correlation", defaults.twin_correlation).number(kUnitInterval)};
}

LearningOffset read_learning_offset(const ValueReader& value) {
  const LearningOffset defaults;
  const ObjectReader object = value.object({"sigma", "param"});
  return {non_negative(object, "sigma", defaults.sigma),
          object.optional("param", defaults.param).string(kParameterName)};
}

Damage read_damage(const ValueReader& value, const Network& network) {
  const Damage defaults;
  const ObjectReader object = value.object({"fraction", "edges", "mode", "short_ohms"});
  Damage damage;
  damage.fraction = object.optional("fraction", defaults.fraction).number(kUnitInterval);
  const int edges = edge_count(network);
  for (const ValueReader& element :
       object.optional("edges", json::array()).array("an array of edge indices", 0)) {
    const int edge = element.integer<int>(0);
    if (edge >= edges) {
      element.reject("an edge index below " + std::to_string(edges) +
                     (network.graph ? " (the graph has " : " (the lattice has ") +
                     std::to_string(edges) + " edges)");
    }
    damage.edges.push_back(edge);
  }
  damage.mode = object.optional("mode", "open").one_of({"open", "short"}) == "open"
                    ? Damage::Mode::open
                    : Damage::Mode::shorted;
  damage.short_ohms = object.optional("short_ohms", defaults.short_ohms).number(kPositive);
  return damage;
}

}  // namespace

Physical read_physical(const ValueReader& value, const Network& network, std::uint64_t run_seed) {
  const Physical defaults;
  const ObjectReader object = value.object(
      {"seed", "wire_ohms", "node_capacitance_f", "free_clamped_coupling_f", "coupling_at", "noise",
       "mismatch", "learning_offset", "damage", "temperature_c", "gate_leak_ohms"});
  Physical physical;
  physical.seed = object.optional("seed", run_seed).integer<std::uint64_t>(0);
  physical.wire_ohms = non_negative(object, "wire_ohms", defaults.wire_ohms);
  physical.node_capacitance_f =
      non_negative(object, "node_capacitance_f", defaults.node_capacitance_f);
  physical.free_clamped_coupling_f =
      non_negative(object, "free_clamped_coupling_f", defaults.free_clamped_coupling_f);
  physical.coupling_at = read_sites(object.optional("coupling_at", json::array()), network);
  physical.noise = read_noise(object.optional("noise", json::object()));
  physical.mismatch = read_mismatch(object.optional("mismatch", json::object()));
  physical.learning_offset =
      read_learning_offset(object.optional("learning_offset", json::object()));
  physical.damage = read_damage(object.optional("damage", json::object()), network);
  // Absent or null means "not modelled" (ngspice's default temperature, no extra leak).
  const ValueReader temperature = object.optional("temperature_c", nullptr);
  if (!temperature.is_null()) physical.temperature_c = temperature.number(kAboveAbsoluteZero);
  const ValueReader gate_leak = object.optional("gate_leak_ohms", nullptr);
  if (!gate_leak.is_null()) physical.gate_leak_ohms = gate_leak.number(kPositive);
  return physical;
}

}  // namespace cllnsim::config
