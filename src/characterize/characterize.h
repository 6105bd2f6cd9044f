// `cllnsim characterize`: an edge on its own test bench in ngspice. For every grid point the
// gate's rate of change is measured with learning on and, separately, with learning off (the
// droop), then compared with the coupled-learning rule (see rule_map.h).
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "characterize/bench_config.h"
#include "characterize/rule_map.h"
#include "netlist/edge_file.h"
#include "spice/session.h"

namespace cllnsim::characterize {

struct Characterization {
  std::vector<PointMeasurement> measurements;
  RuleMapSummary summary;
  std::vector<SpecItem> spec;         // one per limit the config states
  std::vector<std::string> findings;  // diagnose()
  std::size_t transients = 0;
  std::size_t time_points = 0;
  double wall_seconds = 0.0;
  std::string ngspice_version;  // of the loaded libngspice
  bool meets_spec() const;
};

// Reads and checks the edge file (ports, models, parameters) named by the config.
netlist::EdgeDefinition load_edge(const BenchConfig& config);

// `on_progress(done, total)` after each transient. Throws cllnsim::Error (simulation_failed)
// when ngspice fails.
Characterization characterize(const BenchConfig& config, const netlist::EdgeDefinition& edge,
                              spice::Session& session,
                              const std::function<void(std::size_t, std::size_t)>& on_progress);

// Writes rule_map.csv and report.json into `out` (created if missing), each atomically.
void write_characterization(const std::filesystem::path& out, const BenchConfig& config,
                            const Characterization& result);

}  // namespace cllnsim::characterize
