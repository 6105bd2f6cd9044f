#include "config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace cllnsim::config {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Every key set, none at its default; the edge path is relative and not yet normalized.
constexpr std::string_view kFullConfig = R"({
  "name": "xor-5x6.v1",
  "seed": 42,
  "network": {
    "lattice": {"rows": 5, "cols": 6, "periodic": false},
    "inputs": [{"name": "x1", "at": [0, 0]}, {"name": "x2", "at": [0, 2]}],
    "rails": [{"name": "vhigh", "at": [1, 1], "volts": 0.45}, {"name": "vlow", "at": [1, 3]}],
    "ground": [[4, 5], [2, 2]],
    "outputs": [{"name": "out", "plus": [4, 0], "minus": [4, 1]},
                {"name": "probe", "plus": [3, 3]}],
    "edge": {"file": "edges/../edges/edge.cir", "subckt": "clln_edge",
             "params": {"W": 1e-6, "cgate": 2}},
    "initial_gates": {"kind": "constant", "volts": 2.0},
    "supply": {"vdd": 3.3, "vss": -1},
    "node_leak_ohms": 1e8
  },
  "task": {"kind": "xor", "input_low": 0.1, "input_high": 0.5, "target_same": 0.05,
           "target_different": -0.1},
  "training": {"eta": 0.25, "epochs": 10, "order": "fixed", "ramp_seconds": 2e-6,
               "settle_seconds": 4e-6, "learn_seconds": 2e-5, "evaluate_every": 5,
               "learning": false},
  "simulator": {"max_step": 1e-6, "options": {"reltol": 1e-4, "itl4": 100}}
})";

// Only the required keys.
constexpr std::string_view kMinimalConfig = R"({
  "seed": 7,
  "network": {
    "inputs": [{"name": "x1", "at": [0, 0]}, {"name": "x2", "at": [0, 2]}],
    "outputs": [{"name": "out", "plus": [3, 3]}],
    "edge": {"file": "edges/edge.cir", "subckt": "clln_edge"}
  }
})";

::testing::AssertionResult ContainsAll(const std::string& message,
                                       std::initializer_list<std::string_view> parts) {
  for (std::string_view part : parts) {
    if (message.find(part) == std::string::npos) {
      return ::testing::AssertionFailure() << "\"" << part << "\" not in: " << message;
    }
  }
  return ::testing::AssertionSuccess();
}

// Each test gets its own folder holding config.json and a real edge netlist.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cllnsim_config_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "edges");
    write(dir_ / "edges" / "edge.cir", ".subckt clln_edge a b learn\n.ends clln_edge\n");
  }

  void TearDown() override { fs::remove_all(dir_); }

  static void write(const fs::path& path, std::string_view text) { std::ofstream(path) << text; }

  fs::path config_path() const { return dir_ / "config.json"; }

  Config load_text(std::string_view text, const std::vector<Override>& overrides = {}) {
    write(config_path(), text);
    return load(config_path(), overrides);
  }

  Config load_json(const json& document, const std::vector<Override>& overrides = {}) {
    return load_text(document.dump(2), overrides);
  }

  // The message of the input_error that loading `text` must throw.
  std::string error_of_text(std::string_view text, const std::vector<Override>& overrides = {}) {
    try {
      load_text(text, overrides);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::bad_input);
      return error.what();
    }
    ADD_FAILURE() << "no error for: " << text;
    return "";
  }

  std::string error_of(const json& document, const std::vector<Override>& overrides = {}) {
    return error_of_text(document.dump(2), overrides);
  }

  static json full() { return json::parse(kFullConfig); }
  static json minimal() { return json::parse(kMinimalConfig); }

  fs::path dir_;
};

using ConfigErrorTest = ConfigTest;
using ConfigOverrideTest = ConfigTest;

