#include "netlist/netlist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "netlist/edge_file.h"
#include "netlist/waveform.h"
#include "network/network.h"

namespace cllnsim::netlist {
namespace {

// 4x4 periodic; x1 (0,0), x2 (2,2); rails (1,1), (3,3); ground (1,3); differential output
// out = (0,2) - (2,0). Hidden: the other 9 sites.
constexpr const char* kDifferential = R"({
  "name": "nettest", "seed": 3,
  "network": {
    "lattice": {"rows": 4, "cols": 4, "periodic": true},
    "inputs": [{"name": "x1", "at": [0, 0]}, {"name": "x2", "at": [2, 2]}],
    "rails": [{"name": "rlow", "at": [1, 1], "volts": 0.11},
              {"name": "rhigh", "at": [3, 3], "volts": -0.33}],
    "ground": [[1, 3]],
    "outputs": [{"name": "out", "plus": [0, 2], "minus": [2, 0]}],
    "edge": {"file": "../netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule",
             "params": {"gl": 2e-3, "cg": 4e-9}},
    "supply": {"vdd": 3.3, "vss": -0.5},
    "node_leak_ohms": 2e7
  },
  "training": {"eta": 0.5},
  "simulator": {"options": {"reltol": 1e-4}}
})";

// 3x3 open, single-ended output y at (2,2), eta 0.3, no rails or ground.
constexpr const char* kSingleEnded = R"({
  "seed": 1,
  "network": {
    "lattice": {"rows": 3, "cols": 3, "periodic": false},
    "inputs": [{"name": "a", "at": [0, 0]}, {"name": "b", "at": [0, 2]}],
    "outputs": [{"name": "y", "plus": [2, 2]}],
    "edge": {"file": "../netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule"}
  },
  "training": {"eta": 0.3}
})";

