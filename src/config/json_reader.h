// Typed, checked reads from a JSON document. Each read either returns a valid value or throws
// an input_error naming the path, what was found and what was expected (see diagnostics.h).
// Defaults are written back into the document, so it ends up recording everything that ran.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/diagnostics.h"
#include "config/json_path.h"

namespace cllnsim::config {

struct NumberRule {
  std::string_view expected;  // e.g. "a number > 0"
  bool (*accepts)(double);
};

// The rules most keys share; a reader with a rule of its own defines it where it is used.
inline constexpr NumberRule kAnyNumber{"a number", [](double) { return true; }};
inline constexpr NumberRule kPositive{"a number > 0", [](double x) { return x > 0; }};
inline constexpr NumberRule kNonNegative{"a number >= 0", [](double x) { return x >= 0; }};
inline constexpr NumberRule kUnitInterval{"a number in [0, 1]",
                                          [](double x) { return x >= 0 && x <= 1; }};

struct StringRule {
  std::string_view expected;  // e.g. "a name matching [a-z][a-z0-9_]*"
  bool (*accepts)(std::string_view);
};

class ObjectReader;

// One JSON value at a known path; a null `value` means the key is missing.
class ValueReader {
 public:
  ValueReader(nlohmann::json* value, JsonPath path, const Diagnostics& diagnostics)
      : value_(value), path_(std::move(path)), diagnostics_(&diagnostics) {}

  const JsonPath& path() const { return path_; }

  [[noreturn]] void fail(std::string_view found, std::string_view expected) const {
    diagnostics_->fail(path_, found, expected);
  }

  // Fails describing the value itself, followed by `note` (e.g. " (low is 2)").
  [[noreturn]] void reject(std::string_view expected, std::string_view note = "") const {
    fail(describe(value_).append(note), expected);
  }

  // An object whose keys must all be among `known_keys`.
  ObjectReader object(std::vector<std::string_view> known_keys) const;

  // Every key of an object with its value, for objects whose keys are free-form names.
  std::vector<std::pair<std::string, ValueReader>> members(std::string_view expected) const;

  std::vector<ValueReader> array(
      std::string_view expected, std::size_t min_size,
      std::size_t max_size = std::numeric_limits<std::size_t>::max()) const;

  bool is_string() const { return value_ != nullptr && value_->is_string(); }
  // The value as it stands (null when missing), for values of any type (sweep axes).
  nlohmann::json raw() const { return value_ == nullptr ? nlohmann::json() : *value_; }
  bool is_null() const { return value_ == nullptr || value_->is_null(); }
  double number(const NumberRule& rule) const;
  bool boolean() const;
  std::string string(const StringRule& rule) const;
  std::string one_of(const std::vector<std::string_view>& choices) const;

  // JSON integers only: 4.0 and 4.5 are refused, as are values outside [min, Int's maximum].
  template <typename Int>
  Int integer(Int min = std::numeric_limits<Int>::lowest()) const;

 private:
  nlohmann::json* value_;
  JsonPath path_;
  const Diagnostics* diagnostics_;
};

// The keys of one JSON object, already checked against the keys it may have.
class ObjectReader {
 public:
  ObjectReader(nlohmann::json& object, JsonPath path, const Diagnostics& diagnostics)
      : object_(&object), path_(std::move(path)), diagnostics_(&diagnostics) {}

  bool contains(const std::string& key) const { return object_->contains(key); }

  // The value at `key`; missing is an error only once a typed read is attempted on it.
  ValueReader required(const std::string& key) const;

  // The value at `key`; when missing, `fallback` is stored there first.
  ValueReader optional(const std::string& key, nlohmann::json fallback) const;

 private:
  nlohmann::json* object_;
  JsonPath path_;
  const Diagnostics* diagnostics_;
};

template <typename Int>
Int ValueReader::integer(Int min) const {
  // Signed types without a minimum accept any integer; unsigned ones always say ">= 0".
  const bool unbounded_below = std::is_signed_v<Int> && min == std::numeric_limits<Int>::lowest();
  const std::string at_least = unbounded_below ? "" : " >= " + std::to_string(min);
  if (value_ == nullptr || !value_->is_number_integer()) reject("an integer" + at_least);
  const auto check_range = [&](auto raw) {
    if (std::cmp_less(raw, min)) reject("an integer" + at_least);
    if (std::cmp_greater(raw, std::numeric_limits<Int>::max())) {
      reject("an integer from " + std::to_string(min) + " to " +
             std::to_string(std::numeric_limits<Int>::max()));
    }
  };
  if (value_->is_number_unsigned()) {
    check_range(value_->get<std::uint64_t>());
  } else {
    check_range(value_->get<std::int64_t>());
  }
  return value_->get<Int>();
}

}  // namespace cllnsim::config
