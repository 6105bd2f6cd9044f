#!/usr/bin/env bash
# scripts/freqprop_alignment.py on a real one-epoch run of configs/xor_freqprop.json: at the
# initial gates the edge's D*A step and the gm*A step follow -dMSE/dVg (cosine > 0.8; measured
# 0.93 and 0.96 on seed 1), the forward and adjoint responses nearly agree, two steps of exact
# gradient descent and two epochs of per-sample descent lower the MSE; a twin-network run and a
# missing epoch are refused.
# usage: tests/freqprop_alignment_test.sh CLLNSIM_BINARY REPO_ROOT
set -euo pipefail

test_name=freqprop_alignment_test
source "$(dirname "$0")/script_test_common.sh"
script=$repo/scripts/freqprop_alignment.py

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cllnsim-alignment-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run=$tmp/run
"$binary" train "$repo/configs/xor_freqprop.json" --set training.epochs=1 --quiet --no-plots \
  --out "$run" >/dev/null 2>"$tmp/train.err" || fail "cllnsim train failed: $(cat "$tmp/train.err")"

python3 "$script" "$run" 0 >"$tmp/alignment.out" 2>"$tmp/alignment.err" ||
  fail "freqprop_alignment.py failed: $(cat "$tmp/alignment.err")"
# epoch mse cos_D cos_gm cancellation asymmetry...
read -r epoch mse cos_d cos_gm cancellation asymmetry < <(sed -n 2p "$tmp/alignment.out")
history_mse=$(sed -n 2p "$run/history.csv" | cut -d, -f2)
python3 - "$mse" "$history_mse" "$cos_d" "$cos_gm" "$cancellation" $asymmetry <<'PY' ||
import sys
mse, history_mse, cos_d, cos_gm, cancellation, *asymmetry = map(float, sys.argv[1:])
assert abs(mse - history_mse) < 0.01 * history_mse, f"DC MSE {mse} is not the run's {history_mse}"
assert cos_d > 0.8 and cos_gm > 0.8, f"cosines {cos_d} {cos_gm}"
assert 0 < cancellation <= 1, f"cancellation {cancellation}"
assert len(asymmetry) == 4 and max(asymmetry) < 0.3, f"asymmetry {asymmetry}"
PY
  fail "unexpected alignment at epoch 0: $(cat "$tmp/alignment.out")"

# --plot draws the comparison with the run's learning curve.
python3 "$script" "$run" 0 1 --plot "$tmp/alignment.png" >"$tmp/plot.out" 2>"$tmp/plot.err" ||
  fail "--plot failed: $(cat "$tmp/plot.err")"
[[ $(head -c 8 "$tmp/alignment.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "--plot wrote no PNG"

python3 "$script" "$run" --descend 2 >"$tmp/descend.out" 2>"$tmp/descend.err" ||
  fail "--descend failed: $(cat "$tmp/descend.err")"
first=$(awk '$1 == 1 {print $2}' "$tmp/descend.out")
second=$(awk '$1 == 2 {print $2}' "$tmp/descend.out")
python3 -c "import sys; sys.exit(not (float('$second') < float('$first') < float('$history_mse')))" ||
  fail "gradient descent did not lower the MSE ($history_mse -> $first -> $second)"

# Per-sample descent at a small fixed rate, from the exact gradient and from the gm rule's forward
# response (close to it at the start): both lower the MSE in two epochs.
for rule in exact gm; do
  python3 "$script" "$run" --online 5 --rule $rule --epochs 2 >"$tmp/online.out" 2>"$tmp/online.err" ||
    fail "--online --rule $rule failed: $(cat "$tmp/online.err")"
  after=$(awk '$1 == 2 {print $2}' "$tmp/online.out")
  python3 -c "import sys; sys.exit(not float('$after') < float('$history_mse'))" ||
    fail "--online --rule $rule did not lower the MSE ($history_mse -> $after)"
done

if python3 "$script" "$run" 7 >"$tmp/bad.out" 2>"$tmp/bad.err"; then fail "epoch 7 accepted"; fi
grep -q "gates.csv: no row for epoch 7" "$tmp/bad.err" || fail "epoch 7: $(cat "$tmp/bad.err")"
twin=$tmp/twin
"$binary" train "$repo/configs/xor.json" --set training.epochs=1 --quiet --no-plots --out "$twin" \
  >/dev/null 2>&1 || fail "the twin-network run failed"
if python3 "$script" "$twin" >"$tmp/bad.out" 2>"$tmp/bad.err"; then fail "a twin run accepted"; fi
grep -q "not a frequency-propagation run" "$tmp/bad.err" || fail "twin run: $(cat "$tmp/bad.err")"
echo "$test_name: ok"
