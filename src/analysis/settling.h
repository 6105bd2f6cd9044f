// When the outputs of a held network have settled after an input step. The band is a fraction of
// each output's full scale (the spread of its answers over the measured inputs), not of the step
// itself: a step between two inputs with nearly the same answer would otherwise get a band too
// narrow for any real circuit's slow tail (the answer is read against the full scale).
#pragma once

#include <vector>

namespace cllnsim::analysis {

struct OutputSample {
  double time;
  std::vector<double> outputs;
};

// The outputs from the start of one input step to its read at the end of the hold.
using StepTrace = std::vector<OutputSample>;

// Per output, max - min over the value each step starts from and the values they end at.
std::vector<double> output_full_scale(const std::vector<StepTrace>& steps);

// Time from the trace's start until every output k stays within
// tolerance * full_scale[k] + 1 uV of its value at the trace's end; linear between samples.
double settling_time(const StepTrace& step, const std::vector<double>& full_scale,
                     double tolerance);

}  // namespace cllnsim::analysis
