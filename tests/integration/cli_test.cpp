// End-to-end tests of the cllnsim command line: the real binary on configs written into a fresh
// temporary folder. Bad input must exit 2 with one error line naming the file and the JSON path
// (or edge-file line) and write nothing; good input must write a complete run directory.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/version.h"
#include "run_cli.h"
#include "spice/session.h"

namespace cllnsim::clitest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRepo = CLLNSIM_SOURCE_DIR;
const fs::path kEdgeFile = kRepo / "netlists" / "edges" / "nmos_rule.sub";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

std::string first_cell(const std::string& line) { return line.substr(0, line.find(',')); }

std::vector<std::string> hidden_entries(const fs::path& dir) {
  std::vector<std::string> hidden;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".")) hidden.push_back(name);
  }
  return hidden;
}

// configs/xor.json with the edge file made absolute, so the copy works from any folder.
json xor_config() {
  json config = json::parse(read_text(kRepo / "configs" / "xor.json"));
  config["network"]["edge"]["file"] = kEdgeFile.string();
  return config;
}

class CliTest : public ::testing::Test {
 protected:
  fs::path config_path() const { return tmp_.path() / "config.json"; }
  fs::path run_dir() const { return tmp_.path() / "run"; }

  fs::path write_config(const json& config) const {
    write_text(config_path(), config.dump(2));
    return config_path();
  }

  // `cllnsim train CONFIG --out <tmp>/run --quiet --no-plots [extra...]`
  CliResult train(const json& config, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"train",   write_config(config).string(),
                                  "--out",   run_dir().string(),
                                  "--quiet", "--no-plots"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  }

  // Exit 2 and exactly one error line on stderr, which mentions every one of `mentions`.
  static void expect_bad_input(const CliResult& result,
                               std::initializer_list<std::string> mentions) {
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_TRUE(result.err.starts_with("cllnsim: error: ")) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1)
        << "expected exactly one error line:\n"
        << result.err;
    for (const std::string& mention : mentions) {
      EXPECT_NE(result.err.find(mention), std::string::npos)
          << "the error should mention '" << mention << "':\n"
          << result.err;
    }
  }

  void expect_no_run_written() const {
    EXPECT_FALSE(fs::exists(run_dir() / "results.json"));
    EXPECT_TRUE(!fs::exists(run_dir()) || fs::is_empty(run_dir()))
        << run_dir() << " should not have been filled";
  }

  TempDir tmp_;
};

// --- Malformed configs ---

using CliConfigErrors = CliTest;

TEST_F(CliConfigErrors, MissingSeedNamesFileAndPath) {
  json config = xor_config();
  config.erase("seed");
  expect_bad_input(train(config), {config_path().string(), "at seed", "missing"});
  expect_no_run_written();
}

TEST_F(CliConfigErrors, StringEpochsNamesPathFoundValueAndExpectedType) {
  json config = xor_config();
  config["training"]["epochs"] = "many";
  expect_bad_input(train(config),
                   {config_path().string(), "at training.epochs", "\"many\"", "integer"});
  expect_no_run_written();
}

TEST_F(CliConfigErrors, MisspelledKeySuggestsTheKnownOne) {
  json config = xor_config();
  config["training"]["epocs"] = 3;
  expect_bad_input(train(config),
                   {config_path().string(), "at training.epocs", "did you mean \"epochs\""});
  expect_no_run_written();
}

TEST_F(CliConfigErrors, InputOutsideTheLatticeIsRejected) {
  json config = xor_config();
  config["network"]["inputs"][0]["at"] = {4, 0};
  expect_bad_input(train(config),
                   {config_path().string(), "at network.inputs[0].at", "[4, 0]", "4x4"});
  expect_no_run_written();
}

TEST_F(CliConfigErrors, LatticeNodeUsedTwiceNamesBothUses) {
  json config = xor_config();
  config["network"]["inputs"][0]["at"] = config["network"]["rails"][0]["at"];
  expect_bad_input(train(config),
                   {config_path().string(), "network.inputs[0].at", "network.rails[0].at"});
  expect_no_run_written();
}

TEST_F(CliConfigErrors, MissingEdgeFileNamesPathAndJsonKey) {
  json config = xor_config();
  const fs::path missing = tmp_.path() / "no_such_edge.sub";
  config["network"]["edge"]["file"] = missing.string();
  expect_bad_input(train(config),
                   {config_path().string(), "at network.edge.file", missing.string()});
  expect_no_run_written();
}

