// The physical knobs: each changes the generated netlist as the README documents, and the same
// seed gives the same draws.
#include "netlist/physical.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "io/csv.h"
#include "netlist/netlist.h"
#include "netlist/noise.h"
#include "network/network.h"

namespace cllnsim::netlist {
namespace {

// 3x3 open lattice (12 edges): inputs a (0,0), b (0,2); rail r (1,1); output y (2,2).
constexpr const char* kBase = R"({
  "seed": 7,
  "network": {
    "lattice": {"rows": 3, "cols": 3, "periodic": false},
    "inputs": [{"name": "a", "at": [0, 0]}, {"name": "b", "at": [0, 2]}],
    "rails": [{"name": "r", "at": [1, 1], "volts": 0.2}],
    "outputs": [{"name": "y", "plus": [2, 2]}],
    "edge": {"file": "../netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule"}
  }
})";

struct Built {
  config::Config config;
  network::Network network;
  EdgeDefinition edge;
  std::vector<std::string> lines;

  std::vector<std::string> Starting(const std::string& prefix) const {
    std::vector<std::string> found;
    for (const auto& line : lines) {
      if (line.rfind(prefix, 0) == 0) found.push_back(line);
    }
    return found;
  }
  std::vector<std::string> Words(const std::string& first) const {
    const auto found = Starting(first + " ");
    EXPECT_EQ(found.size(), 1u) << first;
    std::istringstream stream(found.empty() ? "" : found[0]);
    std::vector<std::string> words;
    for (std::string word; stream >> word;) words.push_back(word);
    return words;
  }
};

Built Build(const std::vector<config::Override>& settings) {
  Built b{
      config::parse(kBase, CLLNSIM_SOURCE_DIR "/configs/physical_test.json", settings), {}, {}, {}};
  b.network = network::Network::lattice(b.config.network);
  b.edge = read_edge_file(b.config.network.edge.file, b.config.network.edge.subckt);
  check_physical_support(b.config, b.edge);
  const std::vector<double> gates(b.network.edges().size(), 1.5);
  b.lines = generate(b.config, b.network, b.edge, gates).lines;
  return b;
}

std::string Node(const network::Network& n, int node, char copy) {
  return copy == 'f' ? free_node(n, node) : clamped_node(n, node);
}

TEST(PhysicalKnobs, AllOffLeavesTheNetlistAsWithoutTheSection) {
  EXPECT_EQ(Build({}).lines, Build({{"physical", "{}"}}).lines);
  EXPECT_EQ(Build({}).lines, Build({{"physical.mismatch.vth_sigma_v", "0"}}).lines);
}

TEST(PhysicalKnobs, WireOhmsPutsOneResistorInSeriesWithEachEdgeInEachCopy) {
  const Built b = Build({{"physical.wire_ohms", "250"}});
  EXPECT_EQ(b.Starting("rwire_").size(), 2 * b.network.edges().size());
  for (const auto& e : b.network.edges()) {
    const std::string id = std::to_string(e.index);
    EXPECT_EQ(b.Words("rwire_" + id + "_f"),
              (std::vector<std::string>{"rwire_" + id + "_f", Node(b.network, e.a, 'f'),
                                        "w" + id + "_f", "250"}));
    const auto instance = b.Words(edge_instance(e.index));
    EXPECT_EQ(instance[1], "w" + id + "_f");  // fa through the wire
    EXPECT_EQ(instance[2], Node(b.network, e.b, 'f'));
    EXPECT_EQ(instance[3], "w" + id + "_c");
  }
}

TEST(PhysicalKnobs, NodeCapacitanceOnEveryLatticeNodeOfBothCopies) {
  const Built b = Build({{"physical.node_capacitance_f", "2e-12"}});
  EXPECT_EQ(b.Starting("cnode_").size(), 2 * b.network.nodes().size());
  EXPECT_EQ(b.Words("cnode_f1_2"), (std::vector<std::string>{"cnode_f1_2", "f1_2", "0", "2e-12"}));
  EXPECT_EQ(b.Words("cnode_c0_0"), (std::vector<std::string>{"cnode_c0_0", "c0_0", "0", "2e-12"}));
}

