// The error of a 1-D regression split into modes over the input: its mean, slope and curvature
// components (projections on the discrete orthogonal polynomials of degree 0, 1 and 2 over the
// sample inputs). The published network learns them in that order (spectral bias).
#pragma once

#include <span>

namespace cllnsim::analysis {

// Signed amplitudes (V): with p0, p1, p2 orthonormal under <f, g> = mean_i f(x_i) g(x_i), each
// mode is <e, p_k>, so the mean squared error is mean^2 + slope^2 + curvature^2 + the rest.
// A mode the inputs cannot resolve (fewer distinct inputs than its degree + 1) is 0.
struct ErrorModes {
  double mean = 0.0;
  double slope = 0.0;
  double curvature = 0.0;
};

// `errors[i]` = output - label at `inputs[i]`; both the same size.
ErrorModes decompose_error(std::span<const double> inputs, std::span<const double> errors);

}  // namespace cllnsim::analysis
