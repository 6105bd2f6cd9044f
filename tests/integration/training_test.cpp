// End-to-end training runs of the real binary on the shipped XOR config: the exported netlist
// replays the run in `ngspice -b`; with learning off the gates hold and nothing is learned;
// memory stays flat over 10x more epochs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "training_harness.h"

namespace {

using namespace cllnsim::trainingtest;

TEST_F(Replay, ExportedNetlistReplaysTheRunInNgspiceBatchMode) {
  EXPECT_LT(replay_difference({"training.epochs=20"}), 1e-3);
}

// Every noise source at once, the run in segments of 4 epochs: the exported netlist carries the
// same seeded samples as PWL, so the replay ends where the run did (with ngspice's own trnoise
// each would have drawn its own noise). The noise is strong enough to move the gates by far more
// than the tolerance (PhysicalRun.SeededNoiseIsReproducibleAndDependsOnTheSeed).
TEST_F(Replay, ExportedNetlistOfANoisyRunReplaysTheSameNoise) {
  EXPECT_LT(replay_difference({"training.epochs=10", "checkpoint.every_epochs=4",
                               "physical.noise.input_v=0.005", "physical.noise.label_v=0.002",
                               "physical.noise.edge_a=1e-7", "physical.noise.learn_a=1e-9"}),
            1e-3);
}

TEST_F(Training, WithLearningOffGatesHoldAndXorIsNotLearned) {
  ASSERT_EQ(train(dir_ / "run", {"training.learning=false", "training.epochs=30"}).exit_code, 0)
      << read(dir_ / "run.log");
  const auto rows = gate_rows(dir_ / "run" / "gates.csv");
  const auto& before = rows.front();
  const auto& after = rows.back();
  ASSERT_EQ(before.size(), after.size());
  double droop = 0.0;
  for (std::size_t e = 0; e < before.size(); ++e) {
    droop = std::max(droop, std::abs(after[e] - before[e]));
  }
  std::cout << "learning off: largest gate change over the run " << droop * 1e6 << " uV\n";
  EXPECT_LT(droop, 1e-3);
  const auto results = nlohmann::json::parse(read(dir_ / "run" / "results.json"));
  EXPECT_LT(results["metrics"]["train"]["accuracy"].get<double>(), 1.0);
}

// An edge whose learning current runs away once learning switches on: ngspice cannot follow
// ("Timestep too small"). The run must stop with exit code 3 and a results.json that says it
// failed, when, and with ngspice's own words, keeping the history so far.
TEST_F(Training, NonConvergenceExitsWithCode3AndRecordsTheFailure) {
  const fs::path edge = dir_ / "runaway.sub";
  std::ofstream(edge) << ".subckt runaway fa fb ca cb g learn vdd vss\n"
                         "rf fa fb 1k\nrc ca cb 1k\ncg g vss 1n\n"
                         "bboom vss g I = 1e3 * exp(100 * V(g, vss)) * V(learn, vss)\n"
                         "dclamp g vss dd\n.model dd d is=1e-30\n.ends runaway\n";
  const Finished run = train(dir_ / "run", {"network.edge.file=" + edge.string(),
                                            "network.edge.subckt=runaway", "network.edge.params={}",
                                            "training.nudge=\"one_sided\"", "training.epochs=3"});
  EXPECT_EQ(run.exit_code, 3) << read(dir_ / "run.log");
  const auto results = nlohmann::json::parse(read(dir_ / "run" / "results.json"));
  EXPECT_EQ(results["status"], "failed");
  const std::string error = results["error"];
  EXPECT_NE(error.find("simulated time reached"), std::string::npos) << error;
  EXPECT_NE(error.find("(epoch 1 of 3, learning from training sample"), std::string::npos) << error;
  EXPECT_NE(error.find("ngspice:"), std::string::npos) << error;
  EXPECT_TRUE(fs::exists(dir_ / "run" / "history.csv"));
  EXPECT_NE(read(dir_ / "run.log").find("cllnsim: error: last accepted time point at simulated"),
            std::string::npos);
}

// The acceptance of the foundation: the shipped XOR config, unchanged, learns XOR (4/4 by
// nearest target) for at least 4 of the seeds 1..5 the README reports.
TEST_F(Training, ShippedXorConfigLearnsXorForFourOfFiveSeeds) {
  EXPECT_GE(seeds_learning_xor("xor.json"), 4);
}

// Issue 15's mismatch goal on the shipped config: 2 mV of threshold mismatch (free and clamped
// transistors drawn independently) still learns XOR in at least 4 of seeds 1-5 (the README: 10 of
// seeds 1-10). With the gates started uniform in 1-2 V, seeds 4 and 5 fail (3 of 5).
TEST_F(Training, ShippedXorConfigLearnsXorWithTwoMillivoltsOfMismatch) {
  EXPECT_GE(seeds_learning_xor("xor.json", {"physical.mismatch.vth_sigma_v=0.002"}), 4);
}

// Ctrl-C (or SIGTERM) during a run: exit code 130 at the next checkpoint, the run directory
// complete with "status": "interrupted" and the history so far, no temporary files.
TEST_F(Training, InterruptedRunKeepsItsHistoryAndExits130) {
  const fs::path out = dir_ / "run";
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl(CLLNSIM_BINARY, CLLNSIM_BINARY, "train", config_.c_str(), "--quiet", "--out", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until a few epochs are on disk, then interrupt.
  for (int i = 0; i < 600 && !fs::exists(out / "netlist.cir"); ++i) usleep(10000);
  usleep(500000);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const auto results = nlohmann::json::parse(read(out / "results.json"));
  EXPECT_EQ(results["status"], "interrupted");
  const int epoch = results["interrupted_after_epoch"];
  EXPECT_EQ(gate_rows(out / "gates.csv").size(), static_cast<std::size_t>(epoch + 1));
  EXPECT_EQ(results["checkpoint_epoch"], epoch);
  for (const auto& entry : fs::directory_iterator(out)) {
    EXPECT_NE(entry.path().filename().string().front(), '.') << entry.path();
  }
}

TEST_F(Training, PeakMemoryIsFlatOverTenTimesMoreEpochs) {
  const Finished short_run = train(dir_ / "short", {"training.epochs=20"});
  const Finished long_run = train(dir_ / "long", {"training.epochs=200"});
  ASSERT_EQ(short_run.exit_code, 0);
  ASSERT_EQ(long_run.exit_code, 0);
  std::cout << "peak RSS: 20 epochs " << short_run.peak_rss_kb << " kB, 200 epochs "
            << long_run.peak_rss_kb << " kB\n";
  EXPECT_LT(static_cast<double>(long_run.peak_rss_kb),
            1.2 * static_cast<double>(short_run.peak_rss_kb));
}

}  // namespace
