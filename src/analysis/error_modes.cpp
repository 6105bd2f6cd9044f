#include "analysis/error_modes.h"

#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace cllnsim::analysis {
namespace {

double inner(const std::vector<double>& a, std::span<const double> b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum / static_cast<double>(a.size());
}

}  // namespace

ErrorModes decompose_error(std::span<const double> inputs, std::span<const double> errors) {
  if (inputs.size() != errors.size() || inputs.empty()) {
    throw std::logic_error("decompose_error: inputs and errors must be non-empty, of one size");
  }
  // Gram-Schmidt on 1, x, x^2 (x centred and scaled first, for conditioning).
  double low = inputs[0], high = inputs[0];
  for (double x : inputs) low = std::min(low, x), high = std::max(high, x);
  const double centre = (low + high) / 2, half = high > low ? (high - low) / 2 : 1.0;
  std::vector<std::vector<double>> basis;
  std::array<double, 3> modes{};
  for (int degree = 0; degree < 3; ++degree) {
    std::vector<double> p(inputs.size());
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = std::pow((inputs[i] - centre) / half, degree);
    for (const auto& q : basis) {
      const double along = inner(q, p);
      for (std::size_t i = 0; i < p.size(); ++i) p[i] -= along * q[i];
    }
    const double norm = std::sqrt(inner(p, p));
    // Below this the polynomial is zero on the inputs up to rounding: the mode is unresolved.
    if (norm < 1e-9) break;
    for (double& value : p) value /= norm;
    modes[static_cast<std::size_t>(degree)] = inner(p, errors);
    basis.push_back(std::move(p));
  }
  return {modes[0], modes[1], modes[2]};
}

}  // namespace cllnsim::analysis
