#include "tasks/random.h"

#include <utility>

namespace cllnsim::tasks {

std::mt19937_64 seeded_generator(std::uint64_t seed, std::uint32_t tag, std::uint32_t index) {
  std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                         index, tag};
  return std::mt19937_64(sequence);
}

double unit_interval(std::mt19937_64& generator) {
  return static_cast<double>(generator() >> 11) * 0x1.0p-53;
}

void shuffle(std::vector<std::size_t>& items, std::mt19937_64& generator) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::uint64_t bound = i;
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t draw;
    do draw = generator();
    while (draw >= limit);
    std::swap(items[i - 1], items[static_cast<std::size_t>(draw % bound)]);
  }
}

}  // namespace cllnsim::tasks
