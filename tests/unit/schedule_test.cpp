#include "protocol/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "netlist/waveform.h"
#include "tasks/dataset.h"
#include "xor_lattice_config.h"

namespace cllnsim::protocol {
namespace {

const std::string kXor = testing::xor_lattice_config(1, {{"epochs", 4},
                                                         {"order", "shuffled"},
                                                         {"ramp_seconds", 1e-6},
                                                         {"settle_seconds", 5e-6},
                                                         {"learn_seconds", 50e-6},
                                                         {"evaluate_every", 1},
                                                         {"learning", true}});

constexpr double kVdd = 3.3;
constexpr double kVss = -0.5;
constexpr double kRamp = 1e-6;
constexpr double kSettle = 5e-6;
constexpr double kLearn = 50e-6;
enum Signal : std::size_t { kX1 = 0, kX2 = 1, kLabel = 2, kLearnSignal = 3, kPolarity = 4 };

// A config, its dataset, the schedule and every epoch appended in turn. Not movable: the
// schedule keeps a reference to the dataset.
struct TrainingRun {
  explicit TrainingRun(const std::vector<config::Override>& overrides = {})
      : config(config::parse(kXor, CLLNSIM_SOURCE_DIR "/configs/schedule_test.json", overrides)),
        data(tasks::make_dataset(config)),
        schedule(config, data),
        signals(schedule.initial_signals()) {
    for (int epoch = 0; epoch <= schedule.epochs(); ++epoch) {
      plans.push_back(schedule.append_epoch(epoch, signals));
    }
  }
  TrainingRun(const TrainingRun&) = delete;

  const netlist::Waveform& learn() const { return signals.at(kLearnSignal); }

  // [start, end] intervals of `epoch` during which learn is held at vdd.
  std::vector<std::pair<double, double>> LearnWindows(int epoch) const {
    const EpochPlan& plan = plans.at(static_cast<std::size_t>(epoch));
    std::vector<std::pair<double, double>> windows;
    const auto& t = learn().times();
    const auto& v = learn().values();
    for (std::size_t i = 0; i + 1 < t.size(); ++i) {
      if (t[i] >= plan.start && t[i + 1] <= plan.end && v[i] == kVdd && v[i + 1] == kVdd) {
        windows.push_back({t[i], t[i + 1]});
      }
    }
    return windows;
  }

