// libFuzzer target: the CSV reader on arbitrary bytes, and the round trip through the writer:
// whatever it reads, writing it back and reading that again gives the same cells.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cllnsim::io::CsvRows rows;
  try {
    rows = cllnsim::io::read_csv(text, "fuzz.csv");
  } catch (const cllnsim::Error& error) {
    if (error.code() != cllnsim::ExitCode::bad_input) __builtin_trap();
    return 0;
  }
  cllnsim::io::CsvTable table(rows.header);
  for (const auto& row : rows.rows) table.add_row(row);
  const cllnsim::io::CsvRows again = cllnsim::io::read_csv(table.text(), "round-trip.csv");
  if (again.header != rows.header || again.rows != rows.rows) __builtin_trap();
  return 0;
}
