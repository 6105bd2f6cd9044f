#include "netlist/edge_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "netlist/netlist.h"

namespace cllnsim::netlist {
namespace {

namespace fs = std::filesystem;

const fs::path kShippedEdge = fs::path(CLLNSIM_SOURCE_DIR) / "netlists/edges/nmos_rule.sub";

// A valid edge body: both transistors, model defined in the same file.
constexpr std::string_view kBody =
    "Mfree fa g fb 0 nch w=1u l=1u\n"
    "Mclamp ca g cb 0 nch w=1u l=1u\n"
    "Cgate g vss 1n\n"
    ".ends edge\n";
constexpr std::string_view kModel = ".model nch nmos level=1\n";
constexpr std::string_view kPorts = "fa fb ca cb g learn vdd vss";

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

class EdgeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cllnsim_edge_file_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "models");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, std::string_view text) const {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  // Reads `file`, expects a bad-input Error whose message contains every part.
  static void ExpectInputError(const fs::path& file, const std::string& subckt,
                               std::initializer_list<std::string> parts) {
    try {
      read_edge_file(file, subckt);
      ADD_FAILURE() << "read_edge_file(" << file << ") did not throw";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ExitCode::bad_input);
      const std::string message = error.what();
      for (const std::string& part : parts) {
        EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
      }
    }
  }

  fs::path dir_;
};

// Every shipped edge loads: its includes exist, its devices' models and called subcircuits
// are defined, and the free transistor is found.
TEST(EdgeFileShipped, EveryShippedEdgeLoads) {
  const fs::path edges = fs::path(CLLNSIM_SOURCE_DIR) / "netlists/edges";
  for (const auto& [file, subckt] :
       std::map<std::string, std::string>{{"nmos_rule.sub", "cl_nmos_rule"},
                                          {"nmos_rule_osdi.sub", "cl_nmos_rule"},
                                          {"gen2_board.sub", "gen2_board"},
                                          {"cmos_chip.sub", "cmos_chip"},
                                          {"cmos_chip_rgc.sub", "cmos_chip_rgc"}}) {
    const EdgeDefinition edge = read_edge_file(edges / file, subckt);
    EXPECT_EQ(edge.free_transistor, "mfree") << file;
  }
}

TEST(EdgeFileShipped, LoadsSubcktAndFreeTransistor) {
  const EdgeDefinition edge = read_edge_file(kShippedEdge, "cl_nmos_rule");
  EXPECT_EQ(edge.file, kShippedEdge);
  EXPECT_EQ(edge.subckt, "cl_nmos_rule");
  EXPECT_EQ(edge.free_transistor, "mfree");
}

TEST(EdgeFileShipped, InlinesTheModelInclude) {
  const EdgeDefinition edge = read_edge_file(kShippedEdge, "cl_nmos_rule");
  bool model = false;
  for (const std::string& line : edge.lines) {
    const std::string text = Lower(line);
    EXPECT_NE(text.rfind(".include", 0), 0u) << line;
    EXPECT_NE(text.rfind(".inc ", 0), 0u) << line;
    EXPECT_NE(text, ".end") << "an .end line was kept";
    if (text.rfind(".model ald1106 nmos", 0) == 0) model = true;
  }
  EXPECT_TRUE(model) << "the model card of ald1106.lib is not inlined";
  const auto subckt = std::find_if(edge.lines.begin(), edge.lines.end(), [](const auto& line) {
    return line.rfind(".subckt cl_nmos_rule", 0) == 0;
  });
  EXPECT_NE(subckt, edge.lines.end());
}

TEST(EdgeFileShipped, ParsesParamsWithDefaults) {
  const EdgeDefinition edge = read_edge_file(kShippedEdge, "cl_nmos_rule");
  const std::map<std::string, std::string> expected = {
      {"gl", "1m"},     {"cg", "1n"},      {"cmax", "0.25"}, {"vgmin", "0.8"}, {"vgmax", "5.5"},
      {"gbound", "1m"}, {"rleak", "1e12"}, {"w", "138u"},    {"l", "7.8u"},    {"coffset", "0"}};
  EXPECT_EQ(edge.params, expected);
}

