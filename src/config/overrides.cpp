#include "config/overrides.h"

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "config/json_path.h"

namespace cllnsim::config {
namespace {

using nlohmann::json;

std::vector<std::string> split(const std::string& dotted) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  for (std::size_t dot = dotted.find('.'); dot != std::string::npos;
       dot = dotted.find('.', start)) {
    segments.push_back(dotted.substr(start, dot - start));
    start = dot + 1;
  }
  segments.push_back(dotted.substr(start));
  return segments;
}

std::optional<std::size_t> parse_index(std::string_view segment) {
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
  if (error != std::errc() || end != segment.data() + segment.size()) return std::nullopt;
  return index;
}

// VALUE is JSON when it parses as JSON, so `--set name=run2` needs no quotes.
json parse_value(const std::string& text) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? json(text) : value;
}

std::string element_count(std::size_t size) {
  return std::to_string(size) + (size == 1 ? " element" : " elements");
}

std::string index_range(std::size_t size) {
  if (size == 0) return "no index at all (the array is empty)";
  return "an index from 0 to " + std::to_string(size - 1);
}

// Follows one --set path down the document, one segment at a time.
class OverrideWalk {
 public:
  OverrideWalk(const Override& setting, const Diagnostics& diagnostics, json& document)
      : setting_(setting), diagnostics_(diagnostics), node_(&document) {}

  // Replaces (or creates) the value at the path and returns the shallowest path it wrote:
  // an error anywhere below that came from this --set.
  JsonPath apply() {
    const std::vector<std::string> segments = split(setting_.path);
    for (std::size_t i = 0; i < segments.size(); ++i) {
      step(segments[i], /*is_last=*/i + 1 == segments.size());
    }
    *node_ = parse_value(setting_.value);
    return created_.value_or(path_);
  }

 private:
  void step(const std::string& segment, bool is_last) {
    if (segment.empty()) {
      fail(path_, "an empty segment in the path", "a dotted path of keys and indices");
    }
    if (node_->is_object()) {
      step_into_object(segment, is_last);
    } else if (node_->is_array()) {
      step_into_array(segment);
    } else {
      fail(path_, describe(node_), "an object or array containing \"" + segment + "\"");
    }
  }

  // A missing key is created (as an object when the path goes deeper), so any documented key
  // can be set even where the file leaves it to its default; validation then rejects keys the
  // schema does not know, with a did-you-mean.
  void step_into_object(const std::string& key, bool is_last) {
    if (!node_->contains(key) && !is_last) {
      (*node_)[key] = json::object();
      if (!created_) created_ = path_.key(key);
    }
    node_ = &(*node_)[key];
    path_ = path_.key(key);
  }

  void step_into_array(const std::string& segment) {
    const std::optional<std::size_t> index = parse_index(segment);
    if (!index) {
      fail(path_, "\"" + segment + "\" used as an array index", index_range(node_->size()));
    }
    if (*index >= node_->size()) {
      fail(path_.index(*index), "nothing (the array has " + element_count(node_->size()) + ")",
           index_range(node_->size()));
    }
    node_ = &(*node_)[*index];
    path_ = path_.index(*index);
  }

  [[noreturn]] void fail(const JsonPath& at, std::string_view found,
                         std::string_view expected) const {
    diagnostics_.fail_override(setting_, at, found, expected);
  }

  const Override& setting_;
  const Diagnostics& diagnostics_;
  json* node_;
  JsonPath path_;
  std::optional<JsonPath> created_;  // the first object this --set had to create
};

}  // namespace

void apply_overrides(const std::vector<Override>& settings, json& document,
                     Diagnostics& diagnostics) {
  for (const Override& setting : settings) {
    diagnostics.record_override(setting, OverrideWalk(setting, diagnostics, document).apply());
  }
}

}  // namespace cllnsim::config
