#include "tasks/csv_task.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "core/error.h"
#include "tasks/random.h"

namespace cllnsim::tasks {
namespace {

struct Row {
  std::size_t line = 0;  // in the file, from 1 (the header is line 1)
  std::vector<std::string> fields;
};

struct Table {
  std::string file;
  std::vector<std::string> header;
  std::vector<Row> rows;
};

[[noreturn]] void fail_at(const std::string& file, std::size_t line, const std::string& what) {
  throw input_error(file + ":" + std::to_string(line) + ": " + what);
}

// One line of RFC 4180 fields: commas separate, a field may be enclosed in double quotes
// (a doubled quote inside stands for one).
std::vector<std::string> split_fields(const std::string& text, const std::string& file,
                                      std::size_t line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) {
    fail_at(file, line,
            "column " + std::to_string(fields.size()) +
                ": found a quoted field that does not end, expected a closing \"");
  }
  return fields;
}

Table read_table(const std::filesystem::path& path) {
  Table table{path.string(), {}, {}};
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw input_error(table.file + ": cannot open the CSV file");
  std::string text;
  std::size_t line = 0;
  while (std::getline(stream, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines
    std::vector<std::string> fields = split_fields(text, table.file, line);
    if (table.header.empty()) {
      table.header = std::move(fields);
      continue;
    }
    if (fields.size() != table.header.size()) {
      fail_at(table.file, line,
              "found " + std::to_string(fields.size()) + " fields, expected " +
                  std::to_string(table.header.size()) + " (as many as the header on line 1)");
    }
    table.rows.push_back({line, std::move(fields)});
  }
  if (table.header.empty()) throw input_error(table.file + ": the CSV file is empty");
  if (table.rows.empty()) {
    throw input_error(table.file + ": found a header and no data rows, expected at least one row");
  }
  return table;
}

// The column of `name`, or an error naming the config entry and the columns the file has.
std::size_t column_index(const Table& table, const std::string& name, const config::Config& config,
                         const std::string& json_path) {
  const auto found = std::find(table.header.begin(), table.header.end(), name);
  if (found != table.header.end()) return static_cast<std::size_t>(found - table.header.begin());
  std::string columns;
  for (const auto& column : table.header)
    columns += (columns.empty() ? "\"" : ", \"") + column + "\"";
  throw input_error(config.source_file.string() + ": at " + json_path + ": found the column \"" +
                    name + "\", which " + table.file + " does not have; expected one of " +
                    columns);
}

// A numeric column, every row parsed; errors name file, line and column.
std::vector<double> numeric_column(const Table& table, std::size_t column) {
  std::vector<double> values;
  for (const Row& row : table.rows) {
    const std::string& text = row.fields[column];
    const std::size_t begin = text.find_first_not_of(" \t");
    const std::size_t end = text.find_last_not_of(" \t");
    double value = 0.0;
    const char* first = begin == std::string::npos ? text.data() : text.data() + begin;
    const char* last = begin == std::string::npos ? first : text.data() + end + 1;
    const auto [stop, error] = std::from_chars(first, last, value);
    if (first == last || error != std::errc() || stop != last || !std::isfinite(value)) {
      fail_at(table.file, row.line,
              "column " + std::to_string(column + 1) + " (" + table.header[column] + "): found \"" +
                  text + "\", expected a finite number");
    }
    values.push_back(value);
  }
  return values;
}

// Column values mapped linearly from their data range onto the configured volts.
std::vector<double> to_volts(const Table& table, const config::ColumnMap& map,
                             const config::Config& config, const std::string& json_path) {
  const std::size_t column = column_index(table, map.column, config, json_path + ".column");
  const std::vector<double> values = numeric_column(table, column);
  const auto [min, max] = std::minmax_element(values.begin(), values.end());
  const double low = map.data_low.value_or(*min);
  const double high = map.data_high.value_or(*max);
  if (low == high) {
    throw input_error(config.source_file.string() + ": at " + json_path + ": found the column \"" +
                      map.column + "\" constant (" + std::to_string(low) + ") in " + table.file +
                      ", expected values that vary, or a \"range\" with low != high");
  }
  std::vector<double> volts;
  for (double value : values) {
    volts.push_back(map.volts_low +
                    (value - low) / (high - low) * (map.volts_high - map.volts_low));
  }
  return volts;
}

void require_entries(const config::Config& config, const std::string& path, std::size_t found,
                     std::size_t expected, const std::string& why) {
  if (found != expected) {
    throw input_error(config.source_file.string() + ": at " + path + ": found " +
                      std::to_string(found) + " entries, expected " + std::to_string(expected) +
                      " (" + why + ")");
  }
}

// Row indices into train and test, drawn from the seed.
void split_rows(const config::Config& config, const std::vector<std::size_t>& row_class,
                std::size_t class_count, std::vector<std::size_t>& train,
                std::vector<std::size_t>& test, const std::vector<std::string>& class_names) {
  const config::Split& split = config.task.split;
  std::mt19937_64 generator = seeded_generator(config.seed, 0x73706c74U /* "splt" */);
  if (split.kind == config::Split::Kind::fraction) {
    std::vector<std::size_t> order(row_class.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    shuffle(order, generator);
    const bool all_train = split.train_fraction >= 1.0;
    if (order.size() < 2 && !all_train) {
      throw input_error(config.task.file.string() +
                        ": found 1 data row, expected at least 2 to split into train and test");
    }
    const auto count = static_cast<std::size_t>(
        std::lround(split.train_fraction * static_cast<double>(order.size())));
    // A fraction below 1 keeps at least one test row; 1 trains on all (test set = training set).
    const std::size_t trained =
        all_train ? order.size() : std::clamp<std::size_t>(count, 1, order.size() - 1);
    train.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(trained));
    test.assign(order.begin() + static_cast<std::ptrdiff_t>(trained), order.end());
    return;
  }
  const auto per_class = static_cast<std::size_t>(split.train_per_class + split.test_per_class);
  for (std::size_t k = 0; k < class_count; ++k) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < row_class.size(); ++i) {
      if (row_class[i] == k) rows.push_back(i);
    }
    if (rows.size() < per_class) {
      throw input_error(config.source_file.string() + ": at task.split: found class \"" +
                        class_names[k] + "\" with " + std::to_string(rows.size()) + " rows in " +
                        config.task.file.string() +
                        ", expected at least train + test = " + std::to_string(per_class));
    }
    shuffle(rows, generator);
    const auto trained = static_cast<std::ptrdiff_t>(split.train_per_class);
    train.insert(train.end(), rows.begin(), rows.begin() + trained);
    test.insert(test.end(), rows.begin() + trained,
                rows.begin() + static_cast<std::ptrdiff_t>(per_class));
  }
}

}  // namespace

