#include "io/csv.h"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

#include "core/error.h"

namespace cllnsim::io {
namespace {

bool needs_quotes(const std::string& cell) {
  return cell.find_first_of(",\"\r\n") != std::string::npos;
}

void append_cell(std::string& out, const std::string& cell) {
  if (!needs_quotes(cell)) {
    out += cell;
    return;
  }
  out += '"';
  for (const char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_line(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    append_cell(out, cells[i]);
  }
  out += '\n';
}

// Reads one record (a line, or several when a quoted cell holds line ends) from `at`.
class CsvRecordReader {
 public:
  CsvRecordReader(std::string_view text, const std::string& source)
      : text_(text), source_(source) {}

  bool done() const { return at_ >= text_.size(); }
  int line() const { return line_; }

  std::vector<std::string> next() {
    std::vector<std::string> cells(1);
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\n' || (c == '\r' && at_ + 1 < text_.size() && text_[at_ + 1] == '\n')) {
        at_ += c == '\r' ? 2 : 1;
        ++line_;
        return cells;
      }
      if (c == ',') {
        cells.emplace_back();
        ++at_;
      } else if (c == '"' && cells.back().empty()) {
        read_quoted(cells.back());
      } else if (c == '"') {
        fail("a double quote inside an unquoted cell (quote the whole cell and double it)");
      } else {
        cells.back() += c;
        ++at_;
      }
    }
    return cells;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw input_error(source_ + ":" + std::to_string(line_) + ": " + what);
  }

 private:
  // A quoted cell ends at its closing quote: `"a"b` is an error.
  void read_quoted(std::string& cell) {
    const int opened_on = line_;
    ++at_;
    while (true) {
      if (at_ >= text_.size()) {
        throw input_error(source_ + ":" + std::to_string(opened_on) +
                          ": a quoted cell is never closed (expected a closing double quote)");
      }
      const char c = text_[at_++];
      if (c == '"') {
        if (at_ < text_.size() && text_[at_] == '"') {
          cell += '"';
          ++at_;
          continue;
        }
        break;
      }
      if (c == '\n') ++line_;
      cell += c;
    }
    if (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '\n' && text_[at_] != '\r') {
      fail("text after a closing double quote (expected ',' or the end of the line)");
    }
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t at_ = 0;
  int line_ = 1;
};

}  // namespace

CsvRows read_csv(std::string_view text, const std::string& source) {
  CsvRecordReader reader(text, source);
  if (reader.done()) reader.fail("empty file (expected a header line)");
  CsvRows csv;
  csv.header = reader.next();
  while (!reader.done()) {
    const int line = reader.line();
    std::vector<std::string> row = reader.next();
    if (row.size() != csv.header.size()) {
      throw input_error(source + ":" + std::to_string(line) + ": found " +
                        std::to_string(row.size()) + " cells, expected " +
                        std::to_string(csv.header.size()) + " (as in the header)");
    }
    csv.rows.push_back(std::move(row));
    csv.row_lines.push_back(line);
  }
  return csv;
}

CsvTable::CsvTable(std::vector<std::string> header) : header_(std::move(header)) {
  if (header_.empty()) throw std::logic_error("CsvTable: the header has no columns");
}

void CsvTable::add_row(std::vector<std::string> cells) {
  if (cells.size() != header_.size()) {
    throw std::logic_error("CsvTable: row has " + std::to_string(cells.size()) +
                           " cells but the header has " + std::to_string(header_.size()));
  }
  rows_.push_back(std::move(cells));
}

std::string CsvTable::text() const {
  std::string out;
  append_line(out, header_);
  for (const auto& row : rows_) append_line(out, row);
  return out;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::array<char, 64> buffer{};
  const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  if (error != std::errc()) throw std::logic_error("format_number: buffer too small");
  return std::string(buffer.data(), end);
}

}  // namespace cllnsim::io
