// Readers that several config sections share (config.cpp and task_config.cpp): named choices,
// ordered pairs, file paths relative to the config, common number rules. Internal to src/config.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/json_reader.h"

namespace cllnsim::config {

inline constexpr NumberRule kFraction{"a number in (0, 1]",
                                      [](double x) { return x > 0 && x <= 1; }};
inline constexpr NumberRule kOpenFraction{"a number in (0, 1)",
                                          [](double x) { return x > 0 && x < 1; }};

inline bool is_non_empty(std::string_view text) { return !text.empty(); }

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<std::string_view, Enum>, N>;

// One of `names` (their JSON spellings), `fallback` when the key is absent.
template <typename Enum, std::size_t N>
Enum read_choice(const ObjectReader& object, const std::string& key,
                 const EnumNames<Enum, N>& names, Enum fallback) {
  std::vector<std::string_view> choices;
  std::string_view fallback_name;
  for (const auto& [name, value] : names) {
    choices.push_back(name);
    if (value == fallback) fallback_name = name;
  }
  const std::string chosen = object.optional(key, fallback_name).one_of(choices);
  return std::find_if(names.begin(), names.end(),
                      [&](const auto& entry) { return entry.first == chosen; })
      ->second;
}

// Reads `upper_key`, which must lie above the `lower` already read (low/high, vss/vdd).
double read_above(const ObjectReader& object, const std::string& upper_key, double fallback,
                  const std::string& lower_key, double lower);

// A path relative to the config file's folder, which must name a readable file (`what` says
// which, for the error).
std::filesystem::path read_file_path(const ValueReader& value,
                                     const std::filesystem::path& config_file,
                                     std::string_view what);

}  // namespace cllnsim::config
