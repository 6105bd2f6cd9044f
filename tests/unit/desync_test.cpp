// Desynchronous learning (training.desync): the seeded per-edge draws, the schedule's per-edge
// learn lines and the netlist's per-edge learn sources.
#include "protocol/desync.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "netlist/edge_file.h"
#include "netlist/netlist.h"
#include "netlist/waveform.h"
#include "network/network.h"
#include "protocol/schedule.h"
#include "tasks/dataset.h"
#include "xor_lattice_config.h"

namespace cllnsim::protocol {
namespace {

// XOR on the shared 4x4 lattice (32 edges), symmetric nudge.
const std::string kXor = testing::xor_lattice_config(
    7, {{"epochs", 6}, {"nudge", "symmetric"}, {"learn_seconds", 50e-6}});

constexpr double kVdd = 3.3;
constexpr std::size_t kLearn = 3;  // x1, x2, label_out, learn, polarity, learn_0 ...
constexpr std::size_t kEdges = 32;

config::Config Parse(const std::vector<config::Override>& overrides = {}) {
  return config::parse(kXor, CLLNSIM_SOURCE_DIR "/configs/desync_test.json", overrides);
}

std::vector<netlist::Waveform> Signals(const config::Config& config, const tasks::Dataset& data) {
  const Schedule schedule(config, data);
  std::vector<netlist::Waveform> signals = schedule.initial_signals();
  for (int epoch = 0; epoch <= schedule.epochs(); ++epoch) schedule.append_epoch(epoch, signals);
  return signals;
}

// The times at which `wave` reaches vdd (the start of each learning plateau).
std::vector<double> LearnStarts(const netlist::Waveform& wave) {
  std::vector<double> starts;
  for (std::size_t i = 0; i + 1 < wave.times().size(); ++i) {
    if (wave.values()[i] == kVdd && wave.values()[i + 1] == kVdd) starts.push_back(wave.times()[i]);
  }
  return starts;
}

TEST(DesyncDraws, FractionOfWindowsIsWithinTolerance) {
  for (const double fraction : {0.1, 0.25, 0.5, 0.75}) {
    int on = 0, total = 0;
    for (int epoch = 1; epoch <= 50; ++epoch) {
      for (std::size_t window = 0; window < 20; ++window) {
        for (std::size_t edge = 0; edge < 40; ++edge, ++total) {
          on += edge_learns(11, fraction, epoch, window, edge) ? 1 : 0;
        }
      }
    }
    // 40000 draws: the binomial's sigma is at most 0.0025.
    EXPECT_NEAR(static_cast<double>(on) / total, fraction, 0.01) << fraction;
  }
}

TEST(DesyncDraws, SameSeedSameDrawsOtherSeedOthers) {
  int differ = 0;
  for (std::size_t edge = 0; edge < 64; ++edge) {
    for (std::size_t window = 0; window < 8; ++window) {
      EXPECT_EQ(edge_learns(3, 0.5, 2, window, edge), edge_learns(3, 0.5, 2, window, edge));
      differ += edge_learns(3, 0.5, 2, window, edge) != edge_learns(4, 0.5, 2, window, edge);
      differ += edge_learns(3, 0.5, 2, window, edge) != edge_learns(3, 0.5, 3, window, edge);
    }
  }
  EXPECT_GT(differ, 300);  // about half of the 1024 comparisons
}

TEST(DesyncDraws, FractionOneAlwaysLearns) {
  for (std::size_t edge = 0; edge < 100; ++edge) EXPECT_TRUE(edge_learns(5, 1.0, 1, 0, edge));
}

TEST(DesyncConfig, DefaultIsTheSynchronousProtocol) {
  const config::Config config = Parse();
  EXPECT_EQ(config.training.desync.fraction, 1.0);
  EXPECT_FALSE(config.training.per_edge_learn());
  EXPECT_THROW(Parse({{"training.desync.fraction", "0"}}), Error);
  EXPECT_THROW(Parse({{"training.desync.fraction", "1.5"}}), Error);
  EXPECT_THROW(Parse({{"training.desync.p", "0.5"}}), Error);
}

// p = 1: exactly today's signals (no per-edge lines, the same waveforms).
TEST(DesyncSchedule, FractionOneIsTheSynchronousSchedule) {
  const config::Config sync = Parse();
  const config::Config one = Parse({{"training.desync.fraction", "1"}});
  const tasks::Dataset data = tasks::make_dataset(sync);
  const auto a = Signals(sync, data), b = Signals(one, data);
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(b.size(), 5u);
  for (std::size_t s = 0; s < a.size(); ++s) {
    EXPECT_EQ(a[s].times(), b[s].times()) << s;
    EXPECT_EQ(a[s].values(), b[s].values()) << s;
  }
}

// p < 1: each edge's line pulses exactly with the global window in the windows its draw
// picks (both halves of the symmetric nudge), and stays at vss otherwise.
TEST(DesyncSchedule, EachEdgeLearnsInItsDrawnWindowsBothHalves) {
  const config::Config config = Parse({{"training.desync.fraction", "0.5"}});
  const tasks::Dataset data = tasks::make_dataset(config);
  const auto signals = Signals(config, data);
  ASSERT_EQ(signals.size(), 5u + kEdges);
  const std::vector<double> global = LearnStarts(signals[kLearn]);
  const std::size_t windows = data.train.size();  // per epoch
  ASSERT_EQ(global.size(), 6 * windows * 2);      // epochs x samples x halves
  std::size_t on = 0;
  for (std::size_t edge = 0; edge < kEdges; ++edge) {
    std::vector<double> expected;
    for (std::size_t k = 0; k < global.size(); ++k) {
      const int epoch = 1 + static_cast<int>(k / (2 * windows));
      const std::size_t window = (k / 2) % windows;
      if (edge_learns(config.seed, 0.5, epoch, window, edge)) expected.push_back(global[k]);
    }
    EXPECT_EQ(LearnStarts(signals[kLearn + 2 + edge]), expected) << "edge " << edge;
    on += expected.size();
  }
  EXPECT_NEAR(static_cast<double>(on) / (kEdges * global.size()), 0.5, 0.08);
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream stream(line);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

TEST(DesyncNetlist, OneLearnSourcePerEdgeWiredToItsInstance) {
  const config::Config config = Parse({{"training.desync.fraction", "0.25"}});
  const network::Network network = network::Network::lattice(config.network);
  const netlist::EdgeDefinition edge =
      netlist::read_edge_file(config.network.edge.file, config.network.edge.subckt);
  const netlist::Netlist text =
      netlist::generate(config, network, edge, std::vector<double>(kEdges, 1.5));
  const std::vector<std::string> names = netlist::signal_names(config);
  ASSERT_EQ(names.size(), 5u + kEdges);
  EXPECT_EQ(names[kLearn], "learn");
  EXPECT_EQ(names[kLearn + 2 + 31], "learn_31");
  std::size_t instances = 0;
  for (const std::string& line : text.lines) {
    const auto words = Words(line);
    if (words.empty()) continue;
    EXPECT_NE(words[0], "vlearn") << "the global learn line drives nothing with desync";
    if (words[0].rfind("xe", 0) == 0) {
      ASSERT_GE(words.size(), 7u);
      EXPECT_EQ(words[6], "learn_" + words[0].substr(2)) << line;
      ++instances;
    }
  }
  EXPECT_EQ(instances, kEdges);
  for (std::size_t e = 0; e < kEdges; ++e) {
    const std::string source = "vlearn_" + std::to_string(e);
    bool found = false;
    for (const auto& driven : text.driven_sources) {
      if (driven.instance != source) continue;
      found = true;
      EXPECT_EQ(driven.signal, kLearn + 2 + e);
    }
    EXPECT_TRUE(found) << source;
  }
  bool line_found = false;
  for (const std::string& line : text.lines) {
    if (line == "vlearn_5 learn_5 0 external") line_found = true;
  }
  EXPECT_TRUE(line_found);
}

}  // namespace
}  // namespace cllnsim::protocol