std::vector<std::string> Words(const std::string& line) {
  std::istringstream stream(line);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

struct Generated {
  config::Config config;
  network::Network network;
  EdgeDefinition edge;
  std::vector<double> gates;
  Netlist netlist;

  // The one line whose first word is `first`; fails the test if there is not exactly one.
  std::string Line(const std::string& first) const {
    std::vector<std::string> found;
    for (const std::string& line : netlist.lines) {
      const auto words = Words(line);
      if (!words.empty() && words[0] == first) found.push_back(line);
    }
    EXPECT_EQ(found.size(), 1u) << "lines starting with " << first;
    return found.empty() ? "" : found[0];
  }
  bool HasLineStarting(const std::string& first) const {
    return std::any_of(netlist.lines.begin(), netlist.lines.end(),
                       [&](const std::string& line) { return StartsWith(line, first + " "); });
  }
  int CountStarting(const std::string& prefix) const {
    return static_cast<int>(
        std::count_if(netlist.lines.begin(), netlist.lines.end(),
                      [&](const std::string& line) { return StartsWith(line, prefix); }));
  }
};

Generated Generate(const char* json, const std::optional<Replay>& replay = std::nullopt) {
  Generated g{config::parse(json, CLLNSIM_SOURCE_DIR "/configs/netlist_test.json"), {}, {}, {}, {}};
  g.network = network::Network::lattice(g.config.network);
  g.edge = read_edge_file(g.config.network.edge.file, g.config.network.edge.subckt);
  for (std::size_t e = 0; e < g.network.edges().size(); ++e) g.gates.push_back(1.5 + 0.0625 * e);
  g.netlist = generate(g.config, g.network, g.edge, g.gates, replay);
  return g;
}

std::string Site(char copy, const config::GridPos& at) {
  return std::string(1, copy) + std::to_string(at.row) + "_" + std::to_string(at.col);
}

// --- Waveform ---

TEST(Waveform, StartsWithOneCornerAtTimeZero) {
  const Waveform wave(0.7);
  EXPECT_EQ(wave.times(), std::vector<double>{0.0});
  EXPECT_EQ(wave.values(), std::vector<double>{0.7});
  EXPECT_EQ(wave.at(5.0), 0.7);
}

TEST(Waveform, RampToAddsHoldCornerThenTarget) {
  Waveform wave(0.0);
  wave.ramp_to(1.0, 2.0, 5.0);
  EXPECT_EQ(wave.times(), (std::vector<double>{0.0, 1.0, 2.0}));
  EXPECT_EQ(wave.values(), (std::vector<double>{0.0, 0.0, 5.0}));
}

TEST(Waveform, RampStartingAtLastCornerAddsOnlyTheEnd) {
  Waveform wave(0.0);
  wave.ramp_to(1.0, 2.0, 5.0);
  wave.ramp_to(2.0, 4.0, 1.0);
  EXPECT_EQ(wave.times(), (std::vector<double>{0.0, 1.0, 2.0, 4.0}));
  EXPECT_EQ(wave.values(), (std::vector<double>{0.0, 0.0, 5.0, 1.0}));
}

TEST(Waveform, AtInterpolatesAndHoldsBeforeAndAfter) {
  Waveform wave(1.0);
  wave.ramp_to(1.0, 2.0, 5.0);
  wave.ramp_to(3.0, 7.0, -3.0);
  EXPECT_DOUBLE_EQ(wave.at(-1.0), 1.0);
  EXPECT_DOUBLE_EQ(wave.at(0.5), 1.0);
  EXPECT_DOUBLE_EQ(wave.at(1.0), 1.0);
  EXPECT_DOUBLE_EQ(wave.at(1.25), 2.0);
  EXPECT_DOUBLE_EQ(wave.at(2.0), 5.0);
  EXPECT_DOUBLE_EQ(wave.at(2.5), 5.0);
  EXPECT_DOUBLE_EQ(wave.at(4.0), 3.0);
  EXPECT_DOUBLE_EQ(wave.at(7.0), -3.0);
  EXPECT_DOUBLE_EQ(wave.at(100.0), -3.0);
}

TEST(Waveform, RampToHeldValueAddsNothing) {
  Waveform wave(2.0);
  wave.ramp_to(1.0, 2.0, 2.0);
  EXPECT_EQ(wave.times().size(), 1u);
  wave.ramp_to(3.0, 4.0, 1.0);
  wave.ramp_to(5.0, 6.0, 1.0);
  EXPECT_EQ(wave.times(), (std::vector<double>{0.0, 3.0, 4.0}));
}

TEST(Waveform, OutOfOrderOrInstantRampsThrow) {
  Waveform wave(0.0);
  wave.ramp_to(1.0, 2.0, 5.0);
  EXPECT_THROW(wave.ramp_to(1.5, 3.0, 1.0), std::logic_error);  // starts before the last corner
  EXPECT_THROW(wave.ramp_to(3.0, 3.0, 1.0), std::logic_error);  // takes no time
  EXPECT_THROW(wave.ramp_to(4.0, 3.0, 1.0), std::logic_error);  // ends before it starts
  EXPECT_EQ(wave.times().size(), 3u);
}

// --- Netlist ---

TEST(NetlistNames, NodeAndInstanceNames) {
  const Generated g = Generate(kDifferential);
  EXPECT_EQ(free_node(g.network, g.network.node_at({2, 3}).index), "f2_3");
  EXPECT_EQ(clamped_node(g.network, g.network.node_at({2, 3}).index), "c2_3");
  EXPECT_EQ(free_node(g.network, g.network.node_at({1, 3}).index), "0");  // ground
  EXPECT_EQ(clamped_node(g.network, g.network.node_at({1, 3}).index), "0");
  EXPECT_EQ(gate_node(7), "g7");
  EXPECT_EQ(edge_instance(7), "xe7");
}

TEST(NetlistNames, SignalNamesAreInputsLabelsThenLearnAndPolarity) {
  const Generated g = Generate(kDifferential);
  EXPECT_EQ(signal_names(g.config),
            (std::vector<std::string>{"x1", "x2", "label_out", "learn", "polarity"}));
}

TEST(NetlistText, TitleAndOptionsFirst) {
  const Generated g = Generate(kDifferential);
  ASSERT_FALSE(g.netlist.lines.empty());
  EXPECT_TRUE(StartsWith(g.netlist.lines[0], "* cllnsim")) << g.netlist.lines[0];
  EXPECT_NE(g.netlist.lines[0].find("nettest"), std::string::npos);
  const auto options = Words(g.Line(".options"));
  ASSERT_EQ(options.size(), 2u);
  ASSERT_TRUE(StartsWith(options[1], "reltol="));
  EXPECT_DOUBLE_EQ(std::stod(options[1].substr(7)), 1e-4);
  EXPECT_EQ(g.netlist.lines.back(), ".end");
}

TEST(NetlistText, OneInstancePerEdgeWithPortsInInterfaceOrderAndParams) {
  const Generated g = Generate(kDifferential);
  EXPECT_EQ(g.CountStarting("xe"), 32);
  for (const network::Edge& e : g.network.edges()) {
    const std::string inst = edge_instance(e.index);
    const auto words = Words(g.Line(inst));
    const std::string fa = free_node(g.network, e.a), fb = free_node(g.network, e.b);
    const std::string ca = clamped_node(g.network, e.a), cb = clamped_node(g.network, e.b);
    const std::vector<std::string> expected = {
        inst,          fa, fb, ca, cb, gate_node(e.index), "learn", "vdd", "vss", "polarity",
        "cl_nmos_rule"};
    ASSERT_EQ(words.size(), expected.size() + 2) << inst;
    EXPECT_EQ(std::vector<std::string>(words.begin(), words.begin() + 11), expected);
    std::map<std::string, double> params;
    for (std::size_t i = 11; i < words.size(); ++i) {
      const auto eq = words[i].find('=');
      ASSERT_NE(eq, std::string::npos) << words[i];
      params[words[i].substr(0, eq)] = std::stod(words[i].substr(eq + 1));
    }
    EXPECT_EQ(params, (std::map<std::string, double>{{"cg", 4e-9}, {"gl", 2e-3}}));
  }
}

TEST(NetlistText, EdgeZeroJoinsSitesByName) {
  const Generated g = Generate(kDifferential);
  // Edge 0 joins (0,0) and its right neighbour (0,1).
  EXPECT_EQ(g.Line("xe0"),
            "xe0 f0_0 f0_1 c0_0 c0_1 g0 learn vdd vss polarity cl_nmos_rule cg=4e-09 gl=0.002");
}

TEST(NetlistText, GroundSitesAreNodeZeroInBothCopies) {
  const Generated g = Generate(kDifferential);
  int touching = 0;
  for (const network::Edge& e : g.network.edges()) {
    const auto words = Words(g.Line(edge_instance(e.index)));
    const bool a_ground =
        g.network.nodes()[static_cast<std::size_t>(e.a)].at == config::GridPos{1, 3};
    const bool b_ground =
        g.network.nodes()[static_cast<std::size_t>(e.b)].at == config::GridPos{1, 3};
    if (!a_ground && !b_ground) continue;
    ++touching;
    EXPECT_EQ(words[a_ground ? 1 : 2], "0") << words[0];
    EXPECT_EQ(words[a_ground ? 3 : 4], "0") << words[0];
  }
  EXPECT_EQ(touching, 4);
  for (const std::string& line : g.netlist.lines) {
    for (const std::string& word : Words(line)) {
      EXPECT_EQ(word.find("f1_3"), std::string::npos) << line;
      EXPECT_EQ(word.find("c1_3"), std::string::npos) << line;
    }
  }
}

TEST(NetlistText, ExternalSourcesHaveNoDcValue) {
  const Generated g = Generate(kDifferential);
  // `Vx n 0 dc 0 external` segfaults libngspice at tran.
  const std::regex dc_external(R"(\bdc\s+[-+0-9.eE]+\s+external)", std::regex::icase);
  int external = 0;
  for (const std::string& line : g.netlist.lines) {
    EXPECT_FALSE(std::regex_search(line, dc_external)) << line;
    const auto words = Words(line);
    if (words.empty() || words[0][0] == '*') continue;
    const std::string lower = [&] {
      std::string text = line;
      std::transform(text.begin(), text.end(), text.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return text;
    }();
    if (lower.find("external") == std::string::npos) continue;
    ++external;
    EXPECT_EQ(words.size(), 4u) << line;
    EXPECT_EQ(words.back(), "external") << line;
    EXPECT_EQ(words[2], "0") << line;
  }
  EXPECT_EQ(external, 7);  // learn, polarity, 2 inputs x 2 copies, 1 label
  EXPECT_EQ(g.netlist.driven_sources.size(), 7u);
}

TEST(NetlistText, InputsDrivenInBothCopies) {
  const Generated g = Generate(kDifferential);
  EXPECT_EQ(g.Line("vin_x1_f"), "vin_x1_f f0_0 0 external");
  EXPECT_EQ(g.Line("vin_x1_c"), "vin_x1_c c0_0 0 external");
  EXPECT_EQ(g.Line("vin_x2_f"), "vin_x2_f f2_2 0 external");
  EXPECT_EQ(g.Line("vin_x2_c"), "vin_x2_c c2_2 0 external");
  EXPECT_EQ(g.Line("vlearn"), "vlearn learn 0 external");
  EXPECT_EQ(g.Line("vlabel_out"), "vlabel_out label_out 0 external");
}

TEST(NetlistText, RailsAndVddAreDcSourcesInBothCopies) {
  const Generated g = Generate(kDifferential);
  EXPECT_EQ(g.Line("vrail_rlow_f"), "vrail_rlow_f f1_1 0 0.11");
  EXPECT_EQ(g.Line("vrail_rlow_c"), "vrail_rlow_c c1_1 0 0.11");
  EXPECT_EQ(g.Line("vrail_rhigh_f"), "vrail_rhigh_f f3_3 0 -0.33");
  EXPECT_EQ(g.Line("vrail_rhigh_c"), "vrail_rhigh_c c3_3 0 -0.33");
  EXPECT_EQ(g.Line("vsupply_vdd"), "vsupply_vdd vdd 0 3.3");
}

// With simulator.solver "klu", vss is no ideal source: every gate capacitor returns to it, and an
// ideal source's branch current (all their currents) fails its convergence test once the step is
// cut ("Timestep too small"). At 0 V the edges' vss port is ground itself; otherwise a stiff
// Norton source (V/R into the rail across R = 1 mOhm). With "sparse" it stays an ideal source.
TEST(NetlistText, WithKluVssIsGroundAtZeroVoltsAndANortonSourceOtherwise) {
  EXPECT_EQ(Generate(kDifferential).Line("vsupply_vss"), "vsupply_vss vss 0 -0.5");
  EXPECT_EQ(Generate(kSingleEnded).Line("vsupply_vss"), "vsupply_vss vss 0 0");

  std::string klu = kDifferential;  // vss -0.5 V
  const std::string simulator = R"("simulator": {)";
  klu.insert(klu.find(simulator) + simulator.size(), R"("solver": "klu", )");
  const Generated g = Generate(klu.c_str());
  EXPECT_EQ(g.Line("isupply_vss"), "isupply_vss 0 vss -500");
  EXPECT_EQ(g.Line("rsupply_vss"), "rsupply_vss vss 0 0.001");
  EXPECT_FALSE(g.HasLineStarting("vsupply_vss"));
  EXPECT_EQ(g.CountStarting(".options klu"), 1);
  EXPECT_EQ(g.CountStarting(".options rshunt=1e12"), 1);  // see netlist.cpp
  EXPECT_FALSE(Generate(kDifferential).HasLineStarting(".options rshunt"));

  std::string klu_zero = kSingleEnded;  // vss 0 V (the default)
  klu_zero.replace(klu_zero.rfind('}'), 1, R"(, "simulator": {"solver": "klu"}})");
  const Generated zero = Generate(klu_zero.c_str());
  EXPECT_FALSE(zero.HasLineStarting("vsupply_vss"));
  EXPECT_FALSE(zero.HasLineStarting("isupply_vss"));
  const auto words = Words(zero.Line("xe0"));
  ASSERT_GE(words.size(), 9u);
  EXPECT_EQ(std::vector<std::string>(words.begin() + 6, words.begin() + 9),
            (std::vector<std::string>{"learn", "vdd", "0"}));
}

TEST(NetlistText, DrivenSourcesListSignalIndices) {
  const Generated g = Generate(kDifferential);
  std::map<std::string, std::size_t> driven;
  for (const DrivenSource& source : g.netlist.driven_sources) {
    EXPECT_TRUE(driven.emplace(source.instance, source.signal).second) << source.instance;
    EXPECT_TRUE(g.HasLineStarting(source.instance)) << source.instance;
  }
  const std::map<std::string, std::size_t> expected = {
      {"vin_x1_f", 0},   {"vin_x1_c", 0}, {"vin_x2_f", 1}, {"vin_x2_c", 1},
      {"vlabel_out", 2}, {"vlearn", 3},   {"vpolarity", 4}};
  EXPECT_EQ(driven, expected);
}

// An input whose name equals another signal's ("learn", "label_<output>") must either be
// rejected by the config or still leave every source on its own signal.
std::map<std::string, std::size_t> DrivenSignalsOrRejected(const std::string& inputs) {
  const std::string json = R"({"seed": 1, "network": {
    "lattice": {"rows": 3, "cols": 3, "periodic": false}, "inputs": )" +
                           inputs + R"(, "outputs": [{"name": "out", "plus": [2, 2]}],
    "edge": {"file": "../netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule"}}})";
  config::Config config;
  try {
    config = config::parse(json, CLLNSIM_SOURCE_DIR "/configs/netlist_test.json");
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::bad_input);
    return {};  // rejected: fine
  }
  const network::Network network = network::Network::lattice(config.network);
  const EdgeDefinition edge = read_edge_file(config.network.edge.file, config.network.edge.subckt);
  const Netlist netlist =
      generate(config, network, edge, std::vector<double>(network.edges().size(), 2.0));
  std::map<std::string, std::size_t> driven;
  for (const DrivenSource& source : netlist.driven_sources) driven[source.instance] = source.signal;
  return driven;
}

