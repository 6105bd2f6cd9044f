// Runs the simulation in a child process so that a crash inside libngspice cannot lose a run.
//
// Why a supervisor and not a SIGSEGV handler: after a segmentation fault inside libngspice
// nothing in the process can be trusted (the heap, ngspice's globals, our run state), and a
// handler may only make async-signal-safe calls: no JSON, no allocation, no atomic write of
// results.json. A parent that never loads a circuit is untouched by the crash: it waits for the
// child and, when the child dies without a result, writes results.json with ordinary code,
// while the checkpoint the child wrote at its last segment end stays as it was. The cost is one
// fork per run (about a millisecond).
#pragma once

#include <optional>
#include <string>

namespace cllnsim::cli {

struct ChildEnd {
  int exit_code = 0;  // when the child exited
  int signal = 0;     // when a signal killed it (exit_code is then meaningless)
};

// Forks. Returns std::nullopt in the child, which dies with the parent (PR_SET_PDEATHSIG), so a
// SIGKILL of the command also stops the simulation. Returns in the parent when the child has
// ended. While waiting the parent forwards SIGINT and SIGTERM to the child, which stops at its
// next checkpoint (Ctrl-C on a terminal reaches both; the child sees it once or twice, the same).
std::optional<ChildEnd> fork_supervised();

// "killed by SIGSEGV (segmentation fault)" or "exited with status 1".
std::string describe(const ChildEnd& end);

}  // namespace cllnsim::cli
