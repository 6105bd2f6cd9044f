// The Slurm job-array script and its helpers (pure text; the real Slurm is exercised by
// tests/slurm_sweep_test.sh).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "io/process.h"
#include "sweep/slurm.h"

namespace cllnsim::sweep {
namespace {

namespace fs = std::filesystem;

const fs::path kOut = "/shared/sweeps/mismatch";
const std::vector<std::string> kCommand{"/opt/cllnsim", "sweep", "/shared/spec.json", "--out", kOut,
                                        "--quiet",      "--set", "name=my run"};

// A file with `text` (a template, or a script), removed at the end of the test.
class Template {
 public:
  explicit Template(const std::string& text)
      : path_(fs::temp_directory_path() / ("cllnsim-template-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(count_++) + ".sh")) {
    std::ofstream(path_) << text;
  }
  ~Template() { fs::remove(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int count_ = 0;
  fs::path path_;
};

std::string ErrorOf(const SlurmOptions& options) {
  try {
    job_script(options, kCommand, kOut, 4);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::bad_input);
    return error.what();
  }
  return "";
}

TEST(SlurmScript, OneArrayTaskPerPointRunningThatPointWithAbsolutePaths) {
  SlurmOptions options;
  options.partition = "short";
  options.time = "00:30:00";
  options.memory = "2G";
  options.max_concurrent = 8;
  const std::string script = job_script(options, kCommand, kOut, 12);
  EXPECT_TRUE(script.starts_with("#!/bin/bash\n")) << script;
  for (const std::string& line :
       {"#SBATCH --job-name=" + job_name(kOut), std::string("#SBATCH --array=0-11%8"),
        std::string("#SBATCH --output=/shared/sweeps/mismatch/slurm/%A_%a.out"),
        std::string("#SBATCH --partition=short"), std::string("#SBATCH --time=00:30:00"),
        std::string("#SBATCH --mem=2G"),
        std::string("exec /opt/cllnsim sweep /shared/spec.json --out /shared/sweeps/mismatch "
                    "--quiet --set 'name=my run' --point \"$((SLURM_ARRAY_TASK_ID + offset))\"")}) {
    EXPECT_NE(script.find("\n" + line + "\n"), std::string::npos) << line << "\n" << script;
  }
  // No limit and no defaults overridden unless asked.
  const std::string plain = job_script({}, kCommand, kOut, 1);
  EXPECT_NE(plain.find("#SBATCH --array=0-0\n"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("--partition"), std::string::npos);
}

TEST(SlurmScript, TemplateLinesFollowTheHeaderBeforeTheCommand) {
  const Template site("#SBATCH --account=physics\nmodule load ngspice\n");
  SlurmOptions options;
  options.template_file = site.path();
  const std::string script = job_script(options, kCommand, kOut, 2);
  const auto account = script.find("#SBATCH --account=physics\n");
  const auto module = script.find("module load ngspice\n");
  ASSERT_NE(account, std::string::npos) << script;
  EXPECT_GT(account, script.find("#SBATCH --array="));
  EXPECT_GT(module, account);
  EXPECT_GT(script.find("exec /opt/cllnsim"), module);
}

TEST(SlurmScript, TemplateLinesItCannotUseAreErrorsWithFileAndLine) {
  const Template array("# site\n#SBATCH --account=x\n#SBATCH --array=0-3\n");
  SlurmOptions options;
  options.template_file = array.path();
  std::string error = ErrorOf(options);
  EXPECT_NE(error.find(array.path().string() + ":3: found '#SBATCH --array=0-3'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("cllnsim sets --array itself"), std::string::npos) << error;
  {
    const Template short_name("#SBATCH -J mine\n");
    options.template_file = short_name.path();
    EXPECT_NE(ErrorOf(options).find(":1: found '#SBATCH -J mine'; cllnsim sets --job-name"),
              std::string::npos)
        << ErrorOf(options);
  }
  {
    const Template late("module load x\n#SBATCH --account=x\n");
    options.template_file = late.path();
    EXPECT_NE(ErrorOf(options).find(":2: found '#SBATCH --account=x' after a command"),
              std::string::npos)
        << ErrorOf(options);
  }
  options.template_file = "/no/such/template.sh";
  EXPECT_NE(ErrorOf(options).find("cannot read the Slurm template /no/such/template.sh"),
            std::string::npos);
}

TEST(SlurmScript, OptionsSbatchWouldNotTakeAreErrors) {
  SlurmOptions options;
  options.time = "1 hour";
  EXPECT_NE(ErrorOf(options).find("--time '1 hour': expected a time limit"), std::string::npos);
  options = {};
  options.memory = "2 GB";
  EXPECT_NE(ErrorOf(options).find("--mem '2 GB'"), std::string::npos);
  options = {};
  options.partition = "a b";
  EXPECT_NE(ErrorOf(options).find("--partition 'a b'"), std::string::npos);
  EXPECT_NE(
      [] {
        try {
          job_script({}, kCommand, "/shared/my sweep", 2);
        } catch (const Error& error) {
          return std::string(error.what());
        }
        return std::string();
      }()
          .find("cannot hold spaces"),
      std::string::npos);
}

TEST(SlurmScript, ArrayLimitIsReadBackFromTheScript) {
  SlurmOptions options;
  options.max_concurrent = 8;
  const Template limited(job_script(options, kCommand, kOut, 12));
  EXPECT_EQ(array_limit(limited.path()), "%8");
  const Template unlimited(job_script({}, kCommand, kOut, 12));
  EXPECT_EQ(array_limit(unlimited.path()), "");
}

TEST(SlurmScript, IndexListsAsSbatchArrayTakesThem) {
  EXPECT_EQ(index_list({}), "");
  EXPECT_EQ(index_list({3}), "3");
  EXPECT_EQ(index_list({0, 1, 2, 3, 7, 9, 10}), "0-3,7,9-10");
  EXPECT_EQ(index_list({2, 4}), "2,4");
}

// The script run by bash as Slurm would, with `echo` in place of cllnsim: the point it asks for.
std::string PointRunBy(const std::string& job, const std::string& task) {
  const Template script(job_script({}, {"echo"}, kOut, 3));
  const io::ProgramResult result = io::run_program(
      {"env", "SLURM_JOB_NAME=" + job, "SLURM_ARRAY_TASK_ID=" + task, "bash", script.path()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

TEST(SlurmScript, ATaskRunsItsPointPlusTheOffsetInItsJobName) {
  EXPECT_EQ(PointRunBy(job_name(kOut), "2"), "--point 2\n");
  EXPECT_EQ(PointRunBy(job_name(kOut) + "+1001", "2"), "--point 1003\n");
}

TEST(SlurmScript, PointsBeyondMaxArraySizeGoToFurtherArraysWithOffsets) {
  const std::vector<ArrayPart> parts = split_points({0, 1, 2, 3, 4, 6, 9}, 3);  // ids 0-2
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].offset, 0u);
  EXPECT_EQ(parts[0].tasks, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(parts[1].offset, 3u);
  EXPECT_EQ(parts[1].tasks, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(parts[2].offset, 6u);
  EXPECT_EQ(parts[2].tasks, (std::vector<std::size_t>{0}));
  EXPECT_EQ(parts[3].offset, 9u);  // task 3 of the array at 6 would pass MaxArraySize
  EXPECT_EQ(parts[3].tasks, (std::vector<std::size_t>{0}));
  EXPECT_EQ(split_points({0, 1, 2}, 1001).size(), 1u);
  EXPECT_EQ(sbatch_arguments(parts[0], "%2", kOut, "/s/sweep.sbatch"),
            (std::vector<std::string>{"--array=0-2%2", "/s/sweep.sbatch"}));
  EXPECT_EQ(sbatch_arguments(parts[1], "", kOut, "/s/sweep.sbatch"),
            (std::vector<std::string>{"--array=0-1", "--job-name=" + job_name(kOut) + "+3",
                                      "/s/sweep.sbatch"}));
}

TEST(SlurmScript, MaxArraySizeAndQueuedPointsAreReadFromSlurmsText) {
  EXPECT_EQ(parse_max_array_size("AuthType = auth/munge\nMaxArraySize            = 1001\n"
                                 "MaxJobCount = 10000\n"),
            1001u);
  EXPECT_EQ(parse_max_array_size("MaxJobCount = 10000\n"), std::nullopt);
  const std::string name = job_name(kOut);
  EXPECT_EQ(
      parse_queued_points(name, name + "|2\n" + name + "+1001|0\n" + name +
                                    "+1001|5\nother-job|1\n" + name + "x|4\n" + name + "+abc|4\n"),
      (std::vector<std::size_t>{2, 1001, 1006}));
}

TEST(SlurmScript, JobNamesDependOnTheSweepFolderOnly) {
  EXPECT_EQ(job_name(kOut), job_name(kOut));
  EXPECT_NE(job_name(kOut), job_name("/shared/sweeps/other"));
  EXPECT_TRUE(job_name(kOut).starts_with("cllnsim-sweep-"));
}

TEST(SlurmScript, ShellQuotingKeepsPlainWordsAndQuotesTheRest) {
  EXPECT_EQ(shell_quote("/opt/cllnsim"), "/opt/cllnsim");
  EXPECT_EQ(shell_quote("name=my run"), "'name=my run'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

}  // namespace
}  // namespace cllnsim::sweep
