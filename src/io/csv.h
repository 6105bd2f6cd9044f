// A small CSV builder and reader: a header, rows of the same width, RFC 4180 quoting, '\n' line
// ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cllnsim::io {

class CsvTable {
 public:
  // Throws std::logic_error if `header` is empty.
  explicit CsvTable(std::vector<std::string> header);

  // Throws std::logic_error if the row's width differs from the header's.
  void add_row(std::vector<std::string> cells);

  // The header line then one line per row, each ending in '\n'. A cell holding a comma, a
  // double quote, '\r' or '\n' is enclosed in double quotes, with its quotes doubled.
  std::string text() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// A CSV text read back: the header and the rows, each row as wide as the header.
struct CsvRows {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> row_lines;  // the line on which each row starts (1-based), for messages
};

// Parses RFC 4180 text ('\n' or "\r\n" line ends, quoted cells with doubled quotes, a final
// line end optional). Throws cllnsim::input_error "<source>:<line>: ..." for an empty text, a
// row whose width differs from the header's, a stray quote or an unterminated quoted cell.
CsvRows read_csv(std::string_view text, const std::string& source);

// The shortest text that parses back to exactly `v` (e.g. "0.1", "1e-300", "-0.087");
// "nan", "inf" and "-inf" for the non-finite values.
std::string format_number(double v);

}  // namespace cllnsim::io
