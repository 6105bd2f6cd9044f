// `cllnsim sweep` end to end on tiny trainings (3x3 open lattice, 3 epochs): a point made to
// fail, a sweep killed with SIGKILL and started again, --list and --point.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "run_cli.h"

namespace cllnsim::clitest {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string ReadFile(const fs::path& path) {
  std::ifstream stream(path);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// A tiny base config and a spec over `axes` (JSON) with `repeats`, both in `dir`.
fs::path WriteSweep(const fs::path& dir, const std::string& axes, int repeats) {
  WriteFile(dir / "base.json", R"({"name": "tiny", "seed": 1,
    "network": {"lattice": {"rows": 3, "cols": 3, "periodic": false},
      "inputs": [{"name": "x1", "at": [0, 0]}, {"name": "x2", "at": [0, 2]}],
      "rails": [{"name": "r", "at": [1, 1], "volts": 0.2}],
      "outputs": [{"name": "out", "plus": [2, 2]}],
      "edge": {"file": ")" CLLNSIM_SOURCE_DIR R"(/netlists/edges/nmos_rule.sub",
               "subckt": "cl_nmos_rule"}},
    "training": {"epochs": 3}})");
  WriteFile(dir / "spec.json", R"({"base": "base.json", "axes": )" + axes + R"(, "repeats": )" +
                                   std::to_string(repeats) + "}");
  return dir / "spec.json";
}

// sweep.csv as rows of cells (RFC 4180 quoting); fails the test on a torn line.
std::vector<std::map<std::string, std::string>> ReadCsv(const fs::path& path) {
  const std::string text = ReadFile(path);
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      rows.emplace_back();
    } else {
      cell += c;
    }
  }
  EXPECT_TRUE(rows.back().empty() && cell.empty()) << path << " does not end in a newline";
  rows.pop_back();
  std::vector<std::map<std::string, std::string>> records;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].size(), rows[0].size()) << "torn row " << r << " in " << path;
    std::map<std::string, std::string> record;
    for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) {
      record[rows[0][c]] = rows[r][c];
    }
    records.push_back(record);
  }
  return records;
}

int CountFinished(const fs::path& out) {
  int count = 0;
  if (!fs::exists(out / "points")) return 0;
  for (const auto& dir : fs::directory_iterator(out / "points")) {
    count += fs::exists(dir.path() / "point.json");
  }
  return count;
}

TEST(Sweep, APointThatFailsIsRecordedWithItsReasonAndTheSweepCompletes) {
  TempDir dir;
  const fs::path spec =
      WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [0.5, 2.0, 0.25]}])", 1);
  const CliResult result =
      run_cli({"sweep", spec.string(), "--out", (dir.path() / "out").string(), "--jobs", "2"});
  ASSERT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("3 points, 1 failed"), std::string::npos) << result.out;
  EXPECT_EQ(result.err.find("every point failed"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("3/3 done, 1 failed"), std::string::npos) << result.err;
  const auto rows = ReadCsv(dir.path() / "out" / "sweep.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].at("status"), "completed");
  EXPECT_FALSE(rows[0].at("train_mse").empty());
  EXPECT_EQ(rows[1].at("status"), "failed");
  EXPECT_EQ(rows[1].at("exit_code"), "2");
  EXPECT_EQ(rows[1].at("training.eta"), "2");
  EXPECT_NE(rows[1].at("error").find("training.eta"), std::string::npos) << rows[1].at("error");
  EXPECT_NE(rows[1].at("error").find("expected a number in (0, 1]"), std::string::npos);
  EXPECT_EQ(rows[2].at("status"), "completed");
  // Each point's run directory is kept.
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "points" / "0000" / "results.json"));
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "points" / "0001" / "train.log"));
  // Run alone, the failed point exits with its own code; a completed one with 0.
  const fs::path alone = dir.path() / "alone";
  EXPECT_EQ(run_cli({"sweep", spec.string(), "--out", alone.string(), "--point", "1"}).exit_code,
            2);
  EXPECT_EQ(run_cli({"sweep", spec.string(), "--out", alone.string(), "--point", "0"}).exit_code,
            0);
}

