#include "sweep/runner.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>
#include <string_view>
#include <thread>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/json_file.h"

namespace cllnsim::sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kInterrupted = 130;

std::optional<json> read_json(const fs::path& file) {
  std::ifstream stream(file);
  if (!stream) return std::nullopt;
  try {
    return json::parse(stream);
  } catch (const json::exception&) {
    return std::nullopt;  // written atomically, so only a foreign file can be unreadable
  }
}

std::string read_text(const fs::path& file) {
  std::ifstream stream(file);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// The last "cllnsim: error: ..." line of a run's log, or its last line.
std::string error_from_log(const std::string& log) {
  std::istringstream lines(log);
  std::string last, error;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    last = line;
    if (line.starts_with("cllnsim: error: ")) error = line.substr(16);
  }
  return error.empty() ? last : error;
}

json describe(const PointRecord& record) {
  return {{"status", record.status},
          {"exit_code", record.exit_code},
          {"error", record.error},
          {"wall_seconds", record.wall_seconds},
          {"metrics", record.metrics}};
}

PointRecord record_of(const json& j) {
  return {j.at("status").get<std::string>(), j.at("exit_code").get<int>(),
          j.at("error").get<std::string>(), j.at("wall_seconds").get<double>(), j.at("metrics")};
}

json identity(const Spec& spec, const std::vector<Point>& points) {
  json list = json::array();
  for (const Point& point : points) {
    json overrides = json::array();
    for (const auto& o : point.overrides) overrides.push_back(o.path + "=" + o.value);
    list.push_back(overrides);
  }
  return {{"base", spec.base.string()}, {"points", list}};
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  return name;
}

std::string point_name(std::size_t index) {
  std::ostringstream name;
  name << std::setw(4) << std::setfill('0') << index;
  return name.str();
}

constexpr std::string_view kPartial = ".partial-";

// Whether `name` is `.NNNN.partial-HOST-PID` of a process of this host that no longer runs.
bool abandoned_here(const std::string& name) {
  const auto partial = name.find(kPartial);
  const auto dash = name.rfind('-');
  if (partial == std::string::npos || dash <= partial + kPartial.size()) return false;
  const auto host_start = partial + kPartial.size();
  if (name.substr(host_start, dash - host_start) != host_name()) return false;
  try {
    const long pid = std::stol(name.substr(dash + 1));
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
  } catch (const std::logic_error&) {
    return false;
  }
}

// A sweep killed while publishing sweep.csv leaves its hidden temporary file behind.
void remove_stale_csv_copies(const fs::path& out) {
  for (const auto& entry : fs::directory_iterator(out)) {
    if (entry.path().filename().string().starts_with(".sweep.csv.tmp-")) fs::remove(entry.path());
  }
}

std::string metric(const json& metrics, const char* set, const char* name) {
  if (!metrics.is_object() || !metrics.contains(set) || !metrics[set].contains(name)) return "";
  return io::format_number(metrics[set][name].get<double>());
}

}  // namespace

Sweep::Sweep(Spec spec, fs::path out, fs::path binary)
    : spec_(std::move(spec)),
      points_(expand(spec_)),
      out_(std::move(out)),
      binary_(std::move(binary)) {
  io::ensure_directory(out_ / "points");
  const json expected = identity(spec_, points_);
  const fs::path record = out_ / "sweep.json";
  if (auto existing = read_json(record)) {
    // Which file named the sweep is a note for the plot, not part of what must match.
    if (existing->is_object()) existing->erase("spec");
    if (*existing != expected) {
      throw input_error(out_.string() +
                        " holds a different sweep (its sweep.json lists other "
                        "points or another base config); choose another --out");
    }
  } else {
    json written = expected;
    written["spec"] = spec_.file.string();
    io::write_json_atomically(record, written);
  }
}

fs::path Sweep::point_directory(std::size_t index) const {
  return out_ / "points" / point_name(index);
}

fs::path Sweep::working_directory(std::size_t index) const {
  return out_ / "points" /
         ("." + point_name(index) + std::string(kPartial) + host_name() + "-" +
          std::to_string(static_cast<long>(::getpid())));
}

std::optional<PointRecord> Sweep::finished(std::size_t index) const {
  if (const auto record = read_json(point_directory(index) / "point.json")) {
    return record_of(*record);
  }
  return std::nullopt;
}

