// Long runs survive: a run killed with SIGKILL resumes to the same numbers as an uninterrupted
// one; a crash of the simulation process (SIGSEGV) leaves results.json "crashed" and the
// checkpoint; a circuit that cannot converge exits 3 saying when and where, after one retry with
// the relaxed options, with the checkpoint intact; a retry that cures the failure is recorded.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read(const fs::path& file) {
  std::ifstream stream(file);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

// history.csv split into its wall_seconds column and the rest of each line (which a resumed run
// must reproduce exactly; wall-clock time cannot be).
struct History {
  std::string without_wall_seconds;
  std::vector<double> wall_seconds;
};

History read_history(const fs::path& run) {
  std::istringstream lines(read(run / "history.csv"));
  History history;
  std::size_t wall_column = 0;
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    if (history.without_wall_seconds.empty()) {
      wall_column = static_cast<std::size_t>(std::find(cells.begin(), cells.end(), "wall_seconds") -
                                             cells.begin());
    } else if (wall_column < cells.size()) {
      history.wall_seconds.push_back(std::stod(cells[wall_column]));
    }
    if (wall_column < cells.size()) cells.erase(cells.begin() + static_cast<long>(wall_column));
    for (const std::string& cell : cells) history.without_wall_seconds += cell + ",";
    history.without_wall_seconds += "\n";
  }
  return history;
}

// The epoch of checkpoint.json, or -1 while there is none (it is replaced atomically).
int checkpoint_epoch(const fs::path& run) {
  const json checkpoint = json::parse(read(run / "checkpoint.json"), nullptr, false);
  return checkpoint.is_object() ? checkpoint.value("epoch", -1) : -1;
}

std::vector<std::string> hidden_entries(const fs::path& dir) {
  std::vector<std::string> hidden;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().front() == '.') {
      hidden.push_back(entry.path().filename());
    }
  }
  return hidden;
}

class LongRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cllnsim-longrun-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts `cllnsim ARGS...` with stdout and stderr to DIR/<log>; returns its pid.
  pid_t start(const std::vector<std::string>& args, const std::string& log) const {
    std::vector<std::string> argv{CLLNSIM_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const fs::path log_file = dir_ / log;
    const pid_t pid = fork();
    if (pid == 0) {
      const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> pointers;
      for (const auto& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
      pointers.push_back(nullptr);
      execv(pointers[0], pointers.data());
      _exit(127);
    }
    return pid;
  }

  static int wait_exit_code(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }

  int run(const std::vector<std::string>& args, const std::string& log) const {
    return wait_exit_code(start(args, log));
  }

  // A small XOR run: 12 epochs, a checkpoint every 3, about a second.
  std::vector<std::string> xor_args(const fs::path& out,
                                    const std::string& config = "xor.json") const {
    return {"train",   std::string(CLLNSIM_SOURCE_DIR) + "/configs/" + config,
            "--quiet", "--no-plots",
            "--out",   out.string(),
            "--set",   "training.epochs=12",
            "--set",   "checkpoint.every_epochs=3"};
  }

  // Waits until `run` holds a checkpoint of epoch >= `epoch` (or 60 s have passed).
  static void wait_for_checkpoint(const fs::path& run, int epoch) {
    for (int i = 0; i < 6000 && checkpoint_epoch(run) < epoch; ++i) usleep(10000);
    ASSERT_GE(checkpoint_epoch(run), epoch);
  }

  // The resumed run ends with exactly the uninterrupted run's history, gates and metrics.
  void expect_same_run(const fs::path& resumed, const fs::path& uninterrupted) const {
    const History history = read_history(resumed);
    EXPECT_EQ(history.without_wall_seconds, read_history(uninterrupted).without_wall_seconds);
    // The training clock continues from the checkpoint's value: it never runs backwards.
    ASSERT_FALSE(history.wall_seconds.empty());
    EXPECT_GT(history.wall_seconds.front(), 0.0);
    EXPECT_TRUE(std::is_sorted(history.wall_seconds.begin(), history.wall_seconds.end()));
    EXPECT_EQ(read(resumed / "gates.csv"), read(uninterrupted / "gates.csv"));
    const json a = json::parse(read(resumed / "results.json"));
    const json b = json::parse(read(uninterrupted / "results.json"));
    EXPECT_EQ(a["status"], "completed");
    EXPECT_EQ(a["metrics"], b["metrics"]);
    EXPECT_EQ(a["time_points"], b["time_points"]);
    EXPECT_EQ(a["simulated_seconds"], b["simulated_seconds"]);
    EXPECT_EQ(a["network"]["edges"], b["network"]["edges"]);  // final gates, conductances
    EXPECT_EQ(hidden_entries(resumed), std::vector<std::string>{});
  }

  // The pid of `parent`'s one child process (the supervised simulation).
  static pid_t child_of(pid_t parent) {
    for (int i = 0; i < 500; ++i) {
      std::ifstream children("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) +
                             "/children");
      pid_t child = 0;
      if (children >> child && child > 0) return child;
      usleep(10000);
    }
    return 0;
  }

  // Kills a run of `config` after its first checkpoint, resumes it, and checks it ends with the
  // uninterrupted run's numbers.
  void expect_killed_run_resumes(const std::string& config) {
    ASSERT_EQ(run(xor_args(dir_ / "whole", config), "whole.log"), 0) << read(dir_ / "whole.log");

    const fs::path killed = dir_ / "killed";
    const pid_t pid = start(xor_args(killed, config), "killed.log");
    wait_for_checkpoint(killed, 3);
    kill(pid, SIGKILL);
    EXPECT_EQ(wait_exit_code(pid), -SIGKILL);
    const int epoch = checkpoint_epoch(killed);
    ASSERT_LT(epoch, 12) << "the run ended before it was killed; nothing was resumed";
    EXPECT_FALSE(fs::exists(killed / "results.json"));

    ASSERT_EQ(run({"train", "--resume", killed.string(), "--quiet"}, "resume.log"), 0)
        << read(dir_ / "resume.log");
    expect_same_run(killed, dir_ / "whole");
    EXPECT_EQ(json::parse(read(killed / "results.json"))["resumed_from_epoch"], epoch);
  }

  fs::path dir_;
};

TEST_F(LongRun, RunKilledWithSigkillResumesToTheUninterruptedRunsNumbers) {
  expect_killed_run_resumes("xor.json");
}

// A graph that is not a lattice: the checkpoint must rebuild the same random graph.
TEST_F(LongRun, RandomGraphRunKilledWithSigkillResumesToTheUninterruptedRunsNumbers) {
  expect_killed_run_resumes("xor_random.json");
}

TEST_F(LongRun, CrashOfTheSimulationProcessKeepsTheCheckpointAndSaysCrashed) {
  const fs::path crashed = dir_ / "crashed";
  const pid_t pid = start(xor_args(crashed), "crashed.log");
  wait_for_checkpoint(crashed, 3);
  const pid_t child = child_of(pid);
  ASSERT_GT(child, 0);
  kill(child, SIGSEGV);  // what a crash inside libngspice does to the process
  EXPECT_EQ(wait_exit_code(pid), 3);
  const std::string log = read(dir_ / "crashed.log");
  EXPECT_NE(log.find("cllnsim: error: the simulation process"), std::string::npos) << log;
  EXPECT_NE(log.find("--resume " + crashed.string()), std::string::npos) << log;
  const json results = json::parse(read(crashed / "results.json"));
  EXPECT_EQ(results["status"], "crashed");
  const int epoch = results["checkpoint_epoch"];
  EXPECT_EQ(epoch, checkpoint_epoch(crashed));
  EXPECT_GE(epoch, 3);
  EXPECT_EQ(epoch % 3, 0);
  // The history on disk reaches exactly the checkpoint.
  EXPECT_NE(read(crashed / "gates.csv").find("\n" + std::to_string(epoch) + ","),
            std::string::npos);
  if (epoch < 12) {
    ASSERT_EQ(run({"train", "--resume", crashed.string(), "--quiet"}, "resume.log"), 0)
        << read(dir_ / "resume.log");
    ASSERT_EQ(run(xor_args(dir_ / "whole"), "whole.log"), 0);
    expect_same_run(crashed, dir_ / "whole");
  }
}

// `cllnsim train configs/xor.json --quiet --out OUT` with the test edge
// tests/integration/edges/FILE.sub (subckt SUBCKT) and `settings` as --set. The test edges have
// no polarity port, so the nudge is the one-sided one.
std::vector<std::string> xor_with_test_edge(const fs::path& out, const std::string& file,
                                            const std::string& subckt,
                                            const std::vector<std::string>& settings) {
  std::vector<std::string> args{"train",   std::string(CLLNSIM_SOURCE_DIR) + "/configs/xor.json",
                                "--quiet", "--no-plots",
                                "--out",   out.string()};
  std::vector<std::string> all{"network.edge.file=" + std::string(CLLNSIM_SOURCE_DIR) +
                                   "/tests/integration/edges/" + file + ".sub",
                               "network.edge.subckt=" + subckt, "network.edge.params={}",
                               R"(training.nudge="one_sided")"};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const std::string& setting : all) {
    args.push_back("--set");
    args.push_back(setting);
  }
  return args;
}

