// Time-multiplexed coupled learning (configs/xor_time_multiplexed.json, netlists/edges/
// nmos_sample_hold.sub) through the real binary and libngspice: its first training epoch moves
// the gates as the twin network's does when the free/clamped cycles are short, and not when one
// long cycle lets the held free drop go stale; its exported netlist replays in `ngspice -b`.
#include <cmath>
#include <string>
#include <vector>

#include "training_harness.h"

namespace {

using cllnsim::trainingtest::gate_rows;
using cllnsim::trainingtest::read;
using cllnsim::trainingtest::Replay;
using cllnsim::trainingtest::Training;

const std::string kTimeMultiplexed =
    std::string(CLLNSIM_SOURCE_DIR) + "/configs/xor_time_multiplexed.json";

// How far each gate moved in the first training epoch (gates.csv rows 0 and 1).
std::vector<double> first_step(const std::filesystem::path& run) {
  const auto rows = gate_rows(run / "gates.csv");
  EXPECT_GE(rows.size(), 2u);
  std::vector<double> step;
  for (std::size_t e = 0; e < rows.at(1).size(); ++e) step.push_back(rows[1][e] - rows[0][e]);
  return step;
}

double cosine(const std::vector<double>& a, const std::vector<double>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

// Same seed, so the same initial gates and sample order: the twin network (xor.json) and the
// one network with its sample-and-hold edges, 20 cycles per sample (shipped) and 1.
TEST_F(Training, TimeMultiplexedStepFollowsTheTwinStepOnlyWithShortCycles) {
  const std::vector<std::string> one_epoch = {"seed=1", "training.epochs=1"};
  ASSERT_EQ(train(dir_ / "twin", one_epoch).exit_code, 0) << read(dir_ / "twin.log");
  ASSERT_EQ(train(kTimeMultiplexed, dir_ / "short", one_epoch).exit_code, 0)
      << read(dir_ / "short.log");
  std::vector<std::string> long_cycle = one_epoch;
  long_cycle.push_back("training.hold_cycles=1");
  ASSERT_EQ(train(kTimeMultiplexed, dir_ / "long", long_cycle).exit_code, 0)
      << read(dir_ / "long.log");
  const std::vector<double> twin = first_step(dir_ / "twin");
  const double short_cycles = cosine(twin, first_step(dir_ / "short"));
  const double long_cycle_cosine = cosine(twin, first_step(dir_ / "long"));
  std::cout << "first epoch's gate step against the twin network's: cosine " << short_cycles
            << " with 20 cycles per sample, " << long_cycle_cosine << " with 1\n";
  EXPECT_GT(short_cycles, 0.9);
  EXPECT_LT(long_cycle_cosine, 0.5);
}

TEST_F(Replay, TimeMultiplexedNetlistReplaysInNgspice) {
  const double difference = replay_difference(kTimeMultiplexed, {"seed=2", "training.epochs=2"});
  std::cout << "largest final-gate difference, in-process vs ngspice -b: " << difference * 1e3
            << " mV\n";
  EXPECT_LT(difference, 1e-3);
}

}  // namespace
