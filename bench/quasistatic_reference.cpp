// REFERENCE for the benchmarks, not part of cllnsim: quasi-static coupled learning, the approach
// of public reproductions and of SPICE-based equilibrium-propagation trainers. The network is
// solved at DC; every gate is an ideal voltage source set with `alter`; per training sample one
// `op` gives the free state and one the clamped state, and THE DRIVER COMPUTES THE WEIGHT UPDATE
// from the two states. cllnsim itself never does this (its gates move only because ngspice
// integrates the edge circuits); this program exists only to measure cllnsim against it.
//
// The circuit is the free copy of the lattice a cllnsim config describes, with the edge file's
// own free transistor on every edge, the same inputs, rails, leak resistors and .options. The
// update is the shipped edge's rule (netlists/edges/nmos_rule.sub) applied once per sample over
// the sample's learning time:
//   dVg = gl/cg * cmax * tanh(C / cmax) * (learn_seconds(epoch) + ramp_seconds),
//   C = clip(dV_F)^2 - clip(dV_C)^2 (drops clipped at +/-1 V), Vg kept in [vgmin, vgmax],
// with gl, cg, cmax, vgmin, vgmax taken from network.edge.params or the subcircuit's defaults.
// The schedule (sample order, annealed learning time, evaluation passes) is cllnsim's own.
//
// usage: quasistatic_reference CONFIG [--set PATH=VALUE]... [--out FILE]
// The circuit is bench/quasistatic_network.h's, which the capacity fit shares.
// Writes a JSON summary (timing, per-epoch metrics) to FILE or standard output.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "protocol/schedule.h"
#include "quasistatic_network.h"

namespace {

using namespace cllnsim::bench;
namespace protocol = cllnsim::protocol;
namespace tasks = cllnsim::tasks;

protocol::Metrics evaluate(QuasiStaticNetwork& circuit, const tasks::Dataset& data,
                           const std::vector<tasks::Sample>& samples, std::size_t& presentations) {
  presentations += samples.size();
  return protocol::score(data, samples, free_outputs(circuit, samples));
}

nlohmann::json run(const Options& options) {
  const protocol::Experiment experiment = protocol::prepare(options.config, options.overrides);
  require_ideal_circuit(experiment.config);
  const auto& config = experiment.config;
  const auto& data = experiment.data;
  const LearningRule rule = rule_of(experiment);
  const protocol::Schedule schedule(config, data);
  const auto started = std::chrono::steady_clock::now();
  QuasiStaticNetwork circuit(experiment,
                             protocol::initial_gates(config, experiment.network.edges().size()));
  std::size_t training_presentations = 0, evaluation_presentations = 0;
  nlohmann::json history = nlohmann::json::array();
  std::optional<int> first_all_correct;
  protocol::Metrics train_metrics, test_metrics;
  for (int epoch = 0; epoch <= schedule.epochs(); ++epoch) {
    if (epoch > 0) {
      const double seconds = config.training.learning
                                 ? schedule.learn_seconds(epoch) + config.training.ramp_seconds
                                 : 0.0;
      for (std::size_t index : schedule.training_order(epoch)) {
        const tasks::Sample& sample = data.train[index];
        const auto free = circuit.free_state(sample.inputs);
        const auto clamped = circuit.clamped_state(free, sample.labels);
        circuit.learn(rule, free, clamped, seconds);
        ++training_presentations;
      }
    }
    if (!schedule.evaluated(epoch)) continue;
    train_metrics = evaluate(circuit, data, data.train, evaluation_presentations);
    test_metrics = data.test_is_train
                       ? train_metrics
                       : evaluate(circuit, data, data.test, evaluation_presentations);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    history.push_back({{"epoch", epoch},
                       {"train", describe(train_metrics)},
                       {"test", describe(test_metrics)},
                       {"wall_seconds", elapsed}});
    if (!first_all_correct && train_metrics.accuracy && *train_metrics.accuracy == 1.0) {
      first_all_correct = epoch;
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::size_t presentations = training_presentations + evaluation_presentations;
  nlohmann::json result = {
      {"reference",
       "quasi-static coupled learning, update computed by the driver "
       "(bench/quasistatic_reference.cpp)"},
      {"config", config.resolved},
      {"edges", experiment.network.edges().size()},
      {"epochs", schedule.epochs()},
      {"training_presentations", training_presentations},
      {"evaluation_presentations", evaluation_presentations},
      {"operating_points", circuit.operating_points()},
      {"wall_seconds", wall},
      {"seconds_per_presentation", wall / static_cast<double>(presentations)},
      {"metrics", {{"train", describe(train_metrics)}, {"test", describe(test_metrics)}}},
      {"final_gates", circuit.gates()},
      {"history", history}};
  result["first_epoch_all_correct"] =
      first_all_correct ? nlohmann::json(*first_all_correct) : nlohmann::json(nullptr);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  return run_program("quasistatic_reference", argc, argv, {}, run);
}