TEST(Sweep, AnAxisThatIsNotAConfigKeyIsRefusedBeforeAnyPointRuns) {
  TempDir dir;
  const fs::path spec =
      WriteSweep(dir.path(), R"([{"path": "training.etta", "values": [0.5, 0.25]}])", 1);
  const fs::path out = dir.path() / "out";
  const CliResult result = run_cli({"sweep", spec.string(), "--out", out.string()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("axis \"training.etta\" is not a key of the base config"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("\"eta\""), std::string::npos) << result.err;  // did you mean
  EXPECT_FALSE(fs::exists(out / "points"));
  // A path through something that is not an object is refused the same way.
  const fs::path deeper =
      WriteSweep(dir.path(), R"([{"path": "training.eta.value", "values": [0.5]}])", 1);
  EXPECT_EQ(run_cli({"sweep", deeper.string(), "--out", out.string()}).exit_code, 2);
}

// Starts `cllnsim sweep SPEC --out OUT --jobs JOBS` in the background, output discarded; in a
// process group of its own when `own_group` (a kill of the group then takes its points too).
pid_t StartSweep(const fs::path& spec, const fs::path& out, const char* jobs, bool own_group) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (own_group) ::setpgid(0, 0);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDERR_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::execl(CLLNSIM_BINARY, CLLNSIM_BINARY, "sweep", spec.c_str(), "--out", out.c_str(), "--jobs",
            jobs, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (own_group) ::setpgid(pid, pid);
  return pid;
}

// Processes whose command line mentions `text` (the sweep's points name its --out).
int ProcessesMentioning(const std::string& text) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stream(entry.path() / "cmdline", std::ios::binary);
    const std::string cmdline((std::istreambuf_iterator<char>(stream)), {});
    count += cmdline.find(text) != std::string::npos;
  }
  return count;
}

TEST(Sweep, PointsDieWithTheirSweepEvenWhenItIsKilled) {
  TempDir dir;
  const fs::path spec =
      WriteSweep(dir.path(), R"([{"path": "training.epochs", "values": [100000, 100000]}])", 1);
  const fs::path out = dir.path() / "out";
  const pid_t pid = StartSweep(spec, out, "2", false);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  // The sweep and its two points (each a train process and its supervised simulation).
  while (ProcessesMentioning(out.string()) < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(ProcessesMentioning(out.string()), 5) << "the points did not start";
  ::kill(pid, SIGKILL);  // the sweep alone, not its process group
  int status = 0;
  ::waitpid(pid, &status, 0);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ProcessesMentioning(out.string()) > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(ProcessesMentioning(out.string()), 0) << "points outlived their killed sweep";
}

TEST(Sweep, ASweepWhosePointsAllFailExitsOneAndSaysWhy) {
  TempDir dir;
  const fs::path spec =
      WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [2.0, 3.0]}])", 1);
  const CliResult result =
      run_cli({"sweep", spec.string(), "--out", (dir.path() / "out").string(), "--jobs", "2"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("2 points, 2 failed"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("every point failed; the first: point 0: "), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("training.eta"), std::string::npos) << result.err;
}

TEST(Sweep, KilledAndStartedAgainItRunsOnlyWhatDidNotFinishAndLosesNothing) {
  TempDir dir;
  const fs::path spec =
      WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [0.3, 0.4, 0.5]}])", 2);
  const fs::path out = dir.path() / "out";
  const pid_t pid = StartSweep(spec, out, "1", true);  // the kill takes the sweep and its runs
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (CountFinished(out) < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const int finished = CountFinished(out);
  ASSERT_GE(finished, 2);
  ASSERT_LT(finished, 6) << "the sweep ended before it was killed; nothing was tested";

  // What the killed sweep left is whole: sweep.csv parses, finished points are recorded.
  std::map<std::string, fs::file_time_type> recorded;
  for (const auto& row : ReadCsv(out / "sweep.csv")) {
    if (row.at("status") == "pending") continue;
    EXPECT_EQ(row.at("status"), "completed");
    recorded[row.at("run_dir")] = fs::last_write_time(out / row.at("run_dir") / "results.json");
  }
  EXPECT_GE(recorded.size(), 1u);

  const CliResult again = run_cli({"sweep", spec.string(), "--out", out.string(), "--jobs", "2"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto rows = ReadCsv(out / "sweep.csv");
  ASSERT_EQ(rows.size(), 6u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.at("status"), "completed") << row.at("point");
    EXPECT_FALSE(row.at("train_mse").empty());
  }
  for (const auto& [run_dir, written] : recorded) {
    EXPECT_EQ(fs::last_write_time(out / run_dir / "results.json"), written)
        << run_dir << " was run again";
  }
  // No hidden temporary file is left anywhere, and every point's record parses.
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
    if (entry.path().filename() == "point.json" || entry.path().filename() == "results.json") {
      EXPECT_TRUE(nlohmann::json::accept(ReadFile(entry.path()))) << entry.path();
    }
  }
}

