// The compiled learning device (src/devices/cl_learn_rule.c, OSDI) against the behavioural edge
// it replaces: its Jacobian is the exact derivative of its current; in ngspice its gate current
// equals the B-source's over a grid of drops, learn levels, polarities and gates inside and
// outside the soft bounds; a full XOR run with either edge ends at the same gates; an exported
// netlist with the compiled edge replays in `ngspice -b` from another working directory.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "io/csv.h"
#include "netlist/edge_file.h"
#include "spice/session.h"
#include "training_harness.h"

extern "C" {
#include "devices/osdi_abi.h"
}

namespace {

using cllnsim::io::format_number;

const std::string kEdges = std::string(CLLNSIM_SOURCE_DIR) + "/netlists/edges/";
const std::string kLibrary =
    std::string(CLLNSIM_SOURCE_DIR) + "/netlists/devices/cl_learn_rule.osdi";

// The device's terminals in its instance-line order, as ngspice node numbers 1..9 here.
enum Terminal { FA, FB, CA, CB, G, LEARN, VDD, VSS, POLARITY, TERMINALS };

// One instance of the device, driven through its OSDI entry points as ngspice drives them.
class DirectInstance {
 public:
  explicit DirectInstance(const std::vector<std::pair<std::string, double>>& params) {
    handle_ = dlopen(kLibrary.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) throw std::runtime_error(dlerror());
    descriptor_ = static_cast<const osdi_descriptor*>(dlsym(handle_, "OSDI_DESCRIPTORS"));
    if (!descriptor_) throw std::runtime_error("no OSDI_DESCRIPTORS");
    instance_.resize(descriptor_->instance_size / sizeof(std::max_align_t) + 1);
    model_.resize(descriptor_->model_size / sizeof(std::max_align_t) + 1);
    osdi_init_info info{};
    descriptor_->setup_model(nullptr, model_.data(), nullptr, &info);
    for (const auto& [name, value] : params) {
      for (uint32_t id = 0; id < descriptor_->num_params; ++id) {
        if (name == descriptor_->params[id].names[0]) {
          *static_cast<double*>(descriptor_->access(
              instance_.data(), model_.data(), id, OSDI_ACCESS_SET | OSDI_ACCESS_INSTANCE)) = value;
        }
      }
    }
    descriptor_->setup_instance(nullptr, instance_.data(), model_.data(), 300.15, TERMINALS,
                                nullptr, &info);
    if (info.num_errors) throw std::runtime_error("setup_instance reported an error");
    auto* nodes = reinterpret_cast<uint32_t*>(bytes() + descriptor_->node_mapping_offset);
    for (uint32_t i = 0; i < TERMINALS; ++i) nodes[i] = i + 1;
    auto** cells = reinterpret_cast<double**>(bytes() + descriptor_->jacobian_ptr_resist_offset);
    for (uint32_t k = 0; k < descriptor_->num_jacobian_entries; ++k) {
      const osdi_node_pair pair = descriptor_->jacobian_entries[k].nodes;
      cells[k] = &jacobian_[pair.first][pair.second];
    }
  }
  ~DirectInstance() { dlclose(handle_); }

  // Evaluates at terminal voltages `v`; returns the residual (current leaving each terminal).
  std::vector<double> residual(const std::vector<double>& v) {
    evaluate(v);
    std::vector<double> solution(TERMINALS + 1, 0.0);
    descriptor_->load_residual_resist(instance_.data(), model_.data(), solution.data());
    return {solution.begin() + 1, solution.end()};
  }
  // The Jacobian the device stamps at `v` (rows: equations, columns: unknowns).
  std::vector<std::vector<double>> jacobian(const std::vector<double>& v) {
    evaluate(v);
    for (auto& row : jacobian_) std::fill(row.begin(), row.end(), 0.0);
    descriptor_->load_jacobian_resist(instance_.data(), model_.data());
    return {jacobian_.begin(), jacobian_.end()};
  }
  // The right-hand side the device adds at `v`.
  std::vector<double> rhs(const std::vector<double>& v) {
    evaluate(v);
    std::vector<double> solution = with_ground(v), rhs(TERMINALS + 1, 0.0);
    descriptor_->load_spice_rhs_dc(instance_.data(), model_.data(), rhs.data(), solution.data());
    return {rhs.begin() + 1, rhs.end()};
  }

