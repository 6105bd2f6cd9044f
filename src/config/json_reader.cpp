#include "config/json_reader.h"

#include <algorithm>

namespace cllnsim::config {
namespace {

std::string one_of_text(const std::vector<std::string_view>& choices) {
  return "one of " + quoted_list(choices);
}

bool is_one_of(const std::vector<std::string_view>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

ObjectReader ValueReader::object(std::vector<std::string_view> known_keys) const {
  if (value_ == nullptr || !value_->is_object()) reject("an object");
  for (const auto& [key, unused] : value_->items()) {
    if (!is_one_of(known_keys, key)) {
      diagnostics_->fail(
          path_.key(key), "an unknown key \"" + key + "\"",
          "one of the keys " + quoted_list(known_keys) + did_you_mean(key, known_keys));
    }
  }
  return ObjectReader(*value_, path_, *diagnostics_);
}

std::vector<std::pair<std::string, ValueReader>> ValueReader::members(
    std::string_view expected) const {
  if (value_ == nullptr || !value_->is_object()) reject(expected);
  std::vector<std::pair<std::string, ValueReader>> result;
  for (auto& [key, member] : value_->items()) {
    result.emplace_back(key, ValueReader(&member, path_.key(key), *diagnostics_));
  }
  return result;
}

std::vector<ValueReader> ValueReader::array(std::string_view expected, std::size_t min_size,
                                            std::size_t max_size) const {
  if (value_ == nullptr || !value_->is_array() || value_->size() < min_size ||
      value_->size() > max_size) {
    reject(expected);
  }
  std::vector<ValueReader> elements;
  for (std::size_t i = 0; i < value_->size(); ++i) {
    elements.emplace_back(&(*value_)[i], path_.index(i), *diagnostics_);
  }
  return elements;
}

double ValueReader::number(const NumberRule& rule) const {
  if (value_ == nullptr || !value_->is_number() || !rule.accepts(value_->get<double>())) {
    reject(rule.expected);
  }
  return value_->get<double>();
}

bool ValueReader::boolean() const {
  if (value_ == nullptr || !value_->is_boolean()) reject("a boolean (true or false)");
  return value_->get<bool>();
}

std::string ValueReader::string(const StringRule& rule) const {
  if (value_ == nullptr || !value_->is_string() ||
      !rule.accepts(value_->get_ref<const std::string&>())) {
    reject(rule.expected);
  }
  return value_->get<std::string>();
}

std::string ValueReader::one_of(const std::vector<std::string_view>& choices) const {
  if (value_ == nullptr || !value_->is_string()) reject(one_of_text(choices));
  const auto& text = value_->get_ref<const std::string&>();
  if (!is_one_of(choices, text)) reject(one_of_text(choices) + did_you_mean(text, choices));
  return text;
}

ValueReader ObjectReader::required(const std::string& key) const {
  const auto found = object_->find(key);
  return ValueReader(found == object_->end() ? nullptr : &*found, path_.key(key), *diagnostics_);
}

ValueReader ObjectReader::optional(const std::string& key, nlohmann::json fallback) const {
  if (!object_->contains(key)) (*object_)[key] = std::move(fallback);
  return ValueReader(&(*object_)[key], path_.key(key), *diagnostics_);
}

}  // namespace cllnsim::config
