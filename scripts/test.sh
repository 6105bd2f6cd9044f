#!/usr/bin/env bash
# Builds cllnsim (installing what is missing) and runs the whole default test suite:
# formatting check, unit and integration tests against the real libngspice, then the same
# tests in an AddressSanitizer + UndefinedBehaviorSanitizer build, then a short libFuzzer run of
# each fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --for-tests
# The benchmark's quasi-static reference too (bench/), so a change in src/ that breaks it fails here.
cmake -S . -B build -DCLLNSIM_BENCH=ON -DCLLNSIM_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)"

echo "== formatting (clang-format, .clang-format)"
clang-format --dry-run -Werror src/*/*.h src/*/*.cpp tests/*/*.h tests/*/*.cpp bench/*.cpp

echo "== tests"
ctest --test-dir build --output-on-failure -j"$(nproc)"

echo "== tests, sanitizer build (ASan + UBSan)"
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCLLNSIM_SANITIZE=ON -DCLLNSIM_TESTS=ON
cmake --build build-sanitize -j"$(nproc)"
# libngspice keeps allocations until process exit by design; only its leaks are suppressed.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Not repeated here: the peak-RSS ratio (sanitizers change RSS) and the five full XOR trainings
# and the five desync and five out-of-equilibrium ones (the same code paths as the short runs, several times slower under
# the sanitizers), and the
# Slurm cluster test (its points run the same code as the Sweep tests), and the --help examples
# (short runs of code the other tests cover), the Gen.1 classification's seed-4 run, and frequency
# propagation's gradient check and replay (a 1 MHz sine at 32 points per period: 40-100 s each
# on a loaded machine without the sanitizers; its edge bench, netlist text and config errors do
# run here).
ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)" -E "PeakMemory|ShippedXor|ShippedDesyncXor|ShippedNonequilibriumXor|ShippedClassificationSeparates|FrequencyPropagationStep|FrequencyPropagationNetlist|slurm_sweep|help_examples"

echo "== fuzzing, short run (the long one: scripts/fuzz.sh --minutes 10)"
unset LSAN_OPTIONS
scripts/fuzz.sh --seconds 8
