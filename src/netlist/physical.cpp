#include "netlist/physical.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <random>
#include <sstream>
#include <utility>

#include "core/error.h"
#include "io/csv.h"
#include "netlist/spice_words.h"

namespace cllnsim::netlist {
namespace {

using io::format_number;

// One stream per knob, so that turning one knob on leaves the others' draws unchanged.
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint32_t tag) {
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           tag};
    generator_.seed(sequence);
  }

  // 53 random bits to a double in [0, 1), the same on every standard library.
  double unit() { return static_cast<double>(generator_() >> 11) * 0x1.0p-53; }

  // Box-Muller written out: std::normal_distribution differs between standard libraries.
  double normal(double sigma) {
    const double u1 = 1.0 - unit();  // (0, 1]: log stays finite
    const double u2 = unit();
    return sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  std::size_t below(std::size_t bound) {
    return std::min(bound - 1, static_cast<std::size_t>(unit() * static_cast<double>(bound)));
  }

 private:
  std::mt19937_64 generator_;
};

std::vector<bool> draw_damage(const config::Damage& damage, std::uint64_t seed, std::size_t edges) {
  std::vector<bool> damaged(edges, false);
  for (int edge : damage.edges) damaged.at(static_cast<std::size_t>(edge)) = true;
  // The first round(fraction * edges) of a seeded permutation: a larger fraction damages a
  // superset of the edges a smaller one damages, with the same seed.
  std::vector<std::size_t> order(edges);
  for (std::size_t i = 0; i < edges; ++i) order[i] = i;
  Stream stream(seed, 0x646d6765U /* "dmge" */);
  for (std::size_t i = 0; i + 1 < edges; ++i) {
    std::swap(order[i], order[i + stream.below(edges - i)]);
  }
  const auto count = static_cast<std::size_t>(std::lround(damage.fraction * edges));
  for (std::size_t i = 0; i < count; ++i) damaged[order[i]] = true;
  return damaged;
}

// SPICE numbers: 62.5u, 1meg, 0.72 (a unit after the scale letter is ignored, as SPICE does).
std::optional<double> spice_number(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double mantissa = std::strtod(begin, &end);
  if (end == begin) return std::nullopt;
  const std::string suffix = lower(end);
  static const std::vector<std::pair<std::string, double>> kScales = {
      {"meg", 1e6}, {"mil", 25.4e-6}, {"t", 1e12}, {"g", 1e9},   {"k", 1e3},
      {"m", 1e-3},  {"u", 1e-6},      {"n", 1e-9}, {"p", 1e-12}, {"f", 1e-15}};
  for (const auto& [prefix, scale] : kScales) {
    if (suffix.starts_with(prefix)) return mantissa * scale;
  }
  if (!suffix.empty() && !std::isalpha(static_cast<unsigned char>(suffix[0]))) return std::nullopt;
  return mantissa;
}

// A `.model NAME TYPE key=value ...` card rebuilt under `name` with `shift` applied.
std::string shifted_model(const std::string& card, const std::string& name,
                          const DeviceShift& shift, const EdgeDefinition& edge) {
  std::string text = card;
  for (char& c : text) {
    if (c == '(' || c == ')' || c == '=') c = ' ';
  }
  const std::vector<std::string> words = split_words(text);
  std::vector<std::pair<std::string, std::string>> params;
  for (std::size_t i = 3; i + 1 < words.size(); i += 2)
    params.emplace_back(lower(words[i]), words[i + 1]);
  const auto has = [&](const char* key) {
    return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == key; });
  };
  // BSIM cards carry the threshold in vth0 and the gain in u0; level 1-3 in vto and kp
  // (SPICE defaults 0 V and 2e-5 A/V^2 when the card leaves them out).
  const std::string vth_key = has("vth0") ? "vth0" : "vto";
  const std::string gain_key = has("u0") && !has("kp") ? "u0" : "kp";
  if (!has(vth_key.c_str())) params.emplace_back(vth_key, "0");
  if (!has(gain_key.c_str())) params.emplace_back(gain_key, "2e-5");
  std::string line = ".model " + name + " " + words.at(2);
  for (auto& [key, value] : params) {
    if (key == vth_key || key == gain_key) {
      const std::optional<double> number = spice_number(value);
      if (!number) {
        throw input_error(edge.file.string() + ": model " + words[1] + ": " + key + "=" + value +
                          " is not a number; device mismatch needs numeric " + vth_key + " and " +
                          gain_key);
      }
      value = format_number(key == vth_key ? *number + shift.vth_volts : *number * shift.kp_scale);
    }
    line += " " + key + "=" + value;
  }
  return line;
}

std::string device_model_name(const EdgeDefinition& edge, int index, const char* device) {
  return "cl_mm_e" + std::to_string(index) + device + "_" +
         edge.transistor_models.at(device[0] == 'f' ? edge.free_transistor
                                                    : edge.clamped_transistor);
}

// The lines of the edge's .subckt, from its header to its .ends.
std::vector<std::string> subckt_block(const EdgeDefinition& edge) {
  std::vector<std::string> block;
  bool inside = false;
  for (const std::string& line : edge.lines) {
    const std::vector<std::string> words = split_words(line);
    const std::string keyword = words.empty() ? "" : lower(words[0]);
    if (keyword == ".subckt" && words.size() > 1 && lower(words[1]) == edge.subckt) inside = true;
    if (inside) block.push_back(line);
    if (inside && keyword == ".ends") break;
  }
  return block;
}

