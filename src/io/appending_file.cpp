#include "io/appending_file.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/error.h"
#include "io/atomic_file.h"

namespace cllnsim::io {

AppendingFile::AppendingFile(std::filesystem::path target)
    : target_(std::move(target)), temporary_(hidden_sibling(target_, "partial")) {
  file_ = std::fopen(temporary_.c_str(), "w+");
  if (!file_) {
    throw input_error("cannot write " + target_.string() + ": " + std::strerror(errno));
  }
}

AppendingFile::~AppendingFile() { discard(); }

void AppendingFile::discard() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  std::error_code ignored;
  std::filesystem::remove(temporary_, ignored);
}

void AppendingFile::close() {
  commit();
  discard();
}

void AppendingFile::append(std::string_view text) {
  if (!file_) throw std::logic_error("AppendingFile::append after close()");
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw input_error("cannot write " + target_.string() + ": " + std::strerror(errno));
  }
}

void AppendingFile::commit() {
  // Copy the rows so far into the target atomically; the partial file stays open for more rows.
  if (std::fflush(file_) != 0) {
    throw input_error("cannot write " + target_.string() + ": " + std::strerror(errno));
  }
  const long size = std::ftell(file_);
  std::string content(static_cast<std::size_t>(size), '\0');
  std::rewind(file_);
  const std::size_t read = std::fread(content.data(), 1, content.size(), file_);
  std::fseek(file_, 0, SEEK_END);
  if (read != content.size()) {
    throw input_error("cannot read back " + temporary_.string() + ": " + std::strerror(errno));
  }
  write_file_atomically(target_, content);
}

}  // namespace cllnsim::io