  // The training sample whose inputs and label the signals hold at `time`.
  int SampleAt(double time) const {
    for (std::size_t i = 0; i < data.train.size(); ++i) {
      const tasks::Sample& s = data.train[i];
      if (signals[kX1].at(time) == s.inputs[0] && signals[kX2].at(time) == s.inputs[1] &&
          signals[kLabel].at(time) == s.labels[0]) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  // The order in which epoch `epoch` actually presented samples while learning.
  std::vector<std::size_t> PresentedOrder(int epoch) const {
    std::vector<std::size_t> order;
    for (const auto& [start, end] : LearnWindows(epoch)) {
      const int sample = SampleAt((start + end) / 2);
      EXPECT_GE(sample, 0) << "no sample held at " << (start + end) / 2;
      order.push_back(static_cast<std::size_t>(sample));
    }
    return order;
  }

  config::Config config;
  tasks::Dataset data;
  Schedule schedule;
  std::vector<netlist::Waveform> signals;
  std::vector<EpochPlan> plans;
};

using Overrides = std::vector<config::Override>;
const std::vector<std::size_t> kIdentity = {0, 1, 2, 3};

std::vector<std::size_t> Sorted(std::vector<std::size_t> order) {
  std::sort(order.begin(), order.end());
  return order;
}

TEST(ScheduleSignals, InitialSignalsAreZeroWithLearningOff) {
  const TrainingRun run;
  const auto signals = run.schedule.initial_signals();
  ASSERT_EQ(signals.size(), 5u);  // x1, x2, label_out, learn, polarity
  EXPECT_EQ(signals[kX1].values(), std::vector<double>{0.0});
  EXPECT_EQ(signals[kX2].values(), std::vector<double>{0.0});
  EXPECT_EQ(signals[kLabel].values(), std::vector<double>{0.0});
  EXPECT_EQ(signals[kLearnSignal].values(), std::vector<double>{kVss});
  EXPECT_EQ(signals[kPolarity].values(), std::vector<double>{kVss});
}

TEST(ScheduleEpochs, OneSidedNudgeNeverMovesThePolarity) {
  const TrainingRun run;
  EXPECT_EQ(run.signals[kPolarity].values(), std::vector<double>{kVss});
}

// The symmetric nudge: per sample, learning on for half the window with polarity normal, then
// polarity reversed, the networks settled, learning on for the other half; polarity is normal
// again whenever inputs change and at every read.
TEST(ScheduleEpochs, SymmetricNudgeLearnsHalfTheWindowInEachPolarity) {
  const TrainingRun run(Overrides{{"training.nudge", "symmetric"}});
  const netlist::Waveform& polarity = run.signals[kPolarity];
  for (int epoch = 1; epoch <= 4; ++epoch) {
    const auto windows = run.LearnWindows(epoch);
    ASSERT_EQ(windows.size(), 8u) << "epoch " << epoch;
    for (std::size_t k = 0; k < windows.size(); ++k) {
      const auto [start, end] = windows[k];
      EXPECT_NEAR(end - start, kLearn / 2, 1e-15);
      // Polarity stays put for the whole window (and its ramps) and alternates.
      const double expected = k % 2 == 0 ? kVss : kVdd;
      for (double t : {start - kRamp, start, (start + end) / 2, end, end + kRamp}) {
        EXPECT_NEAR(polarity.at(t), expected, 1e-12) << "window " << k << " at " << t;
      }
      if (k % 2 == 1) {
        // Reversed, then settled, before learning switches on again.
        EXPECT_NEAR(start - windows[k - 1].second, kRamp + kRamp + kSettle + kRamp, 1e-15);
        EXPECT_EQ(run.SampleAt(start), run.SampleAt(windows[k - 1].first));
      }
    }
  }
  for (const EpochPlan& plan : run.plans) {
    for (const Read& read : plan.reads) EXPECT_EQ(polarity.at(read.time), kVss);
  }
  const double train = 4 * (kRamp + kSettle + 2 * (kRamp + kLearn / 2 + kRamp) + kRamp + kSettle);
  const double evaluate = 4 * (kRamp + kSettle);
  EXPECT_NEAR(run.plans[2].end - run.plans[2].start, train + evaluate, 1e-12);
}

// Time multiplexing: per training sample, hold_cycles cycles of free (hold at vss) then clamped
// (hold at vdd, settled before learning); learning only while held, each cycle its share of the
// window in each polarity; hold at vss whenever inputs change and at every read.
TEST(ScheduleEpochs, TimeMultiplexedLearnsOnlyWhileHeldInEveryCycle) {
  constexpr int kCycles = 3;
  const TrainingRun run(Overrides{{"training.protocol", "time_multiplexed"},
                                  {"training.nudge", "symmetric"},
                                  {"training.hold_cycles", std::to_string(kCycles)}});
  ASSERT_EQ(run.signals.size(), 6u);  // x1, x2, label_out, learn, polarity, hold
  const netlist::Waveform& hold = run.signals[kPolarity + 1];
  EXPECT_EQ(run.schedule.initial_signals()[kPolarity + 1].values(), std::vector<double>{kVss});
  for (int epoch = 1; epoch <= 4; ++epoch) {
    const auto windows = run.LearnWindows(epoch);
    ASSERT_EQ(windows.size(), 4u * kCycles * 2) << "epoch " << epoch;
    for (std::size_t k = 0; k < windows.size(); ++k) {
      const auto [start, end] = windows[k];
      EXPECT_NEAR(end - start, kLearn / 2 / kCycles, 1e-14);  // times snapped to 12 digits
      for (double t : {start - kRamp, start, end, end + kRamp / 2}) {
        EXPECT_NEAR(hold.at(t), kVdd, 1e-12) << "window " << k << " at " << t;
      }
      // Each cycle starts free: hold went down and back up since the window before it.
      if (k % 2 == 0 && k > 0) {
        const double between = (windows[k - 1].second + start) / 2;
        EXPECT_LT(windows[k - 1].second + kRamp, start);
        bool released = false;
        for (double t = windows[k - 1].second; t < start; t += kRamp / 4) {
          released = released || hold.at(t) == kVss;
        }
        EXPECT_TRUE(released) << "window " << k << " (between " << between << ")";
      }
    }
  }
  for (const EpochPlan& plan : run.plans) {
    for (const Read& read : plan.reads) EXPECT_EQ(hold.at(read.time), kVss);
  }
  // A sample: present, then per cycle (hold up, settle, two half-windows as in the symmetric
  // nudge, hold down), the cycles after the first starting with a free settle.
  const double cycle =
      kRamp + kSettle + 2 * (kRamp + kLearn / 2 / kCycles + kRamp) + kRamp + kSettle + kRamp;
  const double sample = kRamp + kSettle + kCycles * cycle + (kCycles - 1) * (kRamp + kSettle);
  EXPECT_NEAR(run.plans[2].end - run.plans[2].start, 4 * sample + 4 * (kRamp + kSettle), 1e-12);
}

TEST(ScheduleEpochs, EpochZeroOnlyEvaluatesAllFourSamples) {
  const TrainingRun run;
  const EpochPlan& plan = run.plans[0];
  EXPECT_EQ(plan.start, 0.0);
  EXPECT_TRUE(plan.evaluated);
  ASSERT_EQ(plan.reads.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(plan.reads[i].epoch, 0);
    EXPECT_EQ(plan.reads[i].pass, Pass::train);
    EXPECT_EQ(plan.reads[i].sample, i);
  }
  EXPECT_TRUE(run.LearnWindows(0).empty());
  // The learn signal's only corner up to the end of epoch 0 is its initial one.
  EXPECT_EQ(std::count_if(run.learn().times().begin(), run.learn().times().end(),
                          [&](double t) { return t <= plan.end; }),
            1);
  EXPECT_NEAR(plan.end, 4 * (kRamp + kSettle), 1e-15);
}

TEST(ScheduleEpochs, TrainingEpochsPresentEachSampleOnceWhileLearnIsAtVdd) {
  const TrainingRun run;
  for (int epoch = 1; epoch <= 4; ++epoch) {
    const auto windows = run.LearnWindows(epoch);
    ASSERT_EQ(windows.size(), 4u) << "epoch " << epoch;
    for (const auto& [start, end] : windows) {
      EXPECT_EQ(run.learn().at((start + end) / 2), kVdd);
      EXPECT_NEAR(end - start, kLearn, 1e-15);
    }
    const auto presented = run.PresentedOrder(epoch);
    EXPECT_EQ(Sorted(presented), kIdentity) << "epoch " << epoch;
    EXPECT_EQ(presented, run.schedule.training_order(epoch)) << "epoch " << epoch;
  }
}

TEST(ScheduleEpochs, LearnIsAtVssWhileInputsChangeAndAtEveryRead) {
  const TrainingRun run;
  for (std::size_t s : {kX1, kX2, kLabel}) {
    const auto& times = run.signals[s].times();
    const auto& values = run.signals[s].values();
    for (std::size_t i = 0; i < times.size(); ++i) {
      EXPECT_EQ(run.learn().at(times[i]), kVss) << "signal " << s << " corner " << times[i];
      if (i + 1 < times.size() && values[i] != values[i + 1]) {  // mid-ramp
        EXPECT_EQ(run.learn().at((times[i] + times[i + 1]) / 2), kVss);
      }
    }
  }
  for (const EpochPlan& plan : run.plans) {
    for (const Read& read : plan.reads) EXPECT_EQ(run.learn().at(read.time), kVss);
    EXPECT_EQ(run.learn().at(plan.end), kVss);
  }
}

TEST(ScheduleEpochs, TrainingEpochDurationIsPresentLearnAndEvaluate) {
  const TrainingRun run;
  const double train = 4 * (kRamp + kSettle + kRamp + kLearn + kRamp);
  const double evaluate = 4 * (kRamp + kSettle);
  for (int epoch = 1; epoch <= 4; ++epoch) {
    const EpochPlan& plan = run.plans[static_cast<std::size_t>(epoch)];
    EXPECT_NEAR(plan.end - plan.start, train + evaluate, 1e-15) << "epoch " << epoch;
  }
}

TEST(ScheduleEpochs, StartsIncreaseAndStopTimeIsEndOfLastEpoch) {
  const TrainingRun run;
  for (int epoch = 0; epoch <= 4; ++epoch) {
    const EpochPlan& plan = run.plans[static_cast<std::size_t>(epoch)];
    EXPECT_EQ(plan.epoch, epoch);
    EXPECT_EQ(plan.start, run.schedule.epoch_start(epoch));
    EXPECT_EQ(plan.end, run.schedule.epoch_start(epoch + 1));
    EXPECT_LT(run.schedule.epoch_start(epoch), run.schedule.epoch_start(epoch + 1));
  }
  EXPECT_EQ(run.schedule.stop_time(), run.plans.back().end);
  EXPECT_EQ(run.schedule.stop_time(), run.schedule.epoch_start(5));
}

TEST(ScheduleEpochs, LearningFalseKeepsLearnAtVssWithSameTiming) {
  const TrainingRun learning;
  const TrainingRun frozen(Overrides{{"training.learning", "false"}});
  EXPECT_EQ(frozen.learn().times().size(), 1u);
  EXPECT_EQ(frozen.learn().values(), std::vector<double>{kVss});
  EXPECT_EQ(frozen.schedule.stop_time(), learning.schedule.stop_time());
  for (int epoch = 0; epoch <= 4; ++epoch) {
    const auto e = static_cast<std::size_t>(epoch);
    EXPECT_EQ(frozen.schedule.epoch_start(epoch), learning.schedule.epoch_start(epoch));
    EXPECT_EQ(frozen.plans[e].corners, learning.plans[e].corners) << "epoch " << epoch;
    ASSERT_EQ(frozen.plans[e].reads.size(), learning.plans[e].reads.size());
    for (std::size_t r = 0; r < frozen.plans[e].reads.size(); ++r) {
      EXPECT_EQ(frozen.plans[e].reads[r].time, learning.plans[e].reads[r].time);
    }
  }
  EXPECT_EQ(frozen.signals[kX1].times(), learning.signals[kX1].times());
}

TEST(ScheduleOrder, ShuffledOrderIsAPermutationThatChangesBetweenEpochs) {
  const TrainingRun run(Overrides{{"training.epochs", "20"}});
  int changes = 0;
  for (int epoch = 1; epoch <= 20; ++epoch) {
    EXPECT_EQ(Sorted(run.schedule.training_order(epoch)), kIdentity) << "epoch " << epoch;
    if (epoch > 1 && run.schedule.training_order(epoch) != run.schedule.training_order(epoch - 1)) {
      ++changes;
    }
  }
  EXPECT_GT(changes, 0);
  std::vector<std::vector<std::size_t>> orders;
  for (int epoch = 1; epoch <= 20; ++epoch) orders.push_back(run.schedule.training_order(epoch));
  EXPECT_FALSE(std::all_of(orders.begin(), orders.end(),
                           [&](const auto& order) { return order == kIdentity; }));
}

TEST(ScheduleOrder, ShuffledOrderReachesEveryPermutation) {
  const TrainingRun run(Overrides{{"training.epochs", "2"}});
  std::set<std::vector<std::size_t>> seen;
  for (int epoch = 1; epoch <= 400; ++epoch) seen.insert(run.schedule.training_order(epoch));
  EXPECT_EQ(seen.size(), 24u);  // 4! orders: an unbiased shuffle, not e.g. only cyclic ones
}

TEST(ScheduleOrder, SameSeedGivesSameOrders) {
  const TrainingRun first(Overrides{{"seed", "17"}, {"training.epochs", "10"}});
  const TrainingRun second(Overrides{{"seed", "17"}, {"training.epochs", "10"}});
  for (int epoch = 1; epoch <= 10; ++epoch) {
    EXPECT_EQ(first.schedule.training_order(epoch), second.schedule.training_order(epoch));
    EXPECT_EQ(first.PresentedOrder(epoch), second.PresentedOrder(epoch));
  }
}

TEST(ScheduleOrder, DifferentSeedGivesDifferentOrders) {
  const TrainingRun first(Overrides{{"seed", "17"}, {"training.epochs", "10"}});
  const TrainingRun other(Overrides{{"seed", "18"}, {"training.epochs", "10"}});
  int differing = 0;
  for (int epoch = 1; epoch <= 10; ++epoch) {
    if (first.schedule.training_order(epoch) != other.schedule.training_order(epoch)) ++differing;
  }
  EXPECT_GT(differing, 0);
}

TEST(ScheduleOrder, FixedOrderPresentsSamplesInDatasetOrder) {
  const TrainingRun run(Overrides{{"training.order", "\"fixed\""}});
  for (int epoch = 1; epoch <= 4; ++epoch) {
    EXPECT_EQ(run.schedule.training_order(epoch), kIdentity);
    EXPECT_EQ(run.PresentedOrder(epoch), kIdentity);
  }
}

TEST(ScheduleEvaluation, EvaluateEveryThreeOfSevenEpochs) {
  const TrainingRun run(Overrides{{"training.epochs", "7"}, {"training.evaluate_every", "3"}});
  std::vector<int> evaluated;
  for (int epoch = 0; epoch <= 7; ++epoch) {
    const EpochPlan& plan = run.plans[static_cast<std::size_t>(epoch)];
    EXPECT_EQ(plan.evaluated, run.schedule.evaluated(epoch));
    EXPECT_EQ(plan.reads.size(), plan.evaluated ? 4u : 0u) << "epoch " << epoch;
    if (run.schedule.evaluated(epoch)) evaluated.push_back(epoch);
  }
  EXPECT_EQ(evaluated, (std::vector<int>{0, 3, 6, 7}));
  // Without an evaluation pass an epoch is only its four learning presentations.
  const EpochPlan& plan = run.plans[1];
  EXPECT_NEAR(plan.end - plan.start, 4 * (3 * kRamp + kSettle + kLearn), 1e-15);
}

TEST(ScheduleLearnTime, DecaysGeometricallyToFinal) {
  const TrainingRun run(
      Overrides{{"training.epochs", "5"}, {"training.learn_seconds_final", "5e-6"}});
  EXPECT_DOUBLE_EQ(run.schedule.learn_seconds(1), 50e-6);
  EXPECT_NEAR(run.schedule.learn_seconds(5), 5e-6, 1e-18);
  const double ratio = std::pow(0.1, 0.25);
  for (int epoch = 2; epoch <= 5; ++epoch) {
    EXPECT_NEAR(run.schedule.learn_seconds(epoch) / run.schedule.learn_seconds(epoch - 1), ratio,
                1e-12);
  }
  for (int epoch = 1; epoch <= 5; ++epoch) {
    const auto windows = run.LearnWindows(epoch);
    ASSERT_EQ(windows.size(), 4u);
    for (const auto& [start, end] : windows) {
      EXPECT_NEAR(end - start, run.schedule.learn_seconds(epoch), 1e-15) << "epoch " << epoch;
    }
  }
}

TEST(ScheduleLearnTime, ConstantWithoutFinal) {
  const TrainingRun run;
  for (int epoch = 1; epoch <= 4; ++epoch) {
    EXPECT_DOUBLE_EQ(run.schedule.learn_seconds(epoch), kLearn);
  }
}

TEST(ScheduleReads, ReadTimesAreCorners) {
  const TrainingRun run;
  for (const EpochPlan& plan : run.plans) {
    EXPECT_TRUE(std::is_sorted(plan.corners.begin(), plan.corners.end()));
    EXPECT_EQ(std::adjacent_find(plan.corners.begin(), plan.corners.end()), plan.corners.end());
    for (const Read& read : plan.reads) {
      EXPECT_NE(std::find(plan.corners.begin(), plan.corners.end(), read.time), plan.corners.end())
          << "read at " << read.time << " in epoch " << plan.epoch;
      EXPECT_GT(read.time, plan.start);
      EXPECT_LE(read.time, plan.end);
    }
  }
}

TEST(ScheduleReads, EveryWaveformCornerIsAPlanCorner) {
  const TrainingRun run;
  for (const netlist::Waveform& signal : run.signals) {
    for (double t : signal.times()) {
      const bool listed = std::any_of(run.plans.begin(), run.plans.end(), [&](const auto& plan) {
        return std::find(plan.corners.begin(), plan.corners.end(), t) != plan.corners.end();
      });
      EXPECT_TRUE(listed) << "corner at " << t;
    }
  }
}

TEST(ScheduleReads, InputsAreFlatAtTheSampleOverTheSettleWindow) {
  const TrainingRun run;
  for (const EpochPlan& plan : run.plans) {
    for (const Read& read : plan.reads) {
      const tasks::Sample& sample = run.data.train.at(read.sample);
      for (int k = 0; k <= 10; ++k) {
        const double t = read.time - kSettle * (1 - 1e-9) * (10 - k) / 10;
        EXPECT_EQ(run.signals[kX1].at(t), sample.inputs[0]) << "t = " << t;
        EXPECT_EQ(run.signals[kX2].at(t), sample.inputs[1]) << "t = " << t;
        EXPECT_EQ(run.signals[kLabel].at(t), sample.labels[0]) << "t = " << t;
      }
      for (std::size_t s : {kX1, kX2}) {
        for (double corner : run.signals[s].times()) {
          const bool inside = corner > read.time - kSettle * (1 - 1e-9) && corner < read.time;
          EXPECT_FALSE(inside) << "signal " << s << " has a corner at " << corner
                               << " while settling for the read at " << read.time;
        }
      }
    }
  }
}

// training.learn_onset "with_input": learning switches on together with the sample's step (and
// with the polarity flip of the symmetric nudge), overlapping the relaxation; the epoch loses
// the settle times of training but keeps them for evaluation.
TEST(ScheduleLearnOnset, WithInputStartsLearningWithTheStep) {
  const TrainingRun run(Overrides{{"training.learn_onset", "with_input"}});
  for (int epoch = 1; epoch <= 4; ++epoch) {
    const EpochPlan& plan = run.plans[static_cast<std::size_t>(epoch)];
    const auto windows = run.LearnWindows(epoch);
    ASSERT_EQ(windows.size(), 4u);
    std::size_t k = 0;
    for (const Presentation& presented : plan.presentations) {
      if (!presented.training) continue;
      EXPECT_NEAR(windows[k].first, presented.start + kRamp, 1e-15) << "epoch " << epoch;
      EXPECT_EQ(run.SampleAt(windows[k].first), static_cast<int>(presented.sample));
      ++k;
    }
    const double train = 4 * (kRamp + kLearn + kRamp);
    const double evaluate = 4 * (kRamp + kSettle);
    EXPECT_NEAR(plan.end - plan.start, train + evaluate, 1e-12) << "epoch " << epoch;
    for (const Read& read : plan.reads) EXPECT_EQ(run.learn().at(read.time), kVss);
  }
}

TEST(ScheduleLearnOnset, WithInputSymmetricNudgeLearnsFromThePolarityFlip) {
  const TrainingRun run(
      Overrides{{"training.learn_onset", "with_input"}, {"training.nudge", "symmetric"}});
  const auto windows = run.LearnWindows(2);
  ASSERT_EQ(windows.size(), 8u);
  for (std::size_t k = 1; k < windows.size(); k += 2) {
    // Off-ramp, then the flip and the learn line's on-ramp at the same time: no settle.
    EXPECT_NEAR(windows[k].first - windows[k - 1].second, kRamp + kRamp, 1e-15);
    EXPECT_NEAR(run.signals[kPolarity].at(windows[k].first), kVdd, 1e-12);
  }
}

TEST(ScheduleLearnOnset, SettledIsTheDefault) {
  const TrainingRun plain;
  const TrainingRun settled(Overrides{{"training.learn_onset", "settled"}});
  EXPECT_EQ(plain.config.training.learn_onset, config::Training::LearnOnset::settled);
  EXPECT_EQ(plain.learn().times(), settled.learn().times());
  EXPECT_EQ(plain.signals[kX1].times(), settled.signals[kX1].times());
}

}  // namespace
}  // namespace cllnsim::protocol