TEST(PhysicalKnobs, CouplingJoinsFreeAndClampedCopiesOfUndrivenSitesOrTheListedOnes) {
  const Built all = Build({{"physical.free_clamped_coupling_f", "1e-13"}});
  EXPECT_EQ(all.Starting("ccouple_").size(), 9u - 3u);  // 9 sites, 2 inputs and 1 rail driven
  EXPECT_EQ(all.Words("ccouple_f2_2"),
            (std::vector<std::string>{"ccouple_f2_2", "f2_2", "c2_2", "1e-13"}));
  const Built listed =
      Build({{"physical.free_clamped_coupling_f", "1e-13"}, {"physical.coupling_at", "[[1, 0]]"}});
  EXPECT_EQ(listed.Starting("ccouple_").size(), 1u);
  EXPECT_EQ(listed.Words("ccouple_f1_0")[2], "c1_0");
}

TEST(PhysicalKnobs, InputAndLabelNoiseAreSeededSourcesUnderTheDrivenSources) {
  const Built b = Build({{"physical.noise.input_v", "0.01"},
                         {"physical.noise.label_v", "0.002"},
                         {"physical.noise.step_seconds", "2e-6"}});
  // One noise source per input, shared by the free and clamped copies; its samples come from
  // the driver (EXTERNAL), not from ngspice's unseeded trnoise.
  EXPECT_EQ(b.Words("vnoise_in_a"),
            (std::vector<std::string>{"vnoise_in_a", "noise_in_a", "0", "external"}));
  EXPECT_EQ(b.Words("vin_a_f"),
            (std::vector<std::string>{"vin_a_f", "f0_0", "noise_in_a", "external"}));
  EXPECT_EQ(b.Words("vin_a_c"),
            (std::vector<std::string>{"vin_a_c", "c0_0", "noise_in_a", "external"}));
  EXPECT_EQ(b.Words("vin_b_c")[2], "noise_in_b");
  EXPECT_EQ(b.Words("vnoise_label_y"),
            (std::vector<std::string>{"vnoise_label_y", "noise_label_y", "0", "external"}));
  EXPECT_EQ(b.Words("vlabel_y"),
            (std::vector<std::string>{"vlabel_y", "label_y", "noise_label_y", "external"}));
  // No source is ever written `dc 0 external` (it crashes libngspice 39), and no trnoise.
  for (const auto& line : b.lines) {
    EXPECT_EQ(line.find("dc 0 external"), std::string::npos);
    EXPECT_EQ(line.find("trnoise"), std::string::npos);
  }
}

TEST(PhysicalKnobs, UnsharedInputNoiseGivesEachCopyItsOwnSource) {
  const Built b =
      Build({{"physical.noise.input_v", "0.01"}, {"physical.noise.input_shared", "false"}});
  EXPECT_EQ(b.Words("vnoise_in_a_f")[1], "noise_in_a_f");
  EXPECT_EQ(b.Words("vnoise_in_a_c")[1], "noise_in_a_c");
  EXPECT_EQ(b.Words("vin_a_f")[2], "noise_in_a_f");
  EXPECT_EQ(b.Words("vin_a_c")[2], "noise_in_a_c");
  EXPECT_TRUE(b.Starting("vnoise_in_a ").empty());
}

