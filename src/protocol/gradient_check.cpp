#include "protocol/gradient_check.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "protocol/schedule.h"
#include "protocol/trainer.h"

namespace cllnsim::protocol {
namespace {

// The run's config reduced to one fixed-order training epoch with the learning time the run
// would use after `epoch` (or analysis.gradient_check.learn_seconds): epoch 0 of its schedule
// evaluates, epoch 1 learns.
config::Config one_epoch_probe(const config::Config& config, const tasks::Dataset& data,
                               int epoch) {
  const Schedule run(config, data);
  const double chosen = config.analysis.gradient_check.learn_seconds;
  const double seconds =
      chosen > 0 ? chosen : run.learn_seconds(std::clamp(epoch + 1, 1, run.epochs()));
  config::Config probe = config;
  probe.training.epochs = 1;
  probe.training.order = config::Training::Order::fixed;
  probe.training.learn_seconds = seconds;
  probe.training.learn_seconds_final = seconds;
  probe.training.evaluate_every = 1;
  return probe;
}

}  // namespace

double descent_cosine(const std::vector<double>& gradient, const std::vector<double>& step) {
  double dot = 0.0, gradient_norm = 0.0, step_norm = 0.0;
  for (std::size_t e = 0; e < gradient.size(); ++e) {
    dot -= gradient[e] * step[e];
    gradient_norm += gradient[e] * gradient[e];
    step_norm += step[e] * step[e];
  }
  if (gradient_norm == 0.0 || step_norm == 0.0) return 0.0;
  return dot / std::sqrt(gradient_norm * step_norm);
}

GradientCheck check_gradient(const config::Config& config, const network::Network& network,
                             const netlist::EdgeDefinition& edge, const tasks::Dataset& data,
                             spice::Session& session, const std::vector<double>& gates, int epoch) {
  const auto started = std::chrono::steady_clock::now();
  const config::Config probe = one_epoch_probe(config, data, epoch);
  GradientCheck check;
  check.epoch = epoch;
  check.learn_seconds = probe.training.learn_seconds;
  const std::vector<EpochEnd> learned =
      simulate_epochs(probe, network, edge, data, session, gates, 1);
  // The gates as the circuit holds them with learning off (a gate the edge's bound pushes back
  // has settled there): the state both the step and the gradient are taken from.
  const std::vector<double>& held = learned[0].gates;
  check.cost_mse = learned[0].train.mse;
  for (std::size_t e = 0; e < held.size(); ++e) check.step.push_back(learned[1].gates[e] - held[e]);

  const double delta = config.analysis.gradient_check.delta_v;
  const auto cost_at = [&](std::size_t e, double shift) {
    std::vector<double> perturbed = held;
    perturbed[e] += shift;
    return simulate_epochs(probe, network, edge, data, session, perturbed, 0)[0].train.mse;
  };
  for (std::size_t e = 0; e < held.size(); ++e) {
    check.gradient.push_back((cost_at(e, delta) - cost_at(e, -delta)) / (2 * delta));
  }
  check.cosine = descent_cosine(check.gradient, check.step);
  check.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return check;
}

}  // namespace cllnsim::protocol
