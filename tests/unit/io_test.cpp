#include <gtest/gtest.h>
#include <unistd.h>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/json_file.h"

namespace fs = std::filesystem;
using cllnsim::io::CsvTable;
using cllnsim::io::ensure_directory;
using cllnsim::io::format_number;
using cllnsim::io::write_file_atomically;
using cllnsim::io::write_json_atomically;

namespace {

// A fresh folder per test, removed afterwards.
class IoTempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cllnsim-io-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  // A regular file, so that any path below it can be neither read nor created, even as root.
  fs::path make_regular_file(const std::string& name) const {
    const fs::path file = dir_ / name;
    std::ofstream(file) << "not a folder";
    return file;
  }

  fs::path dir_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Runs `action`, expecting a cllnsim input error whose message contains `expected_text`.
template <typename Action>
void expect_input_error_mentioning(Action action, const std::string& expected_text) {
  try {
    action();
    FAIL() << "no error thrown; expected one mentioning " << expected_text;
  } catch (const cllnsim::Error& e) {
    EXPECT_EQ(e.code(), cllnsim::ExitCode::bad_input);
    EXPECT_NE(std::string(e.what()).find(expected_text), std::string::npos)
        << "message: " << e.what();
  }
}

using IoAtomicFile = IoTempDir;
using IoEnsureDirectory = IoTempDir;
using IoJsonFile = IoTempDir;

TEST_F(IoAtomicFile, ContentRoundTrips) {
  const fs::path path = dir_ / "out.txt";
  const std::string content("line one\nline two with \0 a NUL byte\n", 36);
  write_file_atomically(path, content);
  EXPECT_EQ(read_file(path), content);
}

TEST_F(IoAtomicFile, EmptyContentGivesEmptyFile) {
  const fs::path path = dir_ / "empty.txt";
  write_file_atomically(path, "");
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST_F(IoAtomicFile, OverwriteReplacesContentAndLeavesNoTemporaryFiles) {
  const fs::path path = dir_ / "results.json";
  write_file_atomically(path, "first version, which is the longer of the two\n");
  write_file_atomically(path, "second\n");
  EXPECT_EQ(read_file(path), "second\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"results.json"});
}

TEST_F(IoAtomicFile, MissingFolderThrowsWithPath) {
  const fs::path path = dir_ / "missing" / "x.json";
  expect_input_error_mentioning([&] { write_file_atomically(path, "{}"); }, path.string());
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
}

TEST_F(IoAtomicFile, FolderThatIsARegularFileThrowsWithPath) {
  const fs::path path = make_regular_file("afile") / "x.json";
  expect_input_error_mentioning([&] { write_file_atomically(path, "{}"); }, path.string());
  expect_input_error_mentioning([&] { write_file_atomically(path, "{}"); }, "Not a directory");
}

TEST_F(IoAtomicFile, FailedRenameRemovesTemporaryFile) {
  const fs::path path = dir_ / "taken";
  fs::create_directory(path);
  fs::create_directory(path / "child");  // a non-empty folder cannot be replaced by a file
  expect_input_error_mentioning([&] { write_file_atomically(path, "data"); }, path.string());
  EXPECT_EQ(entries(), std::vector<std::string>{"taken"});
}

TEST_F(IoEnsureDirectory, CreatesNestedFolders) {
  const fs::path nested = dir_ / "a" / "b" / "c";
  ensure_directory(nested);
  EXPECT_TRUE(fs::is_directory(nested));
  EXPECT_TRUE(fs::is_empty(nested)) << "the write probe must be removed";
}

TEST_F(IoEnsureDirectory, AcceptsExistingFolder) {
  ensure_directory(dir_);
  EXPECT_TRUE(entries().empty());
}

TEST_F(IoEnsureDirectory, RegularFileThrowsNamingIt) {
  const fs::path file = make_regular_file("afile");
  expect_input_error_mentioning([&] { ensure_directory(file); }, file.string());
  EXPECT_EQ(read_file(file), "not a folder");
}

TEST_F(IoEnsureDirectory, FolderBelowRegularFileThrowsNamingIt) {
  const fs::path dir = make_regular_file("afile") / "sub";
  expect_input_error_mentioning([&] { ensure_directory(dir); }, dir.string());
}

TEST_F(IoJsonFile, WritesTwoSpaceIndentAndTrailingNewline) {
  const fs::path path = dir_ / "results.json";
  const nlohmann::json value = {{"name", "run"}, {"metrics", {{"mse", 0.5}}}};
  write_json_atomically(path, value);
  EXPECT_EQ(read_file(path),
            "{\n"
            "  \"metrics\": {\n"
            "    \"mse\": 0.5\n"
            "  },\n"
            "  \"name\": \"run\"\n"
            "}\n");
  EXPECT_EQ(nlohmann::json::parse(read_file(path)), value);
}

TEST_F(IoJsonFile, InvalidUtf8ThrowsInputErrorNamingFile) {
  const fs::path path = dir_ / "bad.json";
  const nlohmann::json value = {{"name", std::string("\xff\xfe")}};
  expect_input_error_mentioning([&] { write_json_atomically(path, value); }, path.string());
  EXPECT_TRUE(entries().empty());
}

TEST(IoCsv, WritesHeaderAndRows) {
  CsvTable table({"epoch", "train_mse", "train_accuracy"});
  table.add_row({"0", "0.25", ""});
  table.add_row({"1", "0.125", "0.5"});
  EXPECT_EQ(table.text(), "epoch,train_mse,train_accuracy\n0,0.25,\n1,0.125,0.5\n");
}

TEST(IoCsv, QuotesCellsWithCommaQuoteOrNewline) {
  CsvTable table({"name", "note"});
  table.add_row({"a,b", "say \"hi\""});
  table.add_row({"two\nlines", "cr\r"});
  table.add_row({"plain", "it's fine"});
  EXPECT_EQ(table.text(),
            "name,note\n"
            "\"a,b\",\"say \"\"hi\"\"\"\n"
            "\"two\nlines\",\"cr\r\"\n"
            "plain,it's fine\n");
}

TEST(IoCsv, QuotesHeaderCells) {
  CsvTable table({"x,y"});
  EXPECT_EQ(table.text(), "\"x,y\"\n");
}

TEST(IoCsv, RejectsRowOfWrongWidth) {
  CsvTable table({"a", "b"});
  EXPECT_THROW(table.add_row({"1"}), std::logic_error);
  EXPECT_THROW(table.add_row({"1", "2", "3"}), std::logic_error);
  EXPECT_EQ(table.text(), "a,b\n");
}

TEST(IoCsv, RejectsEmptyHeader) { EXPECT_THROW(CsvTable({}), std::logic_error); }

TEST(IoFormatNumber, UsesShortestText) {
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(1e-300), "1e-300");
  EXPECT_EQ(format_number(-0.087), "-0.087");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(2.5), "2.5");
}

TEST(IoFormatNumber, RoundTripsExactly) {
  const double values[] = {0.1,
                           1e-300,
                           -0.087,
                           1.0 / 3.0,
                           2.0 / 3.0,
                           -1e300,
                           DBL_MAX,
                           DBL_MIN,
                           DBL_TRUE_MIN,
                           123456789.125,
                           1e21,
                           -0.0,
                           std::nextafter(1.0, 2.0)};
  for (const double v : values) {
    const std::string text = format_number(v);
    const double parsed = std::strtod(text.c_str(), nullptr);
    EXPECT_EQ(std::memcmp(&parsed, &v, sizeof v), 0) << v << " printed as " << text;
  }
}

TEST(IoFormatNumber, WritesNonFiniteValuesAsWords) {
  EXPECT_EQ(format_number(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
}

}  // namespace

TEST(CsvReader, ReadsQuotedCellsCrLfAndAMissingFinalLineEnd) {
  const auto csv = cllnsim::io::read_csv("a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\n,3", "t.csv");
  EXPECT_EQ(csv.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(csv.rows.size(), 2u);
  EXPECT_EQ(csv.rows[0], (std::vector<std::string>{"x, \"y\"", "two\nlines"}));
  EXPECT_EQ(csv.rows[1], (std::vector<std::string>{"", "3"}));
  EXPECT_EQ(csv.row_lines, (std::vector<int>{2, 4}));
}

TEST(CsvReader, RoundTripsWhatTheWriterWrites) {
  CsvTable table({"epoch", "note"});
  table.add_row({"1", "comma, \"quote\"\r\nand line end"});
  const auto csv = cllnsim::io::read_csv(table.text(), "t.csv");
  EXPECT_EQ(csv.rows,
            (std::vector<std::vector<std::string>>{{"1", "comma, \"quote\"\r\nand line end"}}));
}

TEST(CsvReader, MalformedTextIsAnInputErrorNamingSourceAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "t.csv:1: empty file"},
      {"a,b\n1,2\n1\n", "t.csv:3: found 1 cells, expected 2"},
      {"a\nx\"y\n", "t.csv:2: a double quote inside an unquoted cell"},
      {"a\n\"x\"y\n", "t.csv:2: text after a closing double quote"},
      {"a\n\n\"open\n", "t.csv:3: a quoted cell is never closed"},
  };
  for (const auto& [text, expected] : cases) {
    try {
      cllnsim::io::read_csv(text, "t.csv");
      ADD_FAILURE() << "no error for: " << text;
    } catch (const cllnsim::Error& error) {
      EXPECT_EQ(error.code(), cllnsim::ExitCode::bad_input);
      EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
    }
  }
}
