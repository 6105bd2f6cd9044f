// Random graphs drawn from a seed: uniform random d-regular graphs (the pairing model,
// redrawn until simple) and Erdos-Renyi G(n, M) (M distinct node pairs out of all n(n-1)/2).
// Both are redrawn until connected, so each is uniform over the connected graphs of its kind.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "io/csv.h"
#include "network/build.h"
#include "tasks/random.h"

namespace cllnsim::network {
namespace {

using Pairs = std::vector<std::pair<int, int>>;

constexpr int kMaxDraws = 100000;
constexpr std::uint32_t kGraphTag = 0x746f706fU;  // "topo"

// Pairing model: d half-edges per node, shuffled and joined two by two; a draw with a loop or a
// repeated edge is refused (conditioned on simple, the pairing model is uniform).
std::optional<Pairs> draw_regular(int nodes, int degree, std::mt19937_64& generator) {
  std::vector<std::size_t> stubs;
  for (int node = 0; node < nodes; ++node) stubs.insert(stubs.end(), degree, node);
  tasks::shuffle(stubs, generator);
  std::set<std::pair<int, int>> edges;
  for (std::size_t i = 0; i + 1 < stubs.size(); i += 2) {
    const int a = static_cast<int>(std::min(stubs[i], stubs[i + 1]));
    const int b = static_cast<int>(std::max(stubs[i], stubs[i + 1]));
    if (a == b || !edges.emplace(a, b).second) return std::nullopt;
  }
  return Pairs(edges.begin(), edges.end());
}

// G(n, M): the first M of all node pairs in a shuffled order.
Pairs draw_erdos_renyi(int nodes, int edge_count, std::mt19937_64& generator) {
  std::vector<std::size_t> order(static_cast<std::size_t>(nodes) * (nodes - 1) / 2);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  tasks::shuffle(order, generator);
  Pairs all;
  for (int a = 0; a < nodes; ++a) {
    for (int b = a + 1; b < nodes; ++b) all.emplace_back(a, b);
  }
  Pairs chosen;
  for (int k = 0; k < edge_count; ++k) chosen.push_back(all[order[static_cast<std::size_t>(k)]]);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

bool connected(int nodes, const Pairs& edges) {
  std::vector<std::vector<int>> neighbours(static_cast<std::size_t>(nodes));
  for (const auto& [a, b] : edges) {
    neighbours[static_cast<std::size_t>(a)].push_back(b);
    neighbours[static_cast<std::size_t>(b)].push_back(a);
  }
  std::vector<bool> seen(static_cast<std::size_t>(nodes), false);
  std::vector<int> stack{0};
  seen[0] = true;
  int reached = 1;
  while (!stack.empty()) {
    const int node = stack.back();
    stack.pop_back();
    for (int next : neighbours[static_cast<std::size_t>(node)]) {
      if (seen[static_cast<std::size_t>(next)]) continue;
      seen[static_cast<std::size_t>(next)] = true;
      ++reached;
      stack.push_back(next);
    }
  }
  return reached == nodes;
}

std::string describe(const config::Graph& graph) {
  const std::string nodes = std::to_string(graph.node_count) + " nodes";
  const std::string seed = "seed " + std::to_string(graph.seed);
  if (graph.kind == config::Graph::Kind::random_regular) {
    return "random " + std::to_string(graph.degree) + "-regular graph of " + nodes + " (" + seed +
           ")";
  }
  return "Erdos-Renyi graph G(n, M) of " + nodes + " and " + std::to_string(graph.edge_count()) +
         " edges (mean degree " + io::format_number(graph.mean_degree) + ", " + seed + ")";
}

}  // namespace

Network random_graph(const config::Network& spec, const std::filesystem::path& config_file) {
  const config::Graph& graph = *spec.graph;
  std::mt19937_64 generator = tasks::seeded_generator(graph.seed, kGraphTag);
  for (int draw = 0; draw < kMaxDraws; ++draw) {
    const std::optional<Pairs> pairs =
        graph.kind == config::Graph::Kind::random_regular
            ? draw_regular(graph.node_count, graph.degree, generator)
            : draw_erdos_renyi(graph.node_count, graph.edge_count(), generator);
    if (!pairs || !connected(graph.node_count, *pairs)) continue;
    std::vector<Edge> edges;
    for (const auto& [a, b] : *pairs) {
      edges.push_back(Edge{static_cast<int>(edges.size()), a, b, false});
    }
    Network::Shape shape{graph.kind_name(), 0, 0, false, describe(graph)};
    return Network(std::move(shape), graph_nodes(graph), std::move(edges), spec);
  }
  throw input_error(config_file.string() + ": at network.graph.seed: found " +
                    std::to_string(kMaxDraws) + " draws of seed " + std::to_string(graph.seed) +
                    " that were all disconnected or not simple, expected a graph that can be " +
                    "drawn connected (raise the degree or mean_degree)");
}

}  // namespace cllnsim::network