TEST(EdgeFileShipped, SubcktNameIsCaseInsensitive) {
  const EdgeDefinition edge = read_edge_file(kShippedEdge, "CL_NMOS_Rule");
  EXPECT_EQ(edge.subckt, "cl_nmos_rule");
}

TEST(EdgeFileShipped, CheckEdgeParamsAcceptsDeclaredNamesInAnyCase) {
  const EdgeDefinition edge = read_edge_file(kShippedEdge, "cl_nmos_rule");
  EXPECT_NO_THROW(check_edge_params(edge, {{"gl", 1e-3}, {"CG", 1e-9}}, "network.edge.params"));
}

TEST(EdgeFileShipped, CheckEdgeParamsRejectsUndeclaredParamNamingIt) {
  const EdgeDefinition edge = read_edge_file(kShippedEdge, "cl_nmos_rule");
  try {
    check_edge_params(edge, {{"gl", 1e-3}, {"bogus", 1.0}}, "network.edge.params");
    FAIL() << "no error for an undeclared parameter";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::bad_input);
    const std::string message = error.what();
    EXPECT_NE(message.find("network.edge.params.bogus"), std::string::npos) << message;
    EXPECT_NE(message.find("'bogus'"), std::string::npos) << message;
    EXPECT_NE(message.find(kShippedEdge.string()), std::string::npos) << message;
  }
}

TEST_F(EdgeFileTest, MissingEdgeFileNamesIt) {
  ExpectInputError(dir_ / "nope.sub", "edge", {(dir_ / "nope.sub").string(), "does not exist"});
}

TEST_F(EdgeFileTest, ParamsWithoutKeywordAndContinuedPortsAreRead) {
  const fs::path file = Write("edge.sub", std::string(kModel) +
                                              ".subckt edge fa fb ca cb\n"
                                              "* a comment between continuations\n"
                                              "+ g learn vdd vss gl=2m W=3u\n" +
                                              std::string(kBody));
  const EdgeDefinition edge = read_edge_file(file, "edge");
  const std::map<std::string, std::string> expected = {{"gl", "2m"}, {"w", "3u"}};
  EXPECT_EQ(edge.params, expected);
  EXPECT_EQ(edge.free_transistor, "mfree");
}

TEST_F(EdgeFileTest, SevenPortsIsRejectedAtItsLine) {
  const fs::path file =
      Write("edge.sub", std::string(kModel) + "* comment\n" +
                            ".subckt edge fa fb ca cb g learn vdd\n" + std::string(kBody));
  ExpectInputError(file, "edge",
                   {file.string() + ":3", "fa fb ca cb g learn vdd'", std::string(kPorts)});
}

TEST_F(EdgeFileTest, ANinthPortNamedPolarityIsTheLearningPolarity) {
  const fs::path with =
      Write("with.sub", std::string(kModel) + ".subckt edge " + std::string(kPorts) +
                            " polarity\n" + std::string(kBody));
  const fs::path without =
      Write("without.sub", std::string(kModel) + ".subckt edge " + std::string(kPorts) + "\n" +
                               std::string(kBody));
  EXPECT_TRUE(read_edge_file(with, "edge").has_polarity);
  EXPECT_FALSE(read_edge_file(without, "edge").has_polarity);
  EXPECT_TRUE(read_edge_file(kShippedEdge, "cl_nmos_rule").has_polarity);
}

TEST_F(EdgeFileTest, ANinthPortWithAnotherNameIsRejectedAtItsLine) {
  const fs::path file = Write("edge.sub", std::string(kModel) + ".subckt edge " +
                                              std::string(kPorts) + " sign\n" + std::string(kBody));
  ExpectInputError(file, "edge",
                   {file.string() + ":2", "vss sign'", "optionally followed by 'polarity'"});
}