TEST_F(ConfigTest, ParsesEveryKeyOfAFullConfig) {
  const Config config = load_text(kFullConfig);

  EXPECT_EQ(config.name, "xor-5x6.v1");
  EXPECT_EQ(config.seed, 42u);
  EXPECT_EQ(config.source_file, config_path());

  const Network& network = config.network;
  EXPECT_EQ(network.lattice.rows, 5);
  EXPECT_EQ(network.lattice.cols, 6);
  EXPECT_FALSE(network.lattice.periodic);
  ASSERT_EQ(network.inputs.size(), 2u);
  EXPECT_EQ(network.inputs[1].name, "x2");
  EXPECT_EQ(network.inputs[1].at, (GridPos{0, 2}));
  ASSERT_EQ(network.rails.size(), 2u);
  EXPECT_EQ(network.rails[0].name, "vhigh");
  EXPECT_EQ(network.rails[0].at, (GridPos{1, 1}));
  EXPECT_DOUBLE_EQ(network.rails[0].volts, 0.45);
  EXPECT_DOUBLE_EQ(network.rails[1].volts, 0.0);
  EXPECT_EQ(network.ground, (std::vector<NodeRef>{GridPos{4, 5}, GridPos{2, 2}}));
  ASSERT_EQ(network.outputs.size(), 2u);
  EXPECT_EQ(network.outputs[0].plus, (GridPos{4, 0}));
  EXPECT_EQ(network.outputs[0].minus, (GridPos{4, 1}));
  EXPECT_EQ(network.outputs[1].name, "probe");
  EXPECT_FALSE(network.outputs[1].minus.has_value());
  EXPECT_EQ(network.edge.file, dir_ / "edges" / "edge.cir");
  EXPECT_EQ(network.edge.subckt, "clln_edge");
  EXPECT_EQ(network.edge.params, (std::map<std::string, double>{{"W", 1e-6}, {"cgate", 2.0}}));
  EXPECT_EQ(network.initial_gates.kind, InitialGates::Kind::constant);
  EXPECT_DOUBLE_EQ(network.initial_gates.volts, 2.0);
  EXPECT_DOUBLE_EQ(network.supply.vdd, 3.3);
  EXPECT_DOUBLE_EQ(network.supply.vss, -1.0);
  EXPECT_DOUBLE_EQ(network.node_leak_ohms, 1e8);

  EXPECT_EQ(config.task.kind, "xor");
  EXPECT_DOUBLE_EQ(config.task.input_low, 0.1);
  EXPECT_DOUBLE_EQ(config.task.input_high, 0.5);
  EXPECT_DOUBLE_EQ(config.task.target_same, 0.05);
  EXPECT_DOUBLE_EQ(config.task.target_different, -0.1);

  EXPECT_DOUBLE_EQ(config.training.eta, 0.25);
  EXPECT_EQ(config.training.epochs, 10);
  EXPECT_EQ(config.training.order, Training::Order::fixed);
  EXPECT_DOUBLE_EQ(config.training.ramp_seconds, 2e-6);
  EXPECT_DOUBLE_EQ(config.training.settle_seconds, 4e-6);
  EXPECT_DOUBLE_EQ(config.training.learn_seconds, 2e-5);
  EXPECT_EQ(config.training.evaluate_every, 5);
  EXPECT_FALSE(config.training.learning);

  EXPECT_DOUBLE_EQ(config.simulator.max_step, 1e-6);
  EXPECT_EQ(config.simulator.options,
            (std::map<std::string, std::string>{{"itl4", "100"}, {"reltol", "1e-04"}}));
}

TEST_F(ConfigTest, FillsDefaultsForOptionalKeys) {
  const Config config = load_text(kMinimalConfig);
  const Config defaults;

  EXPECT_EQ(config.name, defaults.name);
  EXPECT_EQ(config.network.lattice.rows, 4);
  EXPECT_TRUE(config.network.lattice.periodic);
  EXPECT_TRUE(config.network.rails.empty());
  EXPECT_TRUE(config.network.ground.empty());
  EXPECT_TRUE(config.network.edge.params.empty());
  EXPECT_EQ(config.network.initial_gates.kind, InitialGates::Kind::uniform);
  EXPECT_DOUBLE_EQ(config.network.initial_gates.low, defaults.network.initial_gates.low);
  EXPECT_DOUBLE_EQ(config.network.supply.vdd, defaults.network.supply.vdd);
  EXPECT_DOUBLE_EQ(config.network.node_leak_ohms, defaults.network.node_leak_ohms);
  EXPECT_DOUBLE_EQ(config.task.target_different, defaults.task.target_different);
  EXPECT_DOUBLE_EQ(config.training.eta, defaults.training.eta);
  EXPECT_EQ(config.training.epochs, defaults.training.epochs);
  EXPECT_EQ(config.training.order, Training::Order::shuffled);
  EXPECT_TRUE(config.training.learning);
  EXPECT_DOUBLE_EQ(config.simulator.max_step, defaults.simulator.max_step);
}

