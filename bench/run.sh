#!/usr/bin/env bash
# The whole benchmark in one command (README "Benchmarks"): builds cllnsim and the quasi-static
# reference in Release into build-bench/, runs every benchmark side by side on this machine, prints
# the table and writes it to bench/results/latest.md and latest.csv.
#   bench/run.sh            everything, scaling to 800 edges (about 5 minutes on an idle 2-core machine)
#   bench/run.sh --large    the same, scaling to 3200 edges
#   bench/run.sh --quick    tiny sizes, to check the harness (numbers mean nothing)
#   bench/run.sh --only 13  only benchmarks 1 and 3
# (the last two write build-bench/bench-runs/partial.md, not bench/results/latest.md)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bench/run.sh: $*" >&2; exit 1; }
command -v ngspice >/dev/null || fail "ngspice is not installed (Debian: apt-get install ngspice); it is needed for benchmark 1"
[ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is missing (Debian: apt-get install python3)"

build=build-bench
echo "bench/run.sh: building into $build/ (Release, CLLNSIM_BENCH=ON)" >&2
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCLLNSIM_BENCH=ON >/dev/null \
  || fail "cmake configure failed"
cmake --build "$build" -j"$(nproc)" --target cllnsim quasistatic_reference cl_learn_rule_osdi >"$build/bench-build.log" 2>&1 \
  || { tail -30 "$build/bench-build.log" >&2; fail "build failed (log: $build/bench-build.log)"; }

# Each step has its own timeout inside bench.py; this one bounds the whole run.
timeout --foreground 3600 /usr/bin/python3 bench/bench.py --build "$build" "$@" \
  || fail "benchmark failed or timed out (exit $?); see the messages above"