TEST(NetlistText, InputNamedLearnDoesNotDriveTheLearnSource) {
  const auto driven =
      DrivenSignalsOrRejected(R"([{"name": "learn", "at": [0, 0]}, {"name": "x2", "at": [0, 2]}])");
  ASSERT_FALSE(driven.empty());
  EXPECT_EQ(driven.at("vin_learn_f"), 0u);
  EXPECT_EQ(driven.at("vlearn"), 3u);  // signals: learn(input), x2, label_out, learn
}

TEST(NetlistText, InputNamedLikeALabelDoesNotDriveTheLabelSource) {
  const auto driven = DrivenSignalsOrRejected(
      R"([{"name": "label_out", "at": [0, 0]}, {"name": "x2", "at": [0, 2]}])");
  ASSERT_FALSE(driven.empty());
  EXPECT_EQ(driven.at("vin_label_out_f"), 0u);
  EXPECT_EQ(driven.at("vlabel_out"), 2u);  // signals: label_out(input), x2, label_out, learn, ...
}

TEST(NetlistText, DifferentialClampMovesEachHalfByHalfEtaOfTheError) {
  const Generated g = Generate(kDifferential);
  // V+_C = V+_F + (eta/2)(L - (V+_F - V-_F)),  V-_C = V-_F - (eta/2)(...), eta = 0.5.
  const std::string nudge = "0.25 * (V(label_out) - (V(f0_2) - V(f2_0)))";
  EXPECT_EQ(g.Line("bclamp_out_p"), "bclamp_out_p c0_2 0 V = V(f0_2) + " + nudge);
  EXPECT_EQ(g.Line("bclamp_out_m"), "bclamp_out_m c2_0 0 V = V(f2_0) - " + nudge);
  EXPECT_EQ(g.CountStarting("bclamp"), 2);
}

