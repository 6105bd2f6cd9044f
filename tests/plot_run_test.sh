#!/usr/bin/env bash
# End-to-end test of scripts/plot_run.py on a real 3-epoch XOR run.
# usage: tests/plot_run_test.sh CLLNSIM_BINARY REPO_ROOT
# Exits 0 when every check passes, 1 on the first failure (with the reason on stderr).
set -euo pipefail

test_name=plot_run_test
source "$(dirname "$0")/script_test_common.sh"
plot=$repo/scripts/plot_run.py

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cllnsim-plot-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run=$tmp/run

"$binary" train "$repo/configs/xor.json" --set training.epochs=3 --quiet --out "$run" \
  >"$tmp/train.out" 2>"$tmp/train.err" || fail "cllnsim train failed: $(cat "$tmp/train.err")"
[[ -s $run/results.json ]] || fail "the training run wrote no results.json"

/usr/bin/python3 "$plot" "$run" >"$tmp/plot.out" 2>"$tmp/plot.err" ||
  fail "plot_run.py failed on $run: $(cat "$tmp/plot.err")"

png_signature=89504e470d0a1a0a
for name in learning_curve.png gates.png network.png; do
  file=$run/$name
  [[ -s $file ]] || fail "$name is missing or empty"
  signature=$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')
  [[ $signature == "$png_signature" ]] || fail "$name is not a PNG (starts with $signature)"
done

# The task plots: error modes of a regression, decision boundary of a 2-D classification.
check_task_plot() {  # CONFIG PNG [--set ...]
  local config=$1 png=$2
  shift 2
  local dir=$tmp/${png%.png}
  "$binary" train "$repo/configs/$config" --quiet --out "$dir" "$@" >/dev/null 2>"$tmp/task.err" ||
    fail "cllnsim train $config failed: $(cat "$tmp/task.err")"
  /usr/bin/python3 "$plot" "$dir" >/dev/null 2>"$tmp/task.err" ||
    fail "plot_run.py failed on $dir: $(cat "$tmp/task.err")"
  signature=$(head -c 8 "$dir/$png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
  [[ $signature == "$png_signature" ]] || fail "$config: $png is missing or not a PNG"
}
check_task_plot regression.json error_modes.png --set training.epochs=2
check_task_plot classify2d.json boundary.png --set training.epochs=1 --set task.train_points=4 \
  --set task.test_points=4 --set analysis.boundary_grid=4

status=0
/usr/bin/python3 "$plot" "$tmp/no_such_run" >/dev/null 2>"$tmp/missing.err" || status=$?
[[ $status -eq 2 ]] || fail "plot_run.py on a missing folder exited $status, expected 2"
[[ -s $tmp/missing.err ]] || fail "plot_run.py on a missing folder printed no error"

echo "plot_run_test: ok"
