// Runs a sweep's points, each in its own process (`cllnsim train` with the point's --set
// values), keeps every point's run directory under OUT/points/, and records what happened.
// Restartable: a point whose record (point.json) or complete run (results.json, completed or
// failed) exists is not run again; everything is written atomically.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sweep/spec.h"

namespace cllnsim::sweep {

struct PointRecord {
  std::string status;  // "completed" or "failed"
  int exit_code = 0;
  std::string error;  // why it failed ("" when completed)
  double wall_seconds = 0.0;
  nlohmann::json metrics;  // results.json's metrics (train/test mse, accuracy)
};

struct Progress {
  std::size_t total = 0, done = 0, failed = 0, running = 0;
  double elapsed_seconds = 0.0;
  std::optional<double> eta_seconds;  // none until a point finished in this session
};

class Sweep {
 public:
  // Creates OUT and records the expanded points there (sweep.json); throws cllnsim::input_error
  // if OUT already holds a different sweep. `binary` is the cllnsim executable to run.
  Sweep(Spec spec, std::filesystem::path out, std::filesystem::path binary);

  const std::vector<Point>& points() const { return points_; }
  std::filesystem::path point_directory(std::size_t index) const;

  // The point's record if it finished earlier (in this process or before a restart).
  std::optional<PointRecord> finished(std::size_t index) const;

  // Runs every unfinished point, up to `jobs` at a time, rewriting sweep.csv after each. Stops
  // launching when `stop_requested` returns true and returns false then (true: all finished).
  bool run(int jobs, const std::function<void(const Progress&)>& progress,
           const std::function<bool()>& stop_requested);

  // Runs point `index` alone in the foreground (for schedulers); returns its record, or
  // nothing if the run was stopped from outside (Ctrl-C, SIGTERM, SIGKILL).
  std::optional<PointRecord> run_point(std::size_t index);

  // Rewrites OUT/sweep.csv: one row per point, "pending" for those not finished.
  void write_csv() const;

 private:
  int spawn(std::size_t index) const;  // returns the child's pid
  std::optional<PointRecord> collect(std::size_t index, int wait_status, double wall) const;

  Spec spec_;
  std::vector<Point> points_;
  std::filesystem::path out_;
  std::filesystem::path binary_;
};

}  // namespace cllnsim::sweep
