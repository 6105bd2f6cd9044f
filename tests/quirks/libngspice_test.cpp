// libngspice itself, without the session wrapper: the behaviours src/spice/session.cpp relies on
// or works around, checked on whichever libngspice the build links (Debian's 39.3, or 46 from
// bookworm-backports, see scripts/ngspice_private.sh). The wrapper hides exactly these (a
// failed transient's return value, the callbacks' arguments), so they are probed here through
// sharedspice.h directly: the one place besides session.cpp that includes it. A test that fails
// here means the library changed, and the wrapper's note about it must be re-read.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <ngspice/sharedspice.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <string>
#include <vector>

namespace {

std::vector<std::string> messages;
std::atomic<int> bg_calls{0};
std::atomic<int> bg_last{-1};
std::atomic<int> exit_calls{0};
int isrc_calls = 0;

int on_char(char* text, int, void*) {
  messages.emplace_back(text ? text : "");
  return 0;
}
int on_stat(char*, int, void*) { return 0; }
int on_exit(int, NG_BOOL, NG_BOOL, int, void*) {
  ++exit_calls;
  return 0;
}
int on_data(pvecvaluesall, int, int, void*) { return 0; }
int on_init_data(pvecinfoall, int, void*) { return 0; }
int on_bg(NG_BOOL flag, int, void*) {
  ++bg_calls;
  bg_last = flag ? 1 : 0;
  return 0;
}
int on_vsrc(double* value, double time, char*, int, void*) {
  *value = time > 0 ? 1.0 : 0.0;
  return 0;
}
int on_isrc(double* value, double, char*, int, void*) {
  ++isrc_calls;
  *value = 1e-3;
  return 0;
}

class Libngspice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static bool initialised = false;
    if (initialised) return;
    ngSpice_Init(on_char, on_stat, on_exit, on_data, on_init_data, on_bg, nullptr);
    int ident = 0;
    ngSpice_Init_Sync(on_vsrc, on_isrc, nullptr, &ident, nullptr);
    initialised = true;
  }
  void SetUp() override {
    command("destroy all");
    command("remcirc");
    messages.clear();
    exit_calls = 0;
  }
  static int command(const char* text) { return ngSpice_Command(const_cast<char*>(text)); }
  static int circuit(std::vector<std::string> lines) {
    lines.emplace_back(".end");
    std::vector<char*> pointers;
    for (std::string& line : lines) pointers.push_back(line.data());
    pointers.push_back(nullptr);
    return ngSpice_Circ(pointers.data());
  }
  static bool printed(const std::string& text) {
    for (const std::string& line : messages) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  static double last_value(const char* vector) {
    const pvector_info info = ngGet_Vec_Info(const_cast<char*>(vector));
    if (!info || info->v_length < 1 || !info->v_realdata) return std::nan("");
    return info->v_realdata[info->v_length - 1];
  }
  static int major_version() {
    messages.clear();
    command("version -f");
    for (const std::string& line : messages) {
      const std::size_t at = line.find("ngspice-");
      if (at != std::string::npos) return std::atoi(line.c_str() + at + 8);
    }
    return 0;
  }
};

// A child that ran to one of its own exits (0 worked, 3 an ngspice error, 4 a wrong value), not
// one killed by a signal or stopped by the sanitizers' fault handler.
bool finished(int status) {
  return WIFEXITED(status) &&
         (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3 || WEXITSTATUS(status) == 4);
}

const std::vector<std::string> kRunaway = {"runaway",
                                           "v1 in 0 pulse(0 1 1u 1n 1n 1u 2u)",
                                           "b1 0 out I=1e3*exp(100*V(out))*V(in)",
                                           "r1 out 0 1",
                                           "d1 out 0 dd",
                                           ".model dd d is=1e-30"};

// Why the session checks ngspice's messages and the last accepted time point: a transient
// that stops with "Timestep too small" still returns 0 (39.3 and 46).
TEST_F(Libngspice, FailedTransientReturnsZero) {
  ASSERT_EQ(circuit(kRunaway), 0);
  EXPECT_EQ(command("tran 1e-7 1e-5 0 1e-7"), 0) << "a failed transient now returns an error";
  EXPECT_TRUE(printed("Timestep too small"));
  EXPECT_EQ(exit_calls, 0);
}

// Session::load after a failure: `destroy all`, `remcirc`, then a new circuit works.
TEST_F(Libngspice, NewCircuitAfterAFailedTransientWorks) {
  ASSERT_EQ(circuit(kRunaway), 0);
  command("tran 1e-7 1e-5 0 1e-7");
  command("destroy all");
  command("remcirc");
  ASSERT_EQ(circuit({"divider", "v1 a 0 2", "r1 a b 1k", "r2 b 0 1k"}), 0);
  EXPECT_EQ(command("op"), 0);
  EXPECT_NEAR(last_value("b"), 1.0, 1e-9);
}

