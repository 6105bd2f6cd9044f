// The training tests' harness: runs the real cllnsim binary (train, netlist, ngspice -b) in a
// temporary directory per test, reads gates.csv, and replays an exported netlist against the
// run it came from.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace cllnsim::trainingtest {

namespace fs = std::filesystem;

struct Finished {
  int exit_code = -1;
  long peak_rss_kb = 0;
};

// Runs `argv` with stdout and stderr to `log`; returns its exit code and peak RSS.
inline Finished run(const std::vector<std::string>& argv, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss};
}

inline std::string read(const fs::path& file) {
  std::ifstream stream(file);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

// Every row of gates.csv (after the header) as gate voltages, the epoch column dropped.
inline std::vector<std::vector<double>> gate_rows(const fs::path& gates_csv) {
  std::ifstream stream(gates_csv);
  std::string line;
  std::getline(stream, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(stream, line)) {
    std::stringstream cells(line);
    std::string cell;
    std::getline(cells, cell, ',');  // epoch
    rows.emplace_back();
    while (std::getline(cells, cell, ',')) rows.back().push_back(std::stod(cell));
  }
  return rows;
}

class Training : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cllnsim-training-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Finished train(const fs::path& out, const std::vector<std::string>& settings) {
    return train(config_, out, settings);
  }
  Finished train(const std::string& config, const fs::path& out,
                 const std::vector<std::string>& settings) {
    std::vector<std::string> argv{CLLNSIM_BINARY, "train", config,
                                  "--quiet",      "--out", out.string()};
    for (const auto& setting : settings) argv.insert(argv.end(), {"--set", setting});
    return run(argv, dir_ / (out.filename().string() + ".log"));
  }

  // Trains `config` (under configs/) with seeds 1-5; returns how many end with XOR learned (all
  // 4 samples right), printing each seed's result; `settings` are added to every run.
  int seeds_learning_xor(const std::string& config, const std::vector<std::string>& settings = {}) {
    int learned = 0;
    for (int seed = 1; seed <= 5; ++seed) {
      const fs::path out = dir_ / ("seed" + std::to_string(seed));
      std::vector<std::string> run_settings = settings;
      run_settings.push_back("seed=" + std::to_string(seed));
      EXPECT_EQ(train(std::string(CLLNSIM_SOURCE_DIR) + "/configs/" + config, out, run_settings)
                    .exit_code,
                0);
      const auto results = nlohmann::json::parse(read(out / "results.json"));
      const double accuracy = results["metrics"]["train"]["accuracy"];
      std::cout << config << " seed " << seed << ": accuracy " << accuracy << ", mse "
                << results["metrics"]["train"]["mse"] << " V^2, " << results["wall_seconds"]
                << " s\n";
      learned += accuracy == 1.0 ? 1 : 0;
    }
    return learned;
  }

  const std::string config_ = std::string(CLLNSIM_SOURCE_DIR) + "/configs/xor.json";
  fs::path dir_;
};

class Replay : public Training {
 protected:
  // Trains `config` (xor.json unless given) with `settings`, exports the netlist of the same run,
  // replays it in `ngspice -b` and returns the largest difference between the replay's final
  // gates and the run's (the run's own gates: dir_ / "run" / "gates.csv").
  double replay_difference(const std::vector<std::string>& settings) {
    return replay_difference(config_, settings);
  }
  double replay_difference(const std::string& config, const std::vector<std::string>& settings) {
    EXPECT_EQ(train(config, dir_ / "run", settings).exit_code, 0) << read(dir_ / "run.log");
    const fs::path netlist = dir_ / "replay.cir";
    std::vector<std::string> argv{CLLNSIM_BINARY, "netlist", config, "-o", netlist.string()};
    for (const auto& setting : settings) argv.insert(argv.end(), {"--set", setting});
    EXPECT_EQ(run(argv, dir_ / "netlist.log").exit_code, 0) << read(dir_ / "netlist.log");
    EXPECT_EQ(
        run({CLLNSIM_NGSPICE_PROGRAM, "-b", netlist.string()}, dir_ / "ngspice.log").exit_code, 0)
        << read(dir_ / "ngspice.log");

    const std::string log = read(dir_ / "ngspice.log");
    const std::vector<double> in_process = gate_rows(dir_ / "run" / "gates.csv").back();
    const std::regex measured(R"(final_g(\d+)\s*=\s*([-+0-9.eE]+))");
    std::size_t found = 0;
    double worst = 0.0;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), measured);
         it != std::sregex_iterator(); ++it) {
      const std::size_t edge = std::stoul((*it)[1]);
      EXPECT_LT(edge, in_process.size());
      if (edge >= in_process.size()) continue;
      worst = std::max(worst, std::abs(std::stod((*it)[2]) - in_process[edge]));
      ++found;
    }
    EXPECT_EQ(found, in_process.size()) << log.substr(log.size() > 2000 ? log.size() - 2000 : 0);
    std::cout << "replay: largest gate difference " << worst * 1e3 << " mV over " << found
              << " edges\n";
    return found == in_process.size() ? worst : INFINITY;
  }
};

}  // namespace cllnsim::trainingtest
