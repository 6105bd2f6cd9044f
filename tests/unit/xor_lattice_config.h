// The 4x4 XOR lattice the protocol unit tests share: a periodic lattice (32 edges), the
// reference edge, supply levels away from 0 V and 5 V so that hard-coded levels show up.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace cllnsim::testing {

// The config's JSON text with the given seed and training section.
inline std::string xor_lattice_config(int seed, const nlohmann::json& training) {
  nlohmann::json config = nlohmann::json::parse(R"({
    "network": {
      "lattice": {"rows": 4, "cols": 4, "periodic": true},
      "inputs": [{"name": "x1", "at": [0, 0]}, {"name": "x2", "at": [2, 2]}],
      "outputs": [{"name": "out", "plus": [0, 2], "minus": [2, 0]}],
      "edge": {"file": "../netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule"},
      "supply": {"vdd": 3.3, "vss": -0.5}
    },
    "task": {"kind": "xor", "input_low": 0.0, "input_high": 0.45, "target_same": 0.0,
             "target_different": -0.087}
  })");
  config["seed"] = seed;
  config["training"] = training;
  return config.dump();
}

}  // namespace cllnsim::testing