TEST(Sweep, ListPrintsThePointsAndPointRunsOneAlone) {
  TempDir dir;
  const fs::path spec =
      WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [0.3, 0.5]}])", 2);
  const CliResult list = run_cli({"sweep", spec.string(), "--list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out,
            "0 training.eta=0.3 seed=1\n1 training.eta=0.3 seed=2\n"
            "2 training.eta=0.5 seed=1\n3 training.eta=0.5 seed=2\n");
  const fs::path out = dir.path() / "out";
  const CliResult one = run_cli({"sweep", spec.string(), "--out", out.string(), "--point", "2"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_TRUE(fs::exists(out / "points" / "0002" / "point.json"));
  EXPECT_EQ(CountFinished(out), 1);
  const auto results = nlohmann::json::parse(ReadFile(out / "points" / "0002" / "results.json"));
  EXPECT_EQ(results["config"]["training"]["eta"], 0.5);
  EXPECT_EQ(results["seed"], 1);
  EXPECT_EQ(run_cli({"sweep", spec.string(), "--out", out.string(), "--point", "4"}).exit_code, 2);
}

TEST(Sweep, PointsWriteOnlyTheirFolderAndCollectMergesAndListsWhatIsMissing) {
  TempDir dir;
  const fs::path spec =
      WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [0.5, 2.0, 0.25]}])", 1);
  const fs::path out = dir.path() / "out";
  // Point 1 fails (eta 2 is not a valid eta): its task exits with the config error's code.
  for (const auto& [point, code] : {std::pair{"0", 0}, std::pair{"1", 2}}) {
    ASSERT_EQ(run_cli({"sweep", spec.string(), "--out", out.string(), "--point", point}).exit_code,
              code);
  }
  EXPECT_FALSE(fs::exists(out / "sweep.csv")) << "--point wrote sweep.csv";
  for (const auto& entry : fs::directory_iterator(out / "points")) {
    EXPECT_TRUE(entry.path().filename() == "0000" || entry.path().filename() == "0001")
        << entry.path() << " left behind";
  }
  const CliResult collect =
      run_cli({"sweep", spec.string(), "--out", out.string(), "--collect", "--no-plot"});
  ASSERT_EQ(collect.exit_code, 0) << collect.err;
  EXPECT_NE(collect.out.find("3 points: 1 completed, 1 failed, 1 not finished"), std::string::npos)
      << collect.out;
  // No sweep.sbatch here: the command to run the missing point is a loop over --point.
  EXPECT_NE(collect.out.find("; do " CLLNSIM_BINARY " sweep "), std::string::npos) << collect.out;
  EXPECT_NE(collect.out.find("for k in 2;"), std::string::npos) << collect.out;
  EXPECT_NE(collect.out.find("failed (reasons in sweep.csv): 1\nrun them again"), std::string::npos)
      << collect.out;
  const auto rows = ReadCsv(out / "sweep.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].at("status"), "completed");
  EXPECT_EQ(rows[1].at("status"), "failed");
  EXPECT_EQ(rows[2].at("status"), "pending");
  // --collect does not create a sweep where there is none.
  const CliResult nothing =
      run_cli({"sweep", spec.string(), "--out", (dir.path() / "none").string(), "--collect"});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("holds no sweep"), std::string::npos) << nothing.err;
  EXPECT_FALSE(fs::exists(dir.path() / "none"));
}

