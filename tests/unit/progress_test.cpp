// The command line's progress renderer: width, the redraw sequence, plain lines and the rate
// limits, with an injected clock and terminal width.
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace cllnsim::cli {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

// A ProgressLine on a string with a hand-driven clock.
struct Rig {
  explicit Rig(ProgressMode mode, int columns = 40)
      : line(
            mode, out, [this] { return now; }, [columns] { return columns; }) {}
  double now = 100.0;
  std::ostringstream out;
  ProgressLine line;
};

TEST(ProgressWidth, CutsToOneColumnLessThanTheTerminal) {
  EXPECT_EQ(fit_to_width("0123456789", 11), "0123456789");
  EXPECT_EQ(fit_to_width("0123456789", 10), "012345678");
  EXPECT_EQ(fit_to_width("0123456789", 5), "0123");
  EXPECT_EQ(fit_to_width("0123456789", 1), "0");  // at least one column
  EXPECT_EQ(fit_to_width("0123456789", 0), "0");
  EXPECT_EQ(fit_to_width("", 40), "");
}

TEST(ProgressWidth, DropsWholeFieldsWhenOneFits) {
  const std::string text = "epoch 3/20  mse 0.5 V^2  ETA 2 s";
  EXPECT_EQ(fit_to_width(text, 33), text);
  EXPECT_EQ(fit_to_width(text, 32), "epoch 3/20  mse 0.5 V^2");
  EXPECT_EQ(fit_to_width(text, 24), "epoch 3/20  mse 0.5 V^2");
  EXPECT_EQ(fit_to_width(text, 23), "epoch 3/20");
  EXPECT_EQ(fit_to_width(text, 8), "epoch 3");  // not even the first field: cut in it
}

TEST(ProgressWidth, CountsCharactersNotBytes) {
  // "µs" is three bytes, two columns: never cut inside the µ.
  EXPECT_EQ(fit_to_width("1 \xC2\xB5s", 4), "1 \xC2\xB5");
  EXPECT_EQ(fit_to_width("1 \xC2\xB5s", 3), "1 ");
}

TEST(ProgressWidth, RedrawReturnsWritesAndClearsTheLine) {
  EXPECT_EQ(redraw_sequence("epoch 3/20", 80), "\repoch 3/20\x1b[K");
  EXPECT_EQ(redraw_sequence("epoch 3/20", 6), "\repoch\x1b[K");
}

TEST(ProgressDuration, WholeSecondsMinutesHours) {
  EXPECT_EQ(format_duration(0.4), "0 s");
  EXPECT_EQ(format_duration(42.2), "42 s");
  EXPECT_EQ(format_duration(185), "3 min 05 s");
  EXPECT_EQ(format_duration(7380), "2 h 03 min");
  EXPECT_EQ(format_duration(-1), "?");
}

TEST(ProgressTerminal, FirstUpdateDrawnAtOnceThenAtMostFiveASecond) {
  Rig rig(ProgressMode::terminal);
  EXPECT_TRUE(rig.line.due());
  rig.line.update("a");
  EXPECT_EQ(rig.out.str(), "\ra\x1b[K");
  rig.now += 0.1;
  EXPECT_FALSE(rig.line.due());
  rig.line.update("b");  // kept, not drawn
  EXPECT_EQ(rig.out.str(), "\ra\x1b[K");
  rig.now += 0.15;  // 0.25 s after the first redraw
  EXPECT_TRUE(rig.line.due());
  rig.line.update("c");
  EXPECT_EQ(rig.out.str(), "\ra\x1b[K\rc\x1b[K");
}

TEST(ProgressTerminal, FinishDrawsTheLastTextAndEndsTheLine) {
  Rig rig(ProgressMode::terminal);
  rig.line.update("a");
  rig.line.update("last");  // too soon to draw
  rig.line.finish();
  EXPECT_EQ(rig.out.str(), "\ra\x1b[K\rlast\x1b[K\n");
  rig.now += 60;
  rig.line.update("after");  // finished: nothing more
  rig.line.finish();
  EXPECT_EQ(rig.out.str(), "\ra\x1b[K\rlast\x1b[K\n");
}

TEST(ProgressTerminal, EveryRedrawFitsTheWidthAndClears) {
  Rig rig(ProgressMode::terminal, 12);
  for (int i = 0; i < 5; ++i) {
    rig.line.update("epoch " + std::to_string(i) + "/20  mse 0.0123 V^2  acc 0.75");
    rig.now += 1;
  }
  rig.line.finish();
  std::string text = rig.out.str();
  ASSERT_EQ(text.back(), '\n');
  text.pop_back();
  std::size_t redraws = 0;
  for (std::size_t at = text.find('\r'); at != std::string::npos; at = text.find('\r', at + 1)) {
    const std::size_t end = text.find("\x1b[K", at);
    ASSERT_NE(end, std::string::npos) << "a redraw that does not clear";
    EXPECT_LE(end - at - 1, 11u) << text.substr(at, end - at);
    ++redraws;
  }
  EXPECT_EQ(redraws, 5u);
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(ProgressTerminal, NothingDrawnMeansNoNewline) {
  Rig rig(ProgressMode::terminal);
  rig.line.finish();
  EXPECT_EQ(rig.out.str(), "");
}

TEST(ProgressPlain, LinesWithoutControlCharactersAtMostOneInTenSeconds) {
  Rig rig(ProgressMode::plain);
  rig.line.update("at start");  // within the first interval: kept
  for (int s = 1; s <= 25; ++s) {
    rig.now += 1;
    rig.line.update("second " + std::to_string(s));
  }
  rig.line.finish();
  const std::string text = rig.out.str();
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(lines_of(text), (std::vector<std::string>{"second 10", "second 20", "second 25"}));
}

TEST(ProgressPlain, EventsAreLinesAtOnceAndReportedOnce) {
  Rig rig(ProgressMode::plain);
  rig.line.update("launched");
  rig.line.event("1/3 done");
  rig.line.event("2/3 done");
  rig.line.event("3/3 done");
  rig.line.finish();  // the last event was drawn: no repeat
  EXPECT_EQ(rig.out.str(), "1/3 done\n2/3 done\n3/3 done\n");
}

TEST(ProgressTerminal, EventsAreRateLimitedLikeUpdates) {
  Rig rig(ProgressMode::terminal);
  rig.line.event("1/3");
  rig.line.event("2/3");
  rig.line.finish();
  EXPECT_EQ(rig.out.str(), "\r1/3\x1b[K\r2/3\x1b[K\n");
}

TEST(ProgressOff, WritesNothing) {
  Rig rig(ProgressMode::off);
  EXPECT_FALSE(rig.line.due());
  rig.line.update("a");
  rig.line.event("b");
  rig.line.finish();
  EXPECT_EQ(rig.out.str(), "");
}

// A retry notice (core/notice.h) while a line is drawn: the line is cleared, the notice gets
// lines of its own, and the progress is drawn again below it.
TEST(ProgressTerminal, NoticeReplacesTheLineAndTheProgressComesBack) {
  Rig rig(ProgressMode::terminal);
  rig.line.update("epoch 1/20");
  rig.line.notice("cllnsim: retrying\nwhy");
  EXPECT_EQ(rig.out.str(), "\repoch 1/20\x1b[K\r\x1b[Kcllnsim: retrying\nwhy\n\repoch 1/20\x1b[K");
}

TEST(ProgressPlainAndOff, NoticesAreLinesEvenWhenQuiet) {
  for (const ProgressMode mode : {ProgressMode::plain, ProgressMode::off}) {
    Rig rig(mode);
    rig.line.notice("cllnsim: retrying");
    EXPECT_EQ(rig.out.str(), "cllnsim: retrying\n");
  }
}

TEST(ProgressOff, QuietIsOff) { EXPECT_EQ(progress_mode(true), ProgressMode::off); }

protocol::Progress report(double epochs_done, double time, std::size_t points, double wall) {
  protocol::Progress p;
  p.epochs_done = epochs_done;
  p.epochs = 20;
  p.time = time;
  p.stop_time = 2.0;
  p.time_points = points;
  p.wall_seconds = wall;
  return p;
}

TEST(TrainingStatusText, EpochMetricsRateAndEta) {
  TrainingStatus status;
  status.observe(report(0, 0, 0, 1.0));
  protocol::Progress now = report(5.47, 0.5, 20000, 11.0);
  now.train = protocol::Metrics{0.0123, 0.75};
  status.observe(now);
  // 0.5 simulated s in 10 wall s: 1.5 left take 30 s; 20000 points in 10 s.
  EXPECT_EQ(status.text(),
            "epoch 5.4/20  mse 0.0123 V^2  acc 0.75  ETA 30 s  2000 pts/s  elapsed 11 s");
}

TEST(TrainingStatusText, WholeEpochsAndCompletion) {
  TrainingStatus status;
  EXPECT_EQ(status.text(), "starting");
  status.observe(report(0, 0, 0, 0.0));
  status.observe(report(3, 0.3, 600000, 2.0));
  EXPECT_EQ(status.text(), "epoch 3/20  ETA 11 s  300k pts/s  elapsed 2 s");
  protocol::EpochRecord last;
  last.epoch = 20;
  last.evaluated = true;
  last.train = protocol::Metrics{0.5, std::nullopt};
  last.wall_seconds = 20.0;
  status.completed(last);
  EXPECT_EQ(status.text(), "epoch 20/20  mse 0.5 V^2  done  30k pts/s  elapsed 20 s");
}

}  // namespace
}  // namespace cllnsim::cli
