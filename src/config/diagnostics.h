// Error messages of the config layer, all of one shape so users learn to read them:
//   <file>: [--set <path>=<value>: ]at <json path>: found <what>, expected <what>
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/json_path.h"

namespace cllnsim::config {

class Diagnostics {
 public:
  explicit Diagnostics(std::filesystem::path file) : file_(std::move(file)) {}

  // Remembers that `setting` replaced the value at `replaced`, so errors inside it name the --set.
  void record_override(const Override& setting, JsonPath replaced);

  // Throws the input_error for a bad value at `at`, naming the --set that supplied it, if any.
  [[noreturn]] void fail(const JsonPath& at, std::string_view found,
                         std::string_view expected) const;

  // Throws the input_error for a --set that cannot be applied to the document.
  [[noreturn]] void fail_override(const Override& setting, const JsonPath& at,
                                  std::string_view found, std::string_view expected) const;

 private:
  [[noreturn]] void throw_error(const Override* setting, const JsonPath& at, std::string_view found,
                                std::string_view expected) const;

  std::filesystem::path file_;
  std::vector<std::pair<Override, JsonPath>> overrides_;
};

// The JSON type and a short rendering: `a string "four"`, `an integer 3`; a null pointer stands
// for a missing key.
std::string describe(const nlohmann::json* value);

// `"a", "b", "c"`
std::string quoted_list(const std::vector<std::string_view>& words);

// ` (did you mean "rows"?)` when a candidate is within edit distance 2 of `word`, ignoring case;
// otherwise empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace cllnsim::config
