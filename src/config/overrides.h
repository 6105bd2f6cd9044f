// `--set a.b.c=VALUE` from the command line, applied to the parsed document before validation.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "config/config.h"
#include "config/diagnostics.h"

namespace cllnsim::config {

// Applies `settings` in order. Each path must lead through existing objects and array elements;
// only its last key may be new. Records every replaced path in `diagnostics`, so that later
// validation errors name the --set that caused them.
void apply_overrides(const std::vector<Override>& settings, nlohmann::json& document,
                     Diagnostics& diagnostics);

}  // namespace cllnsim::config
