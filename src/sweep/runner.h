// Runs a sweep's points, each in its own process (`cllnsim train` with the point's --set
// values), keeps every point's run directory under OUT/points/, and records what happened.
// A point runs in its own hidden working folder (OUT/points/.NNNN.partial-HOST-PID) and is
// renamed to OUT/points/NNNN, with its record point.json, only when it finished: points run on
// different machines into one shared OUT never see each other's halves. Restartable: a point
// whose folder exists is not run again.
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

// What a merge found: point indices by state, and working folders of runs not published
// (running now, or left by a task that was killed).
struct Merged {
  std::vector<std::size_t> completed, failed, unfinished;
  std::vector<std::filesystem::path> partial;
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
  // `progress` is called once the points are launched, after every point that ends (with
  // Progress::done increased) and about once a second while points run.
  bool run(int jobs, const std::function<void(const Progress&)>& progress,
           const std::function<bool()>& stop_requested);

  // Runs point `index` alone in the foreground (for schedulers); returns its record, or
  // nothing if the run was stopped from outside (Ctrl-C, SIGTERM, SIGKILL). Writes nothing
  // outside its own point folder: sweep.csv is left to run() and merge().
  std::optional<PointRecord> run_point(std::size_t index);

  // Rewrites OUT/sweep.csv from the published points and reports what it found. Writes
  // nothing in the point folders: safe while other machines still run points.
  Merged merge();

  // Rewrites OUT/sweep.csv: one row per point, "pending" for those not finished. Returns the
  // record it read of every point (nothing for those not finished), in point order.
  std::vector<std::optional<PointRecord>> write_csv() const;

 private:
  std::filesystem::path working_directory(std::size_t index) const;  // of this process
  int spawn(std::size_t index) const;                                // returns the child's pid
  std::optional<PointRecord> collect(std::size_t index, int wait_status, double wall) const;
  // Records `record` in the working folder and renames that to the point's folder.
  PointRecord publish(std::size_t index, const PointRecord& record) const;

  Spec spec_;
  std::vector<Point> points_;
  std::filesystem::path out_;
  std::filesystem::path binary_;
};

}  // namespace cllnsim::sweep