// The symmetric nudge: the polarity line (vss normal, vdd reversed; supply 3.3 / -0.5 V) sets
// the clamp stage's sign, and every edge gets it as its ninth port.
TEST(NetlistText, SymmetricNudgeSignFollowsThePolarityLine) {
  std::string json = kDifferential;
  const std::string training = R"("training": {"eta": 0.5})";
  ASSERT_NE(json.find(training), std::string::npos);
  json.replace(json.find(training), training.size(),
               R"("training": {"eta": 0.5, "nudge": "symmetric"})");
  const Generated g = Generate(json.c_str());
  const std::string nudge =
      "0.25 * (V(label_out) - (V(f0_2) - V(f2_0))) * (1 - 2 * (V(polarity) - -0.5) / 3.8)";
  EXPECT_EQ(g.Line("bclamp_out_p"), "bclamp_out_p c0_2 0 V = V(f0_2) + " + nudge);
  EXPECT_EQ(g.Line("bclamp_out_m"), "bclamp_out_m c2_0 0 V = V(f2_0) - " + nudge);
  EXPECT_EQ(g.Line("vpolarity"), "vpolarity polarity 0 external");
  EXPECT_EQ(Words(g.Line("xe0")).at(9), "polarity");
}

// The dead zone: the stage amplifies the soft hinge e - m tanh(e / m) of the error.
TEST(NetlistText, NudgeDeadZoneShapesTheErrorTheStageAmplifies) {
  std::string json = kDifferential;
  const std::string training = R"("training": {"eta": 0.5})";
  ASSERT_NE(json.find(training), std::string::npos);
  json.replace(json.find(training), training.size(),
               R"("training": {"eta": 0.5, "nudge_deadzone_v": 0.02})");
  const Generated g = Generate(json.c_str());
  const std::string error = "(V(label_out) - (V(f0_2) - V(f2_0)))";
  const std::string nudge = "0.25 * (" + error + " - 0.02 * tanh(" + error + " / 0.02))";
  EXPECT_EQ(g.Line("bclamp_out_p"), "bclamp_out_p c0_2 0 V = V(f0_2) + " + nudge);
  EXPECT_EQ(g.Line("bclamp_out_m"), "bclamp_out_m c2_0 0 V = V(f2_0) - " + nudge);
}