// The second interface: a frequency-propagation edge (no clamped side, a reference port).
TEST_F(EdgeFileTest, TheFrequencyPropagationPortsAreTheSecondInterface) {
  const fs::path file = Write("fp.sub", std::string(kModel) +
                                            ".subckt edge fa fb g learn vdd vss ref\n"
                                            "Mfree fa g fb 0 nch\nCg g vss 1n\n.ends\n");
  const EdgeDefinition edge = read_edge_file(file, "edge");
  EXPECT_EQ(edge.interface, EdgeInterface::frequency_propagation);
  EXPECT_EQ(edge.free_transistor, "mfree");
  EXPECT_EQ(read_edge_file(kShippedEdge, "cl_nmos_rule").interface, EdgeInterface::twin);
  const EdgeDefinition shipped = read_edge_file(
      fs::path(CLLNSIM_SOURCE_DIR) / "netlists/edges/freqprop_nmos.sub", "freqprop_nmos");
  EXPECT_EQ(shipped.interface, EdgeInterface::frequency_propagation);
  EXPECT_EQ(shipped.free_transistor, "mfree");
  // Its ports in another order are neither interface; the error names both.
  const fs::path swapped = Write("swapped.sub", std::string(kModel) +
                                                    ".subckt edge fa fb g learn vdd ref vss\n"
                                                    "Mfree fa g fb 0 nch\n.ends\n");
  ExpectInputError(swapped, "edge",
                   {swapped.string() + ":2", "fa fb g learn vdd ref vss'",
                    "'fa fb g learn vdd vss ref' (the frequency-propagation interface)"});
}

// The third interface: a time-multiplexed edge (one transistor; hold and polarity ports).
TEST_F(EdgeFileTest, TheTimeMultiplexedPortsAreTheThirdInterface) {
  const EdgeDefinition shipped = read_edge_file(
      fs::path(CLLNSIM_SOURCE_DIR) / "netlists/edges/nmos_sample_hold.sub", "cl_nmos_sample_hold");
  EXPECT_EQ(shipped.interface, EdgeInterface::time_multiplexed);
  EXPECT_TRUE(shipped.has_polarity);
  EXPECT_EQ(shipped.free_transistor, "medge");
  EXPECT_EQ(shipped.clamped_transistor, "");
  EXPECT_EQ(shipped.compiled_devices.size(), 1u);
  // Without its polarity port it is none of the interfaces; the error names all three.
  const fs::path short_ports = Write("tm.sub", std::string(kModel) +
                                                   ".subckt edge fa fb g learn vdd vss hold\n"
                                                   "Medge fa g fb 0 nch\n.ends\n");
  ExpectInputError(short_ports, "edge",
                   {short_ports.string() + ":2", "fa fb g learn vdd vss hold'",
                    "'fa fb g learn vdd vss hold polarity' (the time-multiplexed interface)"});
}

TEST_F(EdgeFileTest, SwappedPortsAreRejectedAtTheirLine) {
  const fs::path file =
      Write("edge.sub", std::string(kModel) + ".subckt edge fb fa ca cb g learn vdd vss\n" +
                            std::string(kBody));
  ExpectInputError(file, "edge", {file.string() + ":2", "fb fa ca cb", std::string(kPorts)});
}

TEST_F(EdgeFileTest, MissingIncludeNamesIncludingLineAndTarget) {
  const fs::path file = Write("edge.sub", "* edge\n.include models/missing.lib\n.subckt edge " +
                                              std::string(kPorts) + "\n" + std::string(kBody));
  ExpectInputError(file, "edge", {file.string() + ":2", "missing.lib", "does not exist"});
}

TEST_F(EdgeFileTest, QuotedRelativeIncludeIsInlinedFromTheEdgeFolder) {
  Write("models/nch.lib", "* model\n" + std::string(kModel) + ".end\n");
  const fs::path file = Write("edge.sub", ".include \"models/nch.lib\"\n.subckt edge " +
                                              std::string(kPorts) + "\n" + std::string(kBody));
  const EdgeDefinition edge = read_edge_file(file, "edge");
  EXPECT_NE(std::find(edge.lines.begin(), edge.lines.end(), ".model nch nmos level=1"),
            edge.lines.end());
  for (const std::string& line : edge.lines) {
    EXPECT_NE(Lower(line).rfind(".inc", 0), 0u) << line;
    EXPECT_NE(Lower(line), ".end") << "the included file's .end was kept";
  }
}

