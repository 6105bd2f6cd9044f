// simulator.solver "auto": Sparse below Simulator::kKluFromEdges twin edges, KLU from there on,
// and Sparse on a libngspice without KLU; "sparse" and "klu" as written. And the other thing
// settled against the loaded library: an edge with a compiled device needs one with OSDI.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "core/error.h"
#include "protocol/experiment.h"
#include "spice/session.h"

namespace cllnsim::protocol {
namespace {

using Solver = config::Simulator::Solver;
constexpr std::size_t kCrossover = config::Simulator::kKluFromEdges;
const spice::LibraryInfo kWithKlu{"46", true, true};
const spice::LibraryInfo kWithoutKlu{"39", false, false};

config::Config WithSolver(Solver solver) {
  config::Config config;
  config.source_file = "run.json";
  config.simulator.solver = solver;
  return config;
}

TEST(SolverRule, AutoIsSparseBelowTheCrossoverAndKluFromIt) {
  const config::Simulator simulator;
  EXPECT_EQ(simulator.solver, Solver::automatic);
  EXPECT_EQ(simulator.solver_for(32), Solver::sparse);
  EXPECT_EQ(simulator.solver_for(kCrossover - 1), Solver::sparse);
  EXPECT_EQ(simulator.solver_for(kCrossover), Solver::klu);
  EXPECT_EQ(simulator.solver_for(3200), Solver::klu);
}

TEST(SolverRule, AnExplicitSolverIsKeptAtEverySize) {
  for (const std::size_t edges : {std::size_t{4}, kCrossover, std::size_t{3200}}) {
    EXPECT_EQ(WithSolver(Solver::sparse).simulator.solver_for(edges), Solver::sparse) << edges;
    EXPECT_EQ(WithSolver(Solver::klu).simulator.solver_for(edges), Solver::klu) << edges;
  }
}

TEST(SolverRule, NamesAreTheConfigsWords) {
  EXPECT_EQ(std::string(config::solver_name(Solver::automatic)), "auto");
  EXPECT_EQ(std::string(config::solver_name(Solver::sparse)), "sparse");
  EXPECT_EQ(std::string(config::solver_name(Solver::klu)), "klu");
}

TEST(ResolveSolver, AutoKeepsItsChoiceOnALibraryWithKlu) {
  for (const std::size_t edges : {std::size_t{32}, kCrossover, std::size_t{3200}}) {
    config::Config config = WithSolver(Solver::automatic);
    resolve_solver(config, edges, kWithKlu);
    EXPECT_EQ(config.simulator.solver, Solver::automatic) << edges;
    EXPECT_EQ(config.simulator.solver_for(edges),
              edges >= kCrossover ? Solver::klu : Solver::sparse)
        << edges;
  }
}

// Debian bookworm's 39.3 has no KLU: "auto" falls back to Sparse at every size.
TEST(ResolveSolver, AutoFallsBackToSparseOnALibraryWithoutKlu) {
  for (const std::size_t edges : {std::size_t{32}, kCrossover, std::size_t{3200}}) {
    config::Config config = WithSolver(Solver::automatic);
    resolve_solver(config, edges, kWithoutKlu);
    EXPECT_EQ(config.simulator.solver_for(edges), Solver::sparse) << edges;
  }
}

TEST(ResolveSolver, ExplicitKluOnALibraryWithoutKluIsABadInput) {
  config::Config config = WithSolver(Solver::klu);
  try {
    resolve_solver(config, 32, kWithoutKlu);
    FAIL() << "no error";
  } catch (const Error& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("run.json: at simulator.solver"), std::string::npos) << text;
    EXPECT_NE(text.find("ngspice-39"), std::string::npos) << text;
  }
  config::Config sparse = WithSolver(Solver::sparse);
  resolve_solver(sparse, 3200, kWithoutKlu);
  EXPECT_EQ(sparse.simulator.solver, Solver::sparse);
  config::Config klu = WithSolver(Solver::klu);
  resolve_solver(klu, 32, kWithKlu);
  EXPECT_EQ(klu.simulator.solver, Solver::klu);
}

// Debian bookworm's 39.3 has no OSDI: the shipped configs' compiled edge is refused before
// anything runs, naming the key, the library and the behavioural edge to use instead; the
// behavioural edge itself, and any edge on a library with OSDI, pass.
TEST(CompiledDevices, AnOsdiEdgeNeedsALibraryWithOsdi) {
  const std::filesystem::path config = CLLNSIM_SOURCE_DIR "/configs/xor.json";
  Experiment compiled = prepare(config, {});
  EXPECT_NO_THROW(settle_for_library(compiled, kWithKlu));
  try {
    settle_for_library(compiled, kWithoutKlu);
    ADD_FAILURE() << "the compiled edge was accepted on a library without OSDI";
  } catch (const Error& error) {
    const std::string what = error.what();
    for (const char* part : {"xor.json: at network.edge.file", "nmos_rule_osdi.sub", "pre_osdi",
                             "ngspice-39", "without OSDI", "netlists/edges/nmos_rule.sub"}) {
      EXPECT_NE(what.find(part), std::string::npos) << part << " not in: " << what;
    }
  }
  Experiment behavioural =
      prepare(config, {{"network.edge.file", "../netlists/edges/nmos_rule.sub"}});
  EXPECT_NO_THROW(settle_for_library(behavioural, kWithoutKlu));
}

}  // namespace
}  // namespace cllnsim::protocol
