// A file written row by row over a long run and published whole: rows go to a hidden
// temporary file next to the target, and commit() fsyncs and renames it into place. A killed
// run leaves the previous target (or none), never a torn one; memory stays flat.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string_view>

namespace cllnsim::io {

class AppendingFile {
 public:
  // Throws cllnsim::input_error naming `target` if the temporary file cannot be created.
  explicit AppendingFile(std::filesystem::path target);
  ~AppendingFile();  // removes the temporary file if never committed
  AppendingFile(const AppendingFile&) = delete;
  AppendingFile& operator=(const AppendingFile&) = delete;

  void append(std::string_view text);
  // Publishes everything appended so far as `target`; appending may continue afterwards and
  // a later commit() publishes the longer file.
  void commit();
  // Publishes and removes the temporary file; nothing may be appended afterwards.
  void close();
  const std::filesystem::path& temporary() const { return temporary_; }

 private:
  void discard();

  std::filesystem::path target_;
  std::filesystem::path temporary_;
  std::FILE* file_ = nullptr;
};

}  // namespace cllnsim::io