TEST_F(ConfigTest, ResolvedRecordsDefaultsAndTheAbsoluteEdgeFile) {
  const json resolved = load_text(kMinimalConfig).resolved;

  EXPECT_EQ(resolved["name"], "run");
  EXPECT_EQ(resolved["seed"], 7);
  EXPECT_EQ(resolved["network"]["lattice"], json::parse(R"({"rows":4,"cols":4,"periodic":true})"));
  EXPECT_EQ(resolved["network"]["rails"], json::array());
  EXPECT_EQ(resolved["network"]["initial_gates"],
            json::parse(R"({"kind":"uniform","low":1.5,"high":3.0})"));
  EXPECT_EQ(resolved["network"]["edge"]["file"], (dir_ / "edges" / "edge.cir").string());
  EXPECT_EQ(resolved["network"]["edge"]["params"], json::object());
  EXPECT_EQ(resolved["training"]["order"], "shuffled");
  EXPECT_EQ(resolved["training"]["learning"], true);
  EXPECT_EQ(resolved["simulator"]["options"], json::object());
  EXPECT_FALSE(resolved["network"]["outputs"][0].contains("minus"));
}

TEST_F(ConfigTest, ParseResolvesTheEdgeFileAgainstTheGivenFile) {
  const Config config = parse(std::string(kMinimalConfig), dir_ / "not_written.json");
  EXPECT_EQ(config.network.edge.file, dir_ / "edges" / "edge.cir");
  EXPECT_EQ(config.source_file, dir_ / "not_written.json");
}

TEST_F(ConfigTest, AcceptsAnAbsoluteEdgeFile) {
  json document = minimal();
  document["network"]["edge"]["file"] = (dir_ / "edges" / "edge.cir").string();
  EXPECT_EQ(load_json(document).network.edge.file, dir_ / "edges" / "edge.cir");
}

TEST_F(ConfigErrorTest, MissingRequiredKey) {
  json document = minimal();
  document.erase("seed");
  EXPECT_EQ(error_of(document), config_path().string() +
                                    ": at seed: found nothing (the key is missing), expected an "
                                    "integer >= 0");
}

TEST_F(ConfigErrorTest, MissingRequiredNestedKey) {
  json document = minimal();
  document["network"]["edge"].erase("subckt");
  EXPECT_TRUE(ContainsAll(
      error_of(document),
      {"config.json", "at network.edge.subckt: found nothing", "expected a subcircuit name"}));
}

TEST_F(ConfigErrorTest, WrongTypeNamesWhatWasFound) {
  json document = minimal();
  document["network"]["lattice"] = {{"rows", "four"}};
  EXPECT_EQ(error_of(document),
            config_path().string() +
                ": at network.lattice.rows: found a string \"four\", expected an integer >= 2");
}

TEST_F(ConfigErrorTest, IntegerGivenAsFloat) {
  json document = minimal();
  document["network"]["lattice"] = {{"rows", 4.5}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"config.json", "at network.lattice.rows",
                                               "found a number 4.5", "expected an integer >= 2"}));
}

TEST_F(ConfigErrorTest, NegativeSeed) {
  json document = minimal();
  document["seed"] = -3;
  EXPECT_TRUE(ContainsAll(error_of(document), {"config.json", "at seed", "found an integer -3",
                                               "expected an integer >= 0"}));
}

TEST_F(ConfigErrorTest, TwinCorrelationIsACorrelation) {
  json document = minimal();
  document["physical"] = {{"mismatch", {{"vth_sigma_v", 0.01}, {"twin_correlation", 1.5}}}};
  EXPECT_TRUE(
      ContainsAll(error_of(document), {"config.json", "at physical.mismatch.twin_correlation",
                                       "found a number 1.5", "expected a number in [0, 1]"}));
}

