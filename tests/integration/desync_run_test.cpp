// Desynchronous learning (training.desync) end to end: only the edges whose own learn line
// was switched on move, and the exported netlist (one PWL learn source per edge) replays the run.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "protocol/desync.h"
#include "training_harness.h"

namespace {

using namespace cllnsim::trainingtest;

// One epoch of XOR (4 learning windows) at p = 0.25: about a third of the 32 edges never learn.
// Their gates must hold as with learning off (WithLearningOffGatesHoldAndXorIsNotLearned);
// the others move by the learning rule.
TEST_F(Training, DesyncMovesOnlyTheEdgesWhoseLineWasOn) {
  constexpr double kFraction = 0.25;
  constexpr std::uint64_t kSeed = 1;  // configs/xor.json's
  ASSERT_EQ(train(dir_ / "run", {"training.epochs=1", "training.desync.fraction=0.25"}).exit_code,
            0)
      << read(dir_ / "run.log");
  const auto rows = gate_rows(dir_ / "run" / "gates.csv");
  ASSERT_EQ(rows.size(), 2u);
  double held = 0.0, moved = INFINITY, largest = 0.0;
  std::size_t never = 0;
  for (std::size_t e = 0; e < rows[0].size(); ++e) {
    bool learned = false;
    for (std::size_t window = 0; window < 4; ++window) {
      learned = learned || cllnsim::protocol::edge_learns(kSeed, kFraction, 1, window, e);
    }
    const double change = std::abs(rows[1][e] - rows[0][e]);
    if (learned) {
      moved = std::min(moved, change);
      largest = std::max(largest, change);
    } else {
      held = std::max(held, change);
      ++never;
    }
  }
  std::cout << never << " edges never enabled: largest change " << held * 1e6
            << " uV; enabled edges changed " << moved * 1e6 << " to " << largest * 1e6 << " uV\n";
  EXPECT_GE(never, 3u);
  EXPECT_LT(never, rows[0].size());
  EXPECT_LT(held, 1e-4);
  EXPECT_GT(largest, 10 * held);
}

// The bar for the desynchronous protocol (p = 0.5), as for the synchronous one.
TEST_F(Training, ShippedDesyncXorConfigLearnsXorForFourOfFiveSeeds) {
  EXPECT_GE(seeds_learning_xor("xor_desync.json"), 4);
}

// The run in segments of 4 epochs: every segment, and the exported netlist, draws the same
// per-edge schedule.
TEST_F(Replay, ExportedNetlistOfADesyncRunReplaysTheSameSchedule) {
  EXPECT_LT(replay_difference({"training.epochs=10", "checkpoint.every_epochs=4",
                               "training.desync.fraction=0.5"}),
            1e-3);
}

}  // namespace
