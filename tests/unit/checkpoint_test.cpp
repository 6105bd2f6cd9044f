// checkpoint.json: what is written reads back bit for bit; a damaged file is an input error
// naming the file and the JSON path.
#include "results/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"

namespace cllnsim::results {
namespace {

namespace fs = std::filesystem;

class CheckpointFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cllnsim_checkpoint_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string error_reading() const {
    try {
      read_checkpoint(dir_);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::bad_input);
      return error.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  }

  fs::path dir_;
};

TEST_F(CheckpointFile, ReadsBackExactlyWhatWasWritten) {
  Checkpoint written;
  written.state.epoch = 7;
  written.state.time = 0.0012345678901234567;
  written.state.gates = {1.0 / 3.0, 2.718281828459045, 0.8000928244821786, 1e-300};
  written.state.signals = {0.45, 0.0, -0.087, 0.0};
  written.state.train = {6.15e-4, 0.75};
  written.state.test = {std::nan(""), std::nullopt};
  written.state.time_points = 12345;
  written.state.retries = {"epochs 1-3 retried with method=gear after: ..."};
  written.state.wall_seconds = 1.25;
  written.wall_seconds = 1.5;
  written.config = {{"seed", 1}};
  write_checkpoint(dir_, written);

  const auto read = read_checkpoint(dir_);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->state.epoch, 7);
  EXPECT_EQ(read->state.time, written.state.time);
  EXPECT_EQ(read->state.gates, written.state.gates);  // exact, not approximately
  EXPECT_EQ(read->state.signals, written.state.signals);
  EXPECT_EQ(read->state.train.mse, 6.15e-4);
  EXPECT_EQ(read->state.train.accuracy, 0.75);
  EXPECT_TRUE(std::isnan(read->state.test.mse));
  EXPECT_FALSE(read->state.test.accuracy);
  EXPECT_EQ(read->state.time_points, 12345u);
  EXPECT_EQ(read->state.retries, written.state.retries);
  EXPECT_EQ(read->state.wall_seconds, 1.25);
  EXPECT_EQ(read->wall_seconds, 1.5);
  EXPECT_EQ(read->config, written.config);
}

TEST_F(CheckpointFile, NoFileIsNoCheckpoint) { EXPECT_FALSE(read_checkpoint(dir_)); }

TEST_F(CheckpointFile, DamagedFileNamesFileAndPath) {
  std::ofstream(dir_ / "checkpoint.json") << "{\"format\": 1, \"epoch\"";
  EXPECT_NE(error_reading().find("checkpoint.json: not valid JSON"), std::string::npos);
  std::ofstream(dir_ / "checkpoint.json") << R"({"format": 1, "epoch": 3, "gates": "x"})";
  EXPECT_NE(error_reading().find("at simulated_seconds: missing"), std::string::npos);
  std::ofstream(dir_ / "checkpoint.json")
      << R"({"format": 1, "epoch": 3, "simulated_seconds": 1, "gates": [1, "x"]})";
  EXPECT_NE(error_reading().find("at gates: expected a number"), std::string::npos);
  std::ofstream(dir_ / "checkpoint.json") << R"({"format": 2})";
  EXPECT_NE(error_reading().find("at format: expected 1"), std::string::npos);
}

}  // namespace
}  // namespace cllnsim::results
