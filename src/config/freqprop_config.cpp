#include "config/freqprop_config.h"

#include <cmath>
#include <string>

#include "config/shared_readers.h"
#include "io/csv.h"

namespace cllnsim::config {
namespace {

// The sine must be resolved: at least this many time steps per period of the reference.
constexpr double kStepsPerPeriod = 16.0;
constexpr EnumNames<Training::FreqProp::ErrorDrive, 2> kErrorDriveNames{{
    {"current", Training::FreqProp::ErrorDrive::current},
    {"voltage", Training::FreqProp::ErrorDrive::voltage},
}};
// How close ramp_seconds * frequency_hz must come to a whole number (relative).
constexpr double kWholePeriodTolerance = 1e-6;

JsonPath path_of(std::initializer_list<const char*> keys) {
  JsonPath path;
  for (const char* key : keys) path = path.key(key);
  return path;
}

}  // namespace

Training::FreqProp read_freqprop(const ValueReader& value) {
  const Training::FreqProp defaults;
  const ObjectReader object =
      value.object({"frequency_hz", "error_drive", "feedback_siemens", "lowpass_seconds"});
  Training::FreqProp freqprop;
  freqprop.frequency_hz = object.optional("frequency_hz", defaults.frequency_hz).number(kPositive);
  freqprop.error_drive = read_choice(object, "error_drive", kErrorDriveNames, defaults.error_drive);
  freqprop.feedback_siemens =
      object.optional("feedback_siemens", defaults.feedback_siemens).number(kPositive);
  freqprop.lowpass_seconds =
      object.optional("lowpass_seconds", defaults.lowpass_seconds).number(kPositive);
  return freqprop;
}

void check_frequency_propagation(const Config& config, const Diagnostics& diagnostics) {
  using io::format_number;
  const Training& training = config.training;
  const double frequency = training.freqprop.frequency_hz;
  if (training.per_edge_learn()) {
    diagnostics.fail(path_of({"training", "desync", "fraction"}),
                     format_number(training.desync.fraction),
                     "1: desynchronous learning is not built for frequency propagation");
  }
  if (training.learn_onset == Training::LearnOnset::with_input) {
    diagnostics.fail(path_of({"training", "learn_onset"}), "\"with_input\"",
                     "\"settled\": learning out of equilibrium is not built for frequency "
                     "propagation");
  }
  const double longest = 1 / (kStepsPerPeriod * frequency);
  if (config.simulator.max_step > longest * (1 + kWholePeriodTolerance)) {
    diagnostics.fail(path_of({"simulator", "max_step"}), format_number(config.simulator.max_step),
                     "at most " + format_number(longest) +
                         " s: a sixteenth of the period of training.freqprop.frequency_hz (" +
                         format_number(frequency) + " Hz), so the transient resolves the sine");
  }
  const double periods = training.ramp_seconds * frequency;
  if (periods < 1 - kWholePeriodTolerance ||
      std::abs(periods - std::round(periods)) > kWholePeriodTolerance * periods) {
    diagnostics.fail(path_of({"training", "ramp_seconds"}),
                     format_number(training.ramp_seconds) + " (" + format_number(periods) +
                         " periods of training.freqprop.frequency_hz)",
                     "a whole number (>= 1) of periods of the reference: the learning window's "
                     "ramps must span whole periods, or the window passes the squared drop's f2 "
                     "component (D^2 cos) into the gate");
  }
}

}  // namespace cllnsim::config
