// ANALYSIS, not learning, and not part of cllnsim: how well can a network, with its placement of
// inputs, rails and outputs, represent a task at all? It searches the gates directly: the free
// copy of the network (bench/quasistatic_network.h: the edge file's own free transistor, gates as
// ideal sources, solved at DC) and a bounded Levenberg-Marquardt minimization of the training MSE
// over the gates, within the edge's [vgmin, vgmax], from several starts. The Jacobian is measured
// on the circuit by forward differences. The driver computes gates here, as the quasi-static
// reference does; cllnsim's training never does. A fit well below a bar says the network can do
// it and a training that does not is the protocol's limit; a fit above the bar from every start
// says (without proof: it is a local search) that the limit is the network's.
//
// usage: capacity_fit CONFIG [--set PATH=VALUE]... [--starts N] [--iterations N] [--out FILE]
// Start k draws its initial gates as `train` would with seed = the config's seed + k.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "quasistatic_network.h"

namespace {

using namespace cllnsim::bench;
using cllnsim::input_error;
namespace protocol = cllnsim::protocol;
namespace tasks = cllnsim::tasks;

constexpr double kStepVolts = 1e-3;  // forward-difference step of a gate

int positive_flag(const Options& options, const std::string& flag, int fallback) {
  const auto it = options.flags.find(flag);
  if (it == options.flags.end()) return fallback;
  try {
    std::size_t used = 0;
    const int value = std::stoi(it->second, &used);
    if (used == it->second.size() && value >= 1) return value;
  } catch (const std::exception&) {
  }
  throw input_error(flag + ": found '" + it->second + "', expected an integer >= 1");
}

// Output minus label for every training sample and output: the residuals whose mean square is
// the training MSE.
std::vector<double> residuals(QuasiStaticNetwork& circuit,
                              const std::vector<tasks::Sample>& train) {
  const auto outputs = free_outputs(circuit, train);
  std::vector<double> r;
  for (std::size_t s = 0; s < train.size(); ++s) {
    for (std::size_t k = 0; k < train[s].labels.size(); ++k) {
      r.push_back(outputs[s][k] - train[s].labels[k]);
    }
  }
  return r;
}

double mean_square(const std::vector<double>& r) {
  double sum = 0.0;
  for (double v : r) sum += v * v;
  return r.empty() ? 0.0 : sum / static_cast<double>(r.size());
}

// Solves A x = b (A square, row-major, n x n) by Gaussian elimination with partial pivoting.
std::vector<double> solve_linear(std::vector<double> a, std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t row = col + 1; row < n; ++row) {
      if (std::abs(a[row * n + col]) > std::abs(a[pivot * n + col])) pivot = row;
    }
    for (std::size_t k = 0; k < n; ++k) std::swap(a[col * n + k], a[pivot * n + k]);
    std::swap(b[col], b[pivot]);
    const double diagonal = a[col * n + col];
    if (diagonal == 0.0) continue;  // a gate no output feels: leave it where it is
    for (std::size_t row = col + 1; row < n; ++row) {
      const double factor = a[row * n + col] / diagonal;
      for (std::size_t k = col; k < n; ++k) a[row * n + k] -= factor * a[col * n + k];
      b[row] -= factor * b[col];
    }
  }
  std::vector<double> x(n, 0.0);
  for (std::size_t col = n; col-- > 0;) {
    double sum = b[col];
    for (std::size_t k = col + 1; k < n; ++k) sum -= a[col * n + k] * x[k];
    x[col] = a[col * n + col] == 0.0 ? 0.0 : sum / a[col * n + col];
  }
  return x;
}

struct FitResult {
  double initial_mse = 0.0;
  int iterations = 0;
  std::vector<double> gates;
};

