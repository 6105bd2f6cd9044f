// libFuzzer target: the edge-file checker on arbitrary bytes as an edge file (which may include
// the shipped model file). Any input must either pass or be rejected with cllnsim::Error.
#include <cstddef>
#include <cstdint>

#include "core/error.h"
#include "fuzz_workspace.h"
#include "netlist/edge_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto file = cllnsim::fuzz::write_input("edges/fuzz.sub", data, size);
  try {
    cllnsim::netlist::read_edge_file(file, "cl_nmos_rule");
  } catch (const cllnsim::Error& error) {
    if (error.code() != cllnsim::ExitCode::bad_input) __builtin_trap();
  }
  return 0;
}