TEST(PhysicalKnobs, EdgeAndLearningNoiseAreSeededCurrentSources) {
  const Built b = Build({{"physical.noise.edge_a", "1e-9"}, {"physical.noise.learn_a", "1e-12"}});
  EXPECT_EQ(b.Starting("inoise_").size(), 3 * b.network.edges().size());
  const auto& e = b.network.edges()[4];
  EXPECT_EQ(b.Words("inoise_4_c"),
            (std::vector<std::string>{"inoise_4_c", Node(b.network, e.a, 'c'),
                                      Node(b.network, e.b, 'c'), "external"}));
  EXPECT_EQ(b.Words("inoise_g4"), (std::vector<std::string>{"inoise_g4", "vss", "g4", "external"}));
  // The driver presents them: listed in netlist order after the driven sources.
  const Netlist netlist =
      generate(b.config, b.network, b.edge, std::vector<double>(b.network.edges().size(), 1.5));
  ASSERT_EQ(netlist.noise_sources.size(), 3 * b.network.edges().size());
  EXPECT_EQ(netlist.noise_sources.front().instance, "inoise_0_f");
  EXPECT_EQ(netlist.noise_sources.front().rms, 1e-9);
  EXPECT_EQ(netlist.noise_sources.back().instance,
            "inoise_g" + std::to_string(b.network.edges().size() - 1));
  EXPECT_EQ(netlist.noise_sources.back().rms, 1e-12);
  const std::vector<std::string> external = external_sources(netlist);
  ASSERT_EQ(external.size(), netlist.driven_sources.size() + netlist.noise_sources.size());
  EXPECT_EQ(external[netlist.driven_sources.size()], "inoise_0_f");
}

Replay QuietReplay(const Built& b, double stop, double max_step) {
  Replay replay;
  for (std::size_t i = 0; i < signal_names(b.config).size(); ++i) replay.signals.emplace_back(0.0);
  replay.stop = stop;
  replay.max_step = max_step;
  return replay;
}

// Noise breakpoints can make the last time point miss `stop`: a noisy replay runs one step on.
TEST(PhysicalKnobs, NoisyReplayRunsOneStepPastTheMeasurements) {
  const auto tran = [](const std::vector<config::Override>& settings) {
    const Built b = Build(settings);
    const std::vector<double> gates(b.network.edges().size(), 1.5);
    for (const auto& line :
         generate(b.config, b.network, b.edge, gates, QuietReplay(b, 1e-3, 5e-6)).lines) {
      if (line.rfind(".tran ", 0) == 0) return line;
    }
    return std::string();
  };
  EXPECT_EQ(tran({}), ".tran 5e-06 0.001 0 5e-06");
  EXPECT_EQ(tran({{"physical.noise.edge_a", "1e-9"}}), ".tran 5e-06 0.001005 0 5e-06");
}

