#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/ and fuzzes each target
# from its seed corpus (tests/fuzz/corpus/<target>/) for the given time.
#   scripts/fuzz.sh --seconds 8     the short run of scripts/test.sh
#   scripts/fuzz.sh --minutes 10    the long run (10 minutes per target, one after the other)
# New inputs that reach new code go to build-fuzz/corpus/<target>/ (not the repository); a
# crash, a leak or a hang stops the run with a non-zero status and leaves the input in
# build-fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
case "${1:-}" in
  --seconds) seconds="$2" ;;
  --minutes) seconds=$(($2 * 60)) ;;
  "") ;;
  *) echo "usage: scripts/fuzz.sh [--seconds N | --minutes N]" >&2; exit 2 ;;
esac

targets=(config csv edge_file)
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLLNSIM_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p build-fuzz/findings
for target in "${targets[@]}"; do
  echo "== fuzz $target for ${seconds} s"
  mkdir -p "build-fuzz/corpus/$target"
  # -timeout: an input that takes over 10 s is a hang; -rss_limit_mb: one over 2 GB a blow-up.
  log="build-fuzz/fuzz-$target.log"
  status=0
  build-fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$target-" \
    "build-fuzz/corpus/$target" "tests/fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  grep -E "^(INFO: seed corpus|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz: $target found a problem (exit $status); input in build-fuzz/findings/" >&2
    exit 1
  fi
done
