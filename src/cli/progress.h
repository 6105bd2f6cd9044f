// The one progress renderer of the command line (train, characterize, sweep), on stderr.
//
// On a terminal, the line is rewritten in place: "\r", the text cut to the terminal's width
// minus one column (so it never wraps), then "\x1b[K" (clear to the end of the line); at most
// five redraws a second, and a newline when it finishes. When stderr is not a terminal, plain
// newline-terminated lines with no control characters: routine updates at most one every 10 s,
// events (a sweep point finished) at once, and the final state at the end. `--quiet` turns it off.
// Clock and width are injectable, so the policy is unit-tested.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "protocol/trainer.h"

namespace cllnsim::cli {

enum class ProgressMode { off, terminal, plain };

// off with --quiet; terminal when stderr is a terminal; plain otherwise.
ProgressMode progress_mode(bool quiet);

// Columns of the terminal on stderr (TIOCGWINSZ), else $COLUMNS, else 80.
int terminal_columns();

// `text` cut to at most `columns` - 1 characters (code points; it never splits a UTF-8
// sequence), so that a cursor at the end does not wrap the line: at the end of the last whole
// field (fields are separated by two spaces) if one fits, else mid-field. At least one column
// is kept.
std::string fit_to_width(const std::string& text, int columns);

// One redraw in place: "\r" + fit_to_width(text, columns) + "\x1b[K".
std::string redraw_sequence(const std::string& text, int columns);

// "42 s", "3 min 05 s", "2 h 03 min": whole seconds, for elapsed times and ETAs.
std::string format_duration(double seconds);

struct ProgressTiming {
  double terminal_interval = 0.2;  // seconds between redraws on a terminal (at most 5 a second)
  double plain_interval = 10.0;    // seconds between routine plain lines
};

class ProgressLine {
 public:
  using Clock = std::function<double()>;  // monotonic seconds
  using Columns = std::function<int()>;

  // Writes to `out` (std::cerr in the commands); `clock` and `columns` default to the steady
  // clock and terminal_columns().
  ProgressLine(ProgressMode mode, std::ostream& out, Clock clock = {}, Columns columns = {},
               ProgressTiming timing = {});
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return mode_ != ProgressMode::off; }
  // Whether update() would draw now: callers skip building texts that would be dropped.
  bool due() const;
  // A routine update: drawn if due(), else kept and drawn by finish() if nothing newer comes.
  void update(const std::string& text);
  // An event worth a line of its own (rare by the caller's promise, e.g. a sweep point
  // finished): a plain line at once; on a terminal, as update().
  void event(const std::string& text);
  // A message for the user outside the progress (core/notice.h), shown in every mode, also off:
  // on a terminal it replaces the drawn line, and the progress is drawn again below it.
  void notice(const std::string& text);
  // Draws the last text if it was not drawn, ends the terminal line with a newline, and stops
  // drawing. Idempotent; the destructor calls it (so an error message starts on a fresh line).
  void finish();

 private:
  void draw(const std::string& text);

  ProgressMode mode_;
  std::ostream& out_;
  Clock clock_;
  Columns columns_;
  ProgressTiming timing_;
  double last_drawn_at_;
  bool drawn_any_ = false;  // something is on the terminal line
  std::string drawn_;       // the text last drawn
  std::string pending_;     // the last text given and not drawn
  bool finished_ = false;
};

// The training's progress text, "epoch 12.4/20  mse 0.0031 V^2  acc 0.75  ETA 13 s  52k pts/s
// elapsed 21 s", from the trainer's reports. Rates and the ETA count from the first report of
// this process (a resumed run's earlier wall time counts in "elapsed" only).
class TrainingStatus {
 public:
  void observe(const protocol::Progress& progress);
  // The run's last epoch has completed: `last` is its record.
  void completed(const protocol::EpochRecord& last);
  std::string text() const;

 private:
  std::optional<protocol::Progress> first_, last_;
};

}  // namespace cllnsim::cli