// `pre_osdi FILE` names a compiled device relative to the edge's folder; the generated netlist
// gets its absolute path, so ngspice finds it from any working directory, and the definition
// lists it (a library without OSDI refuses such an edge up front).
TEST_F(EdgeFileTest, PreOsdiPathIsMadeAbsoluteFromTheEdgeFolder) {
  Write("models/device.osdi", "not really a library: only its existence is checked here");
  const fs::path file =
      Write("edge.sub", ".control\npre_osdi models/device.osdi\n.endc\n" + std::string(kModel) +
                            ".subckt edge " + std::string(kPorts) + "\n" + std::string(kBody));
  const EdgeDefinition edge = read_edge_file(file, "edge");
  const std::string expected = "pre_osdi " + (dir_ / "models" / "device.osdi").string();
  EXPECT_NE(std::find(edge.lines.begin(), edge.lines.end(), expected), edge.lines.end());
  EXPECT_EQ(edge.compiled_devices,
            std::vector<std::string>{(dir_ / "models" / "device.osdi").string()});
}

TEST_F(EdgeFileTest, MissingOsdiLibraryNamesTheLineAndTheTarget) {
  const fs::path file = Write("edge.sub", ".control\npre_osdi missing.osdi\n.endc\n.subckt edge " +
                                              std::string(kPorts) + "\n" + std::string(kBody));
  ExpectInputError(file, "edge",
                   {file.string() + ":2", (dir_ / "missing.osdi").string(), "does not exist",
                    "cl_learn_rule_osdi"});
}

TEST_F(EdgeFileTest, SelfIncludeIsRejected) {
  const fs::path file = Write("edge.sub", ".include edge.sub\n.subckt edge " + std::string(kPorts) +
                                              "\n" + std::string(kBody));
  ExpectInputError(file, "edge", {file.string() + ":1", "includes itself"});
}

TEST_F(EdgeFileTest, AbsentSubcktNamesFileAndSubckt) {
  const fs::path file = Write("edge.sub", std::string(kModel) + ".subckt other " +
                                              std::string(kPorts) + "\n" + std::string(kBody));
  ExpectInputError(file, "edge", {file.string(), "no subcircuit 'edge'"});
}

TEST_F(EdgeFileTest, MosfetWithUndefinedModelIsRejectedAtItsLine) {
  const fs::path file =
      Write("edge.sub", std::string(kModel) + ".subckt edge " + std::string(kPorts) + "\n" +
                            "Mfree fa g fb 0 nch w=1u l=1u\n"
                            "Mclamp ca g cb 0 pch w=1u l=1u\n"
                            ".ends edge\n");
  ExpectInputError(file, "edge", {file.string() + ":4", "Mclamp", "'pch'"});
}

TEST_F(EdgeFileTest, DiodeWithUndefinedModelIsRejected) {
  const fs::path file =
      Write("edge.sub", std::string(kModel) + ".subckt edge " + std::string(kPorts) + "\n" +
                            "D1 g vss dmod\n" + std::string(kBody));
  ExpectInputError(file, "edge", {file.string() + ":3", "'dmod'"});
}

TEST_F(EdgeFileTest, ErrorInsideIncludedFileNamesThatFile) {
  const fs::path lib =
      Write("models/edge.lib", std::string(kModel) + "\n.subckt edge fa fb\n" + std::string(kBody));
  const fs::path file = Write("edge.sub", "* wrapper\n.include models/edge.lib\n");
  ExpectInputError(file, "edge", {lib.string() + ":3"});
}

TEST_F(EdgeFileTest, LibSectionIsInlinedAlone) {
  Write("models/process.lib", ".lib tt\n" + std::string(kModel) + ".endl\n.lib ff\n" +
                                  ".model other nmos level=1\n.endl\n");
  const fs::path file = Write("edge.sub", ".lib 'models/process.lib' TT\n.subckt edge " +
                                              std::string(kPorts) + "\n" + std::string(kBody));
  const EdgeDefinition edge = read_edge_file(file, "edge");
  EXPECT_NE(std::find(edge.lines.begin(), edge.lines.end(), ".model nch nmos level=1"),
            edge.lines.end());
  EXPECT_EQ(std::find(edge.lines.begin(), edge.lines.end(), ".model other nmos level=1"),
            edge.lines.end());
  for (const std::string& line : edge.lines) {
    EXPECT_NE(Lower(line).rfind(".lib", 0), 0u) << line;
    EXPECT_NE(Lower(line).rfind(".endl", 0), 0u) << line;
  }
}