int Sweep::spawn(std::size_t index) const {
  const Point& point = points_.at(index);
  // A run killed half-way (its process gone) starts again from nothing.
  const std::string prefix = "." + point_name(index) + std::string(kPartial);
  for (const auto& entry : fs::directory_iterator(out_ / "points")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && abandoned_here(name)) fs::remove_all(entry.path());
  }
  const fs::path dir = working_directory(index);
  fs::remove_all(dir);
  io::ensure_directory(dir);
  // No plots per point: a sweep's picture is sweep.png; `plot_run.py` draws a point on demand.
  std::vector<std::string> words{binary_.string(), "train",   spec_.base.string(), "--out",
                                 dir.string(),     "--quiet", "--no-plots"};
  for (const auto& o : point.overrides) {
    words.push_back("--set");
    words.push_back(o.path + "=" + o.value);
  }
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  const std::string log = (dir / "train.log").string();
  // fork + exec rather than posix_spawn, to set PR_SET_PDEATHSIG in the child: a point dies
  // with its sweep even when the sweep is SIGKILLed (its own supervised simulation then dies
  // with it in turn). The sweep is single-threaded, so the death signal follows the process.
  // Only async-signal-safe calls between fork and exec; an exec failure's errno comes back
  // through a close-on-exec pipe.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    throw input_error(std::string("cannot start a point: pipe: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw input_error(std::string("cannot start a point: fork: ") + std::strerror(error));
  }
  if (pid == 0) {
    ::close(report[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the sweep died before prctl took effect
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0 && ::dup2(fd, STDOUT_FILENO) >= 0 && ::dup2(fd, STDERR_FILENO) >= 0) {
      ::execv(argv[0], argv.data());
    }
    const int error = errno;
    [[maybe_unused]] const ssize_t written = ::write(report[1], &error, sizeof error);
    ::_exit(127);
  }
  ::close(report[1]);
  int error = 0;
  ssize_t got = 0;
  while ((got = ::read(report[0], &error, sizeof error)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (got == sizeof error) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw input_error("cannot start " + binary_.string() + ": " + std::strerror(error));
  }
  return pid;
}

std::optional<PointRecord> Sweep::collect(std::size_t index, int wait_status, double wall) const {
  const fs::path dir = working_directory(index);
  const int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  if (code == kInterrupted || (WIFSIGNALED(wait_status) && (WTERMSIG(wait_status) == SIGINT ||
                                                            WTERMSIG(wait_status) == SIGTERM ||
                                                            WTERMSIG(wait_status) == SIGKILL))) {
    fs::remove_all(dir);  // stopped from outside: run again next time
    return std::nullopt;
  }
  const json results = read_json(dir / "results.json").value_or(json::object());
  PointRecord record{code == 0 ? "completed" : "failed", code, "", wall,
                     results.value("metrics", json())};
  if (code != 0) {
    record.error = results.value("error", "");
    if (record.error.empty()) record.error = error_from_log(read_text(dir / "train.log"));
    if (WIFSIGNALED(wait_status)) {
      record.error = "killed by signal " + std::to_string(WTERMSIG(wait_status)) +
                     (record.error.empty() ? "" : ": " + record.error);
    }
  }
  return publish(index, record);
}

PointRecord Sweep::publish(std::size_t index, const PointRecord& record) const {
  const fs::path work = working_directory(index);
  const fs::path target = point_directory(index);
  io::write_json_atomically(work / "point.json", describe(record));
  // A point directory without point.json was left by an older cllnsim, which wrote in place.
  if (fs::exists(target) && !fs::exists(target / "point.json")) fs::remove_all(target);
  if (::rename(work.c_str(), target.c_str()) == 0) return record;
  const int error = errno;
  if (error == ENOTEMPTY || error == EEXIST) {
    // Another run of the same point (a task submitted twice) published first: keep that one.
    fs::remove_all(work);
    if (auto theirs = finished(index)) return *theirs;
  }
  throw input_error("cannot move " + work.string() + " to " + target.string() + ": " +
                    std::strerror(error));
}

std::optional<PointRecord> Sweep::run_point(std::size_t index) {
  if (index >= points_.size()) {
    throw input_error("--point " + std::to_string(index) + ": the sweep has " +
                      std::to_string(points_.size()) + " points (0 to " +
                      std::to_string(points_.size() - 1) + ")");
  }
  if (auto record = finished(index)) return record;
  const auto started = std::chrono::steady_clock::now();
  const int pid = spawn(index);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return collect(index, status, wall);
}

bool Sweep::run(int jobs, const std::function<void(const Progress&)>& progress,
                const std::function<bool()>& stop_requested) {
  const auto started = std::chrono::steady_clock::now();
  const auto seconds_since = [](auto t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  remove_stale_csv_copies(out_);
  Progress state;
  state.total = points_.size();
  std::vector<std::size_t> queue;
  for (std::size_t i = 0; i < points_.size(); ++i) {
    if (const auto record = finished(i)) {
      ++state.done;
      state.failed += record->status == "failed";
    } else {
      queue.push_back(i);
    }
  }
  write_csv();
  const std::size_t already_done = state.done;
  std::map<int, std::pair<std::size_t, std::chrono::steady_clock::time_point>> running;
  std::size_t next = 0;
  bool stopped = false;
  bool report = true;  // after the freed slots are filled again, so `running` is current
  std::optional<double> eta_at_finish;  // the ETA when a point last finished, and when that was
  double finished_at_seconds = 0.0;
  while (next < queue.size() || !running.empty()) {
    stopped = stopped || (stop_requested && stop_requested());
    while (!stopped && next < queue.size() && static_cast<int>(running.size()) < jobs) {
      const std::size_t index = queue[next++];
      running[spawn(index)] = {index, std::chrono::steady_clock::now()};
    }
    state.running = running.size();
    if (report && progress) progress(state);
    report = false;
    if (running.empty()) break;
    // Waits for a point to end; meanwhile the clock (and the ETA counting down) is reported
    // about once a second, so a display does not stand still for as long as a point runs.
    int status = 0;
    int pid = 0;
    for (auto tick = std::chrono::steady_clock::now();;) {
      pid = ::waitpid(-1, &status, WNOHANG);
      if (pid != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (progress && seconds_since(tick) >= 1.0) {
        tick = std::chrono::steady_clock::now();
        state.elapsed_seconds = seconds_since(started);
        if (eta_at_finish) {
          state.eta_seconds =
              std::max(0.0, *eta_at_finish - (state.elapsed_seconds - finished_at_seconds));
        }
        progress(state);
      }
    }
    if (pid < 0) continue;  // EINTR: a stop signal; look at the flag again
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const auto [index, launched] = it->second;
    running.erase(it);
    if (const auto record = collect(index, status, seconds_since(launched))) {
      ++state.done;
      state.failed += record->status == "failed";
      write_csv();
    }
    state.running = running.size();
    state.elapsed_seconds = seconds_since(started);
    const std::size_t finished_here = state.done - already_done;
    if (finished_here > 0) {
      // Points finished per second in this session already reflect the parallelism.
      state.eta_seconds = state.elapsed_seconds / static_cast<double>(finished_here) *
                          static_cast<double>(state.total - state.done);
      eta_at_finish = state.eta_seconds;
      finished_at_seconds = state.elapsed_seconds;
    }
    report = true;
  }
  if (report && progress) progress(state);
  write_csv();
  return state.done == state.total;
}

std::vector<std::optional<PointRecord>> Sweep::write_csv() const {
  std::vector<std::string> header{"point", "repeat", "seed"};
  for (const Axis& axis : spec_.axes) header.push_back(axis.path);
  for (const char* column : {"status", "exit_code", "error", "wall_seconds", "train_mse",
                             "train_accuracy", "test_mse", "test_accuracy", "run_dir"}) {
    header.emplace_back(column);
  }
  io::CsvTable table(header);
  std::vector<std::optional<PointRecord>> records;
  for (const Point& point : points_) {
    std::vector<std::string> row{std::to_string(point.index), std::to_string(point.repeat),
                                 std::to_string(point.seed)};
    for (const json& value : point.values) {
      row.push_back(value.is_number() ? io::format_number(value.get<double>()) : value.dump());
    }
    const auto& record = records.emplace_back(finished(point.index));
    const json metrics = record ? record->metrics : json();
    row.insert(
        row.end(),
        {record ? record->status : "pending", record ? std::to_string(record->exit_code) : "",
         record ? record->error : "", record ? io::format_number(record->wall_seconds) : "",
         metric(metrics, "train", "mse"), metric(metrics, "train", "accuracy"),
         metric(metrics, "test", "mse"), metric(metrics, "test", "accuracy"),
         fs::relative(point_directory(point.index), out_).string()});
    table.add_row(row);
  }
  io::write_file_atomically(out_ / "sweep.csv", table.text());
  return records;
}

Merged Sweep::merge() {
  remove_stale_csv_copies(out_);
  const std::vector<std::optional<PointRecord>> records = write_csv();
  Merged merged;
  for (const Point& point : points_) {
    const auto& record = records[point.index];
    auto& list = !record                         ? merged.unfinished
                 : record->status == "completed" ? merged.completed
                                                 : merged.failed;
    list.push_back(point.index);
  }
  for (const auto& entry : fs::directory_iterator(out_ / "points")) {
    const std::string name = entry.path().filename().string();
    if (name.find(kPartial) != std::string::npos) merged.partial.push_back(entry.path());
  }
  std::sort(merged.partial.begin(), merged.partial.end());
  return merged;
}

}  // namespace cllnsim::sweep
