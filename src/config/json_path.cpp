#include "config/json_path.h"

#include <algorithm>
#include <utility>

namespace cllnsim::config {

JsonPath JsonPath::key(std::string name) const { return child(std::move(name)); }

JsonPath JsonPath::index(std::size_t position) const { return child(position); }

JsonPath JsonPath::child(Segment segment) const {
  JsonPath result = *this;
  result.segments_.push_back(std::move(segment));
  return result;
}

bool JsonPath::starts_with(const JsonPath& prefix) const {
  return prefix.segments_.size() <= segments_.size() &&
         std::equal(prefix.segments_.begin(), prefix.segments_.end(), segments_.begin());
}

std::string JsonPath::str() const {
  if (segments_.empty()) return "(top level)";
  std::string text;
  for (const Segment& segment : segments_) {
    if (const auto* name = std::get_if<std::string>(&segment)) {
      if (!text.empty()) text += '.';
      text += *name;
    } else {
      text += '[' + std::to_string(std::get<std::size_t>(segment)) + ']';
    }
  }
  return text;
}

}  // namespace cllnsim::config
