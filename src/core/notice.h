// Notices for the user while a command runs (e.g. a simulation retried with relaxed options).
// They go to stderr, unless a command that draws a progress line on a terminal routes them
// through it (cli::ProgressLine::notice), so that a notice does not land inside that line.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <utility>

namespace cllnsim {

using NoticeSink = std::function<void(const std::string&)>;

// The sink of this process; empty: stderr.
inline NoticeSink& notice_sink() {
  static NoticeSink sink;
  return sink;
}

// Routes notices to `sink` while it lives (the sink's captures must outlive it).
class ScopedNoticeSink {
 public:
  explicit ScopedNoticeSink(NoticeSink sink) : previous_(std::move(notice_sink())) {
    notice_sink() = std::move(sink);
  }
  ~ScopedNoticeSink() { notice_sink() = std::move(previous_); }
  ScopedNoticeSink(const ScopedNoticeSink&) = delete;
  ScopedNoticeSink& operator=(const ScopedNoticeSink&) = delete;

 private:
  NoticeSink previous_;
};

// `text` without a final newline; it may span lines.
inline void notice(const std::string& text) {
  if (notice_sink()) {
    notice_sink()(text);
  } else {
    std::fprintf(stderr, "%s\n", text.c_str());  // one write: whole lines among other output
  }
}

}  // namespace cllnsim
