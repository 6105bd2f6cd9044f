// Config sections that other JSON files share with the run config (the edge, the supplies,
// simulator options), so every file that names an edge reads it the same way, with the same
// errors. Used by `cllnsim characterize`'s EDGE_CONFIG.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"
#include "config/json_reader.h"

namespace cllnsim::config {

// The file's text; throws cllnsim::input_error naming the file if it cannot be read.
std::string read_config_text(const std::filesystem::path& file);

// Parses JSON text; syntax errors name the file, line and column.
nlohmann::json parse_config_document(const std::string& text, const std::filesystem::path& file);

// `{"file", "subckt", "params"}`; the file resolved against `config_file`'s folder.
Edge read_edge_section(const ValueReader& value, const std::filesystem::path& config_file);

// `{"vdd", "vss"}` with vdd > vss.
Supply read_supply_section(const ValueReader& value);

// `{"name": number or word}` for ngspice's .options.
std::map<std::string, std::string> read_simulator_options_section(const ValueReader& value);

}  // namespace cllnsim::config
