// Seeded draws that give the same numbers with every standard library, so a run's data and
// order are reproducible from its seed everywhere.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace cllnsim::tasks {

// A generator for one purpose (`tag`) of one run (`seed`); `index` separates repeated uses.
std::mt19937_64 seeded_generator(std::uint64_t seed, std::uint32_t tag, std::uint32_t index = 0);

// 53 random bits to a double in [0, 1).
double unit_interval(std::mt19937_64& generator);

// Fisher-Yates with an explicit bounded draw (std::shuffle differs between standard libraries).
void shuffle(std::vector<std::size_t>& items, std::mt19937_64& generator);

}  // namespace cllnsim::tasks