TEST_F(ConfigErrorTest, HoldCyclesBelongToTheTimeMultiplexedProtocol) {
  json document = minimal();
  document["training"]["hold_cycles"] = 5;
  EXPECT_TRUE(ContainsAll(
      error_of(document),
      {"config.json", "at training.hold_cycles",
       "found 5 with training.protocol other than \"time_multiplexed\"", "expected 1"}));
  document["training"]["protocol"] = "time_multiplexed";
  document["training"]["hold_cycles"] = 0;
  EXPECT_TRUE(ContainsAll(error_of(document), {"at training.hold_cycles", "expected an integer"}));
}

TEST_F(ConfigErrorTest, WrongTypeInsideAnArray) {
  json document = full();
  document["network"]["rails"][1]["volts"] = true;
  EXPECT_TRUE(ContainsAll(error_of(document), {"config.json", "at network.rails[1].volts",
                                               "found a boolean true", "expected a number"}));
}

TEST_F(ConfigErrorTest, UnknownKeySuggestsTheClosestKnownKey) {
  json document = minimal();
  document["network"]["lattice"] = {{"colums", 5}};
  EXPECT_TRUE(
      ContainsAll(error_of(document),
                  {"config.json", "at network.lattice.colums", "found an unknown key \"colums\"",
                   "expected one of the keys", "(did you mean \"cols\"?)"}));
}

TEST_F(ConfigErrorTest, UnknownKeySuggestionIgnoresCase) {
  json document = minimal();
  document["NODE_LEAK_OHMS"] = 1e6;
  EXPECT_TRUE(ContainsAll(error_of(document), {"at NODE_LEAK_OHMS", "unknown key"}));
  document.erase("NODE_LEAK_OHMS");
  document["network"]["NODE_LEAK_OHMS"] = 1e6;
  EXPECT_TRUE(ContainsAll(error_of(document),
                          {"at network.NODE_LEAK_OHMS", "(did you mean \"node_leak_ohms\"?)"}));
}

TEST_F(ConfigErrorTest, UnknownKeyFarFromAnyKnownKeyHasNoSuggestion) {
  json document = minimal();
  document["colour"] = "blue";
  const std::string message = error_of(document);
  EXPECT_TRUE(ContainsAll(message, {"at colour", "found an unknown key \"colour\""}));
  EXPECT_EQ(message.find("did you mean"), std::string::npos) << message;
}

TEST_F(ConfigErrorTest, UnknownChoiceSuggestsTheClosestChoice) {
  json document = minimal();
  document["training"] = {{"order", "shufled"}};
  EXPECT_TRUE(
      ContainsAll(error_of(document),
                  {"at training.order", "found a string \"shufled\"",
                   "expected one of \"shuffled\", \"fixed\" (did you mean \"shuffled\"?)"}));
}

TEST_F(ConfigErrorTest, UnknownLearnOnsetNamesBothChoices) {
  json document = minimal();
  document["training"] = {{"learn_onset", "with_inputs"}};
  EXPECT_TRUE(
      ContainsAll(error_of(document), {"at training.learn_onset", "found a string \"with_inputs\"",
                                       "expected one of \"settled\", \"with_input\" (did you mean "
                                       "\"with_input\"?)"}));
}

TEST_F(ConfigErrorTest, NodeOutsideTheLattice) {
  json document = minimal();
  document["network"]["inputs"][1]["at"] = {4, 0};
  EXPECT_TRUE(ContainsAll(error_of(document), {"config.json", "at network.inputs[1].at",
                                               "[4, 0], a node outside the 4x4 lattice",
                                               "expected [row, col] with 0 <= row < 4"}));
}

TEST_F(ConfigErrorTest, PositionMustBeTwoIntegers) {
  json document = minimal();
  document["network"]["ground"] = {{1, 2, 3}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"at network.ground[0]", "found an array [1,2,3]",
                                               "expected a [row, col] pair of integers"}));
}

