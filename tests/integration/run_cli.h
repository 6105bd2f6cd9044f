// Runs the real cllnsim binary as a child process and captures its exit code, stdout and stderr.
// stderr goes to a file, or to a pseudo-terminal when a test needs "stderr is a terminal".
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cllnsim::clitest {

struct CliResult {
  int exit_code = -1;  // -1 when the child died from a signal (e.g. the time limit)
  std::string out;
  std::string err;
};

enum class StderrTo { file, terminal };

// Everything readable from `fd` from its start (files) or until it would block (terminals).
inline std::string drain(int fd, bool from_start) {
  if (from_start) ::lseek(fd, 0, SEEK_SET);
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return text;  // end of file, or EAGAIN on the non-blocking terminal
    }
  }
}

// Runs CLLNSIM_BINARY with `args`; the child is killed after `time_limit_seconds`.
inline CliResult run_cli(const std::vector<std::string>& args, StderrTo stderr_to = StderrTo::file,
                         unsigned time_limit_seconds = 300) {
  std::vector<std::string> words{CLLNSIM_BINARY};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  std::FILE* out_file = std::tmpfile();
  std::FILE* err_file = std::tmpfile();
  int terminal = -1;
  std::string terminal_name;
  if (stderr_to == StderrTo::terminal) {
    terminal = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (terminal < 0 || ::grantpt(terminal) != 0 || ::unlockpt(terminal) != 0) {
      throw std::runtime_error("cannot open a pseudo-terminal");
    }
    terminal_name = ::ptsname(terminal);
  }
  // Kept open by the parent too, so the terminal's buffered output stays readable after exit.
  const int terminal_side =
      terminal >= 0 ? ::open(terminal_name.c_str(), O_RDWR | O_NOCTTY) : ::fileno(err_file);

  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(::fileno(out_file), STDOUT_FILENO);
    ::dup2(terminal_side, STDERR_FILENO);
    ::alarm(time_limit_seconds);  // survives exec: SIGALRM ends a hung child
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  CliResult result;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = drain(::fileno(out_file), true);
  if (terminal >= 0) {
    ::fcntl(terminal, F_SETFL, O_NONBLOCK);
    result.err = drain(terminal, false);
    ::close(terminal_side);
    ::close(terminal);
  } else {
    result.err = drain(::fileno(err_file), true);
  }
  std::fclose(out_file);
  std::fclose(err_file);
  return result;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `text` to `path`, creating its missing folders.
inline void write_text(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A fresh folder under /tmp, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cllnsim-cli-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace cllnsim::clitest
