#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "config/config.h"
#include "core/error.h"
#include "sweep/spec.h"

namespace cllnsim::sweep {
namespace {

const std::filesystem::path kSpecFile = CLLNSIM_SOURCE_DIR "/configs/sweeps/test_spec.json";

Spec Parse(const std::string& text) { return parse_spec(text, kSpecFile); }

std::string ErrorOf(const std::string& text) {
  try {
    Parse(text);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

// Every spec shipped in configs/sweeps (the README's commands run them) reads, and each of its
// points gives a config that loads: a spec whose base config changed under it fails here.
TEST(SweepSpec, EveryShippedSpecReadsAndEachPointLoads) {
  int specs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSpecFile.parent_path())) {
    if (entry.path().extension() != ".json" || entry.path() == kSpecFile) continue;
    SCOPED_TRACE(entry.path().string());
    const Spec spec = read_spec(entry.path());
    check_axis_paths(spec);
    for (const Point& point : expand(spec)) {
      EXPECT_NO_THROW(config::load(spec.base, point.overrides)) << point.index;
    }
    ++specs;
  }
  EXPECT_GE(specs, 30);
}

TEST(SweepSpec, ExpandsAxesOuterFirstWithRepeatsInnermostAndStableIndices) {
  const Spec spec = Parse(R"({"base": "../xor.json", "set": {"training.epochs": 5},
    "axes": [{"path": "training.eta", "values": [0.25, 0.5]},
             {"path": "physical.damage.mode", "values": ["open", "short"]}],
    "repeats": 3, "first_seed": 10})");
  EXPECT_EQ(spec.base, std::filesystem::path(CLLNSIM_SOURCE_DIR "/configs/xor.json"));
  const auto points = expand(spec);
  ASSERT_EQ(points.size(), 12u);
  EXPECT_EQ(points[0].values, (std::vector<nlohmann::json>{0.25, "open"}));
  EXPECT_EQ(points[3].values, (std::vector<nlohmann::json>{0.25, "short"}));
  EXPECT_EQ(points[7].values, (std::vector<nlohmann::json>{0.5, "open"}));
  EXPECT_EQ(points[7].repeat, 1);
  EXPECT_EQ(points[7].seed, 11u);
  ASSERT_EQ(points[7].overrides.size(), 4u);
  EXPECT_EQ(points[7].overrides[0].path, "training.epochs");
  EXPECT_EQ(points[7].overrides[1].value, "0.5");
  EXPECT_EQ(points[7].overrides[2].value, "\"open\"");
  EXPECT_EQ(points[7].overrides[3].path, "seed");
  EXPECT_EQ(points[7].overrides[3].value, "11");
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].index, i);
}

// A path set twice (the spec's "set", then --set on the command line, or an axis over a path
// the spec also sets) appears once in a point's settings, with the last value, after the rest.
TEST(SweepSpec, APathSetTwiceKeepsOnlyItsLastValue) {
  Spec spec = Parse(R"({"base": "../xor.json", "set": {"training.epochs": 60, "training.eta": 0.5},
    "axes": [{"path": "training.eta", "values": [0.25]}]})");
  spec.set.push_back({"training.epochs", "3"});  // as `--set training.epochs=3`
  const auto points = expand(spec);
  ASSERT_EQ(points.size(), 1u);
  ASSERT_EQ(points[0].overrides.size(), 3u);
  EXPECT_EQ(points[0].overrides[0].path, "training.epochs");
  EXPECT_EQ(points[0].overrides[0].value, "3");
  EXPECT_EQ(points[0].overrides[1].path, "training.eta");
  EXPECT_EQ(points[0].overrides[1].value, "0.25");
  EXPECT_EQ(points[0].overrides[2].path, "seed");
}

TEST(SweepSpec, RangesAreLinearOrLogarithmic) {
  const Spec spec = Parse(R"({"base": "../xor.json", "axes": [
    {"path": "physical.wire_ohms", "range": {"from": 10, "to": 1000, "steps": 3, "log": true}},
    {"path": "training.eta", "range": {"from": 0.2, "to": 0.6, "steps": 3}}]})");
  EXPECT_EQ(spec.axes[0].values, (std::vector<nlohmann::json>{10.0, 100.0, 1000.0}));
  EXPECT_NEAR(spec.axes[1].values[1].get<double>(), 0.4, 1e-12);
  EXPECT_EQ(spec.axes[1].values[2].get<double>(), 0.6);
}

TEST(SweepSpec, MonteCarloDrawsAreInRangeAndReproducibleFromTheDrawSeed) {
  const std::string text = R"({"base": "../xor.json", "draw_seed": 5, "axes": [
    {"path": "physical.mismatch.vth_sigma_v", "random": {"low": 0.01, "high": 0.02, "draws": 50}}]})";
  const Spec a = Parse(text), b = Parse(text);
  EXPECT_EQ(a.axes[0].values, b.axes[0].values);
  for (const auto& v : a.axes[0].values) {
    EXPECT_GE(v.get<double>(), 0.01);
    EXPECT_LT(v.get<double>(), 0.02);
  }
  std::string other = text;
  other.replace(other.find("\"draw_seed\": 5"), 14, "\"draw_seed\": 6");
  EXPECT_NE(Parse(other).axes[0].values, a.axes[0].values);
}

// Without axes the base config runs `repeats` times, one seed each.
TEST(SweepSpec, NoAxesMeansRepeatsOfTheBaseConfig) {
  const auto points = expand(Parse(R"({"base": "../xor.json", "repeats": 3, "first_seed": 4})"));
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[2].seed, 6u);
  ASSERT_EQ(points[2].overrides.size(), 1u);
  EXPECT_EQ(points[2].overrides[0].value, "6");
}

// Each point's seed is first_seed + its repeat, so an axis or a "set" of "seed" would be
// replaced without a word (an axis over seeds 1-5 ran seed 1 five times): refused.
TEST(SweepSpec, SeedIsNotAnAxisOrASetting) {
  const std::string axis = ErrorOf(R"({"base": "../xor.json",
    "axes": [{"path": "seed", "values": [1, 2]}]})");
  EXPECT_NE(axis.find("axes[0].path"), std::string::npos) << axis;
  EXPECT_NE(axis.find("first_seed"), std::string::npos) << axis;
  const std::string set = ErrorOf(R"({"base": "../xor.json", "set": {"seed": 3}})");
  EXPECT_NE(set.find("set.seed"), std::string::npos) << set;
}

TEST(SweepSpec, ErrorsNameTheFileAndPath) {
  EXPECT_NE(ErrorOf(R"({"axes": []})").find("test_spec.json"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"base": "../xor.json", "axes": [{"path": "seed"}]})").find("axes[0]"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"base": "../nosuch.json", "axes": [{"path": "a", "values": [1]}]})")
                .find("existing config file"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"base": "../xor.json", "axes": [{"path": "a", "values": [1]}],
                        "repeat": 2})")
                .find("repeats"),
            std::string::npos);  // did you mean
  EXPECT_NE(ErrorOf(R"({"base": "../xor.json", "axes": [{"path": "a", "range":
                        {"from": 0, "to": 1, "steps": 3, "log": true}}]})")
                .find("axes[0].range.from"),
            std::string::npos);
}

}  // namespace
}  // namespace cllnsim::sweep