TEST_F(ConfigErrorTest, NodeUsedTwiceNamesBothPaths) {
  json document = full();
  document["network"]["outputs"][0]["minus"] = {1, 3};
  EXPECT_TRUE(ContainsAll(error_of(document), {"config.json", "at network.outputs[0].minus",
                                               "already used at network.rails[1].at",
                                               "expected each lattice node in at most one role"}));
}

TEST_F(ConfigErrorTest, NodeNameUsedTwice) {
  json document = full();
  document["network"]["outputs"][1]["name"] = "x1";
  EXPECT_TRUE(ContainsAll(error_of(document),
                          {"at network.outputs[1].name", "already used at network.inputs[0].name",
                           "expected node names unique"}));
}

TEST_F(ConfigErrorTest, BadNodeName) {
  json document = minimal();
  document["network"]["inputs"][0]["name"] = "X1";
  EXPECT_TRUE(ContainsAll(error_of(document), {"at network.inputs[0].name", "found a string \"X1\"",
                                               "expected a name matching [a-z][a-z0-9_]*"}));
}

TEST_F(ConfigErrorTest, MissingEdgeFile) {
  json document = minimal();
  document["network"]["edge"]["file"] = "edges/missing.cir";
  EXPECT_TRUE(ContainsAll(error_of(document),
                          {"config.json", "at network.edge.file", "edges/missing.cir",
                           (dir_ / "edges" / "missing.cir").string(), "not a readable file",
                           "expected the path of an existing, readable edge netlist"}));
}

TEST_F(ConfigErrorTest, EdgeFileThatIsAFolder) {
  json document = minimal();
  document["network"]["edge"]["file"] = "edges";
  EXPECT_TRUE(ContainsAll(error_of(document), {"at network.edge.file", "not a readable file"}));
}

TEST_F(ConfigErrorTest, UniformGatesNeedLowBelowHigh) {
  json document = minimal();
  document["network"]["initial_gates"] = {{"kind", "uniform"}, {"low", 2}, {"high", 2}};
  EXPECT_TRUE(ContainsAll(error_of(document),
                          {"at network.initial_gates.high", "found an integer 2 (low is 2.0)",
                           "expected a number greater than low"}));
}

TEST_F(ConfigErrorTest, ConstantGatesTakeNoRange) {
  json document = minimal();
  document["network"]["initial_gates"] = {{"kind", "constant"}, {"low", 1}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"at network.initial_gates.low", "unknown key"}));
}

TEST_F(ConfigErrorTest, SupplyNeedsVddAboveVss) {
  json document = minimal();
  document["network"]["supply"] = {{"vdd", 1.0}, {"vss", 1.5}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"at network.supply.vdd", "(vss is 1.5)",
                                               "expected a number greater than vss"}));
}

TEST_F(ConfigErrorTest, BadOptionName) {
  json document = minimal();
  document["simulator"] = {{"options", {{"1st", 1}}}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"at simulator.options.1st", "the name \"1st\"",
                                               "expected a name matching [A-Za-z_]"}));
}

TEST_F(ConfigErrorTest, TopLevelMustBeAnObject) {
  EXPECT_TRUE(
      ContainsAll(error_of_text("[1, 2]"),
                  {"config.json: at (top level): found an array [1,2], expected an object"}));
}

TEST_F(ConfigErrorTest, BadJsonSyntaxGivesLineAndColumn) {
  const std::string message = error_of_text("{\n  \"seed\": 1,\n  \"network\" {}\n}\n");
  EXPECT_TRUE(
      ContainsAll(message, {config_path().string() + ":3:13: invalid JSON", "expected ':'"}));
}

TEST_F(ConfigErrorTest, TruncatedJsonPointsPastTheEnd) {
  EXPECT_TRUE(ContainsAll(error_of_text("{\n  \"seed\": 1,\n"), {"config.json:3:1: invalid JSON"}));
}

TEST_F(ConfigErrorTest, FileThatCannotBeOpened) {
  const fs::path missing = dir_ / "missing.json";
  try {
    load(missing);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_TRUE(ContainsAll(error.what(), {missing.string(), "cannot open"}));
  }
}

