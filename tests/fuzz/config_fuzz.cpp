// libFuzzer target: the config loader on arbitrary bytes. Any input must either load or be
// rejected with cllnsim::Error (exit code 2); nothing else may escape, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"
#include "core/error.h"
#include "fuzz_workspace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The config sits next to edges/ and models/, so relative edge paths can resolve.
  static const auto config_file = cllnsim::fuzz::workspace() / "config.json";
  try {
    cllnsim::config::parse(std::string(reinterpret_cast<const char*>(data), size), config_file);
  } catch (const cllnsim::Error& error) {
    if (error.code() != cllnsim::ExitCode::bad_input) __builtin_trap();
  }
  return 0;
}