TEST_F(LongRun, CircuitThatCannotConvergeExits3SayingWhenAndWhereAfterOneRetry) {
  const fs::path out = dir_ / "runaway";
  const int code =
      run(xor_with_test_edge(out, "runaway", "runaway_edge",
                             {R"(network.initial_gates={"kind": "constant", "volts": 2.5})",
                              "training.learn_seconds_final=5e-5", "training.epochs=6",
                              "checkpoint.every_epochs=1"}),
          "runaway.log");
  const std::string log = read(dir_ / "runaway.log");
  EXPECT_EQ(code, 3) << log;
  // The gate gains 0.5 V per epoch from 2.5 V and runs away at 4 V: in epoch 3.
  EXPECT_NE(log.find("retrying epochs 3-3 once with itl4=100 method=gear"), std::string::npos)
      << log;
  EXPECT_NE(log.find("cllnsim: error: last accepted time point at simulated time"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("(epoch 3 of 6, learning from training sample"), std::string::npos) << log;
  EXPECT_NE(log.find("at node g"), std::string::npos) << log;
  EXPECT_NE(log.find("Timestep too small"), std::string::npos) << log;
  EXPECT_NE(log.find("the checkpoint at epoch 2 is kept"), std::string::npos) << log;

  const json results = json::parse(read(out / "results.json"));
  EXPECT_EQ(results["status"], "failed");
  EXPECT_EQ(results["checkpoint_epoch"], 2);
  EXPECT_NE(results["error"].get<std::string>().find("failed too"), std::string::npos);
  EXPECT_EQ(checkpoint_epoch(out), 2);
  const std::string gates = read(out / "gates.csv");
  EXPECT_NE(gates.find("\n2,"), std::string::npos) << gates;
  EXPECT_EQ(gates.find("\n3,"), std::string::npos) << gates;
  EXPECT_EQ(hidden_entries(out), std::vector<std::string>{});

  // Resuming the failed run fails the same way, from the same checkpoint.
  EXPECT_EQ(run({"train", "--resume", out.string(), "--quiet"}, "resume.log"), 3);
  EXPECT_EQ(checkpoint_epoch(out), 2);
}

TEST_F(LongRun, RetryWithRelaxedOptionsCuresAFloatingNodeAndIsRecorded) {
  auto args = [&](const fs::path& out, const std::string& retry_options) {
    return xor_with_test_edge(out, "floating_node", "floating_edge",
                              {"training.epochs=2", "simulator.retry_options=" + retry_options});
  };
  ASSERT_EQ(run(args(dir_ / "cured", R"({"rshunt": 1e12})"), "cured.log"), 0)
      << read(dir_ / "cured.log");
  const std::string log = read(dir_ / "cured.log");
  EXPECT_NE(log.find("retrying epochs 0-2 once with rshunt=1e+12"), std::string::npos) << log;
  EXPECT_NE(log.find("check node xe"), std::string::npos) << log;
  const json results = json::parse(read(dir_ / "cured" / "results.json"));
  EXPECT_EQ(results["status"], "completed");
  // The segment, then the inference measurement after training (the same floating node).
  ASSERT_EQ(results["retries"].size(), 2u);
  EXPECT_NE(results["retries"][0].get<std::string>().find("singular matrix"), std::string::npos);
  EXPECT_EQ(results["retries"][1].get<std::string>().rfind("the inference measurement retried", 0),
            0u);

  // Without retry options the same failure stops the run (exit 3), naming the floating node.
  EXPECT_EQ(run(args(dir_ / "plain", "{}"), "plain.log"), 3);
  const std::string plain = read(dir_ / "plain.log");
  EXPECT_EQ(plain.find("retrying"), std::string::npos) << plain;
  EXPECT_NE(plain.find(".nf"), std::string::npos) << plain;
  EXPECT_EQ(json::parse(read(dir_ / "plain" / "results.json"))["status"], "failed");
}

TEST_F(LongRun, ResumeRefusesACompletedRunAndADirectoryWithoutCheckpoint) {
  ASSERT_EQ(run(xor_args(dir_ / "whole"), "whole.log"), 0);
  EXPECT_EQ(run({"train", "--resume", (dir_ / "whole").string()}, "again.log"), 2);
  EXPECT_NE(read(dir_ / "again.log").find("the run has completed"), std::string::npos);
  fs::create_directories(dir_ / "empty");
  EXPECT_EQ(run({"train", "--resume", (dir_ / "empty").string()}, "empty.log"), 2);
  EXPECT_NE(read(dir_ / "empty.log").find("no checkpoint.json"), std::string::npos);
  EXPECT_EQ(run({"train", "--resume", (dir_ / "whole").string(), "--set", "seed=2"}, "set.log"), 2);
}

}  // namespace
