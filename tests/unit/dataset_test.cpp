#include "tasks/dataset.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"
#include "core/error.h"

namespace cllnsim::tasks {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = CLLNSIM_SOURCE_DIR;

json network(int inputs, int outputs) {
  json net = {{"edge", {{"file", "../netlists/edges/nmos_rule.sub"}, {"subckt", "cl_nmos_rule"}}}};
  for (int i = 0; i < inputs; ++i) {
    net["inputs"].push_back({{"name", "x" + std::to_string(i)}, {"at", {0, i}}});
  }
  for (int k = 0; k < outputs; ++k) {
    net["outputs"].push_back({{"name", "o" + std::to_string(k)}, {"plus", {3, k}}});
  }
  return net;
}

// As if the file sat in configs/, so the shipped edge and data resolve.
Dataset build(const json& task, int inputs, int outputs, std::uint64_t seed = 1) {
  const json document = {{"seed", seed}, {"network", network(inputs, outputs)}, {"task", task}};
  return make_dataset(config::parse(document.dump(), kSource / "configs" / "test.json"));
}

std::string error_of(const json& task, int inputs, int outputs) {
  try {
    build(task, inputs, outputs);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::bad_input);
    return error.what();
  }
  ADD_FAILURE() << "no error for " << task.dump();
  return "";
}

