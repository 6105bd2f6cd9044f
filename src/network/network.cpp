#include "network/network.h"

#include <stdexcept>
#include <utility>

namespace cllnsim::network {

const char* role_name(Role role) {
  switch (role) {
    case Role::hidden:
      return "hidden";
    case Role::input:
      return "input";
    case Role::rail:
      return "rail";
    case Role::ground:
      return "ground";
    case Role::output_plus:
      return "output_plus";
    case Role::output_minus:
      return "output_minus";
  }
  return "hidden";
}

Network::Network(Shape shape, std::vector<Node> nodes, std::vector<Edge> edges,
                 const config::Network& spec)
    : shape_(std::move(shape)), nodes_(std::move(nodes)), edges_(std::move(edges)) {
  for (const Node& n : nodes_) {
    if (!n.graph_name.empty()) by_graph_name_.emplace(n.graph_name, n.index);
  }
  auto assign = [&](const config::NodeRef& at, Role role, const std::string& name) {
    Node& n = node(at);
    n.role = role;
    n.name = name;
  };
  for (const auto& input : spec.inputs) assign(input.at, Role::input, input.name);
  for (const auto& rail : spec.rails) assign(rail.at, Role::rail, rail.name);
  for (const auto& at : spec.ground) assign(at, Role::ground, "");
  for (const auto& output : spec.outputs) {
    assign(output.plus, Role::output_plus, output.name);
    if (output.minus) assign(*output.minus, Role::output_minus, output.name);
  }
}

const Node& Network::node_at(const config::NodeRef& at) const {
  if (!at.name.empty()) {
    const auto found = by_graph_name_.find(at.name);
    if (found == by_graph_name_.end()) {
      throw std::out_of_range("no node named '" + at.name + "' in the network");
    }
    return nodes_[static_cast<std::size_t>(found->second)];
  }
  if (!is_lattice() || at.at.row < 0 || at.at.row >= rows() || at.at.col < 0 ||
      at.at.col >= cols()) {
    throw std::out_of_range("lattice position outside the network");
  }
  return nodes_[static_cast<std::size_t>(at.at.row * cols() + at.at.col)];
}

Node& Network::node(const config::NodeRef& at) {
  return nodes_[static_cast<std::size_t>(node_at(at).index)];
}

}  // namespace cllnsim::network
