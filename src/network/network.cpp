#include "network/network.h"

#include <stdexcept>

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

Network Network::lattice(const config::Network& spec) {
  Network network;
  network.rows_ = spec.lattice.rows;
  network.cols_ = spec.lattice.cols;
  network.periodic_ = spec.lattice.periodic;
  const int rows = network.rows_;
  const int cols = network.cols_;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      network.nodes_.push_back(Node{r * cols + c, {r, c}, Role::hidden, ""});
    }
  }
  auto assign = [&](config::GridPos at, Role role, const std::string& name) {
    Node& node = network.nodes_.at(static_cast<std::size_t>(at.row * cols + at.col));
    node.role = role;
    node.name = name;
  };
  for (const auto& input : spec.inputs) assign(input.at, Role::input, input.name);
  for (const auto& rail : spec.rails) assign(rail.at, Role::rail, rail.name);
  for (const auto& at : spec.ground) assign(at, Role::ground, "");
  for (const auto& output : spec.outputs) {
    assign(output.plus, Role::output_plus, output.name);
    if (output.minus) assign(*output.minus, Role::output_minus, output.name);
  }

  auto add_edge = [&](int r, int c, int r2, int c2, bool wraps) {
    const int index = static_cast<int>(network.edges_.size());
    network.edges_.push_back(Edge{index, r * cols + c, r2 * cols + c2, wraps});
  };
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      if (c + 1 < cols)
        add_edge(r, c, r, c + 1, false);
      else if (network.periodic_)
        add_edge(r, c, r, 0, true);
      if (r + 1 < rows)
        add_edge(r, c, r + 1, c, false);
      else if (network.periodic_)
        add_edge(r, c, 0, c, true);
    }
  }
  return network;
}

const Node& Network::node_at(config::GridPos at) const {
  if (at.row < 0 || at.row >= rows_ || at.col < 0 || at.col >= cols_) {
    throw std::out_of_range("lattice position outside the network");
  }
  return nodes_[static_cast<std::size_t>(at.row * cols_ + at.col)];
}

}  // namespace cllnsim::network