class CsvFile {
 public:
  explicit CsvFile(const std::string& text) {
    path_ = fs::temp_directory_path() / ("cllnsim-csv-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter_++) + ".csv");
    std::ofstream(path_) << text;
  }
  ~CsvFile() { fs::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(Dataset, RegressionIsThePublishedClippedRamp) {
  const Dataset data = build({{"kind", "regression"}}, 1, 1);
  ASSERT_EQ(data.train.size(), 8u);
  EXPECT_TRUE(data.test_is_train);
  EXPECT_EQ(data.decision, Decision::none);
  EXPECT_TRUE(is_one_dimensional_regression(data));
  EXPECT_DOUBLE_EQ(data.train[0].inputs[0], 0.0);
  EXPECT_DOUBLE_EQ(data.train[7].inputs[0], 0.435);
  EXPECT_DOUBLE_EQ(data.train[0].labels[0], 0.109);
  EXPECT_NEAR(data.train[1].labels[0], 0.109 + 0.63 * 0.435 / 7, 1e-15);
  EXPECT_DOUBLE_EQ(data.train[7].labels[0], 0.304);  // on the ceiling
}

TEST(Dataset, Classify2dIsReproducibleFromTheSeedAndNotLinearlySeparable) {
  const json task = {{"kind", "classify2d"}, {"train_points", 60}, {"test_points", 300}};
  const Dataset a = build(task, 2, 1, 5), b = build(task, 2, 1, 5), c = build(task, 2, 1, 6);
  ASSERT_EQ(a.train.size(), 60u);
  ASSERT_EQ(a.test.size(), 300u);
  EXPECT_EQ(a.train[17].inputs, b.train[17].inputs);
  EXPECT_NE(a.train[17].inputs, c.train[17].inputs);
  int positive = 0;
  for (const auto& sample : a.test) {
    const double u = sample.inputs[0] / 0.45, v = sample.inputs[1] / 0.45;
    EXPECT_EQ(sample.labels[0] > 0, v > classify2d_boundary(u));
    EXPECT_TRUE(is_correct(a, std::vector<double>{sample.labels[0] * 0.3}, sample.labels));
    positive += sample.labels[0] > 0;
  }
  EXPECT_GT(positive, 100);  // about half of the square lies inside the circle
  EXPECT_LT(positive, 200);
  // The boundary bends: its points are 0.8 from the high corner, not on a line.
  for (double u : {0.3, 0.5, 0.7, 1.0}) {
    EXPECT_NEAR(std::hypot(1 - u, 1 - classify2d_boundary(u)), 0.8, 1e-12);
  }
  EXPECT_EQ(classify2d_boundary(0.15), 1.0);
}

TEST(Dataset, ShippedIrisSplitsTenAndFortyPerSpecies) {
  const json task = {{"kind", "csv"},
                     {"file", "../data/iris.csv"},
                     {"problem", "classification"},
                     {"inputs",
                      {{{"column", "sepal_length"}},
                       {{"column", "sepal_width"}},
                       {{"column", "petal_length"}},
                       {{"column", "petal_width"}}}},
                     {"classes", {{"column", "species"}, {"volts", {0.1, 0.25}}}},
                     {"split", {{"kind", "per_class"}, {"train", 10}, {"test", 40}}}};
  const Dataset data = build(task, 4, 3);
  ASSERT_EQ(data.train.size(), 30u);
  ASSERT_EQ(data.test.size(), 120u);
  EXPECT_EQ(data.decision, Decision::argmax);
  EXPECT_EQ(data.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  std::map<std::size_t, int> train_per_class, test_per_class;
  auto class_of = [](const Sample& s) {
    return static_cast<std::size_t>(std::max_element(s.labels.begin(), s.labels.end()) -
                                    s.labels.begin());
  };
  for (const auto& s : data.train) ++train_per_class[class_of(s)];
  for (const auto& s : data.test) ++test_per_class[class_of(s)];
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(train_per_class[k], 10);
    EXPECT_EQ(test_per_class[k], 40);
  }
  // Inputs span the default volts [0, 0.45]; petal length 1.0 cm is the smallest, 6.9 the largest.
  for (const auto& s : data.test) {
    for (double v : s.inputs) {
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 0.45);
    }
  }
}

TEST(Dataset, CsvRegressionMapsColumnsAndSplitsByFraction) {
  CsvFile file("a,b,y\n1,10,100\n2,20,200\n3,30,300\n\n4,40,400\n");
  const json task = {{"kind", "csv"},
                     {"file", file.path()},
                     {"inputs",
                      {{{"column", "b"}, {"volts", {0.0, 0.3}}},
                       {{"column", "a"}, {"volts", {0.4, 0.0}}, {"range", {0, 4}}}}},
                     {"targets", {{{"column", "y"}, {"volts", {0.1, 0.2}}}}},
                     {"split", {{"kind", "fraction"}, {"train", 0.5}}}};
  const Dataset data = build(task, 2, 1);
  ASSERT_EQ(data.train.size(), 2u);
  ASSERT_EQ(data.test.size(), 2u);
  EXPECT_EQ(data.decision, Decision::none);
  for (const auto* set : {&data.train, &data.test}) {
    for (const auto& s : *set) {
      const double b = s.inputs[0] / 0.3 * 30 + 10;  // undo the mapping of column b
      const double a = (0.4 - s.inputs[1]) / 0.1;    // column a: range [0, 4] onto 0.4 .. 0
      EXPECT_NEAR(b, 10 * a, 1e-9);
      EXPECT_NEAR(s.labels[0], 0.1 + (100 * a - 100) / 300 * 0.1, 1e-12);
    }
  }
}

TEST(Dataset, CsvTwoClassesOnOneOutputUseTheNearestTarget) {
  CsvFile file("x,y,kind\n0,0,\"no, not\"\n1,1,yes\n0,1,\"no, not\"\n1,0,yes\n");
  const json task = {{"kind", "csv"},
                     {"file", file.path()},
                     {"problem", "classification"},
                     {"inputs", {{{"column", "x"}}, {{"column", "y"}}}},
                     {"classes", {{"column", "kind"}, {"volts", {-0.05, 0.05}}}},
                     {"split", {{"kind", "fraction"}, {"train", 0.5}}}};
  const Dataset data = build(task, 2, 1);
  EXPECT_EQ(data.decision, Decision::nearest);
  EXPECT_EQ(data.class_names, (std::vector<std::string>{"no, not", "yes"}));
  EXPECT_EQ(data.classes, (std::vector<double>{-0.05, 0.05}));
}

TEST(DatasetErrors, BadNumberNamesFileLineAndColumn) {
  CsvFile file("a,y\n1,2\n3,oops\n");
  const std::string message = error_of({{"kind", "csv"},
                                        {"file", file.path()},
                                        {"inputs", {{{"column", "a"}}}},
                                        {"targets", {{{"column", "y"}}}}},
                                       1, 1);
  EXPECT_NE(
      message.find(file.path() + ":3: column 2 (y): found \"oops\", expected a finite number"),
      std::string::npos)
      << message;
}

TEST(DatasetErrors, RowOfTheWrongWidthNamesItsLine) {
  CsvFile file("a,y\n1,2\n\n3,4,5\n");
  const std::string message = error_of({{"kind", "csv"},
                                        {"file", file.path()},
                                        {"inputs", {{{"column", "a"}}}},
                                        {"targets", {{{"column", "y"}}}}},
                                       1, 1);
  EXPECT_NE(message.find(file.path() + ":4: found 3 fields, expected 2"), std::string::npos)
      << message;
}

TEST(DatasetErrors, UnknownColumnNamesTheJsonPathAndTheColumnsThere) {
  CsvFile file("a,y\n1,2\n3,4\n");
  const std::string message = error_of({{"kind", "csv"},
                                        {"file", file.path()},
                                        {"inputs", {{{"column", "b"}}}},
                                        {"targets", {{{"column", "y"}}}}},
                                       1, 1);
  EXPECT_NE(message.find("at task.inputs[0].column: found the column \"b\""), std::string::npos)
      << message;
  EXPECT_NE(message.find("expected one of \"a\", \"y\""), std::string::npos) << message;
}

TEST(DatasetErrors, ConstantColumnAndTooFewRowsPerClass) {
  CsvFile constant("a,y\n1,2\n1,4\n");
  EXPECT_NE(error_of({{"kind", "csv"},
                      {"file", constant.path()},
                      {"inputs", {{{"column", "a"}}}},
                      {"targets", {{{"column", "y"}}}}},
                     1, 1)
                .find("constant"),
            std::string::npos);
  CsvFile small("a,c\n1,p\n2,q\n3,q\n");
  EXPECT_NE(error_of({{"kind", "csv"},
                      {"file", small.path()},
                      {"problem", "classification"},
                      {"inputs", {{{"column", "a"}}}},
                      {"classes", {{"column", "c"}}},
                      {"split", {{"kind", "per_class"}, {"train", 1}, {"test", 1}}}},
                     1, 2)
                .find("class \"p\" with 1 rows"),
            std::string::npos);
}

TEST(DatasetErrors, OutputsMustMatchTheClasses) {
  CsvFile file("a,c\n1,p\n2,q\n3,r\n4,p\n");
  const std::string message = error_of({{"kind", "csv"},
                                        {"file", file.path()},
                                        {"problem", "classification"},
                                        {"inputs", {{{"column", "a"}}}},
                                        {"classes", {{"column", "c"}}}},
                                       1, 2);
  EXPECT_NE(message.find("at network.outputs: found 2 entries, expected 3"), std::string::npos)
      << message;
}

TEST(DatasetErrors, ConfigKeysDependOnTheKind) {
  EXPECT_NE(error_of({{"kind", "regression"}, {"train_points", 3}}, 1, 1).find("train_points"),
            std::string::npos);
  EXPECT_NE(error_of({{"kind", "csv"}, {"file", "no/such.csv"}}, 1, 1).find("readable CSV file"),
            std::string::npos);
}

}  // namespace
}  // namespace cllnsim::tasks
