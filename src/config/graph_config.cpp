#include "config/graph_config.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "config/sections.h"

namespace cllnsim::config {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Lower case only: ngspice folds node names to lower case, so "A" and "a" would be one node.
bool is_graph_node_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}
constexpr StringRule kGraphNodeName{"a node name matching [a-z0-9_]+", is_graph_node_name};
constexpr StringRule kPath{"a non-empty file path", [](std::string_view t) { return !t.empty(); }};

constexpr std::array<std::pair<std::string_view, Graph::Kind>, 3> kGraphKinds{{
    {"edge_list", Graph::Kind::edge_list},
    {"random_regular", Graph::Kind::random_regular},
    {"erdos_renyi", Graph::Kind::erdos_renyi},
}};

std::string in_quotes(const std::string& name) { return "\"" + name + "\""; }

// "a, b, c" with at most `limit` names, then how many more.
std::string name_list(const std::vector<std::string>& names, std::size_t limit = 8) {
  std::string text;
  for (std::size_t i = 0; i < std::min(limit, names.size()); ++i) {
    text += (i ? ", " : "") + names[i];
  }
  if (names.size() > limit) text += " and " + std::to_string(names.size() - limit) + " more";
  return text;
}

// Reads {"nodes", "edges"} of an edge list (the config's network.graph, or a file's top level).
class EdgeListReader {
 public:
  explicit EdgeListReader(Graph& graph) : graph_(graph) {}

  void read(const ObjectReader& object) {
    if (object.contains("nodes")) {
      for (const ValueReader& node : object.required("nodes").array(
               "an array of node names or {\"name\", \"x\", \"y\"} objects", 2)) {
        read_node_entry(node);
      }
    }
    listed_ = !graph_.nodes.empty();
    for (const ValueReader& edge :
         object.required("edges").array("a non-empty array of [node, node] pairs", 1)) {
      read_edge(edge);
    }
    if (graph_.nodes.size() < 2) {
      object.required("edges").fail(
          "edges joining " + std::to_string(graph_.nodes.size()) + " node",
          "edges joining at least two nodes");
    }
  }

 private:
  void read_node_entry(const ValueReader& value) {
    std::string name;
    std::optional<std::array<double, 2>> position;
    if (value.is_string()) {
      name = value.string(kGraphNodeName);
    } else {
      const ObjectReader object = value.object({"name", "x", "y"});
      name = object.required("name").string(kGraphNodeName);
      if (object.contains("x") || object.contains("y")) {
        position = {object.required("x").number(kAnyNumber),
                    object.required("y").number(kAnyNumber)};
      }
    }
    const auto [entry, inserted] = index_.emplace(name, static_cast<int>(graph_.nodes.size()));
    if (!inserted) {
      value.fail("the node " + in_quotes(name) + ", already listed at nodes[" +
                     std::to_string(entry->second) + "]",
                 "each node listed once");
    }
    graph_.nodes.push_back(name);
    graph_.positions.push_back(position);
  }

  int node_index(const ValueReader& value) {
    const std::string name = value.string(kGraphNodeName);
    const auto found = index_.find(name);
    if (found != index_.end()) return found->second;
    if (listed_) {
      value.fail("the node " + in_quotes(name) + ", which is not in nodes",
                 "one of the listed nodes (" + name_list(graph_.nodes) + ")");
    }
    index_.emplace(name, static_cast<int>(graph_.nodes.size()));
    graph_.nodes.push_back(name);
    graph_.positions.emplace_back();
    return static_cast<int>(graph_.nodes.size()) - 1;
  }

  void read_edge(const ValueReader& value) {
    const std::vector<ValueReader> ends = value.array("a [node, node] pair of node names", 2, 2);
    const int a = node_index(ends[0]);
    const int b = node_index(ends[1]);
    const std::string shown = "[" + in_quotes(graph_.nodes[static_cast<std::size_t>(a)]) + ", " +
                              in_quotes(graph_.nodes[static_cast<std::size_t>(b)]) + "]";
    if (a == b) value.fail(shown + ", an edge from a node to itself", "two different nodes");
    const auto [entry, inserted] = edges_.emplace(std::minmax(a, b), value.path());
    if (!inserted) {
      value.fail(shown + ", already joined at " + entry->second.str(),
                 "each pair of nodes joined by at most one edge");
    }
    graph_.edges.emplace_back(a, b);
  }