TEST_F(ConfigOverrideTest, ReplacesValuesBeforeValidation) {
  const Config config = load_text(kFullConfig, {{"training.eta", "0.75"},
                                                {"network.rails.0.volts", "1.5"},
                                                {"name", "second_run"},
                                                {"network.lattice", R"({"rows": 8, "cols": 6})"}});
  EXPECT_DOUBLE_EQ(config.training.eta, 0.75);
  EXPECT_DOUBLE_EQ(config.network.rails[0].volts, 1.5);
  EXPECT_EQ(config.name, "second_run");
  EXPECT_EQ(config.network.lattice.rows, 8);
  EXPECT_TRUE(config.network.lattice.periodic);
  EXPECT_EQ(config.resolved["training"]["eta"], 0.75);
  EXPECT_EQ(config.resolved["name"], "second_run");
}

TEST_F(ConfigOverrideTest, AppliesInOrder) {
  const Config config = load_text(kFullConfig, {{"seed", "1"}, {"seed", "2"}});
  EXPECT_EQ(config.seed, 2u);
}

TEST_F(ConfigOverrideTest, MayAddAKnownKey) {
  const Config config = load_text(kMinimalConfig, {{"network.node_leak_ohms", "5e6"}});
  EXPECT_DOUBLE_EQ(config.network.node_leak_ohms, 5e6);
}

TEST_F(ConfigOverrideTest, NonNumericValueForANumber) {
  EXPECT_EQ(error_of_text(kFullConfig, {{"training.eta", "fast"}}),
            config_path().string() +
                ": --set training.eta=fast: at training.eta: found a string \"fast\", expected a "
                "number in (0, 1]");
}

TEST_F(ConfigOverrideTest, ErrorsInsideAnOverriddenObjectNameTheOverride) {
  EXPECT_TRUE(ContainsAll(error_of_text(kFullConfig, {{"network.lattice", R"({"rows": 1})"}}),
                          {"--set network.lattice={\"rows\": 1}: at network.lattice.rows",
                           "found an integer 1", "expected an integer >= 2"}));
}

TEST_F(ConfigOverrideTest, ErrorsOutsideTheOverrideDoNotNameIt) {
  json document = full();
  document["training"]["epochs"] = 0;
  const std::string message = error_of(document, {{"training.eta", "0.5"}});
  EXPECT_TRUE(ContainsAll(message, {"at training.epochs"}));
  EXPECT_EQ(message.find("--set"), std::string::npos) << message;
}

TEST_F(ConfigOverrideTest, CreatingAnUnknownKey) {
  EXPECT_TRUE(ContainsAll(error_of_text(kFullConfig, {{"training.etta", "0.1"}}),
                          {"config.json", "--set training.etta=0.1", "at training.etta",
                           "found an unknown key \"etta\"", "(did you mean \"eta\"?)"}));
}

TEST_F(ConfigOverrideTest, NonexistentIntermediateKey) {
  EXPECT_TRUE(ContainsAll(error_of_text(kFullConfig, {{"network.latice.rows", "3"}}),
                          {"config.json", "--set network.latice.rows=3", "at network.latice",
                           "unknown key", "(did you mean \"lattice\"?)"}));
}

TEST_F(ConfigOverrideTest, DocumentedSectionMissingFromTheFileIsCreated) {
  const Config config = load_text(kMinimalConfig, {{"simulator.options.reltol", "1e-4"}});
  EXPECT_EQ(config.simulator.options.at("reltol"), "1e-04");
}

TEST_F(ConfigOverrideTest, SimulatorSolverIsAutoSparseOrKlu) {
  EXPECT_EQ(load_text(kMinimalConfig).simulator.solver, Simulator::Solver::automatic);
  EXPECT_EQ(load_text(kMinimalConfig).resolved["simulator"]["solver"], "auto");
  const Config sparse = load_text(kMinimalConfig, {{"simulator.solver", "sparse"}});
  EXPECT_EQ(sparse.simulator.solver, Simulator::Solver::sparse);
  const Config klu = load_text(kMinimalConfig, {{"simulator.solver", "klu"}});
  EXPECT_EQ(klu.simulator.solver, Simulator::Solver::klu);
  EXPECT_EQ(klu.resolved["simulator"]["solver"], "klu");
  EXPECT_TRUE(ContainsAll(error_of_text(kMinimalConfig, {{"simulator.solver", "kl"}}),
                          {"at simulator.solver", "\"auto\"", "\"sparse\"", "\"klu\""}));
}