TEST_F(CliConfigErrors, EdgeSubcktWithSevenPortsNamesEdgeFileAndLine) {
  const fs::path edge_file = tmp_.path() / "seven_ports.sub";
  write_text(edge_file,
             "* an edge that forgot its vss port\n"
             ".subckt cl_nmos_rule fa fb ca cb g learn vdd\n"
             "+ params: gl=1m cg=1n\n"
             "R1 fa fb 1k\n"
             ".ends cl_nmos_rule\n");
  json config = xor_config();
  config["network"]["edge"]["file"] = edge_file.string();
  expect_bad_input(train(config), {edge_file.string() + ":2:", "fa fb ca cb g learn vdd vss"});
  expect_no_run_written();
}

TEST_F(CliConfigErrors, SymmetricNudgeWithAnEdgeWithoutPolarityNamesKeyAndEdge) {
  const fs::path edge_file = tmp_.path() / "eight_ports.sub";
  write_text(edge_file,
             ".subckt plain fa fb ca cb g learn vdd vss\n"
             "R1 fa fb 1k\nR2 ca cb 1k\nC1 g vss 1n\n"
             ".ends plain\n");
  json config = xor_config();
  config["network"]["edge"] = {{"file", edge_file.string()}, {"subckt", "plain"}};
  config["training"]["nudge"] = "symmetric";
  expect_bad_input(train(config), {config_path().string(), "at training.nudge", edge_file.string(),
                                   "'polarity'", "one_sided"});
  expect_no_run_written();
}

// --- --set ---

using CliSetErrors = CliTest;

TEST_F(CliSetErrors, NonNumericEtaIsRejected) {
  expect_bad_input(
      train(xor_config(), {"--set", "training.eta=fast"}),
      {config_path().string(), "--set training.eta=fast", "at training.eta", "\"fast\"", "number"});
  expect_no_run_written();
}

TEST_F(CliSetErrors, UnknownPathIsNamedWithSuggestion) {
  expect_bad_input(
      train(xor_config(), {"--set", "trainig.eta=0.5"}),
      {config_path().string(), "--set trainig.eta=0.5", "at trainig", "did you mean \"training\""});
  expect_no_run_written();
}

// --- The output folder ---

using CliOutputDirectory = CliTest;

TEST_F(CliOutputDirectory, OutUnderARegularFileIsRejected) {
  write_text(tmp_.path() / "afile", "not a folder\n");
  const fs::path out = tmp_.path() / "afile" / "run";
  const CliResult result = run_cli({"train", write_config(xor_config()).string(), "--out",
                                    out.string(), "--quiet", "--set", "training.epochs=1"});
  expect_bad_input(result, {out.string()});
  EXPECT_EQ(read_text(tmp_.path() / "afile"), "not a folder\n");
}

TEST_F(CliOutputDirectory, ExistingResultsAreNeitherOverwrittenNorJoined) {
  fs::create_directory(run_dir());
  const std::string previous = "{\"status\": \"an earlier run\"}\n";
  write_text(run_dir() / "results.json", previous);
  expect_bad_input(train(xor_config(), {"--set", "training.epochs=1"}),
                   {run_dir().string(), "results.json"});
  EXPECT_EQ(read_text(run_dir() / "results.json"), previous);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(run_dir())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"results.json"});
}

// --- Commands, help and version ---

