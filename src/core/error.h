// The one error type of cllnsim: a message and the process exit code it maps to.
// Thrown by every layer; turned into the exit status in one place (cli/main.cpp).
#pragma once

#include <stdexcept>
#include <string>

namespace cllnsim {

enum class ExitCode : int {
  success = 0,
  bad_input = 2,          // bad command line, config, data or edge file: nothing simulated
  simulation_failed = 3,  // ngspice error or non-convergence, after saving what could be saved
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

inline Error input_error(const std::string& message) { return Error(ExitCode::bad_input, message); }

inline Error simulation_error(const std::string& message) {
  return Error(ExitCode::simulation_failed, message);
}

}  // namespace cllnsim