 private:
  static std::vector<double> with_ground(const std::vector<double>& v) {
    std::vector<double> solution{0.0};
    solution.insert(solution.end(), v.begin(), v.end());
    return solution;
  }
  void evaluate(const std::vector<double>& v) {
    std::vector<double> solution = with_ground(v);
    osdi_sim_info info{};
    info.prev_solve = solution.data();
    descriptor_->eval(nullptr, instance_.data(), model_.data(), &info);
  }
  char* bytes() { return reinterpret_cast<char*>(instance_.data()); }

  void* handle_ = nullptr;
  const osdi_descriptor* descriptor_ = nullptr;
  std::vector<std::max_align_t> instance_, model_;
  std::vector<std::vector<double>> jacobian_ =
      std::vector<std::vector<double>>(TERMINALS, std::vector<double>(TERMINALS, 0.0));
};

// Terminal voltages for drops df, dc, a gate `vg`, learn and polarity levels, vss at 0.3 V.
std::vector<double> terminals(double df, double dc, double vg, double learn, double polarity) {
  const double vss = 0.3, vdd = 5.0;
  std::vector<double> v(TERMINALS);
  v[FB] = 0.2;
  v[FA] = 0.2 + df;
  v[CB] = 0.1;
  v[CA] = 0.1 + dc;
  v[G] = vss + vg;
  v[LEARN] = vss + learn * (vdd - vss);
  v[VDD] = vdd;
  v[VSS] = vss;
  v[POLARITY] = vss + polarity * (vdd - vss);
  return v;
}

TEST(OsdiDevice, JacobianIsTheDerivativeOfTheCurrentAndRhsItsNewtonCompanion) {
  DirectInstance device({{"gl", 2e-3}, {"cmax", 0.25}, {"coffset", 0.03}, {"gbound", 5e-4}});
  double worst = 0.0;
  int points = 0;
  for (double df : {-1.4, -0.45, 0.05, 0.3, 0.9})
    for (double dc : {-0.7, -0.1, 0.2, 1.2})
      for (double vg : {0.4, 2.5, 6.1})
        for (double learn : {0.0, 0.6, 1.0})
          for (double polarity : {0.0, 0.3, 1.0}) {
            const std::vector<double> v = terminals(df, dc, vg, learn, polarity);
            const auto jacobian = device.jacobian(v);
            const auto residual = device.residual(v);
            for (int column = 0; column < TERMINALS; ++column) {
              const double h = 1e-6;
              std::vector<double> up = v, down = v;
              up[column] += h;
              down[column] -= h;
              const auto plus = device.residual(up), minus = device.residual(down);
              for (int row = 0; row < TERMINALS; ++row) {
                const double numeric = (plus[row] - minus[row]) / (2 * h);
                const double error = std::abs(jacobian[row][column] - numeric);
                worst = std::max(worst, error);
                EXPECT_LT(error, 1e-9 + 1e-6 * std::abs(numeric))
                    << "d residual[" << row << "] / dV[" << column << "] at df " << df << " dc "
                    << dc << " vg " << vg << " learn " << learn << " polarity " << polarity;
              }
            }
            // rhs = J v - residual, row by row.
            const auto rhs = device.rhs(v);
            for (int row = 0; row < TERMINALS; ++row) {
              double expected = -residual[row];
              for (int column = 0; column < TERMINALS; ++column)
                expected += jacobian[row][column] * v[column];
              EXPECT_NEAR(rhs[row], expected, 1e-15 + 1e-12 * std::abs(expected));
            }
            ++points;
          }
  std::cout << points << " points: largest |analytic - central difference| " << worst << " S\n";
}

// A single edge with every port, the gate too, held by a voltage source: the gate source's
// current is the learning circuit's (plus rleak's, the same in both edges).
std::vector<double> gate_currents(const std::string& file) {
  const auto edge = cllnsim::netlist::read_edge_file(kEdges + file, "cl_nmos_rule");
  std::vector<std::string> lines{"single edge, every port driven"};
  lines.insert(lines.end(), edge.lines.begin(), edge.lines.end());
  for (const char* node : {"fa", "fb", "ca", "cb", "g", "learn", "vdd", "vss", "polarity"})
    lines.push_back(std::string("v") + node + " " + node + " 0 0");
  lines.push_back("xedge fa fb ca cb g learn vdd vss polarity cl_nmos_rule gl=2m coffset=0.03");
  cllnsim::spice::Session session;
  session.load(lines);
  std::vector<double> currents;
  const char* names[] = {"fa", "fb", "ca", "cb", "g", "learn", "vdd", "vss", "polarity"};
  for (double df : {-1.3, -0.6, -0.2, 0.0, 0.15, 0.5, 1.1})
    for (double dc : {-1.2, -0.4, 0.0, 0.25, 0.7, 1.4})
      for (double vg : {0.3, 2.0, 6.0})
        for (double learn : {0.0, 0.5, 1.0})
          for (double polarity : {0.0, 1.0}) {
            const std::vector<double> v = terminals(df, dc, vg, learn, polarity);
            for (int t = 0; t < TERMINALS; ++t)
              session.command(std::string("alter v") + names[t] + " dc=" + format_number(v[t]));
            currents.push_back(session.operating_point({"vg#branch"}).at(0));
          }
  return currents;
}

TEST(OsdiEdge, GateCurrentEqualsTheBehaviouralSourcesOverAGrid) {
  const std::vector<double> behavioural = gate_currents("nmos_rule.sub");
  const std::vector<double> compiled = gate_currents("nmos_rule_osdi.sub");
  ASSERT_EQ(behavioural.size(), compiled.size());
  double worst = 0.0, largest = 0.0;
  int moving = 0;
  for (std::size_t i = 0; i < behavioural.size(); ++i) {
    const double difference = std::abs(compiled[i] - behavioural[i]);
    worst = std::max(worst, difference);
    largest = std::max(largest, std::abs(behavioural[i]));
    moving += std::abs(behavioural[i]) > 1e-6 ? 1 : 0;
    EXPECT_LE(difference, 1e-15 + 1e-9 * std::abs(behavioural[i])) << "grid point " << i;
  }
  // The grid is no set of zeros: most points drive a current well above the tolerance.
  EXPECT_GT(moving, static_cast<int>(behavioural.size()) / 2);
  std::cout << behavioural.size() << " points, currents up to " << largest * 1e6
            << " uA: largest difference " << worst << " A\n";
}

using cllnsim::trainingtest::gate_rows;
using cllnsim::trainingtest::read;
using cllnsim::trainingtest::Replay;
using cllnsim::trainingtest::Training;

const std::string kOsdiEdge = "network.edge.file=" + kEdges + "nmos_rule_osdi.sub";
const std::string kBehaviouralEdge = "network.edge.file=" + kEdges + "nmos_rule.sub";

// The shipped XOR config, seed 1, once per edge: the same gates at the end (1 mV), and each
// run's wall time per accepted time point (printed; the machine's load makes a bound flaky).
TEST_F(Training, ShippedXorWithTheOsdiEdgeEndsAtTheBehaviouralEdgesGates) {
  ASSERT_EQ(train(dir_ / "bsource", {"seed=1", kBehaviouralEdge}).exit_code, 0)
      << read(dir_ / "bsource.log");
  ASSERT_EQ(train(dir_ / "osdi", {"seed=1", kOsdiEdge}).exit_code, 0) << read(dir_ / "osdi.log");
  const auto behavioural = gate_rows(dir_ / "bsource" / "gates.csv");
  const auto compiled = gate_rows(dir_ / "osdi" / "gates.csv");
  ASSERT_EQ(behavioural.size(), compiled.size());
  double worst = 0.0, moved = 0.0;
  for (std::size_t e = 0; e < behavioural.back().size(); ++e) {
    worst = std::max(worst, std::abs(compiled.back()[e] - behavioural.back()[e]));
    moved = std::max(moved, std::abs(behavioural.back()[e] - behavioural.front()[e]));
  }
  double per_point[2];
  for (int i = 0; i < 2; ++i) {
    const auto results =
        nlohmann::json::parse(read(dir_ / (i == 0 ? "bsource" : "osdi") / "results.json"));
    per_point[i] = results["wall_seconds"].get<double>() / results["time_points"].get<double>();
  }
  std::cout << "final gates: largest difference " << worst * 1e3 << " mV (gates moved up to "
            << moved * 1e3 << " mV); wall time per time point: B-source " << per_point[0] * 1e6
            << " us, OSDI " << per_point[1] * 1e6 << " us, ratio " << per_point[1] / per_point[0]
            << "\n";
  EXPECT_GT(moved, 0.05);  // learning happened, so agreeing means something
  EXPECT_LT(worst, 1e-3);
}

// The exported netlist loads the device by its absolute path: `ngspice -b` runs it from the
// test's working directory, not the edge's folder, and ends where the run did.
TEST_F(Replay, ExportedNetlistWithTheOsdiEdgeReplaysInNgspiceBatchMode) {
  EXPECT_LT(replay_difference({"training.epochs=10", kOsdiEdge}), 1e-3);
}

}  // namespace