TEST(CliCommandLine, UnknownCommandIsRejected) {
  const CliResult result = run_cli({"frobnicate"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown command 'frobnicate'"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

// The whole synopsis, not its first line cut short.
TEST(CliCommandLine, ACommandWithoutConfigIsRejectedWithItsWholeSynopsis) {
  const CliResult train = run_cli({"train"});
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_EQ(train.err,
            "cllnsim: error: no CONFIG given; expected:\n"
            "  cllnsim train CONFIG [--out DIR] [--set PATH=VALUE]... [--no-plots] [--quiet]\n"
            "  cllnsim train --resume DIR [--no-plots] [--quiet]\n");
  const CliResult sweep = run_cli({"sweep"});
  EXPECT_EQ(sweep.exit_code, 2);
  EXPECT_NE(sweep.err.find("\n  cllnsim sweep SPEC --out DIR --slurm [--partition P]"),
            std::string::npos)
      << sweep.err;
  EXPECT_NE(sweep.err.find("\n                [--max-concurrent N] [--template FILE] [--dry-run]\n"
                           "  cllnsim sweep SPEC --out DIR --collect [--no-plot]\n"),
            std::string::npos)
      << sweep.err;
}

TEST(CliCommandLine, VersionPrintsCllnsimAndLibngspiceVersions) {
  const CliResult result = run_cli({"--version"});
  EXPECT_EQ(result.exit_code, 0);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(result.out, match,
                                std::regex(R"(cllnsim (\S+).*libngspice[^0-9]*([0-9][0-9.]*))")))
      << result.out;
  EXPECT_EQ(match[1].str(), CLLNSIM_VERSION);
}

TEST(CliCommandLine, TrainHelpExitsZeroAndMentionsSet) {
  const CliResult result = run_cli({"train", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("--set"), std::string::npos) << result.out;
}

TEST(CliCommandLine, NetlistHelpExitsZeroAndMentionsSet) {
  const CliResult result = run_cli({"netlist", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("--set"), std::string::npos) << result.out;
}

TEST(CliCommandLine, TopLevelHelpListsEveryExitCodeAndQuiet) {
  const CliResult result = run_cli({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* expected : {"0 success", "1 characterize", "2 bad command line",
                               "3 simulation failure", "130 stopped", "--quiet"}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\n" << result.out;
  }
}

// characterize's config has no training section: its --set help must not suggest one.
TEST(CliCommandLine, CharacterizeHelpShowsNoTrainingKey) {
  const CliResult result = run_cli({"characterize", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("--set"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("training."), std::string::npos) << result.out;
}

// --- netlist ---

using CliNetlist = CliTest;

TEST_F(CliNetlist, WritesStandaloneNetlistWithPwlSourcesAndMeasures) {
  const fs::path file = tmp_.path() / "xor.cir";
  const CliResult result = run_cli({"netlist", write_config(xor_config()).string(), "-o",
                                    file.string(), "--set", "training.epochs=1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::string text = read_text(file);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_NE(text.find("pwl("), std::string::npos);
  EXPECT_NE(text.find(".measure"), std::string::npos);
  EXPECT_EQ(text.find("external"), std::string::npos) << "a standalone netlist needs no driver";
  EXPECT_TRUE(hidden_entries(tmp_.path()).empty());
}

// --- simulator.solver ---

// "klu" trains where the loaded libngspice has KLU (46 from bookworm-backports), with
// `.options klu` in the run's netlist; elsewhere (Debian bookworm's 39.3) it is refused: exit 2,
// one line naming the key and the library, nothing written.
TEST_F(CliTest, KluSolverTrainsWhereTheLibraryHasItAndIsRefusedElsewhere) {
  spice::LibraryInfo library;
  {
    spice::Session session;
    library = session.library_info();
  }
  json config = xor_config();
  config["simulator"]["solver"] = "klu";
  const CliResult result = train(config, {"--set", "training.epochs=2"});
  if (library.klu) {
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const json r = json::parse(read_text(run_dir() / "results.json"));
    EXPECT_EQ(r.value("status", ""), "completed");
    EXPECT_EQ(r["config"]["simulator"]["solver"], "klu");
    EXPECT_NE(read_text(run_dir() / "netlist.cir").find("\n.options klu\n"), std::string::npos);
  } else {
    expect_bad_input(result,
                     {"simulator.solver", "\"klu\"", "ngspice-" + library.version, "\"sparse\""});
    expect_no_run_written();
  }
}

// "auto" (the default) at a lattice of Simulator::kKluFromEdges twin edges or more: KLU where the
// loaded libngspice has it, Sparse where it has none (39.3); results.json names what was used, the
// config keeps "auto", and `cllnsim netlist` exports the same choice. The shipped 4x4 lattice (32
// edges) stays with Sparse.
TEST_F(CliTest, AutoSolverIsKluOnALargeLatticeWhereTheLibraryHasItAndSparseOnTheSmallOne) {
  spice::LibraryInfo library;
  {
    spice::Session session;
    library = session.library_info();
  }
  int side = 4;
  while (2 * static_cast<std::size_t>(side * side) < config::Simulator::kKluFromEdges) ++side;
  json config = xor_config();
  config["network"]["lattice"]["rows"] = side;
  config["network"]["lattice"]["cols"] = side;
  const CliResult result =
      train(config, {"--set", "training.epochs=1", "--set", "analysis.inference_samples=1", "--set",
                     "analysis.boundary_grid=0"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json r = json::parse(read_text(run_dir() / "results.json"));
  EXPECT_EQ(r["network"]["edges"].size(), 2u * static_cast<std::size_t>(side * side));
  EXPECT_EQ(r["config"]["simulator"]["solver"], "auto");
  EXPECT_EQ(r["solver"], library.klu ? "klu" : "sparse");
  const std::string netlist = read_text(run_dir() / "netlist.cir");
  EXPECT_EQ(netlist.find("\n.options klu\n") != std::string::npos, library.klu);

  const fs::path exported = tmp_.path() / "large.cir";
  ASSERT_EQ(run_cli({"netlist", config_path().string(), "-o", exported.string(), "--set",
                     "training.epochs=1"})
                .exit_code,
            0);
  EXPECT_EQ(read_text(exported).find("\n.options klu\n") != std::string::npos, library.klu);

  const fs::path small = tmp_.path() / "small.cir";
  ASSERT_EQ(run_cli({"netlist", write_config(xor_config()).string(), "-o", small.string(), "--set",
                     "training.epochs=1"})
                .exit_code,
            0);
  const std::string text = read_text(small);
  EXPECT_EQ(text.find(".options klu"), std::string::npos);
  EXPECT_NE(text.find("simulator.solver auto: sparse"), std::string::npos);
}

// --- A tiny successful training run ---

class CliTrainRun : public CliTest {
 protected:
  void SetUp() override {
    json config = xor_config();
    config["seed"] = 7;
    result_ = train(config, {"--set", "training.epochs=2"});
    ASSERT_EQ(result_.exit_code, 0) << result_.err;
  }

  json results() const { return json::parse(read_text(run_dir() / "results.json")); }

  CliResult result_;
};

TEST_F(CliTrainRun, QuietRunPrintsNothingOnStderr) { EXPECT_EQ(result_.err, ""); }

TEST_F(CliTrainRun, WritesTheFourRunFilesAndNoHiddenOnes) {
  for (const char* name : {"results.json", "history.csv", "gates.csv", "netlist.cir"}) {
    EXPECT_TRUE(fs::is_regular_file(run_dir() / name)) << name;
    EXPECT_GT(fs::file_size(run_dir() / name), 0u) << name;
  }
  EXPECT_EQ(hidden_entries(run_dir()), std::vector<std::string>{});
}

TEST_F(CliTrainRun, ResultsHoldStatusMetricsTimingVersionsAndSeed) {
  const json r = results();
  EXPECT_EQ(r.value("status", ""), "completed");
  ASSERT_TRUE(r.contains("metrics")) << r.dump(2);
  EXPECT_TRUE(r["metrics"]["train"]["mse"].is_number());
  EXPECT_GE(r["metrics"]["train"]["mse"].get<double>(), 0.0);
  ASSERT_TRUE(r["metrics"]["train"]["accuracy"].is_number());
  EXPECT_GE(r["metrics"]["train"]["accuracy"].get<double>(), 0.0);
  EXPECT_LE(r["metrics"]["train"]["accuracy"].get<double>(), 1.0);
  EXPECT_TRUE(r["metrics"]["test"]["mse"].is_number());
  EXPECT_EQ(r["epochs"], 2);
  EXPECT_GT(r["wall_seconds"].get<double>(), 0.0);
  EXPECT_GT(r["simulated_seconds"].get<double>(), 0.0);
  EXPECT_TRUE(r["time_points"].is_number_integer());
  EXPECT_GT(r["time_points"].get<long>(), 0);
  EXPECT_EQ(r["versions"]["cllnsim"], CLLNSIM_VERSION);
  EXPECT_TRUE(r["versions"]["ngspice"].is_string());
  EXPECT_EQ(r["seed"], 7);
}

TEST_F(CliTrainRun, ResultsDescribeAll32EdgesWithConductance) {
  const json edges = results()["network"]["edges"];
  ASSERT_EQ(edges.size(), 32u);
  for (const json& edge : edges) {
    ASSERT_TRUE(edge.contains("conductance_siemens")) << edge.dump();
    EXPECT_TRUE(edge["conductance_siemens"].is_number()) << edge.dump();
  }
}

TEST_F(CliTrainRun, HistoryHasOneRowPerEpochFromZero) {
  const auto lines = lines_of(read_text(run_dir() / "history.csv"));
  ASSERT_EQ(lines.size(), 4u) << read_text(run_dir() / "history.csv");
  EXPECT_EQ(lines[0],
            "epoch,train_mse,train_accuracy,test_mse,test_accuracy,simulated_seconds,wall_seconds");
  for (int epoch = 0; epoch <= 2; ++epoch) {
    EXPECT_EQ(first_cell(lines[epoch + 1]), std::to_string(epoch));
  }
}

TEST_F(CliTrainRun, GatesHaveOneColumnPerEdgeAndOneRowPerEpoch) {
  const auto lines = lines_of(read_text(run_dir() / "gates.csv"));
  ASSERT_EQ(lines.size(), 4u) << read_text(run_dir() / "gates.csv");
  std::string header = "epoch";
  for (int g = 0; g < 32; ++g) header += ",g" + std::to_string(g);
  EXPECT_EQ(lines[0], header);
  for (int epoch = 0; epoch <= 2; ++epoch) {
    EXPECT_EQ(first_cell(lines[epoch + 1]), std::to_string(epoch));
    EXPECT_EQ(std::count(lines[epoch + 1].begin(), lines[epoch + 1].end(), ','), 32);
  }
}

// --- Progress: redrawn in place on a terminal, plain lines otherwise ---

using CliProgress = CliTest;

TEST_F(CliProgress, ShownOnTerminalStderr) {
  const CliResult result = run_cli({"train", write_config(xor_config()).string(), "--out",
                                    run_dir().string(), "--set", "training.epochs=2"},
                                   StderrTo::terminal);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("epoch 2/2"), std::string::npos) << result.err;
}

// Sets an environment variable for the test's children, restoring it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// The texts of the redraws in terminal output: each "\r" starts one, which must end with a
// clear to the end of the line ("\x1b[K") before anything else. The terminal's own "\r\n" for
// a newline is not a redraw.
std::vector<std::string> redraws_of(std::string text) {
  for (std::size_t at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at)) {
    text.erase(at, 1);
  }
  std::vector<std::string> redraws;
  for (std::size_t at = text.find('\r'); at != std::string::npos; at = text.find('\r', at + 1)) {
    const std::size_t clear = text.find("\x1b[K", at);
    const std::size_t next = text.find_first_of("\r\n", at + 1);
    EXPECT_TRUE(clear != std::string::npos && clear < next)
        << "a redraw that does not clear the line: " << text.substr(at, 60);
    redraws.push_back(text.substr(at + 1, std::min(clear, next) - at - 1));
  }
  return redraws;
}

TEST_F(CliProgress, PlainLinesWhenStderrIsNotATerminal) {
  const CliResult result =
      run_cli({"train", write_config(xor_config()).string(), "--out", run_dir().string(), "--set",
               "training.epochs=2", "--no-plots"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err.find('\r'), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find('\x1b'), std::string::npos) << result.err;
  // The final state at least (a 2-epoch run is over before the 10 s of a routine line).
  bool final_line = false;
  for (const std::string& line : lines_of(result.err)) {
    if (line.starts_with("cllnsim: warning: ")) continue;
    EXPECT_TRUE(line.starts_with("epoch ")) << line;
    final_line = final_line || line.starts_with("epoch 2/2 ");
  }
  EXPECT_TRUE(final_line) << result.err;
}

TEST_F(CliProgress, FitsANarrowTerminalAndUpdatesWithinASegment) {
  // The test's pseudo-terminal has no size set. It is not read until the run ends and holds
  // some 15 kB: a short run, so that the redraws (at most 5 a second) fit.
  const ScopedEnv columns("COLUMNS", "40");
  const CliResult result =
      run_cli({"train", write_config(xor_config()).string(), "--out", run_dir().string(), "--set",
               "training.epochs=4", "--set", "checkpoint.every_epochs=4", "--no-plots"},
              StderrTo::terminal);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> redraws = redraws_of(result.err);
  ASSERT_FALSE(redraws.empty()) << result.err;
  bool within_segment = false;
  for (const std::string& redraw : redraws) {
    EXPECT_LE(redraw.size(), 39u) << redraw;
    EXPECT_TRUE(redraw.starts_with("epoch ")) << redraw;
    // One segment of 4 epochs: an epoch short of 4 was drawn from inside its transient.
    within_segment = within_segment || !redraw.starts_with("epoch 4/4");
  }
  EXPECT_TRUE(within_segment) << result.err;
  EXPECT_TRUE(redraws.back().starts_with("epoch 4/4")) << result.err;
  // The final text (epoch, mse, accuracy, "done", points/s, elapsed) is longer than 39
  // columns: its last fields were dropped.
  EXPECT_EQ(redraws.back().find("elapsed"), std::string::npos) << redraws.back();
  // The line ends with a newline once the run is over.
  const std::size_t last = result.err.rfind("\x1b[K");
  EXPECT_EQ(result.err.substr(last + 3, 2), "\r\n") << result.err;
}

TEST_F(CliProgress, QuietSilencesItEvenOnTerminal) {
  const CliResult result = run_cli({"train", write_config(xor_config()).string(), "--out",
                                    run_dir().string(), "--set", "training.epochs=2", "--quiet"},
                                   StderrTo::terminal);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Nothing but warnings (the inference settling check may warn; that is not progress).
  std::istringstream lines(result.err);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.rfind("cllnsim: warning: ", 0), 0u) << result.err;
  }
}

}  // namespace
}  // namespace cllnsim::clitest
