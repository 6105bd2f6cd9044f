#include "cli/supervisor.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "core/error.h"

namespace cllnsim::cli {
namespace {

volatile std::sig_atomic_t child_pid = 0;

void forward_to_child(int signal) {
  if (child_pid > 0) ::kill(static_cast<pid_t>(child_pid), signal);
}

}  // namespace

std::optional<ChildEnd> fork_supervised() {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    throw simulation_error(std::string("cannot start the simulation process: ") +
                           std::strerror(errno));
  }
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) std::_Exit(1);  // the parent died before prctl took effect
    return std::nullopt;
  }
  child_pid = child;
  struct sigaction forward {};
  forward.sa_handler = forward_to_child;
  sigemptyset(&forward.sa_mask);
  ::sigaction(SIGTERM, &forward, nullptr);
  ::sigaction(SIGINT, &forward, nullptr);

  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw simulation_error("lost the simulation process: waitpid failed");
  }
  child_pid = 0;
  if (WIFSIGNALED(status)) return ChildEnd{0, WTERMSIG(status)};
  return ChildEnd{WEXITSTATUS(status), 0};
}

std::string describe(const ChildEnd& end) {
  if (end.signal != 0) {
    return "killed by signal " + std::to_string(end.signal) + " (" + ::strsignal(end.signal) + ")";
  }
  return "exited with status " + std::to_string(end.exit_code);
}

}  // namespace cllnsim::cli