TEST_F(ConfigOverrideTest, SimulatorOptionTakesAWord) {
  const Config config = load_text(kMinimalConfig, {{"simulator.options.method", "gear"}});
  EXPECT_EQ(config.simulator.options.at("method"), "gear");
  EXPECT_TRUE(ContainsAll(error_of_text(kMinimalConfig, {{"simulator.options.method", "\"a b\""}}),
                          {"at simulator.options.method", "a word"}));
}

TEST_F(ConfigOverrideTest, IndexPastTheEndOfAnArray) {
  EXPECT_TRUE(ContainsAll(error_of_text(kFullConfig, {{"network.rails.2.volts", "1"}}),
                          {"--set network.rails.2.volts=1", "at network.rails[2]",
                           "the array has 2 elements", "expected an index from 0 to 1"}));
}

TEST_F(ConfigOverrideTest, NonNumericIndexIntoAnArray) {
  EXPECT_TRUE(ContainsAll(error_of_text(kFullConfig, {{"network.rails.first.volts", "1"}}),
                          {"--set network.rails.first.volts=1", "at network.rails",
                           "\"first\" used as an array index"}));
}

TEST_F(ConfigOverrideTest, DescendingIntoANumber) {
  EXPECT_TRUE(ContainsAll(error_of_text(kFullConfig, {{"seed.value", "1"}}),
                          {"--set seed.value=1", "at seed", "found an integer 42",
                           "expected an object or array containing \"value\""}));
}

TEST_F(ConfigOverrideTest, EmptyPathSegment) {
  EXPECT_TRUE(ContainsAll(error_of_text(kFullConfig, {{"training..eta", "1"}}),
                          {"--set training..eta=1", "found an empty segment in the path"}));
}

}  // namespace
// Long runs (issue 8): the checkpoint interval and the options of the one retry.
TEST_F(ConfigTest, CheckpointIntervalAndRetryOptionsHaveDefaultsAndAreRead) {
  const Config defaults = load_text(kMinimalConfig);
  EXPECT_EQ(defaults.checkpoint.every_epochs, 10);
  EXPECT_EQ(defaults.simulator.retry_options,
            (std::map<std::string, std::string>{{"itl4", "100"}, {"method", "gear"}}));
  EXPECT_EQ(defaults.resolved["checkpoint"]["every_epochs"], 10);
  json document = minimal();
  document["checkpoint"] = {{"every_epochs", 3}};
  document["simulator"] = {{"retry_options", json::object()}};
  const Config config = load_text(document.dump());
  EXPECT_EQ(config.checkpoint.every_epochs, 3);
  EXPECT_TRUE(config.simulator.retry_options.empty());
}

TEST_F(ConfigErrorTest, CheckpointIntervalBelowOneAndBadRetryOptionAreRejected) {
  json document = minimal();
  document["checkpoint"] = {{"every_epochs", 0}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"config.json", "at checkpoint.every_epochs",
                                               "found an integer 0", "expected an integer >= 1"}));
  document = minimal();
  document["simulator"] = {{"retry_options", {{"reltol", json::array()}}}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"at simulator.retry_options.reltol"}));
}

// Equilibrium propagation divides the learning gain by eta, so the gain must be one the config
// sets (README "Equilibrium propagation").
TEST_F(ConfigErrorTest, EquilibriumPropagationNeedsItsGainInTheEdgeParams) {
  json document = minimal();
  document["training"] = {{"protocol", "equilibrium_propagation"}};
  EXPECT_TRUE(ContainsAll(error_of(document),
                          {"config.json", "at training.ep_gain_param", "found \"gl\"",
                           "which network.edge.params does not set", "expected the name"}));
  document["network"]["edge"]["params"] = {{"gl", 2.5e-3}};
  const Config config = load_text(document.dump());
  EXPECT_EQ(config.training.protocol, Training::Protocol::equilibrium_propagation);
  EXPECT_EQ(config.training.ep_gain_param, "gl");
}