Dataset make_csv_dataset(const config::Config& config) {
  const config::Task& task = config.task;
  const Table table = read_table(task.file);
  require_entries(config, "task.inputs", task.inputs.size(), config.network.inputs.size(),
                  "one per network input");
  std::vector<std::vector<double>> inputs;
  for (std::size_t i = 0; i < task.inputs.size(); ++i) {
    inputs.push_back(
        to_volts(table, task.inputs[i], config, "task.inputs[" + std::to_string(i) + "]"));
  }

  Dataset data;
  std::vector<std::vector<double>> labels(table.rows.size());
  std::vector<std::size_t> row_class(table.rows.size(), 0);
  std::size_t class_count = 1;
  const std::size_t outputs = config.network.outputs.size();
  if (task.classification) {
    const std::size_t column =
        column_index(table, task.class_column, config, "task.classes.column");
    std::map<std::string, std::size_t> index;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      const std::string& name = table.rows[r].fields[column];
      const auto [entry, added] = index.emplace(name, data.class_names.size());
      if (added) data.class_names.push_back(name);
      row_class[r] = entry->second;
    }
    class_count = data.class_names.size();
    if (class_count < 2) {
      throw input_error(table.file + ": found one class (\"" + data.class_names[0] +
                        "\") in column \"" + task.class_column + "\", expected at least two");
    }
    if (outputs == 1 && class_count == 2) {
      // One output: the first class (in file order) is class_low, the second class_high.
      data.decision = Decision::nearest;
      data.classes = {task.class_low, task.class_high};
      for (std::size_t r = 0; r < labels.size(); ++r) labels[r] = {data.classes[row_class[r]]};
    } else {
      require_entries(config, "network.outputs", outputs, class_count,
                      "one output per class of column \"" + task.class_column + "\" in " +
                          table.file + ", or one output for two classes");
      data.decision = Decision::argmax;
      for (std::size_t r = 0; r < labels.size(); ++r) {
        labels[r].assign(class_count, task.class_low);
        labels[r][row_class[r]] = task.class_high;
      }
    }
  } else {
    require_entries(config, "task.targets", task.targets.size(), outputs, "one per network output");
    for (std::size_t k = 0; k < task.targets.size(); ++k) {
      const std::vector<double> volts =
          to_volts(table, task.targets[k], config, "task.targets[" + std::to_string(k) + "]");
      for (std::size_t r = 0; r < labels.size(); ++r) labels[r].push_back(volts[r]);
    }
  }

  std::vector<std::size_t> train, test;
  split_rows(config, row_class, class_count, train, test, data.class_names);
  auto sample = [&](std::size_t r) {
    Sample s;
    for (const auto& column : inputs) s.inputs.push_back(column[r]);
    s.labels = labels[r];
    return s;
  };
  for (std::size_t r : train) data.train.push_back(sample(r));
  for (std::size_t r : test) data.test.push_back(sample(r));
  if (data.test.empty()) {
    data.test = data.train;
    data.test_is_train = true;
  }
  return data;
}

}  // namespace cllnsim::tasks