bool names_model_on_first_line(const EdgeDefinition& edge, const std::string& transistor) {
  for (const std::string& line : subckt_block(edge)) {
    const std::vector<std::string> words = split_words(line);
    if (!words.empty() && lower(words[0]) == transistor) return words.size() > 5;
  }
  return false;
}

}  // namespace

PhysicalDraws draw_physical(const config::Physical& physical, std::size_t edges) {
  PhysicalDraws draws;
  const config::Mismatch& mismatch = physical.mismatch;
  if (mismatch.vth_sigma_v > 0 || mismatch.kp_sigma_rel > 0) {
    Stream vth(physical.seed, 0x76746830U /* "vth0" */);
    Stream gain(physical.seed, 0x6b703030U /* "kp00" */);
    const auto device = [&] {
      return DeviceShift{vth.normal(mismatch.vth_sigma_v),
                         std::max(0.01, 1.0 + gain.normal(mismatch.kp_sigma_rel))};
    };
    // The clamped transistor: rho times its free twin's deviation plus sqrt(1 - rho^2) times its
    // own, so every device keeps the configured spread and the twins differ by
    // sigma sqrt(2 (1 - rho)). rho = 0 (independent, as two loose devices) keeps its own draw.
    const double rho = mismatch.twin_correlation;
    const double own = std::sqrt(1.0 - rho * rho);
    for (std::size_t e = 0; e < edges; ++e) {
      const DeviceShift free = device();
      DeviceShift clamped = device();
      if (rho > 0) {
        clamped.vth_volts = rho * free.vth_volts + own * clamped.vth_volts;
        clamped.kp_scale =
            std::max(0.01, 1.0 + rho * (free.kp_scale - 1.0) + own * (clamped.kp_scale - 1.0));
      }
      draws.free_device.push_back(free);
      draws.clamped_device.push_back(clamped);
    }
  }
  if (physical.learning_offset.sigma > 0) {
    Stream offset(physical.seed, 0x6f666673U /* "offs" */);
    for (std::size_t e = 0; e < edges; ++e) {
      draws.learning_offset.push_back(offset.normal(physical.learning_offset.sigma));
    }
  }
  draws.damaged = draw_damage(physical.damage, physical.seed, edges);
  return draws;
}

void check_physical_support(const config::Config& config, const EdgeDefinition& edge) {
  const config::Physical& physical = config.physical;
  const std::string where = config.source_file.string() + ": at physical.";
  if (physical.mismatch.vth_sigma_v > 0 || physical.mismatch.kp_sigma_rel > 0) {
    // An edge of one network (frequency propagation, time multiplexing) has only the first.
    std::vector<std::pair<const char*, std::string>> roles = {
        {"free (between fa and fb)", edge.free_transistor}};
    if (edge.interface == EdgeInterface::twin) {
      roles.emplace_back("clamped (between ca and cb)", edge.clamped_transistor);
    }
    for (const auto& [role, transistor] : roles) {
      if (transistor.empty() || !edge.transistor_models.count(transistor) ||
          !names_model_on_first_line(edge, transistor)) {
        throw input_error(where + "mismatch: the edge subcircuit '" + edge.subckt + "' in " +
                          edge.file.string() + " has no " + role +
                          " MOSFET naming a .model card on its first line; device mismatch "
                          "rewrites that card per device");
      }
    }
  }
  if (physical.learning_offset.sigma > 0 &&
      !edge.params.count(lower(physical.learning_offset.param))) {
    throw input_error(where + "learning_offset.param: the edge subcircuit '" + edge.subckt +
                      "' in " + edge.file.string() + " declares no parameter '" +
                      physical.learning_offset.param + "' to carry the learning circuit's offset");
  }
}

std::string mismatched_subckt(const EdgeDefinition& edge, int index) {
  return edge.subckt + "_mm" + std::to_string(index);
}

std::vector<std::string> mismatched_edge(const EdgeDefinition& edge, int index,
                                         const DeviceShift& free_device,
                                         const DeviceShift& clamped_device) {
  const std::string free_model = device_model_name(edge, index, "f");
  std::vector<std::string> lines{
      shifted_model(edge.models.at(edge.transistor_models.at(edge.free_transistor)), free_model,
                    free_device, edge)};
  const bool twin = !edge.clamped_transistor.empty();
  const std::string clamped_model = twin ? device_model_name(edge, index, "c") : "";
  if (twin) {
    lines.push_back(
        shifted_model(edge.models.at(edge.transistor_models.at(edge.clamped_transistor)),
                      clamped_model, clamped_device, edge));
  }
  for (const std::string& line : subckt_block(edge)) {
    std::vector<std::string> words = split_words(line);
    const std::string first = words.empty() ? "" : lower(words[0]);
    if (first == ".subckt") {
      words[1] = mismatched_subckt(edge, index);
    } else if (first == ".ends") {
      words = {".ends", mismatched_subckt(edge, index)};
    } else if (first == edge.free_transistor) {
      words[5] = free_model;
    } else if (twin && first == edge.clamped_transistor) {
      words[5] = clamped_model;
    } else {
      lines.push_back(line);
      continue;
    }
    lines.push_back(joined(words));
  }
  return lines;
}

}  // namespace cllnsim::netlist
