#include "protocol/desync.h"

namespace cllnsim::protocol {
namespace {

// SplitMix64's finalizer: a bijective mix of 64 bits, the same on every platform.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

bool edge_learns(std::uint64_t seed, double fraction, int epoch, std::size_t window,
                 std::size_t edge) {
  if (fraction >= 1) return true;
  std::uint64_t h = mix(seed ^ 0x6473796eULL /* "dsyn" */);
  h = mix(h ^ static_cast<std::uint64_t>(epoch));
  h = mix(h ^ static_cast<std::uint64_t>(window));
  h = mix(h ^ static_cast<std::uint64_t>(edge));
  // 53 random bits to a double in [0, 1).
  return static_cast<double>(h >> 11) * 0x1.0p-53 < fraction;
}

}  // namespace cllnsim::protocol
