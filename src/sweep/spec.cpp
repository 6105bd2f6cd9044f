#include "sweep/spec.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "config/config.h"
#include "config/diagnostics.h"
#include "config/json_path.h"
#include "config/json_reader.h"
#include "core/error.h"

namespace cllnsim::sweep {
namespace {

using config::kAnyNumber;
using config::kPositive;
using config::ObjectReader;
using config::ValueReader;
using nlohmann::json;

bool is_path(std::string_view text) { return !text.empty() && text.find('=') == text.npos; }
constexpr config::StringRule kConfigPath{"a dotted config path, e.g. training.eta", is_path};

// 12 significant digits: a range's 1000 stays 1000, not 1000.0000000000007, in sweep.csv.
double rounded(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", value);
  return std::strtod(text, nullptr);
}

// from..to in `count` steps, evenly spaced, or evenly spaced in log when `log`.
std::vector<json> range_values(double from, double to, int count, bool log) {
  std::vector<json> values;
  for (int i = 0; i < count; ++i) {
    const double t = count == 1 ? 0.0 : static_cast<double>(i) / (count - 1);
    values.emplace_back(rounded(log ? from * std::pow(to / from, t) : from + t * (to - from)));
  }
  return values;
}

// Monte Carlo draws, uniform (or log-uniform) in [low, high), from the spec's draw seed and the
// axis's position, so that adding an axis leaves the others' draws alone.
std::vector<json> random_values(double low, double high, int count, bool log, std::uint64_t seed,
                                std::size_t axis) {
  std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                         static_cast<std::uint32_t>(axis), 0x6d636172U /* "mcar" */};
  std::mt19937_64 generator(sequence);
  std::vector<json> values;
  for (int i = 0; i < count; ++i) {
    const double unit = static_cast<double>(generator() >> 11) * 0x1.0p-53;
    values.emplace_back(log ? std::exp(std::log(low) + unit * (std::log(high) - std::log(low)))
                            : low + unit * (high - low));
  }
  return values;
}

double read_log_bound(const ObjectReader& object, const std::string& key, bool log) {
  return log ? object.required(key).number(kPositive) : object.required(key).number(kAnyNumber);
}

// Each point's seed is first_seed + its repeat: a sweep cannot set "seed" itself (it would be
// replaced without a word).
void reject_seed(const ValueReader& value, const std::string& path) {
  if (path != "seed") return;
  value.reject("a config path other than \"seed\"",
               " (each point's seed is first_seed + its repeat: use \"repeats\" and "
               "\"first_seed\")");
}

Axis read_axis(const ValueReader& value, const Spec& spec, std::size_t position) {
  const ObjectReader object = value.object({"path", "values", "range", "random"});
  Axis axis;
  const ValueReader path = object.required("path");
  axis.path = path.string(kConfigPath);
  reject_seed(path, axis.path);
  const int kinds =
      object.contains("values") + object.contains("range") + object.contains("random");
  if (kinds != 1) value.reject("an axis with exactly one of \"values\", \"range\" or \"random\"");
  if (object.contains("values")) {
    // Any JSON values: each reaches the run as --set path=VALUE and is checked there.
    for (const ValueReader& element :
         object.required("values").array("a non-empty array of values", 1)) {
      axis.values.push_back(element.raw());
    }
    return axis;
  }
  const bool grid = object.contains("range");
  const ObjectReader shape =
      object.required(grid ? "range" : "random")
          .object(grid ? std::vector<std::string_view>{"from", "to", "steps", "log"}
                       : std::vector<std::string_view>{"low", "high", "draws", "log"});
  const bool log = shape.optional("log", false).boolean();
  const double from = read_log_bound(shape, grid ? "from" : "low", log);
  const double to = read_log_bound(shape, grid ? "to" : "high", log);
  const int count = shape.required(grid ? "steps" : "draws").integer<int>(1);
  axis.values = grid ? range_values(from, to, count, log)
                     : random_values(from, to, count, log, spec.draw_seed, position);
  return axis;
}

}  // namespace