  Graph& graph_;
  bool listed_ = false;
  std::map<std::string, int> index_;
  std::map<std::pair<int, int>, JsonPath> edges_;
};

Graph::Kind read_graph_kind(const ValueReader& value) {
  std::vector<std::string_view> names;
  for (const auto& [name, kind] : kGraphKinds) names.push_back(name);
  const std::string chosen =
      value.object({"kind", "nodes", "edges", "file", "degree", "mean_degree", "seed"})
          .optional("kind", "edge_list")
          .one_of(names);
  for (const auto& [name, kind] : kGraphKinds) {
    if (name == chosen) return kind;
  }
  return Graph::Kind::edge_list;
}

void read_edge_list_file(const ValueReader& value, const fs::path& config_file, Graph& graph) {
  const std::string written = value.string(kPath);
  graph.file = fs::absolute(config_file.parent_path() / written).lexically_normal();
  std::error_code ignored;
  if (!fs::is_regular_file(graph.file, ignored)) {
    value.fail("the path \"" + written + "\" (resolved to " + graph.file.string() +
                   "), which is not a readable file",
               "the path of an edge-list file ({\"nodes\", \"edges\"} in JSON)");
  }
  json document = parse_config_document(read_config_text(graph.file), graph.file);
  const Diagnostics in_file(graph.file);
  EdgeListReader(graph).read(
      ValueReader(&document, JsonPath(), in_file).object({"nodes", "edges"}));
}

void read_random_graph(const ObjectReader& object, Graph& graph) {
  graph.node_count = object.required("nodes").integer(3);
  const std::string n = std::to_string(graph.node_count);
  if (graph.kind == Graph::Kind::random_regular) {
    const ValueReader degree = object.optional("degree", graph.degree);
    graph.degree = degree.integer(2);
    if (graph.degree >= graph.node_count || graph.node_count * graph.degree % 2 != 0) {
      degree.reject("a degree from 2 to " + std::to_string(graph.node_count - 1) +
                    " whose product with the " + n + " nodes is even");
    }
  } else {
    const ValueReader mean = object.optional("mean_degree", graph.mean_degree);
    graph.mean_degree = mean.number(kPositive);
    const long edges = std::lround(graph.node_count * graph.mean_degree / 2);
    if (edges < graph.node_count - 1 || edges > graph.node_count * (graph.node_count - 1L) / 2) {
      mean.reject("a mean degree that gives " + n + " nodes from " +
                  std::to_string(graph.node_count - 1) + " edges (connected) to " +
                  std::to_string(graph.node_count * (graph.node_count - 1L) / 2) + " (complete)");
    }
  }
}

// Connected pieces of the graph, each a sorted list of node indices, by union-find.
std::vector<std::vector<int>> components(const Graph& graph) {
  std::vector<int> parent(graph.nodes.size());
  std::iota(parent.begin(), parent.end(), 0);
  const auto root = [&](int node) {
    while (parent[static_cast<std::size_t>(node)] != node) {
      node = parent[static_cast<std::size_t>(node)] =
          parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(node)])];
    }
    return node;
  };
  for (const auto& [a, b] : graph.edges) parent[static_cast<std::size_t>(root(a))] = root(b);
  std::map<int, std::vector<int>> pieces;
  for (int node = 0; node < static_cast<int>(graph.nodes.size()); ++node) {
    pieces[root(node)].push_back(node);
  }
  std::vector<std::vector<int>> result;
  for (auto& [ignored, piece] : pieces) result.push_back(std::move(piece));
  return result;
}

std::set<std::string> driven_nodes(const Network& network) {
  std::set<std::string> driven;
  for (const auto& input : network.inputs) driven.insert(input.at.name);
  for (const auto& rail : network.rails) driven.insert(rail.at.name);
  for (const auto& ground : network.ground) driven.insert(ground.name);
  return driven;
}

}  // namespace

const char* Graph::kind_name() const {
  for (const auto& [name, value] : kGraphKinds) {
    if (value == kind) return name.data();
  }
  return "edge_list";
}

int Graph::edge_count() const {
  switch (kind) {
    case Kind::edge_list:
      return static_cast<int>(edges.size());
    case Kind::random_regular:
      return node_count * degree / 2;
    case Kind::erdos_renyi:
      return static_cast<int>(std::lround(node_count * mean_degree / 2));
  }
  return 0;
}

