// Runs another program to its end and captures what it printed (sbatch, squeue, the plot script).
#pragma once

#include <string>
#include <vector>

namespace cllnsim::io {

struct ProgramResult {
  int exit_code = -1;  // -1 when it died from a signal
  std::string out, err;
};

// Runs `words` (words[0] looked up on PATH) with this process's environment and waits for it.
// Throws cllnsim::input_error naming the program when it cannot be started (e.g. not installed).
ProgramResult run_program(const std::vector<std::string>& words);

}  // namespace cllnsim::io
