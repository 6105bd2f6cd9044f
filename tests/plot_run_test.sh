#!/usr/bin/env bash
# End-to-end test of scripts/plot_run.py on a real 3-epoch XOR run: drawn by `train` itself
# (not with --no-plots; a warning, exit 0, without matplotlib), and by hand.
# usage: tests/plot_run_test.sh CLLNSIM_BINARY REPO_ROOT
# Exits 0 when every check passes, 1 on the first failure (with the reason on stderr).
set -euo pipefail

test_name=plot_run_test
source "$(dirname "$0")/script_test_common.sh"
plot=$repo/scripts/plot_run.py

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cllnsim-plot-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run=$tmp/run

# `train` draws the run's plots itself at the end (scripts/plot_run.py).
"$binary" train "$repo/configs/xor.json" --set training.epochs=3 --quiet --out "$run" \
  >"$tmp/train.out" 2>"$tmp/train.err" || fail "cllnsim train failed: $(cat "$tmp/train.err")"
[[ -s $run/results.json ]] || fail "the training run wrote no results.json"
grep -q "plots: $run" "$tmp/train.out" || fail "train did not report its plots: $(cat "$tmp/train.out")"

png_signature=89504e470d0a1a0a
check_pngs() {  # DIR: the three plots of every run are there, as PNG
  for name in learning_curve.png gates.png network.png; do
    file=$1/$name
    [[ -s $file ]] || fail "$file is missing or empty"
    signature=$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')
    [[ $signature == "$png_signature" ]] || fail "$file is not a PNG (starts with $signature)"
  done
}
check_pngs "$run"

# The script by hand, with whichever python3 is first on the PATH (it restarts itself under
# /usr/bin/python3 if that one lacks matplotlib).
rm "$run"/*.png
python3 "$plot" "$run" >"$tmp/plot.out" 2>"$tmp/plot.err" ||
  fail "plot_run.py failed on $run: $(cat "$tmp/plot.err")"
check_pngs "$run"

# --no-plots (and --no-plot): no PNG.
for option in --no-plots --no-plot; do
  dir=$tmp/bare$option
  "$binary" train "$repo/configs/xor.json" --set training.epochs=1 --quiet --out "$dir" "$option" \
    >"$tmp/bare.out" 2>"$tmp/bare.err" || fail "train $option failed: $(cat "$tmp/bare.err")"
  ! compgen -G "$dir/*.png" >/dev/null || fail "train $option drew $(ls "$dir"/*.png)"
done

# No Python with matplotlib (a matplotlib that fails to import, first on PYTHONPATH): the run
# still succeeds, with a warning that says what to install.
mkdir -p "$tmp/fake/matplotlib"
echo 'raise ImportError("no matplotlib here (test)")' >"$tmp/fake/matplotlib/__init__.py"
PYTHONPATH=$tmp/fake PYTHONDONTWRITEBYTECODE=1 "$binary" train "$repo/configs/xor.json" \
  --set training.epochs=1 --quiet --out "$tmp/nompl" >/dev/null 2>"$tmp/nompl.err" ||
  fail "train without matplotlib failed: $(cat "$tmp/nompl.err")"
grep -q "^cllnsim: warning: .*no python3 with matplotlib.*python3-matplotlib" "$tmp/nompl.err" ||
  fail "no clear warning without matplotlib: $(cat "$tmp/nompl.err")"
[[ -s $tmp/nompl/results.json ]] || fail "the run without matplotlib wrote no results.json"

# The task plots: error modes of a regression, decision boundary of a 2-D classification.
check_task_plot() {  # CONFIG PNG [--set ...]
  local config=$1 png=$2
  shift 2
  local dir=$tmp/${png%.png}
  "$binary" train "$repo/configs/$config" --quiet --no-plots --out "$dir" "$@" >/dev/null \
    2>"$tmp/task.err" ||
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
