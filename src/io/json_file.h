// JSON output through write_file_atomically: 2-space indent and a trailing newline.
#pragma once

#include <filesystem>
#include <nlohmann/json_fwd.hpp>

namespace cllnsim::io {

// Throws cllnsim::input_error naming `path` if the file cannot be written or `value` holds a
// string that is not valid UTF-8.
void write_json_atomically(const std::filesystem::path& path, const nlohmann::json& value);

}  // namespace cllnsim::io