std::vector<std::string> Graph::node_names() const {
  if (kind == Kind::edge_list) return nodes;
  std::vector<std::string> names;
  for (int i = 0; i < node_count; ++i) names.push_back("n" + std::to_string(i));
  return names;
}

Graph read_graph(const ValueReader& value, const fs::path& config_file, std::uint64_t run_seed) {
  Graph graph;
  graph.kind = read_graph_kind(value);
  if (graph.kind != Graph::Kind::edge_list) {
    const ObjectReader object = value.object(
        {"kind", "nodes", graph.kind == Graph::Kind::random_regular ? "degree" : "mean_degree",
         "seed"});
    read_random_graph(object, graph);
    graph.seed = object.optional("seed", run_seed).integer<std::uint64_t>(0);
  } else if (value.object({"kind", "nodes", "edges", "file"}).contains("file")) {
    read_edge_list_file(value.object({"kind", "file"}).required("file"), config_file, graph);
  } else {
    EdgeListReader(graph).read(value.object({"kind", "nodes", "edges"}));
  }
  return graph;
}

ReadNode read_node(const ValueReader& value, const Network& network) {
  if (!network.graph) {
    const Lattice& lattice = network.lattice;
    const std::vector<ValueReader> pair = value.array("a [row, col] pair of integers", 2, 2);
    const GridPos position{pair[0].integer<int>(), pair[1].integer<int>()};
    const std::string shown =
        "[" + std::to_string(position.row) + ", " + std::to_string(position.col) + "]";
    if (position.row < 0 || position.row >= lattice.rows || position.col < 0 ||
        position.col >= lattice.cols) {
      value.fail(shown + ", a node outside the " + std::to_string(lattice.rows) + "x" +
                     std::to_string(lattice.cols) + " lattice",
                 "[row, col] with 0 <= row < " + std::to_string(lattice.rows) + " and 0 <= col < " +
                     std::to_string(lattice.cols));
    }
    return {position, shown};
  }
  if (!value.is_string()) value.reject("the name of a node of network.graph");
  const std::string name = value.string(kGraphNodeName);
  const std::vector<std::string> names = network.graph->node_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    value.fail("the node " + in_quotes(name) + ", which network.graph does not have",
               "one of its " + std::to_string(names.size()) + " nodes (" + name_list(names) + ")");
  }
  return {NodeRef(name), in_quotes(name)};
}

void check_graph_paths(const ValueReader& graph_value, const Network& network) {
  if (!network.graph || network.graph->kind != Graph::Kind::edge_list) return;
  const Graph& graph = *network.graph;
  const std::vector<std::vector<int>> pieces = components(graph);
  const std::set<std::string> driven = driven_nodes(network);
  const auto names_of = [&](const std::vector<int>& piece) {
    std::vector<std::string> names;
    for (int node : piece) names.push_back(graph.nodes[static_cast<std::size_t>(node)]);
    return names;
  };
  std::string found, expected;
  for (const auto& piece : pieces) {
    const std::vector<std::string> names = names_of(piece);
    const bool reaches_driven =
        std::any_of(names.begin(), names.end(), [&](const auto& n) { return driven.count(n); });
    if (!reaches_driven) {
      found = "no path to ground from the nodes " + name_list(names) +
              " (joined to no input, rail or ground node)";
      expected = "every node with a path to an input, rail or ground node (otherwise it floats)";
      break;
    }
  }
  if (found.empty() && pieces.size() > 1) {
    std::string parts;
    for (const auto& piece : pieces) {
      parts += std::string(parts.empty() ? "" : "; ") + "{" + name_list(names_of(piece), 4) + "}";
    }
    found = "a graph in " + std::to_string(pieces.size()) + " disconnected parts: " + parts;
    expected = "one connected network";
  }
  if (found.empty()) return;
  if (graph.file.empty()) {
    graph_value.object({"kind", "nodes", "edges"}).required("edges").fail(found, expected);
  }
  Diagnostics(graph.file).fail(JsonPath().key("edges"), found, expected);
}

int edge_count(const Network& network) {
  if (network.graph) return network.graph->edge_count();
  const int r = network.lattice.rows, c = network.lattice.cols;
  return network.lattice.periodic ? 2 * r * c : r * (c - 1) + (r - 1) * c;
}

}  // namespace cllnsim::config
