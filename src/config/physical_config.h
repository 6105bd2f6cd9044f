// Reads the `physical` section (parasitics, noise, mismatch, damage, temperature, leakage).
// Kept apart from config.cpp: it only adds circuit elements and model changes to a network
// that the rest of the config already describes.
#pragma once

#include <cstdint>

#include "config/config.h"
#include "config/json_reader.h"

namespace cllnsim::config {

// `network` is already read (the lattice bounds positions and edge indices); `run_seed` is the
// default of `physical.seed`.
Physical read_physical(const ValueReader& value, const Network& network, std::uint64_t run_seed);

}  // namespace cllnsim::config