// Frequency propagation (README "Frequency propagation"): its keys, and the settings that the
// reference sine or the single network rule out, each refused at its own JSON path.
TEST_F(ConfigErrorTest, FrequencyPropagationReadsItsKeys) {
  json document = minimal();
  document["training"] = {
      {"protocol", "frequency_propagation"},
      {"freqprop", {{"frequency_hz", 5e5}, {"feedback_siemens", 3e-4}, {"lowpass_seconds", 2e-6}}},
      {"ramp_seconds", 4e-6}};
  document["simulator"] = {{"max_step", 1.25e-7}};
  const Config config = load_text(document.dump());
  EXPECT_EQ(config.training.protocol, Training::Protocol::frequency_propagation);
  EXPECT_EQ(config.training.freqprop.frequency_hz, 5e5);
  EXPECT_EQ(config.training.freqprop.feedback_siemens, 3e-4);
  EXPECT_EQ(config.training.freqprop.lowpass_seconds, 2e-6);
  EXPECT_EQ(config.training.freqprop.error_drive, Training::FreqProp::ErrorDrive::current);
  EXPECT_EQ(config.resolved["training"]["freqprop"]["frequency_hz"], 5e5);
  document["training"]["freqprop"]["error_drive"] = "voltage";
  EXPECT_EQ(load_text(document.dump()).training.freqprop.error_drive,
            Training::FreqProp::ErrorDrive::voltage);
  document["training"]["freqprop"]["error_drive"] = "charge";
  EXPECT_TRUE(
      ContainsAll(error_of(document), {"at training.freqprop.error_drive",
                                       "found a string \"charge\"", "\"current\"", "\"voltage\""}));
}

TEST_F(ConfigErrorTest, FrequencyPropagationRefusesWhatItCannotRun) {
  const auto freqprop = [&] {
    json document = minimal();
    document["training"] = {{"protocol", "frequency_propagation"}, {"ramp_seconds", 1e-6}};
    document["simulator"] = {{"max_step", 6.25e-8}};
    return document;
  };
  EXPECT_NO_THROW(load_text(freqprop().dump()));
  json document = freqprop();
  document["training"]["freqprop"] = {{"frequency_hz", 0}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"config.json", "at training.freqprop.frequency_hz",
                                               "found an integer 0", "expected a number > 0"}));
  document = freqprop();
  document["training"]["freqprop"] = {{"frequency_hz", 2e6}};
  EXPECT_TRUE(ContainsAll(error_of(document),
                          {"at simulator.max_step", "found 6.25e-08", "expected at most 3.125e-08",
                           "training.freqprop.frequency_hz (2e+06 Hz)"}));
  document = freqprop();
  document["training"]["ramp_seconds"] = 1.5e-6;
  EXPECT_TRUE(ContainsAll(error_of(document), {"at training.ramp_seconds", "1.5 periods",
                                               "a whole number (>= 1) of periods"}));
  document = freqprop();
  document["training"]["desync"] = {{"fraction", 0.5}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"at training.desync.fraction", "found 0.5"}));
  document = freqprop();
  document["physical"] = {{"free_clamped_coupling_f", 1e-12}};
  EXPECT_TRUE(ContainsAll(error_of(document),
                          {"at physical.free_clamped_coupling_f", "no clamped copy to couple to"}));
  // Mismatch gives the one network's transistors their own cards (tested in netlist_test).
  document = freqprop();
  document["physical"] = {{"mismatch", {{"vth_sigma_v", 0.01}}}};
  EXPECT_NO_THROW(load_text(document.dump()));
}

TEST_F(ConfigErrorTest, GradientCheckEpochsMustBeWithinTheRun) {
  json document = minimal();
  document["training"] = {{"epochs", 20}};
  document["analysis"] = {{"gradient_check", {{"epochs", {0, 21}}}}};
  EXPECT_TRUE(
      ContainsAll(error_of(document), {"at analysis.gradient_check.epochs[1]", "found 21",
                                       "expected an epoch from 0 to training.epochs (20)"}));
  document["analysis"]["gradient_check"] = {{"epochs", {0, 20}}, {"delta_v", 0}};
  EXPECT_TRUE(ContainsAll(error_of(document), {"at analysis.gradient_check.delta_v"}));
}

}  // namespace cllnsim::config
