// training.freqprop (training.protocol "frequency_propagation"): its keys, and the checks that
// tie them to other sections (the time step must resolve the reference sine, the learning
// window's ramps must span whole periods of it, and the twin-only settings are refused).
// Internal to src/config.
#pragma once

#include "config/config.h"
#include "config/diagnostics.h"
#include "config/json_reader.h"

namespace cllnsim::config {

// `{"frequency_hz", "feedback_siemens", "lowpass_seconds"}`, each a positive number.
Training::FreqProp read_freqprop(const ValueReader& value);

// Throws the input_error naming the offending JSON path when `config` (protocol
// frequency_propagation) cannot run: simulator.max_step above a sixteenth of the reference's
// period, training.ramp_seconds not a whole number of periods, or a setting that needs the twin
// network (desynchronous learning, learning with the input step, device
// mismatch, free-clamped coupling).
void check_frequency_propagation(const Config& config, const Diagnostics& diagnostics);

}  // namespace cllnsim::config
