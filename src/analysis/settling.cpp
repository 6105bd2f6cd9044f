#include "analysis/settling.h"

#include <algorithm>
#include <cmath>

namespace cllnsim::analysis {
namespace {

// Below this an output is taken as settled whatever its scale (ngspice's default voltage
// tolerance is 1 uV).
constexpr double kSettleFloorVolts = 1e-6;

}  // namespace

std::vector<double> output_full_scale(const std::vector<StepTrace>& steps) {
  if (steps.empty() || steps.front().empty()) return {};
  std::vector<double> low = steps.front().front().outputs;
  std::vector<double> high = low;
  for (const auto& step : steps) {
    if (step.empty()) continue;
    for (std::size_t k = 0; k < low.size(); ++k) {
      low[k] = std::min(low[k], step.back().outputs[k]);
      high[k] = std::max(high[k], step.back().outputs[k]);
    }
  }
  std::vector<double> span(low.size());
  for (std::size_t k = 0; k < span.size(); ++k) span[k] = high[k] - low[k];
  return span;
}

double settling_time(const StepTrace& step, const std::vector<double>& full_scale,
                     double tolerance) {
  const OutputSample& first = step.front();
  const OutputSample& last = step.back();
  double settled = first.time;
  for (std::size_t k = 0; k < last.outputs.size(); ++k) {
    const double final_value = last.outputs[k];
    const double band = tolerance * full_scale[k] + kSettleFloorVolts;
    for (std::size_t j = step.size() - 1; j-- > 0;) {
      const double away = std::abs(step[j].outputs[k] - final_value);
      if (away <= band) continue;
      const double next_away = std::abs(step[j + 1].outputs[k] - final_value);
      const double fraction = (away - band) / (away - next_away);
      settled = std::max(settled, step[j].time + fraction * (step[j + 1].time - step[j].time));
      break;
    }
  }
  return settled - first.time;
}

}  // namespace cllnsim::analysis
