// A sweep spec: a base config, axes over any config path (listed values, ranges, or Monte
// Carlo draws) and repeats with seeds, expanded into numbered points. Pure logic.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"

namespace cllnsim::sweep {

struct Axis {
  std::string path;                    // a config path, as for --set
  std::vector<nlohmann::json> values;  // in order; a Monte Carlo axis holds its draws
};

struct Spec {
  std::filesystem::path file;
  std::filesystem::path base;         // absolute
  std::vector<config::Override> set;  // applied to every point, before the axes
  std::vector<Axis> axes;
  int repeats = 1;
  std::uint64_t first_seed = 1;  // repeat r runs with `seed` = first_seed + r
  std::uint64_t draw_seed = 1;   // of the Monte Carlo axes
};

// One run of the sweep. Point k is the same for the same spec on every machine.
struct Point {
  std::size_t index = 0;
  int repeat = 0;
  std::uint64_t seed = 0;
  std::vector<nlohmann::json> values;  // one per axis
  std::vector<config::Override>
      overrides;  // spec.set, the axes' values, then seed; each path once (the last setting)
};

// Throws cllnsim::input_error naming the file and JSON path of anything wrong.
Spec read_spec(const std::filesystem::path& file);
Spec parse_spec(const std::string& text, const std::filesystem::path& file);

// Axes nested in the spec's order (the first outermost), repeats innermost.
std::vector<Point> expand(const Spec& spec);

// Reads the base config (with the spec's `set`; a base that does not load is refused), then
// each axis set to its first value: an axis whose path is not a key of the config (a typo, or a
// path into a number) would fail every point, so it is refused here, with input_error naming the
// spec, the axis and the config's own message. A value that the key refuses is not: that is a
// point that fails, recorded as such.
void check_axis_paths(const Spec& spec);

}  // namespace cllnsim::sweep