TEST(Sweep, TheSamePointRunTwiceAtOnceKeepsOneWholeFolder) {
  TempDir dir;
  const fs::path spec = WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [0.3]}])", 1);
  const fs::path out = dir.path() / "out";
  // Two tasks of one point started together (a task submitted twice): both run it, the first
  // to finish publishes its folder, the other keeps that result and removes its own.
  CliResult first, second;
  std::thread other([&] {
    first = run_cli({"sweep", spec.string(), "--out", out.string(), "--point", "0"});
  });
  second = run_cli({"sweep", spec.string(), "--out", out.string(), "--point", "0"});
  other.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(first.out.find("point 0: completed"), std::string::npos) << first.out;
  EXPECT_NE(second.out.find("point 0: completed"), std::string::npos) << second.out;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(out / "points")) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"0000"});
  EXPECT_TRUE(nlohmann::json::accept(ReadFile(out / "points" / "0000" / "point.json")));
  EXPECT_TRUE(nlohmann::json::accept(ReadFile(out / "points" / "0000" / "results.json")));
}

TEST(Sweep, SlurmDryRunWritesTheScriptAndBadOptionsAreRefused) {
  TempDir dir;
  const fs::path spec = WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [0.3]}])", 3);
  const fs::path out = dir.path() / "out";
  WriteFile(dir.path() / "site.sh", "#SBATCH --account=lab\nmodule load x\n");
  const CliResult dry =
      run_cli({"sweep", spec.string(), "--out", out.string(), "--slurm", "--dry-run", "--template",
               (dir.path() / "site.sh").string(), "--set", "training.epochs=2"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("(3 points); submit it with: sbatch --array=0-2 " +
                         (out / "sweep.sbatch").string() + "\n"),
            std::string::npos)
      << dry.out;
  const std::string script = ReadFile(out / "sweep.sbatch");
  EXPECT_NE(script.find("#SBATCH --array=0-2\n"), std::string::npos) << script;
  EXPECT_NE(script.find("#SBATCH --account=lab\nmodule load x\n"), std::string::npos) << script;
  EXPECT_NE(script.find("exec " CLLNSIM_BINARY " sweep " + fs::canonical(spec).string() +
                        " --out " + out.string() +
                        " --quiet --set training.epochs=2 --point "
                        "\"$((SLURM_ARRAY_TASK_ID + offset))\"\n"),
            std::string::npos)
      << script;
  // What the script runs is the point the sweep lists (here run by hand, as a task would).
  ASSERT_EQ(run_cli({"sweep", spec.string(), "--out", out.string(), "--set", "training.epochs=2",
                     "--point", "1"})
                .exit_code,
            0);
  const auto results = nlohmann::json::parse(ReadFile(out / "points" / "0001" / "results.json"));
  EXPECT_EQ(results["config"]["training"]["epochs"], 2);

  WriteFile(dir.path() / "bad.sh", "#SBATCH --account=lab\n#SBATCH --array=0-9\n");
  const CliResult bad =
      run_cli({"sweep", spec.string(), "--out", (dir.path() / "o2").string(), "--slurm",
               "--dry-run", "--template", (dir.path() / "bad.sh").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.sh:2: found '#SBATCH --array=0-9'"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir.path() / "o2")) << "a refused template left files";
  for (const std::vector<std::string>& wrong :
       {std::vector<std::string>{"--slurm", "--time", "1 hour"},
        std::vector<std::string>{"--slurm", "--max-concurrent", "0"},
        std::vector<std::string>{"--partition", "short"},
        std::vector<std::string>{"--slurm", "--collect"}}) {
    std::vector<std::string> args{"sweep", spec.string(), "--out", out.string()};
    args.insert(args.end(), wrong.begin(), wrong.end());
    const CliResult result = run_cli(args);
    EXPECT_EQ(result.exit_code, 2) << wrong[0] << " " << wrong[1];
    EXPECT_NE(result.err.find("cllnsim: error: "), std::string::npos) << result.err;
  }
}

TEST(Sweep, AnotherSweepInTheSameOutIsRefused) {
  TempDir dir;
  const fs::path out = dir.path() / "out";
  const fs::path spec = WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [0.3]}])", 1);
  ASSERT_EQ(run_cli({"sweep", spec.string(), "--out", out.string(), "--point", "0"}).exit_code, 0);
  WriteSweep(dir.path(), R"([{"path": "training.eta", "values": [0.4]}])", 1);
  const CliResult other = run_cli({"sweep", spec.string(), "--out", out.string()});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("holds a different sweep"), std::string::npos) << other.err;
}

}  // namespace
}  // namespace cllnsim::clitest