Spec parse_spec(const std::string& text, const std::filesystem::path& file) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& error) {
    throw input_error(file.string() + ": invalid JSON: " + error.what());
  }
  const config::Diagnostics diagnostics(file);
  const ObjectReader top =
      ValueReader(&document, config::JsonPath(), diagnostics)
          .object({"base", "set", "axes", "repeats", "first_seed", "draw_seed"});
  Spec spec;
  spec.file = file;
  const ValueReader base = top.required("base");
  spec.base =
      std::filesystem::absolute(file.parent_path() / base.string(kConfigPath)).lexically_normal();
  if (!std::filesystem::is_regular_file(spec.base)) {
    base.reject("the path of an existing config file", " (resolved to " + spec.base.string() + ")");
  }
  for (const auto& [path, setting] :
       top.optional("set", json::object()).members("an object mapping config paths to values")) {
    reject_seed(setting, path);
    spec.set.push_back({path, setting.raw().dump()});
  }
  spec.repeats = top.optional("repeats", 1).integer<int>(1);
  spec.first_seed = top.optional("first_seed", 1).integer<std::uint64_t>(0);
  spec.draw_seed = top.optional("draw_seed", 1).integer<std::uint64_t>(0);
  std::size_t position = 0;
  // No axes: the base config `repeats` times, with seeds first_seed, first_seed + 1, ...
  for (const ValueReader& axis : top.optional("axes", json::array()).array("an array of axes", 0)) {
    spec.axes.push_back(read_axis(axis, spec, position++));
  }
  return spec;
}

Spec read_spec(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) throw input_error(file.string() + ": cannot open the sweep spec");
  std::ostringstream text;
  text << stream.rdbuf();
  return parse_spec(text.str(), file);
}

namespace {

// Appends `setting`, dropping an earlier setting of the same path: the later one would replace
// it anyway, and a point's list (`--list`, sweep.csv) then shows each path once.
void set_last(std::vector<config::Override>& settings, config::Override setting) {
  std::erase_if(settings, [&](const config::Override& s) { return s.path == setting.path; });
  settings.push_back(std::move(setting));
}

}  // namespace

std::vector<Point> expand(const Spec& spec) {
  std::size_t combinations = 1;
  for (const Axis& axis : spec.axes) combinations *= axis.values.size();
  std::vector<Point> points;
  for (std::size_t combination = 0; combination < combinations; ++combination) {
    // Mixed-radix digits of `combination`, the last axis fastest.
    std::vector<json> values(spec.axes.size());
    std::size_t rest = combination;
    for (std::size_t a = spec.axes.size(); a-- > 0;) {
      values[a] = spec.axes[a].values[rest % spec.axes[a].values.size()];
      rest /= spec.axes[a].values.size();
    }
    for (int repeat = 0; repeat < spec.repeats; ++repeat) {
      Point point{
          points.size(), repeat, spec.first_seed + static_cast<std::uint64_t>(repeat), values, {}};
      for (const config::Override& setting : spec.set) set_last(point.overrides, setting);
      for (std::size_t a = 0; a < spec.axes.size(); ++a) {
        set_last(point.overrides, {spec.axes[a].path, values[a].dump()});
      }
      set_last(point.overrides, {"seed", std::to_string(point.seed)});
      points.push_back(std::move(point));
    }
  }
  return points;
}

namespace {

// The first segment of `path` that steps into a value with no keys (a number, a string), as in
// "training.eta.value": nothing can be set there. Empty when there is none. Segments that the
// resolved config does not hold (optional keys) end the walk: the load below checks those.
std::string segment_into_a_value(const nlohmann::json& resolved, const std::string& path) {
  const nlohmann::json* node = &resolved;
  std::string walked;
  std::istringstream segments(path);
  for (std::string segment; std::getline(segments, segment, '.');) {
    if (!node->is_object() && !node->is_array()) return walked + " is a value, not an object";
    walked += (walked.empty() ? "" : ".") + segment;
    if (node->is_object()) {
      if (!node->contains(segment)) return "";
      node = &(*node)[segment];
    } else {
      const bool index =
          !segment.empty() && segment.find_first_not_of("0123456789") == std::string::npos;
      if (!index || std::stoul(segment) >= node->size()) return "";
      node = &(*node)[std::stoul(segment)];
    }
  }
  return "";
}

}  // namespace

void check_axis_paths(const Spec& spec) {
  const nlohmann::json resolved = config::load(spec.base, spec.set).resolved;
  // The config's messages for a path that leads nowhere: an unknown key, or a step into
  // something that is not an object or array (config/overrides.cpp, config/json_reader.cpp).
  constexpr std::string_view kNotAKey[] = {"an unknown key", "an object or array containing",
                                           "used as an array index", "nothing (the array has"};
  for (const Axis& axis : spec.axes) {
    const std::string prefix =
        spec.file.string() + ": axis \"" + axis.path + "\" is not a key of the base config: ";
    const std::string into_value = segment_into_a_value(resolved, axis.path);
    if (!into_value.empty()) throw input_error(prefix + into_value);
    std::vector<config::Override> settings = spec.set;
    settings.push_back({axis.path, axis.values.front().dump()});
    try {
      config::load(spec.base, settings);
    } catch (const Error& error) {
      const std::string message = error.what();
      for (std::string_view marker : kNotAKey) {
        if (message.find(marker) != std::string::npos) throw input_error(prefix + message);
      }
    }
  }
}

}  // namespace cllnsim::sweep