// The (time, value) points of the PWL source `instance` in a replay netlist.
std::vector<std::pair<double, double>> PwlPoints(const std::vector<std::string>& lines,
                                                 const std::string& instance) {
  std::vector<std::pair<double, double>> points;
  bool inside = false;
  for (const auto& line : lines) {
    if (line.rfind(instance + " ", 0) == 0) {
      EXPECT_NE(line.find(" pwl("), std::string::npos) << line;
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (line == "+ )") break;
    std::istringstream words(line.substr(1));
    for (double t, v; words >> t >> v;) points.emplace_back(t, v);
  }
  return points;
}

// The exported netlist carries the very samples the in-process run presents: a PWL point at
// every sample time from 0 past the analysis' end, with the seeded values.
TEST(PhysicalKnobs, ReplayWritesTheSeededNoiseSamplesAsPwl) {
  const Built b = Build({{"physical.noise.input_v", "0.01"},
                         {"physical.noise.learn_a", "1e-12"},
                         {"physical.noise.step_seconds", "2e-6"}});
  const std::vector<double> gates(b.network.edges().size(), 1.5);
  const Netlist replayed = generate(b.config, b.network, b.edge, gates, QuietReplay(b, 1e-4, 5e-6));
  const Netlist live = generate(b.config, b.network, b.edge, gates);
  const NoiseField field(b.config.physical, live.noise_sources, NoiseRealization::training);
  ASSERT_EQ(replayed.noise_sources.size(), live.noise_sources.size());
  for (std::size_t s = 0; s < live.noise_sources.size(); ++s) {
    const auto points = PwlPoints(replayed.lines, live.noise_sources[s].instance);
    // 1e-4 + 5e-6 s at 2e-6 s per sample: samples 0..53 (53 * 2e-6 >= 1.05e-4).
    ASSERT_EQ(points.size(), 54u) << live.noise_sources[s].instance;
    for (std::size_t k = 0; k < points.size(); ++k) {
      EXPECT_EQ(points[k].first, noise_sample_time(k, 2e-6));
      EXPECT_EQ(points[k].second, field.value(s, points[k].first)) << k;
    }
    EXPECT_EQ(points[0].second, 0.0);
    EXPECT_NE(points[1].second, 0.0);
  }
}

TEST(SeededNoise, SamplesAreAPureFunctionOfSeedSourceAndIndex) {
  const NoiseSource source{"inoise_3_f", 1.0};
  const NoiseWaveform a(7, NoiseRealization::training, source, 1e-6);
  const NoiseWaveform again(7, NoiseRealization::training, source, 1e-6);
  const NoiseWaveform other_seed(8, NoiseRealization::training, source, 1e-6);
  const NoiseWaveform other_source(7, NoiseRealization::training, {"inoise_4_f", 1.0}, 1e-6);
  const NoiseWaveform inference(7, NoiseRealization::inference, source, 1e-6);
  EXPECT_EQ(a.sample(0), 0.0);
  std::size_t equal_other = 0;
  // Asked in any order (ngspice steps back after a rejected step), the same values.
  for (std::uint64_t k : {5, 1, 1000000, 2, 5, 3}) {
    EXPECT_EQ(a.sample(k), again.sample(k));
    equal_other += a.sample(k) == other_seed.sample(k) || a.sample(k) == other_source.sample(k) ||
                   a.sample(k) == inference.sample(k);
  }
  EXPECT_EQ(equal_other, 0u);
  // Linear between samples, as trnoise; the cache of the last interval changes nothing.
  const double t = 3.25e-6;
  const double expected = a.sample(3) + 0.25 * (a.sample(4) - a.sample(3));
  EXPECT_NEAR(a.at(t), expected, 1e-12);
  EXPECT_EQ(a.at(1.5e-6), again.at(1.5e-6));
  EXPECT_EQ(a.at(t), again.at(t));
  EXPECT_EQ(a.at(0.0), 0.0);
  EXPECT_EQ(a.at(-1.0), 0.0);
  EXPECT_NEAR(a.at(noise_sample_time(4, 1e-6)), a.sample(4), 1e-12);
}

// The statistics trnoise has: rms as asked, zero mean, white (independent samples), and two
// sources independent of each other.
TEST(SeededNoise, SamplesHaveTheAskedRmsAndAreWhiteAndIndependent) {
  constexpr std::uint64_t kSamples = 200000;
  const NoiseWaveform a(42, NoiseRealization::training, {"vnoise_in_x1", 0.005}, 1e-6);
  const NoiseWaveform b(42, NoiseRealization::training, {"vnoise_in_x2", 0.005}, 1e-6);
  double sum = 0, squares = 0, lag1 = 0, cross = 0, fourth = 0;
  for (std::uint64_t k = 1; k <= kSamples; ++k) {
    const double x = a.sample(k) / 0.005;
    sum += x;
    squares += x * x;
    fourth += x * x * x * x;
    lag1 += x * a.sample(k + 1) / 0.005;
    cross += x * b.sample(k) / 0.005;
  }
  const double n = static_cast<double>(kSamples);
  // Standard errors: mean 1/sqrt(n) = 0.0022, variance sqrt(2/n) = 0.0032, correlations 0.0022.
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(squares / n, 1.0, 0.015);
  EXPECT_NEAR(fourth / n, 3.0, 0.1);  // Gaussian kurtosis
  EXPECT_NEAR(lag1 / n, 0.0, 0.01);
  EXPECT_NEAR(cross / n, 0.0, 0.01);
}

TEST(SeededNoise, SampleTimesForBreakpointsAndPwl) {
  EXPECT_EQ(next_noise_sample_after(0.0, 1e-6), 1e-6);
  EXPECT_EQ(next_noise_sample_after(-1.0, 1e-6), 0.0);
  EXPECT_EQ(next_noise_sample_after(noise_sample_time(3, 1e-6), 1e-6), noise_sample_time(4, 1e-6));
  EXPECT_EQ(next_noise_sample_after(3.5e-6, 1e-6), noise_sample_time(4, 1e-6));
  EXPECT_EQ(noise_samples_to_cover(0.0, 1e-6), 0u);
  EXPECT_EQ(noise_samples_to_cover(3.5e-6, 1e-6), 4u);
  EXPECT_EQ(noise_samples_to_cover(noise_sample_time(3, 1e-6), 1e-6), 3u);
  const NoiseField none(config::Physical{}, {}, NoiseRealization::training);
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(std::isinf(none.next_sample_after(0.0)));
}

TEST(PhysicalKnobs, TemperatureAndGateLeak) {
  const Built b = Build({{"physical.temperature_c", "55"}, {"physical.gate_leak_ohms", "1e10"}});
  EXPECT_EQ(b.Starting(".options temp=55").size(), 1u);
  EXPECT_EQ(b.Starting("rgleak_").size(), b.network.edges().size());
  EXPECT_EQ(b.Words("rgleak_g3"), (std::vector<std::string>{"rgleak_g3", "g3", "vss", "1e+10"}));
}

// The model card of one device in the netlist, as key -> value.
std::map<std::string, std::string> Card(const Built& b, const std::string& name) {
  const auto found = b.Starting(".model " + name + " ");
  EXPECT_EQ(found.size(), 1u) << name;
  std::istringstream stream(found.empty() ? "" : found[0]);
  std::map<std::string, std::string> card;
  for (std::string word; stream >> word;) {
    const auto eq = word.find('=');
    if (eq != std::string::npos) card[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return card;
}

TEST(PhysicalKnobs, MismatchGivesEveryTransistorItsOwnShiftedModelCard) {
  const Built b =
      Build({{"physical.mismatch.vth_sigma_v", "0.03"}, {"physical.mismatch.kp_sigma_rel", "0.1"}});
  const PhysicalDraws draws = draw_physical(b.config.physical, b.network.edges().size());
  ASSERT_EQ(draws.free_device.size(), b.network.edges().size());
  for (const auto& e : b.network.edges()) {
    const auto i = static_cast<std::size_t>(e.index);
    const std::string id = std::to_string(e.index);
    const auto free_card = Card(b, "cl_mm_e" + id + "f_ald1106");
    const auto clamped_card = Card(b, "cl_mm_e" + id + "c_ald1106");
    EXPECT_DOUBLE_EQ(std::stod(free_card.at("vto")), 0.72 + draws.free_device[i].vth_volts);
    EXPECT_DOUBLE_EQ(std::stod(clamped_card.at("vto")), 0.72 + draws.clamped_device[i].vth_volts);
    EXPECT_DOUBLE_EQ(std::stod(free_card.at("kp")), 62.5e-6 * draws.free_device[i].kp_scale);
    EXPECT_EQ(free_card.at("gamma"), "1.09");  // the rest of the card is kept
    EXPECT_NE(draws.free_device[i].vth_volts, draws.clamped_device[i].vth_volts);
    const auto instance = b.Words(edge_instance(e.index));
    EXPECT_EQ(instance[10], "cl_nmos_rule_mm" + id);
    EXPECT_EQ(b.Starting(".subckt cl_nmos_rule_mm" + id + " ").size(), 1u);
    EXPECT_EQ(b.Starting("Mfree fa g fb 0 cl_mm_e" + id + "f_ald1106 ").size(), 1u);
    EXPECT_EQ(b.Starting("Mclamp ca g cb 0 cl_mm_e" + id + "c_ald1106 ").size(), 1u);
  }
}

TEST(PhysicalKnobs, MismatchDrawsHaveTheRequestedSpread) {
  config::Physical physical;
  physical.seed = 11;
  physical.mismatch = {0.05, 0.2};
  const PhysicalDraws draws = draw_physical(physical, 20000);
  double sum = 0, squares = 0, gain_squares = 0;
  for (const auto& device : draws.free_device) {
    sum += device.vth_volts;
    squares += device.vth_volts * device.vth_volts;
    gain_squares += (device.kp_scale - 1) * (device.kp_scale - 1);
  }
  const double n = static_cast<double>(draws.free_device.size());
  EXPECT_NEAR(sum / n, 0.0, 0.002);
  EXPECT_NEAR(std::sqrt(squares / n), 0.05, 0.0015);
  EXPECT_NEAR(std::sqrt(gain_squares / n), 0.2, 0.006);
}

// twin_correlation: each device keeps its spread, the twins differ by sigma sqrt(2 (1 - rho)),
// and rho = 0 leaves the independent draws exactly as they were.
TEST(PhysicalKnobs, TwinCorrelationShrinksOnlyTheDifferenceBetweenTwins) {
  config::Physical physical;
  physical.seed = 11;
  physical.mismatch = {0.05, 0.2};
  const PhysicalDraws independent = draw_physical(physical, 20000);
  physical.mismatch.twin_correlation = 0.9;
  const PhysicalDraws matched = draw_physical(physical, 20000);
  double clamped_squares = 0, difference_squares = 0, gain_difference_squares = 0;
  for (std::size_t e = 0; e < matched.free_device.size(); ++e) {
    EXPECT_EQ(matched.free_device[e].vth_volts, independent.free_device[e].vth_volts);
    const double d = matched.clamped_device[e].vth_volts - matched.free_device[e].vth_volts;
    const double g = matched.clamped_device[e].kp_scale - matched.free_device[e].kp_scale;
    clamped_squares += matched.clamped_device[e].vth_volts * matched.clamped_device[e].vth_volts;
    difference_squares += d * d;
    gain_difference_squares += g * g;
  }
  const double n = static_cast<double>(matched.free_device.size());
  EXPECT_NEAR(std::sqrt(clamped_squares / n), 0.05, 0.0015);
  EXPECT_NEAR(std::sqrt(difference_squares / n), 0.05 * std::sqrt(0.2), 0.0015);
  EXPECT_NEAR(std::sqrt(gain_difference_squares / n), 0.2 * std::sqrt(0.2), 0.006);

  physical.mismatch.twin_correlation = 0.0;
  const PhysicalDraws again = draw_physical(physical, 20000);
  for (std::size_t e = 0; e < again.clamped_device.size(); ++e) {
    EXPECT_EQ(again.clamped_device[e].vth_volts, independent.clamped_device[e].vth_volts);
    EXPECT_EQ(again.clamped_device[e].kp_scale, independent.clamped_device[e].kp_scale);
  }
  physical.mismatch.twin_correlation = 1.0;
  const PhysicalDraws twins = draw_physical(physical, 50);
  for (std::size_t e = 0; e < twins.free_device.size(); ++e) {
    EXPECT_EQ(twins.clamped_device[e].vth_volts, twins.free_device[e].vth_volts);
    EXPECT_NEAR(twins.clamped_device[e].kp_scale, twins.free_device[e].kp_scale, 1e-15);
  }
}

TEST(PhysicalKnobs, SameSeedSameDrawsAndNetlistOtherSeedOthers) {
  const std::vector<config::Override> knobs{{"physical.mismatch.vth_sigma_v", "0.03"},
                                            {"physical.damage.fraction", "0.25"},
                                            {"physical.learning_offset.sigma", "0.001"}};
  auto with_seed = knobs;
  with_seed.push_back({"physical.seed", "99"});
  EXPECT_EQ(Build(knobs).lines, Build(knobs).lines);
  EXPECT_NE(Build(knobs).lines, Build(with_seed).lines);
  const Built b = Build(knobs);
  EXPECT_EQ(b.config.physical.seed, 7u);  // defaults to the run's seed
  const auto first = draw_physical(b.config.physical, 12);
  const auto second = draw_physical(b.config.physical, 12);
  EXPECT_EQ(first.damaged, second.damaged);
  EXPECT_EQ(first.learning_offset, second.learning_offset);
  // One knob's draws do not depend on another knob being on.
  config::Physical only_offset = b.config.physical;
  only_offset.mismatch = {};
  only_offset.damage = {};
  EXPECT_EQ(draw_physical(only_offset, 12).learning_offset, first.learning_offset);
}

TEST(PhysicalKnobs, LearningOffsetIsAnEdgeParameterDrawnPerEdge) {
  const Built b = Build({{"physical.learning_offset.sigma", "0.002"}});
  const auto draws = draw_physical(b.config.physical, b.network.edges().size());
  for (const auto& e : b.network.edges()) {
    const auto words = b.Words(edge_instance(e.index));
    EXPECT_EQ(
        words.back(),
        "coffset=" + io::format_number(draws.learning_offset[static_cast<std::size_t>(e.index)]));
  }
  EXPECT_THROW(Build({{"physical.learning_offset.sigma", "0.002"},
                      {"physical.learning_offset.param", "nosuch"}}),
               Error);
}

TEST(PhysicalKnobs, DamageOpenCutsAnEdgeShortBridgesIt) {
  const Built open = Build({{"physical.damage.edges", "[2, 5]"}});
  for (int index : {2, 5}) {
    const auto words = open.Words(edge_instance(index));
    const auto& e = open.network.edges()[static_cast<std::size_t>(index)];
    EXPECT_EQ(words[1], Node(open.network, e.a, 'f'));
    EXPECT_EQ(words[2], Node(open.network, e.a, 'f'));  // both terminals on the a end
    EXPECT_EQ(words[4], Node(open.network, e.a, 'c'));
  }
  EXPECT_EQ(open.Words(edge_instance(3))[2], Node(open.network, open.network.edges()[3].b, 'f'));
  const Built shorted = Build({{"physical.damage.edges", "[2]"},
                               {"physical.damage.mode", "\"short\""},
                               {"physical.damage.short_ohms", "5"}});
  const auto& e = shorted.network.edges()[2];
  EXPECT_EQ(shorted.Words("rshort_2_f"),
            (std::vector<std::string>{"rshort_2_f", Node(shorted.network, e.a, 'f'),
                                      Node(shorted.network, e.b, 'f'), "5"}));
  EXPECT_EQ(shorted.Starting("rshort_").size(), 2u);
}

TEST(PhysicalKnobs, DamageFractionCutsThatManyEdgesAndMoreIncludesLess) {
  config::Physical physical;
  physical.seed = 3;
  physical.damage.fraction = 0.25;
  const auto quarter = draw_physical(physical, 12).damaged;
  physical.damage.fraction = 0.5;
  const auto half = draw_physical(physical, 12).damaged;
  EXPECT_EQ(std::count(quarter.begin(), quarter.end(), true), 3);
  EXPECT_EQ(std::count(half.begin(), half.end(), true), 6);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_TRUE(!quarter[i] || half[i]);
}

TEST(PhysicalKnobs, BadValuesNameTheirPath) {
  try {
    Build({{"physical.damage.edges", "[12]"}});
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("physical.damage.edges[0]"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("the lattice has 12 edges"), std::string::npos);
  }
  EXPECT_THROW(Build({{"physical.mismatch.vth_sigma", "0.1"}}), Error);
  EXPECT_THROW(Build({{"physical.damage.fraction", "1.5"}}), Error);
  EXPECT_THROW(Build({{"physical.damage.mode", "\"melted\""}}), Error);
}

}  // namespace
}  // namespace cllnsim::netlist
