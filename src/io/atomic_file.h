// Crash-safe file output: a reader sees either the old file or the complete new one, never a
// torn one. Failures are input errors (exit code 2) naming the path and the system's reason.
#pragma once

#include <filesystem>
#include <string_view>

namespace cllnsim::io {

// Writes `content` to `.<name>.tmp-<pid>` next to `path`, fsyncs it, renames it over `path` and
// fsyncs the folder. On failure the temporary file is removed and cllnsim::input_error
// ("cannot write <path>: <reason>") is thrown; an existing `path` is then left untouched.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// `.<name>.<kind>-<pid>` in the folder of `path`: this process's hidden working copy of it.
std::filesystem::path hidden_sibling(const std::filesystem::path& path, std::string_view kind);

// Creates `dir` and its missing parents, then checks that a file can be created in it.
// Throws cllnsim::input_error naming `dir` if it is not a folder or not writable.
void ensure_directory(const std::filesystem::path& dir);

}  // namespace cllnsim::io