TEST(NetlistText, SingleEndedClampIsFreeOutputPlusEtaTimesError) {
  const Generated g = Generate(kSingleEnded);
  EXPECT_EQ(g.Line("bclamp_y"), "bclamp_y c2_2 0 V = V(f2_2) + 0.3 * (V(label_y) - V(f2_2))");
  EXPECT_EQ(g.CountStarting("bclamp"), 1);
  EXPECT_EQ(g.Line("vlabel_y"), "vlabel_y label_y 0 external");
  EXPECT_EQ(g.CountStarting("xe"), 12);  // open 3x3: 3*2 + 2*3
}

TEST(NetlistText, LeaksOnHiddenNodesBothCopiesAndFreeOutputsOnly) {
  const Generated g = Generate(kDifferential);
  std::map<std::string, std::string> leaks;  // node -> instance line
  for (const std::string& line : g.netlist.lines) {
    if (!StartsWith(line, "rleak_")) continue;
    const auto words = Words(line);
    ASSERT_EQ(words.size(), 4u) << line;
    EXPECT_EQ(words[0], "rleak_" + words[1]);
    EXPECT_EQ(words[2], "0");
    EXPECT_DOUBLE_EQ(std::stod(words[3]), 2e7) << line;
    leaks[words[1]] = line;
  }
  std::set<std::string> expected;
  for (const network::Node& node : g.network.nodes()) {
    if (node.role == network::Role::hidden) {
      expected.insert(Site('f', node.at));
      expected.insert(Site('c', node.at));
    }
  }
  ASSERT_EQ(expected.size(), 18u);
  expected.insert({"f0_2", "f2_0"});  // free outputs; the clamped ones are driven by the B source
  std::set<std::string> actual;
  for (const auto& [node, line] : leaks) actual.insert(node);
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(g.CountStarting("rleak_"), 20);
}

TEST(NetlistText, InitialGatePerEdge) {
  const Generated g = Generate(kDifferential);
  EXPECT_EQ(g.CountStarting(".ic "), 32);
  const std::regex ic(R"(\.ic v\(g(\d+)\)=(\S+))");
  std::map<int, double> seen;
  for (const std::string& line : g.netlist.lines) {
    std::smatch match;
    if (!std::regex_match(line, match, ic)) continue;
    seen[std::stoi(match[1])] = std::stod(match[2]);
  }
  ASSERT_EQ(seen.size(), 32u);
  for (const auto& [edge, volts] : seen)
    EXPECT_EQ(volts, g.gates.at(static_cast<std::size_t>(edge)));
}

