// A scratch folder for the fuzz targets that need files on disk: a copy of the shipped edge and
// model files, so fuzzed configs and edge files can reference and include real ones.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace cllnsim::fuzz {

inline const std::filesystem::path& workspace() {
  static const std::filesystem::path dir = [] {
    const auto root = std::filesystem::temp_directory_path() /
                      ("cllnsim-fuzz-" + std::to_string(static_cast<long>(::getpid())));
    for (const char* sub : {"edges", "models"}) {
      std::filesystem::create_directories(root / sub);
    }
    const std::filesystem::path source = CLLNSIM_SOURCE_DIR "/netlists";
    std::filesystem::copy_file(source / "edges/nmos_rule.sub", root / "edges/nmos_rule.sub",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(source / "models/ald1106.lib", root / "models/ald1106.lib",
                               std::filesystem::copy_options::overwrite_existing);
    return root;
  }();
  return dir;
}

inline std::filesystem::path write_input(const std::string& relative, const uint8_t* data,
                                         size_t size) {
  const auto path = workspace() / relative;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace cllnsim::fuzz
