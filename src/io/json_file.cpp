#include "io/json_file.h"

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "io/atomic_file.h"

namespace cllnsim::io {

void write_json_atomically(const std::filesystem::path& path, const nlohmann::json& value) {
  std::string text;
  try {
    text = value.dump(2);
  } catch (const nlohmann::json::type_error& e) {
    throw input_error("cannot write " + path.string() + ": " + e.what());
  }
  text += '\n';
  write_file_atomically(path, text);
}

}  // namespace cllnsim::io
