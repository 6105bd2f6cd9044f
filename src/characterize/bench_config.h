// The EDGE_CONFIG of `cllnsim characterize`: which edge, on which supplies, over which grid of
// drops, common-mode and gate voltages, how long each measurement lasts, and optionally the
// specification the edge must meet. Errors name the file and the JSON path (exit code 2).
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace cllnsim::characterize {

struct Grid {
  std::vector<double> drops;         // V; used for both the free and the clamped drop
  std::vector<double> common_modes;  // V; mean of the two terminals of each transistor
  std::vector<double> gates;         // V; initial gate voltage (relative to ground)
};

struct Timing {
  double settle_seconds = 2e-6;   // learning on, before the rate is measured
  double measure_seconds = 5e-6;  // the window over which dVg/dt is measured
  double droop_seconds = 1e-4;    // learning off: the window over which the droop is measured
  double pulse_seconds = 5e-6;    // a learn pulse's hold (at zero contrast: switching errors)
  double ramp_seconds = 1e-6;     // the pulse's rise and fall time
};

struct Simulator {
  double max_step = 1e-7;
  std::map<std::string, std::string> options;
  int points_per_netlist = 100;  // bench copies simulated together in one transient
};

// Each limit is checked only when the config states it.
struct Spec {
  std::optional<double> min_sign_agreement;
  std::optional<double> min_gain;          // V/s per V^2
  std::optional<double> max_offset_v2;     // |contrast at which the rate is zero|
  std::optional<double> max_dead_zone_v2;  // largest |contrast| moving the gate wrongly
  std::optional<double> max_asymmetry;     // |charge - discharge gain| / mean gain
  std::optional<double> max_droop_volts_per_second;
  std::optional<double> max_pulse_error_volts;  // |gate step| per learn pulse at zero contrast
};

struct BenchConfig {
  std::string name = "edge";
  config::Edge edge;
  config::Supply supply;
  Grid grid;
  Timing timing;
  Simulator simulator;
  double sign_threshold_v2 = 0.01;  // sign agreement counts points with |contrast| >= this
  Spec spec;
  std::filesystem::path source_file;
  nlohmann::json resolved;  // the config after overrides, every default filled in
};

// Throws cllnsim::input_error naming the file and the JSON path.
BenchConfig load_bench_config(const std::filesystem::path& file,
                              const std::vector<config::Override>& overrides = {});

}  // namespace cllnsim::characterize