// Bounded Levenberg-Marquardt on the gates of `circuit`, which starts at its current gates.
FitResult fit(QuasiStaticNetwork& circuit, const std::vector<tasks::Sample>& train,
              const LearningRule& bounds, int max_iterations) {
  std::vector<double> gates = circuit.gates();
  const std::size_t n = gates.size();
  std::vector<double> r = residuals(circuit, train);
  FitResult result{mean_square(r), 0, gates};
  double loss = result.initial_mse, damping = 1e-3;
  const auto set_all = [&](const std::vector<double>& values) {
    for (std::size_t e = 0; e < n; ++e) circuit.set_gate(static_cast<int>(e), values[e]);
  };
  for (int iteration = 1; iteration <= max_iterations && damping < 1e10; ++iteration) {
    result.iterations = iteration;
    // Jacobian d r / d gate, column by column: one gate moved inward by kStepVolts.
    std::vector<double> jacobian(r.size() * n);
    for (std::size_t e = 0; e < n; ++e) {
      const double step = gates[e] + kStepVolts <= bounds.vgmax ? kStepVolts : -kStepVolts;
      circuit.set_gate(static_cast<int>(e), gates[e] + step);
      const std::vector<double> moved = residuals(circuit, train);
      circuit.set_gate(static_cast<int>(e), gates[e]);
      for (std::size_t i = 0; i < r.size(); ++i) jacobian[i * n + e] = (moved[i] - r[i]) / step;
    }
    std::vector<double> normal(n * n, 0.0), gradient(n, 0.0);
    for (std::size_t i = 0; i < r.size(); ++i) {
      for (std::size_t a = 0; a < n; ++a) {
        gradient[a] -= jacobian[i * n + a] * r[i];
        for (std::size_t b = 0; b < n; ++b) {
          normal[a * n + b] += jacobian[i * n + a] * jacobian[i * n + b];
        }
      }
    }
    // A gate at a bound that the descent pushes outward stays there: it leaves the solve (its row
    // and column become the identity's), or the projected step would stall on it.
    for (std::size_t a = 0; a < n; ++a) {
      const bool pinned = (gates[a] <= bounds.vgmin && gradient[a] < 0.0) ||
                          (gates[a] >= bounds.vgmax && gradient[a] > 0.0);
      if (!pinned) continue;
      for (std::size_t b = 0; b < n; ++b) normal[a * n + b] = normal[b * n + a] = 0.0;
      normal[a * n + a] = 1.0;
      gradient[a] = 0.0;
    }
    // Raise the damping until a step lowers the loss (or give up: a local minimum).
    bool improved = false;
    while (!improved && damping < 1e10) {
      std::vector<double> damped = normal;
      for (std::size_t a = 0; a < n; ++a)
        damped[a * n + a] += damping * (normal[a * n + a] + 1e-12);
      const std::vector<double> delta = solve_linear(damped, gradient);
      std::vector<double> trial(n);
      for (std::size_t e = 0; e < n; ++e) {
        trial[e] = std::clamp(gates[e] + delta[e], bounds.vgmin, bounds.vgmax);
      }
      set_all(trial);
      const std::vector<double> trial_r = residuals(circuit, train);
      const double trial_loss = mean_square(trial_r);
      if (trial_loss < loss) {
        improved = true;
        const double relative = (loss - trial_loss) / loss;
        gates = trial, r = trial_r, loss = trial_loss;
        damping = std::max(damping * 0.3, 1e-9);
        if (relative < 1e-7) damping = 1e10;  // converged
      } else {
        set_all(gates);
        damping *= 10.0;
      }
    }
  }
  set_all(gates);
  result.gates = gates;
  return result;
}

nlohmann::json run(const Options& options) {
  const protocol::Experiment experiment = protocol::prepare(options.config, options.overrides);
  require_free_copy_knobs(experiment.config);
  const int starts = positive_flag(options, "--starts", 3);
  const int iterations = positive_flag(options, "--iterations", 60);
  const LearningRule bounds = rule_of(experiment);
  const auto& data = experiment.data;
  const auto started = std::chrono::steady_clock::now();
  nlohmann::json runs = nlohmann::json::array();
  std::size_t best = 0;
  // One circuit (one libngspice session per process) for every start: each sets all the gates.
  QuasiStaticNetwork circuit(experiment,
                             std::vector<double>(experiment.network.edges().size(), bounds.vgmin));
  for (int k = 0; k < starts; ++k) {
    cllnsim::config::Config drawn = experiment.config;
    drawn.seed = experiment.config.seed + static_cast<std::uint64_t>(k);
    const std::vector<double> initial =
        protocol::initial_gates(drawn, experiment.network.edges().size());
    for (std::size_t e = 0; e < initial.size(); ++e) {
      circuit.set_gate(static_cast<int>(e), std::clamp(initial[e], bounds.vgmin, bounds.vgmax));
    }
    const std::size_t operating_points = circuit.operating_points();
    const FitResult result = fit(circuit, data.train, bounds, iterations);
    const protocol::Metrics train =
        protocol::score(data, data.train, free_outputs(circuit, data.train));
    const protocol::Metrics test =
        data.test_is_train ? train
                           : protocol::score(data, data.test, free_outputs(circuit, data.test));
    runs.push_back({{"seed", drawn.seed},
                    {"initial_train_mse", result.initial_mse},
                    {"iterations", result.iterations},
                    {"operating_points", circuit.operating_points() - operating_points},
                    {"metrics", {{"train", describe(train)}, {"test", describe(test)}}},
                    {"gates", result.gates}});
    if (train.mse < runs[best]["metrics"]["train"]["mse"].get<double>()) best = runs.size() - 1;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return {{"analysis",
           "capacity fit: gates searched directly (bounded Levenberg-Marquardt on the free "
           "circuit at DC), not learned (bench/capacity_fit.cpp)"},
          {"config", experiment.config.resolved},
          {"edges", experiment.network.edges().size()},
          {"gate_bounds", {bounds.vgmin, bounds.vgmax}},
          {"wall_seconds", wall},
          {"best", runs[best]["metrics"]},
          {"best_seed", runs[best]["seed"]},
          {"starts", runs}};
}

}  // namespace

int main(int argc, char** argv) {
  return run_program("capacity_fit", argc, argv, {"--starts", "--iterations"}, run);
}
