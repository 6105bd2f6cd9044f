#!/usr/bin/env bash
# bench_capacity_fit: three iterations of the capacity fit on XOR (seed 2) at least halve the training
# MSE (measured: 5.4e-3 -> 1.5e-3 V^2); a bad --starts is refused with exit 2.
# usage: bench/capacity_fit_test.sh CAPACITY_FIT_BINARY REPO
set -euo pipefail
fit=$1
repo=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$fit" "$repo/configs/xor.json" --set seed=2 --starts 1 --iterations 3 --out "$out/fit.json"
/usr/bin/python3 - "$out/fit.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
start = r["starts"][0]
initial, final = start["initial_train_mse"], start["metrics"]["train"]["mse"]
low, high = r["gate_bounds"]
assert final < 0.5 * initial, f"the fit did not lower the MSE enough: {initial} -> {final}"
assert all(low <= g <= high for g in start["gates"]), "a gate left the edge's bounds"
print(f"capacity fit: train MSE {initial:.3g} -> {final:.3g} V^2 in {start['iterations']} iterations")
PY
if "$fit" "$repo/configs/xor.json" --starts 0 2> "$out/err"; then
  echo "--starts 0 was accepted" >&2
  exit 1
fi
grep -q "expected an integer >= 1" "$out/err"