TEST_F(EdgeFileTest, MissingLibSectionNamesIncludingLine) {
  Write("models/process.lib", ".lib tt\n" + std::string(kModel) + ".endl\n");
  const fs::path file = Write("edge.sub", "* edge\n.lib models/process.lib ss\n.subckt edge " +
                                              std::string(kPorts) + "\n" + std::string(kBody));
  ExpectInputError(file, "edge", {file.string() + ":2", "no section 'ss'"});
}

TEST_F(EdgeFileTest, InstanceOfUndefinedSubcircuitIsRejected) {
  const fs::path file =
      Write("edge.sub", std::string(kModel) + ".subckt edge " + std::string(kPorts) + "\n" +
                            "Xamp fa fb out vdd vss opamp_macro gain=10\n" + std::string(kBody));
  ExpectInputError(file, "edge", {file.string() + ":3", "Xamp", "'opamp_macro'"});
}

TEST_F(EdgeFileTest, UndefinedModelInsideAPartsSubcircuitIsRejected) {
  const fs::path file =
      Write("edge.sub", std::string(kModel) + ".subckt part a b ctl\nS1 a b ctl 0 swmod\n.ends\n" +
                            ".subckt edge " + std::string(kPorts) + "\nXsw g vss learn part\n" +
                            std::string(kBody));
  ExpectInputError(file, "edge", {file.string() + ":3", "S1", "'swmod'"});
}

TEST_F(EdgeFileTest, NoFreeTransistorWhenNoMosfetJoinsFaFb) {
  const fs::path file =
      Write("edge.sub", std::string(kModel) + ".subckt edge " + std::string(kPorts) + "\n" +
                            "Mclamp ca g cb 0 nch\nRfree fa fb 1k\n.ends\n");
  EXPECT_EQ(read_edge_file(file, "edge").free_transistor, "");
}

TEST_F(EdgeFileTest, ConductanceResistorIsFoundOnlyInsideTheEdge) {
  const fs::path file =
      Write("edge.sub", ".subckt other a b\nRgfree a b 1k\n.ends\n.subckt edge " +
                            std::string(kPorts) + "\nBfree fa fb I = V(fa,fb) * 1m\n" +
                            "Bclamp ca cb I = V(ca,cb) * 1m\nRGFREE n 0 1k\n.ends\n");
  const EdgeDefinition edge = read_edge_file(file, "edge");
  EXPECT_TRUE(edge.has_conductance_resistor);
  EXPECT_EQ(free_conductance_expression(edge, 3), "@r.xe3.rgfree[i]");
  const fs::path outside =
      Write("outside.sub", ".subckt other a b\nRgfree a b 1k\n.ends\n.subckt edge " +
                               std::string(kPorts) + "\nBfree fa fb I = V(fa,fb) * 1m\n.ends\n");
  EXPECT_FALSE(read_edge_file(outside, "edge").has_conductance_resistor);
  EXPECT_EQ(free_conductance_expression(read_edge_file(outside, "edge"), 0), "");
  // A free MOSFET's gds comes first.
  EXPECT_EQ(free_conductance_expression(read_edge_file(kShippedEdge, "cl_nmos_rule"), 0),
            "@m.xe0.mfree[gds]");
}

// Found while writing the fuzz target: /dev/zero never ends and a folder reads as empty.
TEST_F(EdgeFileTest, IncludeOfADeviceOrFolderIsRejectedNotRead) {
  for (const std::string& target : {std::string("/dev/zero"), dir_.string()}) {
    const fs::path file = Write("edge.sub", ".include " + target + "\n.subckt edge " +
                                                std::string(kPorts) + "\n" + std::string(kBody));
    ExpectInputError(file, "edge", {"edge.sub:1", target, "is not a regular file"});
  }
}

}  // namespace
}  // namespace cllnsim::netlist