// The noise sources are EXTERNAL current sources: their value comes from GetISRCData.
TEST_F(Libngspice, ExternalCurrentSourceTakesItsValueFromGetIsrcData) {
  isrc_calls = 0;
  ASSERT_EQ(circuit({"isrc", "i1 0 n external", "r1 n 0 1k"}), 0);
  EXPECT_EQ(command("tran 1e-7 1e-6"), 0);
  EXPECT_GT(isrc_calls, 0);
  EXPECT_NEAR(last_value("n"), 1.0, 1e-9);  // 1 mA into 1 kOhm
}

// BGThreadRunning's flag is true when the background thread has finished (the session runs
// every command in the caller's thread; this is for anyone who changes that).
TEST_F(Libngspice, BackgroundThreadFlagIsTrueWhenFinished) {
  ASSERT_EQ(circuit({"bg", "v1 a 0 1", "r1 a b 1k", "c1 b 0 1n"}), 0);
  bg_calls = 0;
  ASSERT_EQ(command("bg_tran 1e-8 2e-4"), 0);
  for (int i = 0; i < 20000 && bg_calls < 2; ++i) usleep(1000);
  for (int i = 0; i < 20000 && ngSpice_running(); ++i) usleep(1000);
  EXPECT_EQ(bg_calls, 2);
  EXPECT_EQ(bg_last, 1);
}

// simulator.solver "klu" relies on this: the library names KLU in `version -f` exactly when
// `.options klu` selects it. 39.3 has no KLU and ignores the option without a word.
TEST_F(Libngspice, KluIsNamedByVersionExactlyWhenOptionsKluUsesIt) {
  messages.clear();
  command("version -f");
  const bool built_with_klu = printed("Compiled with KLU");
  messages.clear();
  ASSERT_EQ(circuit({"klu", ".options klu", "v1 a 0 1", "r1 a b 1k", "r2 b 0 1k"}), 0);
  EXPECT_EQ(command("op"), 0);
  EXPECT_NEAR(last_value("b"), 0.5, 1e-9);
  EXPECT_EQ(printed("Using KLU"), built_with_klu);
}

// Session::library_info() tells a build with OSDI by the `osdi` command, since `version -f` does
// not say: without arguments 46 answers "osdi: too few args.", Debian's 39.3 (built without it)
// "osdi: no such command available in ngspice". The answer agrees with whether the compiled
// learning device loads (on 39.3 its instance is an "unknown device type").
TEST_F(Libngspice, OsdiCommandAnswersExactlyWhenACompiledDeviceLoads) {
  messages.clear();
  command("osdi");
  const bool has_osdi = !printed("no such command");
  messages.clear();
  command("osdi " CLLNSIM_SOURCE_DIR "/netlists/devices/cl_learn_rule.osdi");
  circuit({"compiled device", ".model rule cl_learn_rule", "v1 a 0 0.1", "r1 a 0 1k", "vdd vdd 0 5",
           "cg g 0 1n", "rg g 0 1meg", "nx a 0 a 0 g 0 vdd 0 0 rule"});
  const bool loaded =
      !printed("unknown device type") && command("op") == 0 && std::isfinite(last_value("g"));
  EXPECT_EQ(loaded, has_osdi);
}

// `Vx n 0 dc 0 external` crashed libngspice 39 at `tran` (the generator writes
// `Vx n 0 external`, which works in both); 46 runs it. In a child process.
TEST_F(Libngspice, DcValueOnAnExternalSourceCrashes39AndWorksIn46) {
  const int major = major_version();
  ASSERT_GT(major, 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (circuit({"crash", "vx n 0 dc 0 external", "r1 n 0 1k"}) != 0) _exit(3);
    if (command("tran 1e-7 1e-6") != 0) _exit(3);
    _exit(std::abs(last_value("n") - 1.0) < 1e-9 ? 0 : 4);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (major < 46) {
    EXPECT_FALSE(finished(status)) << "libngspice " << major << " no longer crashes";
  } else {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "libngspice " << major << ": 'dc 0 external' failed or crashed";
  }
}

// ngSpice_Reset (new in 46's interface): a circuit loaded after it crashes the library, so the
// session never calls it (it reloads with `destroy all` and `remcirc`). In a child process.
TEST_F(Libngspice, NewCircuitAfterNgSpiceResetCrashes) {
  using ResetFunction = int (*)();
  const auto reset = reinterpret_cast<ResetFunction>(dlsym(RTLD_DEFAULT, "ngSpice_Reset"));
  if (!reset) GTEST_SKIP() << "this libngspice has no ngSpice_Reset (39.3)";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    circuit({"before", "v1 a 0 1", "r1 a b 1k", "r2 b 0 1k"});
    command("op");
    reset();
    if (circuit({"after", "v1 a 0 2", "r1 a b 1k", "r2 b 0 1k"}) != 0) _exit(3);
    if (command("op") != 0) _exit(3);
    _exit(std::abs(last_value("b") - 1.0) < 1e-9 ? 0 : 4);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_FALSE(finished(status)) << "a circuit after ngSpice_Reset no longer crashes (exit "
                                 << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ")";
}

}  // namespace
