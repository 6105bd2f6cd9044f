#include "io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "core/error.h"

namespace cllnsim::io {
namespace {

std::string system_reason(int error_number) { return std::strerror(error_number); }

// Owns a POSIX file descriptor; close() reports the error that an implicit close would hide.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }

  bool valid() const { return fd_ >= 0; }
  int get() const { return fd_; }

  // Returns 0 on success, else the errno of the failed close.
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// Removes the temporary file when the write is abandoned before the rename.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::filesystem::path path) : path_(std::move(path)) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (!renamed_) ::unlink(path_.c_str());
  }

  const std::filesystem::path& path() const { return path_; }
  void mark_renamed() { renamed_ = true; }

 private:
  std::filesystem::path path_;
  bool renamed_ = false;
};

std::filesystem::path folder_of(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

// Returns 0 on success, else the errno of the failed write.
int write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

// Returns 0 on success, else the errno of the first failed step.
int write_synced_file(const std::filesystem::path& path, std::string_view content) {
  FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!file.valid()) return errno;
  if (const int error = write_all(file.get(), content); error != 0) return error;
  if (::fsync(file.get()) != 0) return errno;
  return file.close();
}

// Makes the rename itself durable. Best effort: the new file is already in place, and some
// file systems refuse fsync on a folder.
void sync_folder(const std::filesystem::path& folder) {
  FileDescriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());
}

}  // namespace

std::filesystem::path hidden_sibling(const std::filesystem::path& path, std::string_view kind) {
  const std::string name = "." + path.filename().string() + "." + std::string(kind) + "-" +
                           std::to_string(static_cast<long>(::getpid()));
  return folder_of(path) / name;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  if (!path.has_filename()) {
    throw input_error("cannot write " + path.string() + ": the path names no file");
  }
  TemporaryFile temporary(hidden_sibling(path, "tmp"));
  if (const int error = write_synced_file(temporary.path(), content); error != 0) {
    throw input_error("cannot write " + path.string() + ": " + system_reason(error));
  }
  if (::rename(temporary.path().c_str(), path.c_str()) != 0) {
    throw input_error("cannot write " + path.string() + ": " + system_reason(errno));
  }
  temporary.mark_renamed();
  sync_folder(folder_of(path));
}

void ensure_directory(const std::filesystem::path& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error) && !std::filesystem::is_directory(dir, error)) {
    throw input_error("cannot use " + dir.string() + " as a folder: it exists and is not a folder");
  }
  std::filesystem::create_directories(dir, error);
  if (error) {
    throw input_error("cannot create folder " + dir.string() + ": " + error.message());
  }
  const std::filesystem::path probe =
      dir / (".write-probe-" + std::to_string(static_cast<long>(::getpid())));
  FileDescriptor probe_file(::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!probe_file.valid()) {
    throw input_error("folder " + dir.string() + " is not writable: " + system_reason(errno));
  }
  probe_file.close();
  ::unlink(probe.c_str());
}

}  // namespace cllnsim::io
