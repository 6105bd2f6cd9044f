// A location inside a JSON document, written for people: `network.rails[1].volts`.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace cllnsim::config {

class JsonPath {
 public:
  using Segment = std::variant<std::string, std::size_t>;  // object key or array index

  JsonPath key(std::string name) const;
  JsonPath index(std::size_t position) const;

  // True when `prefix` is this path or one of its ancestors.
  bool starts_with(const JsonPath& prefix) const;

  // "network.rails[1].volts"; the document itself is "(top level)".
  std::string str() const;

 private:
  JsonPath child(Segment segment) const;

  std::vector<Segment> segments_;
};

}  // namespace cllnsim::config
