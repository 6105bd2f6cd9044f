#include "config/diagnostics.h"

#include <algorithm>
#include <cctype>
#include <numeric>

#include "core/error.h"

namespace cllnsim::config {
namespace {

constexpr std::size_t kMaxRenderedChars = 40;
constexpr std::size_t kMaxSuggestionDistance = 2;

std::string shortened(std::string text) {
  if (text.size() <= kMaxRenderedChars) return text;
  return text.substr(0, kMaxRenderedChars - 3) + "...";
}

std::string type_article_and_name(const nlohmann::json& value) {
  if (value.is_boolean()) return "a boolean";
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

std::string lowercase(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

// Levenshtein distance, one row at a time.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

}  // namespace

void Diagnostics::record_override(const Override& setting, JsonPath replaced) {
  overrides_.emplace_back(setting, std::move(replaced));
}

void Diagnostics::fail(const JsonPath& at, std::string_view found,
                       std::string_view expected) const {
  // The last --set at or above `at` is the one that supplied the bad value.
  const auto supplier =
      std::find_if(overrides_.rbegin(), overrides_.rend(),
                   [&](const auto& entry) { return at.starts_with(entry.second); });
  throw_error(supplier == overrides_.rend() ? nullptr : &supplier->first, at, found, expected);
}

void Diagnostics::fail_override(const Override& setting, const JsonPath& at, std::string_view found,
                                std::string_view expected) const {
  throw_error(&setting, at, found, expected);
}

void Diagnostics::throw_error(const Override* setting, const JsonPath& at, std::string_view found,
                              std::string_view expected) const {
  std::string message = file_.string() + ": ";
  if (setting != nullptr) message += "--set " + setting->path + "=" + setting->value + ": ";
  message += "at " + at.str() + ": found ";
  message.append(found).append(", expected ").append(expected);
  throw input_error(message);
}

std::string describe(const nlohmann::json* value) {
  if (value == nullptr) return "nothing (the key is missing)";
  if (value->is_null()) return "null";
  return type_article_and_name(*value) + " " + shortened(value->dump());
}

std::string quoted_list(const std::vector<std::string_view>& words) {
  std::string text;
  for (std::string_view word : words) {
    if (!text.empty()) text += ", ";
    text.append("\"").append(word).append("\"");
  }
  return text;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  const std::string folded = lowercase(word);
  std::string_view best;
  std::size_t best_distance = kMaxSuggestionDistance + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t distance = edit_distance(folded, lowercase(candidate));
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best.empty()) return "";
  return " (did you mean \"" + std::string(best) + "\"?)";
}

}  // namespace cllnsim::config
