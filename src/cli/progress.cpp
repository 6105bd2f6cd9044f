#include "cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace cllnsim::cli {

ProgressMode progress_mode(bool quiet) {
  if (quiet) return ProgressMode::off;
  return ::isatty(STDERR_FILENO) ? ProgressMode::terminal : ProgressMode::plain;
}

int terminal_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    const long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0 && value < 100000) {
      return static_cast<int>(value);
    }
  }
  return 80;
}

std::string fit_to_width(const std::string& text, int columns) {
  const int keep = std::max(1, columns - 1);
  int used = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A UTF-8 continuation byte belongs to the character before it.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (used == keep) {
      // Drop whole fields ("  "-separated) rather than cut one, when a field fits.
      const std::size_t field_end = text.rfind("  ", i);
      return text.substr(0, field_end != std::string::npos && field_end > 0 ? field_end : i);
    }
    ++used;
  }
  return text;
}

std::string redraw_sequence(const std::string& text, int columns) {
  return "\r" + fit_to_width(text, columns) + "\x1b[K";
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long total = std::lround(seconds);
  char text[48];
  if (total < 60) {
    std::snprintf(text, sizeof text, "%ld s", total);
  } else if (total < 3600) {
    std::snprintf(text, sizeof text, "%ld min %02ld s", total / 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld h %02ld min", total / 3600, total / 60 % 60);
  }
  return text;
}

namespace {

std::string three_digits(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ProgressLine::ProgressLine(ProgressMode mode, std::ostream& out, Clock clock, Columns columns,
                           ProgressTiming timing)
    : mode_(mode),
      out_(out),
      clock_(clock ? std::move(clock) : Clock(steady_seconds)),
      columns_(columns ? std::move(columns) : Columns(terminal_columns)),
      timing_(timing),
      // A terminal shows the first update at once; plain lines start after one interval.
      last_drawn_at_(mode == ProgressMode::plain ? clock_()
                                                 : -std::numeric_limits<double>::infinity()) {}

ProgressLine::~ProgressLine() { finish(); }

bool ProgressLine::due() const {
  if (mode_ == ProgressMode::off || finished_) return false;
  const double interval =
      mode_ == ProgressMode::terminal ? timing_.terminal_interval : timing_.plain_interval;
  return clock_() - last_drawn_at_ >= interval;
}

void ProgressLine::update(const std::string& text) {
  if (mode_ == ProgressMode::off || finished_) return;
  if (due()) {
    draw(text);
  } else {
    pending_ = text;
  }
}

void ProgressLine::event(const std::string& text) {
  if (mode_ == ProgressMode::plain && !finished_) {
    draw(text);
  } else {
    update(text);
  }
}

void ProgressLine::notice(const std::string& text) {
  const bool on_line = mode_ == ProgressMode::terminal && drawn_any_ && !finished_;
  out_ << (on_line ? "\r\x1b[K" : "") + text + "\n";
  if (on_line) out_ << redraw_sequence(drawn_, columns_());
  out_ << std::flush;
}

void ProgressLine::finish() {
  if (mode_ == ProgressMode::off || finished_) return;
  if (!pending_.empty()) draw(pending_);
  if (mode_ == ProgressMode::terminal && drawn_any_) out_ << "\n" << std::flush;
  finished_ = true;
}

void ProgressLine::draw(const std::string& text) {
  if (mode_ == ProgressMode::terminal) {
    out_ << redraw_sequence(text, columns_());
  } else {
    out_ << text + "\n";  // one write: a whole line even when others write to stderr too
  }
  out_ << std::flush;
  drawn_any_ = true;
  drawn_ = text;
  pending_.clear();
  last_drawn_at_ = clock_();
}

void TrainingStatus::observe(const protocol::Progress& progress) {
  if (!first_) first_ = progress;
  last_ = progress;
}

void TrainingStatus::completed(const protocol::EpochRecord& last) {
  if (!last_) return;
  last_->epochs_done = last_->epochs;
  last_->time = last_->stop_time;
  last_->wall_seconds = last.wall_seconds;
  if (last.evaluated) last_->train = last.train;
}

std::string TrainingStatus::text() const {
  if (!last_) return "starting";
  const protocol::Progress& p = *last_;
  char epoch[64];
  // One decimal while an epoch runs; a whole number when it is one (no "20.0/20").
  if (p.epochs_done == std::floor(p.epochs_done)) {
    std::snprintf(epoch, sizeof epoch, "epoch %d/%d", static_cast<int>(p.epochs_done), p.epochs);
  } else {
    std::snprintf(epoch, sizeof epoch, "epoch %.1f/%d", std::floor(p.epochs_done * 10) / 10,
                  p.epochs);
  }
  std::string text = epoch;
  if (p.train) {
    text += "  mse " + three_digits(p.train->mse) + " V^2";
    if (p.train->accuracy) text += "  acc " + three_digits(*p.train->accuracy);
  }
  // The ETA first: a narrow terminal drops the last fields.
  const double wall = p.wall_seconds - first_->wall_seconds;
  const double simulated = p.time - first_->time;
  if (p.time >= p.stop_time) {
    text += "  done";
  } else if (wall > 0 && simulated > 0) {
    text += "  ETA " + format_duration((p.stop_time - p.time) * wall / simulated);
  }
  if (wall > 0) {
    const double rate = static_cast<double>(p.time_points - first_->time_points) / wall;
    char points[48];
    if (rate >= 1e4) {
      std::snprintf(points, sizeof points, "%.0fk pts/s", rate / 1e3);
    } else {
      std::snprintf(points, sizeof points, "%.0f pts/s", rate);
    }
    text += "  ";
    text += points;
  }
  text += "  elapsed " + format_duration(p.wall_seconds);
  return text;
}

}  // namespace cllnsim::cli
