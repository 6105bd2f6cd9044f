// The shipped task configs (regression, classify2d, iris) and the CSV path, each on a few epochs
// of the real binary; and the inference measurement against the transistors' own currents.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/inference.h"
#include "netlist/edge_file.h"
#include "netlist/netlist.h"
#include "protocol/experiment.h"
#include "run_cli.h"
#include "spice/session.h"

namespace cllnsim::clitest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRepo = CLLNSIM_SOURCE_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> lines;
  std::istringstream stream(read_text(path));
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

class TasksTest : public ::testing::Test {
 protected:
  fs::path run_dir() const { return tmp_.path() / "run"; }

  // `cllnsim train CONFIG --out <tmp>/run --quiet --no-plots --set ...`; expects success.
  json train(const fs::path& config, const std::vector<std::string>& settings) const {
    std::vector<std::string> args{"train",   config.string(), "--out", run_dir().string(),
                                  "--quiet", "--no-plots"};
    for (const auto& setting : settings) args.insert(args.end(), {"--set", setting});
    const CliResult result = run_cli(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(read_text(run_dir() / "results.json"));
  }

  // The energy fields every completed run holds, physically plausible for a 4x4 lattice.
  static void expect_inference_fields(const json& results) {
    const double settling = results.at("settling_time_s");
    const double hold = results.at("config").at("analysis").at("hold_seconds");
    EXPECT_GT(settling, 0.0);
    EXPECT_LT(settling, hold);
    EXPECT_GT(results.at("inference_power_w").get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(results.at("energy_per_inference_j").get<double>(),
                     results.at("inference_power_w").get<double>() * settling);
    EXPECT_DOUBLE_EQ(results.at("energy_per_parameter_inference_j").get<double>(),
                     results.at("energy_per_inference_j").get<double>() /
                         static_cast<double>(results.at("network").at("edges").size()));
  }

  TempDir tmp_;
};

TEST_F(TasksTest, ShippedRegressionRecordsErrorModesEveryEpoch) {
  const json results = train(kRepo / "configs" / "regression.json", {"training.epochs=3"});
  const auto history = lines_of(run_dir() / "history.csv");
  ASSERT_EQ(history.size(), 5u);  // header, epochs 0..3
  EXPECT_NE(history[0].find(",train_error_mean,train_error_slope,train_error_curvature"),
            std::string::npos);
  EXPECT_FALSE(results["metrics"]["train"].contains("accuracy"));
  expect_inference_fields(results);
  EXPECT_FALSE(fs::exists(run_dir() / "boundary.csv"));
}

TEST_F(TasksTest, ShippedClassify2dWritesTheBoundaryGrid) {
  const json results = train(kRepo / "configs" / "classify2d.json",
                             {"training.epochs=2", "task.train_points=6", "task.test_points=8",
                              "analysis.boundary_grid=4"});
  EXPECT_TRUE(results["metrics"]["test"].contains("accuracy"));
  expect_inference_fields(results);
  const auto boundary = lines_of(run_dir() / "boundary.csv");
  ASSERT_EQ(boundary.size(), 17u);
  EXPECT_EQ(boundary[0], "x1,x2,out");
  std::set<std::string> outputs;
  for (std::size_t i = 1; i < boundary.size(); ++i) {
    outputs.insert(boundary[i].substr(boundary[i].rfind(',') + 1));
  }
  EXPECT_GT(outputs.size(), 8u);  // the network's output varies over the grid
  EXPECT_EQ(lines_of(run_dir() / "samples.csv").size(), 15u);
}

TEST_F(TasksTest, ShippedIrisClassifiesByTheLargestOutput) {
  const json results = train(kRepo / "configs" / "iris.json",
                             {"training.epochs=1", "task.split.train=1", "task.split.test=2"});
  EXPECT_EQ(results["classes"], json({"setosa", "versicolor", "virginica"}));
  const double accuracy = results["metrics"]["test"]["accuracy"];
  EXPECT_NEAR(accuracy * 6, std::round(accuracy * 6), 1e-9);  // 6 test flowers
  expect_inference_fields(results);
}

// A user's CSV file and config, both outside the repository.
TEST_F(TasksTest, CsvTaskRunsFromAFileOutsideTheRepository) {
  std::ofstream(tmp_.path() / "ramp.csv") << "volts_in,volts_out\n0,0.1\n0.1,0.15\n0.2,0.2\n"
                                             "0.3,0.22\n0.4,0.23\n0.45,0.235\n";
  json config = json::parse(read_text(kRepo / "configs" / "regression.json"));
  config["network"]["edge"]["file"] = (kRepo / "netlists/edges/nmos_rule.sub").string();
  config["task"] = {{"kind", "csv"},
                    {"file", "ramp.csv"},
                    {"inputs", {{{"column", "volts_in"}, {"volts", {0, 0.45}}}}},
                    {"targets", {{{"column", "volts_out"}, {"volts", {0.1, 0.235}}}}},
                    {"split", {{"kind", "fraction"}, {"train", 0.5}}}};
  const fs::path file = tmp_.path() / "my.json";
  std::ofstream(file) << config.dump(2);
  const json results = train(file, {"training.epochs=2"});
  EXPECT_EQ(results["config"]["task"]["file"], (tmp_.path() / "ramp.csv").string());
  EXPECT_EQ(lines_of(run_dir() / "samples.csv").size(), 7u);
  EXPECT_NE(lines_of(run_dir() / "history.csv")[0].find("train_error_mean"), std::string::npos);

  // split.train 1: every row trains, and the training set is reported as the test set.
  fs::remove_all(run_dir());
  const json all_rows = train(file, {"training.epochs=2", "task.split.train=1"});
  EXPECT_EQ(all_rows["metrics"]["test"], all_rows["metrics"]["train"]);
  EXPECT_EQ(all_rows["metrics"]["note"], "this task has no held-out data: test = training set");
  EXPECT_EQ(lines_of(run_dir() / "samples.csv").size(), 7u);  // the 6 rows, once
}

TEST_F(TasksTest, MalformedCsvExitsTwoNamingFileLineAndColumnAndWritesNothing) {
  std::ofstream(tmp_.path() / "bad.csv") << "a,y\n0,0.1\n0.2,n/a\n";
  json config = json::parse(read_text(kRepo / "configs" / "regression.json"));
  config["network"]["edge"]["file"] = (kRepo / "netlists/edges/nmos_rule.sub").string();
  config["task"] = {{"kind", "csv"},
                    {"file", "bad.csv"},
                    {"inputs", {{{"column", "a"}}}},
                    {"targets", {{{"column", "y"}}}}};
  const fs::path file = tmp_.path() / "bad.json";
  std::ofstream(file) << config.dump(2);
  const CliResult result =
      run_cli({"train", file.string(), "--out", run_dir().string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find((tmp_.path() / "bad.csv").string() +
                            ":3: column 2 (y): found \"n/a\", expected a finite number"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(run_dir()));
}

// The power measured from the sources' currents equals the sum over the free transistors of
// drain current times drop, read from the devices themselves after the transient.
TEST(Inference, SourcePowerEqualsTheFreeTransistorsDissipation) {
  const protocol::Experiment experiment =
      protocol::prepare(kRepo / "configs" / "xor.json", {{"training.epochs", "1"}});
  const auto& network = experiment.network;
  const std::vector<double> gates = {1.2, 1.9, 1.4, 1.7, 1.1, 1.6, 1.3, 1.8, 1.5, 1.2, 1.9,
                                     1.4, 1.7, 1.1, 1.6, 1.3, 1.8, 1.5, 1.2, 1.9, 1.4, 1.7,
                                     1.1, 1.6, 1.3, 1.8, 1.5, 1.2, 1.9, 1.4, 1.7, 1.1};
  ASSERT_EQ(gates.size(), network.edges().size());
  spice::Session session;
  const analysis::InferenceMeasurement measured = analysis::measure_inference(
      experiment.config, network, experiment.edge, gates, {{0.45, 0.0}}, 1, session);
  double dissipated = 0.0;
  for (const auto& edge : network.edges()) {
    const std::string device =
        "@m." + netlist::edge_instance(edge.index) + "." + experiment.edge.free_transistor;
    dissipated += std::abs(session.evaluate(device + "[id]") * session.evaluate(device + "[vds]"));
  }
  EXPECT_GT(dissipated, 1e-5);
  EXPECT_NEAR(measured.power_watts, dissipated, 1e-3 * dissipated);
  EXPECT_GT(measured.settling_seconds, experiment.config.analysis.step_seconds);
  EXPECT_TRUE(measured.settled_within_hold);
  ASSERT_EQ(measured.outputs.size(), 1u);
}

// A hold shorter than the settling is reported as such, not as a settling time: 10 nF on every
// node makes the network settle in tens of microseconds, far beyond the default 2 us hold.
TEST(Inference, AHoldTooShortForTheOutputsToSettleIsFlagged) {
  auto measure = [](const std::string& hold_seconds) {
    const protocol::Experiment experiment = protocol::prepare(
        kRepo / "configs" / "xor.json", {{"training.epochs", "1"},
                                         {"physical.node_capacitance_f", "1e-8"},
                                         {"analysis.hold_seconds", hold_seconds}});
    const std::vector<double> gates(experiment.network.edges().size(), 1.5);
    spice::Session session;
    return analysis::measure_inference(experiment.config, experiment.network, experiment.edge,
                                       gates, {{0.45, 0.0}}, 1, session);
  };
  const auto hurried = measure("2e-6");
  EXPECT_FALSE(hurried.settled_within_hold) << hurried.settling_seconds;
  const auto patient = measure("2e-3");
  EXPECT_TRUE(patient.settled_within_hold) << patient.settling_seconds;
  EXPECT_GT(patient.settling_seconds, 1e-5);
}

}  // namespace
}  // namespace cllnsim::clitest