TEST(NetlistText, EdgeSubcircuitIsPasted) {
  const Generated g = Generate(kDifferential);
  EXPECT_EQ(g.CountStarting(".subckt cl_nmos_rule fa fb ca cb g learn vdd vss"), 1);
  EXPECT_EQ(g.CountStarting(".model ald1106 nmos"), 1);
  EXPECT_EQ(g.CountStarting(".include"), 0);
  EXPECT_EQ(std::count(g.netlist.lines.begin(), g.netlist.lines.end(), ".end"), 1);
}

TEST(NetlistText, WithoutReplayNoAnalysis) {
  const Generated g = Generate(kDifferential);
  EXPECT_EQ(g.CountStarting(".tran"), 0);
  EXPECT_EQ(g.CountStarting(".measure"), 0);
  EXPECT_EQ(g.CountStarting(".save"), 0);
  EXPECT_EQ(g.CountStarting(".control"), 0);
}

// --- Replay ---

Replay MakeReplay() {
  Replay replay;
  replay.stop = 1e-4;
  replay.max_step = 5e-6;
  Waveform x1(0.0), x2(0.0), label(0.0), learn(-0.5), polarity(-0.5);
  for (int k = 0; k < 5; ++k) {  // 11 corners: more than one continuation line
    x1.ramp_to(k * 2e-5 + 1e-6, k * 2e-5 + 2e-6, k % 2 ? 0.0 : 0.45);
  }
  x2.ramp_to(1e-6, 2e-6, 0.45);
  label.ramp_to(1e-6, 2e-6, -0.087);
  learn.ramp_to(8e-6, 9e-6, 3.3);
  learn.ramp_to(5e-5, 5.1e-5, -0.5);
  replay.signals = {x1, x2, label, learn, polarity};
  return replay;
}

// The (time, value) pairs of the PWL source `instance`.
std::vector<std::pair<double, double>> PwlPoints(const Generated& g, const std::string& instance) {
  const auto& lines = g.netlist.lines;
  const auto head = std::find_if(lines.begin(), lines.end(), [&](const std::string& line) {
    return StartsWith(line, instance + " ");
  });
  if (head == lines.end()) {
    ADD_FAILURE() << "no source " << instance;
    return {};
  }
  EXPECT_TRUE(head->size() >= 5 && head->substr(head->size() - 4) == "pwl(") << *head;
  std::vector<double> numbers;
  auto it = head + 1;
  for (; it != lines.end() && *it != "+ )"; ++it) {
    EXPECT_TRUE(StartsWith(*it, "+")) << *it;
    const auto words = Words(it->substr(1));
    for (const std::string& word : words) numbers.push_back(std::stod(word));
  }
  EXPECT_NE(it, lines.end()) << instance << " pwl( is not closed";
  EXPECT_EQ(numbers.size() % 2, 0u);
  std::vector<std::pair<double, double>> points;
  for (std::size_t i = 0; i + 1 < numbers.size(); i += 2)
    points.push_back({numbers[i], numbers[i + 1]});
  return points;
}

std::vector<std::pair<double, double>> Points(const Waveform& wave) {
  std::vector<std::pair<double, double>> points;
  for (std::size_t i = 0; i < wave.times().size(); ++i) {
    points.push_back({wave.times()[i], wave.values()[i]});
  }
  return points;
}

TEST(NetlistReplay, SourcesArePwlOfTheirWaveforms) {
  const Replay replay = MakeReplay();
  const Generated g = Generate(kDifferential, replay);
  EXPECT_EQ(PwlPoints(g, "vin_x1_f"), Points(replay.signals[0]));
  EXPECT_EQ(PwlPoints(g, "vin_x1_c"), Points(replay.signals[0]));
  EXPECT_EQ(PwlPoints(g, "vin_x2_f"), Points(replay.signals[1]));
  EXPECT_EQ(PwlPoints(g, "vin_x2_c"), Points(replay.signals[1]));
  EXPECT_EQ(PwlPoints(g, "vlabel_out"), Points(replay.signals[2]));
  EXPECT_EQ(PwlPoints(g, "vlearn"), Points(replay.signals[3]));
  EXPECT_EQ(PwlPoints(g, "vpolarity"), Points(replay.signals[4]));
  EXPECT_EQ(g.Line("vin_x1_f"), "vin_x1_f f0_0 0 pwl(");
  EXPECT_EQ(g.netlist.driven_sources.size(), 7u);
}

TEST(NetlistReplay, HasNoExternalSources) {
  const Generated g = Generate(kDifferential, MakeReplay());
  for (const std::string& line : g.netlist.lines) {
    if (StartsWith(line, "*")) continue;
    EXPECT_EQ(line.find("external"), std::string::npos) << line;
  }
}

