// Desynchronous learning (issue 17, `training.desync`): no global learning clock. Every edge has
// its own learn-enable line; in each learning window (one training sample of one epoch, both
// halves of it under the symmetric nudge) edge E learns when a seeded draw says so, with
// probability `training.desync.fraction`, and holds otherwise. The controller only switches
// these lines, as a lab's would from a pseudo-random schedule.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cllnsim::protocol {

// Whether edge `edge` learns in the `window`-th learning window of epoch `epoch`, for a run of
// seed `seed` with learning fraction `fraction`. A pure function of its arguments
// (counter-based), so segments, resume and the exported replay draw the same schedule; every
// edge, window and epoch draws independently.
bool edge_learns(std::uint64_t seed, double fraction, int epoch, std::size_t window,
                 std::size_t edge);

}  // namespace cllnsim::protocol