TEST(NetlistReplay, EndsWithTranSaveMeasuresAndEnd) {
  const Generated g = Generate(kDifferential, MakeReplay());
  const auto& lines = g.netlist.lines;
  const auto tran = std::find_if(lines.begin(), lines.end(),
                                 [](const std::string& line) { return StartsWith(line, ".tran"); });
  ASSERT_NE(tran, lines.end());
  const auto words = Words(*tran);
  ASSERT_EQ(words.size(), 5u) << *tran;
  EXPECT_DOUBLE_EQ(std::stod(words[1]), 5e-6);  // step
  EXPECT_DOUBLE_EQ(std::stod(words[2]), 1e-4);  // stop
  EXPECT_DOUBLE_EQ(std::stod(words[3]), 0.0);   // start
  EXPECT_DOUBLE_EQ(std::stod(words[4]), 5e-6);  // max step
  // After .tran: .save of every gate, one .measure per gate, then .end.
  ASSERT_EQ(lines.end() - tran, 1 + 1 + 32 + 1);
  std::string save = ".save";
  for (int e = 0; e < 32; ++e) save += " v(g" + std::to_string(e) + ")";
  EXPECT_EQ(*(tran + 1), save);
  for (int e = 0; e < 32; ++e) {
    const std::string gate = "g" + std::to_string(e);
    const std::string prefix = ".measure tran final_" + gate + " find v(" + gate + ") at=";
    const std::string& line = *(tran + 2 + e);
    ASSERT_TRUE(StartsWith(line, prefix)) << line;
    EXPECT_DOUBLE_EQ(std::stod(line.substr(prefix.size())), 1e-4) << line;
  }
  EXPECT_EQ(lines.back(), ".end");
}

// Under equilibrium propagation the learning gain is the configured gain at unit nudge divided by
// eta (the lab's amplifier setting); coupled learning passes it as configured.
TEST(NetlistText, EquilibriumPropagationDividesTheLearningGainByEta) {
  std::string json = kDifferential;
  const std::string eta = R"("eta": 0.5)";
  json.replace(json.find(eta), eta.size(), R"("eta": 0.05, "protocol": "equilibrium_propagation")");
  const Generated ep = Generate(json.c_str());
  const Generated coupled = Generate(kDifferential);
  const auto gain = [](const std::string& line) {
    const std::size_t at = line.find(" gl=");
    return std::stod(line.substr(at + 4));
  };
  EXPECT_DOUBLE_EQ(gain(coupled.Line("xe0")), 2e-3);
  EXPECT_NEAR(gain(ep.Line("xe0")), 2e-3 / 0.05, 1e-12);
  EXPECT_NE(ep.Line("xe0").find(" cg=4e-09"), std::string::npos) << ep.Line("xe0");
}

// Frequency propagation: one network (no clamped copy, no clamp stage, no polarity line), the
// reference cosine, the output's RC low pass and the error current from minus to plus, gated by
// learn, and edges on the seven-port interface.
TEST(NetlistText, FrequencyPropagationWritesOneNetworkWithAReferenceAndAnErrorCurrent) {
  std::string json = kDifferential;
  const std::string edge = R"("file": "../netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule")";
  json.replace(json.find(edge), edge.size(),
               R"("file": "../netlists/edges/freqprop_nmos.sub", "subckt": "freqprop_nmos")");
  const std::string training = R"("training": {"eta": 0.5})";
  json.replace(json.find(training), training.size(),
               R"("training": {"protocol": "frequency_propagation", "ramp_seconds": 2e-6,
                  "freqprop": {"frequency_hz": 5e5, "feedback_siemens": 2e-4,
                               "lowpass_seconds": 3e-6}},
                  "simulator": {"max_step": 1e-7})");
  const std::string options = R"(,
  "simulator": {"options": {"reltol": 1e-4}})";
  json.replace(json.find(options), options.size(), "");
  const Generated g = Generate(json.c_str());
  EXPECT_EQ(g.edge.interface, EdgeInterface::frequency_propagation);
  for (const std::string& line : g.netlist.lines) {
    EXPECT_EQ(line.find(" c1_2"), std::string::npos) << "no clamped copy: " << line;
  }
  EXPECT_FALSE(g.HasLineStarting("bclamp_out_p"));
  EXPECT_FALSE(g.HasLineStarting("vpolarity"));
  EXPECT_FALSE(g.HasLineStarting("vin_x1_c"));
  EXPECT_EQ(g.Line("vin_x1_f"), "vin_x1_f f0_0 0 external");
  EXPECT_EQ(g.Line("vref"), "vref ref vss sin(0 1 5e+05 0 0 90)");
  EXPECT_EQ(g.Line("bsense_out"), "bsense_out sense_out 0 V = V(f0_2) - V(f2_0)");
  EXPECT_EQ(g.Line("rlowpass_out"), "rlowpass_out sense_out lowpass_out 1000");
  EXPECT_EQ(Words(g.Line("clowpass_out")).at(3), "3e-09");
  EXPECT_EQ(g.Line("bfeedback_out"),
            "bfeedback_out f2_0 f0_2 I = 2e-04 * (V(label_out) - V(lowpass_out)) * V(ref,vss) * "
            "V(learn,vss) / V(vdd,vss)");
  EXPECT_EQ(g.Line("xe0"), "xe0 f0_0 f0_1 g0 learn vdd vss ref freqprop_nmos cg=4e-09 gl=0.002");
  // training.freqprop.error_drive "voltage": the same node pair, an AC clamp of the output's f2
  // part (sense minus its low pass) to eta times the error, with feedback_siemens as its gain.
  std::string voltage = json;
  const std::string drive = R"("feedback_siemens": 2e-4,)";
  voltage.replace(voltage.find(drive), drive.size(),
                  R"("feedback_siemens": 2e-4, "error_drive": "voltage",)");
  const std::string protocol = R"("protocol": "frequency_propagation",)";
  voltage.replace(voltage.find(protocol), protocol.size(), protocol + R"( "eta": 0.1,)");
  EXPECT_EQ(Generate(voltage.c_str()).Line("bfeedback_out"),
            "bfeedback_out f2_0 f0_2 I = 2e-04 * (0.1 * (V(label_out) - V(lowpass_out)) * "
            "V(ref,vss) - (V(sense_out) - V(lowpass_out))) * V(learn,vss) / V(vdd,vss)");
  EXPECT_EQ(g.CountStarting("xe"), 32);
  // Device mismatch: each edge's one transistor gets its own card, and the instance its copy.
  std::string mismatched = json;
  const std::string simulator = R"("simulator": {"max_step": 1e-7})";
  mismatched.replace(
      mismatched.find(simulator), simulator.size(),
      std::string(simulator) + R"(, "physical": {"mismatch": {"kp_sigma_rel": 0.01}})");
  const Generated m = Generate(mismatched.c_str());
  EXPECT_EQ(Words(m.Line("xe0")).at(8), "freqprop_nmos_mm0");
  EXPECT_EQ(m.CountStarting(".model cl_mm_e0f_"), 1);
  EXPECT_EQ(m.CountStarting(".model cl_mm_e0c_"), 0);
  // Hidden nodes have one leak each (the twin network's clamped ones are gone).
  EXPECT_FALSE(g.HasLineStarting("rleak_c1_2"));
  EXPECT_TRUE(g.HasLineStarting("rleak_f1_2"));
}

TEST(NetlistText, TimeMultiplexingWritesOneNetworkWithSampleAndHoldAndASwitchedClamp) {
  std::string json = kDifferential;
  const std::string edge = R"("file": "../netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule")";
  json.replace(json.find(edge), edge.size(),
               R"("file": "../netlists/edges/nmos_sample_hold.sub",
                  "subckt": "cl_nmos_sample_hold")");
  const std::string training = R"("training": {"eta": 0.5})";
  json.replace(json.find(training), training.size(),
               R"("training": {"eta": 0.5, "protocol": "time_multiplexed", "nudge": "symmetric",
                  "hold_cycles": 4},
                  "physical": {"mismatch": {"vth_sigma_v": 0.01}})");
  const Generated g = Generate(json.c_str());
  EXPECT_EQ(g.edge.interface, EdgeInterface::time_multiplexed);
  for (const std::string& line : g.netlist.lines) {
    EXPECT_EQ(line.find(" c1_2"), std::string::npos) << "no clamped copy: " << line;
  }
  EXPECT_FALSE(g.HasLineStarting("vin_x1_c"));
  EXPECT_EQ(g.Line("vhold"), "vhold hold 0 external");
  EXPECT_EQ(g.Line("vpolarity"), "vpolarity polarity 0 external");
  EXPECT_EQ(g.Line("vhold_mid"), "vhold_mid hold_mid 0 1.4");
  // The controller samples each output node while hold is low and holds it when it rises ...
  EXPECT_EQ(g.Line("ebuf_held_out_p"), "ebuf_held_out_p buf_held_out_p 0 f0_2 0 1");
  EXPECT_EQ(g.Line("ssample_held_out_m"),
            "ssample_held_out_m buf_held_out_m held_out_m hold_mid hold cl_sample_switch");
  // ... then switches each onto its held value plus or minus half the nudge.
  EXPECT_EQ(g.Line("bclamp_out_p"),
            "bclamp_out_p clamp_out_p 0 V = V(held_out_p) + 0.25 * (V(label_out) - "
            "(V(held_out_p) - V(held_out_m))) * (1 - 2 * (V(polarity) - -0.5) / 3.8)");
  EXPECT_EQ(g.Line("sclamp_out_m"), "sclamp_out_m clamp_out_m f2_0 hold hold_mid cl_clamp_switch");
  EXPECT_EQ(g.Line("xe0"),
            "xe0 f0_0 f0_1 g0 learn vdd vss hold polarity cl_nmos_sample_hold_mm0 cg=4e-09 "
            "gl=0.002");
  // Mismatch gives each edge's one transistor its own card (no clamped twin to shift).
  EXPECT_EQ(g.CountStarting(".model cl_mm_e0f_"), 1);
  EXPECT_EQ(g.CountStarting(".model cl_mm_e0c_"), 0);
  EXPECT_EQ(g.CountStarting("xe"), 32);
}

}  // namespace
}  // namespace cllnsim::netlist
