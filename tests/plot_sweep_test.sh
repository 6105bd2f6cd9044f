#!/usr/bin/env bash
# End-to-end test of scripts/plot_sweep.py on a real sweep: 2 values x 2 repeats of a 2-epoch
# XOR run, one value invalid (those points fail), so the plot and table show both kinds.
# usage: tests/plot_sweep_test.sh CLLNSIM_BINARY REPO_ROOT
# Exits 0 when every check passes, 1 on the first failure (with the reason on stderr).
set -euo pipefail

test_name=plot_sweep_test
source "$(dirname "$0")/script_test_common.sh"
plot=$repo/scripts/plot_sweep.py

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cllnsim-plot-sweep-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/spec.json" <<SPEC
{"base": "$repo/configs/xor.json", "set": {"training.epochs": 2},
 "axes": [{"path": "physical.wire_ohms", "values": [10, -1]}], "repeats": 2}
SPEC

# Two of the points fail (wire_ohms -1), so the sweep exits 1; anything else is a failure here.
status=0
"$binary" sweep "$tmp/spec.json" --out "$tmp/out" --jobs 2 --quiet >"$tmp/sweep.out" \
  2>"$tmp/sweep.err" || status=$?
[[ $status == 1 ]] || fail "cllnsim sweep exited $status, expected 1: $(cat "$tmp/sweep.err")"
grep -q "4 points, 2 failed" "$tmp/sweep.out" || fail "unexpected summary: $(cat "$tmp/sweep.out")"

/usr/bin/python3 "$plot" "$tmp/out" >"$tmp/plot.out" 2>"$tmp/plot.err" ||
  fail "plot_sweep.py failed: $(cat "$tmp/plot.err")"
signature=$(head -c 8 "$tmp/out/sweep.png" | od -An -tx1 | tr -d ' \n')
[[ $signature == 89504e470d0a1a0a ]] || fail "sweep.png is not a PNG (starts with $signature)"
grep -q "^| 10 | 2 | 0 |" "$tmp/plot.out" || fail "no table row for 10 ohm: $(cat "$tmp/plot.out")"
grep -q "^| -1 | 0 | 2 |" "$tmp/plot.out" || fail "no table row for the failed value"

# --by: one series and one table per value of a swept parameter (here the nudge).
cat >"$tmp/by.json" <<SPEC
{"base": "$repo/configs/xor.json", "set": {"training.epochs": 1},
 "axes": [{"path": "physical.wire_ohms", "values": [10, 20]},
          {"path": "training.nudge", "values": ["one_sided", "symmetric"]}]}
SPEC
"$binary" sweep "$tmp/by.json" --out "$tmp/by" --jobs 2 --quiet >/dev/null 2>"$tmp/by.err" ||
  fail "the --by sweep failed: $(cat "$tmp/by.err")"
/usr/bin/python3 "$plot" "$tmp/by" --by training.nudge --out "$tmp/by.png" >"$tmp/by.out" \
  2>"$tmp/by_plot.err" || fail "plot_sweep.py --by failed: $(cat "$tmp/by_plot.err")"
[[ -s $tmp/by.png ]] || fail "plot_sweep.py --by wrote no PNG"
for nudge in one_sided symmetric; do
  grep -q "^training.nudge=$nudge\$" "$tmp/by.out" || fail "no table for $nudge: $(cat "$tmp/by.out")"
done
[[ $(grep -c "^| 10 | 1 | 0 |" "$tmp/by.out") == 2 ]] || fail "expected a 10-ohm row per nudge"
status=0
/usr/bin/python3 "$plot" "$tmp/by" --by training.eta >/dev/null 2>"$tmp/by_bad.err" || status=$?
[[ $status -eq 2 ]] || fail "--by of a parameter not swept exited $status, expected 2"
grep -q "not a swept parameter" "$tmp/by_bad.err" || fail "unclear --by error: $(cat "$tmp/by_bad.err")"

status=0
/usr/bin/python3 "$plot" "$tmp/no_such_sweep" >/dev/null 2>"$tmp/missing.err" || status=$?
[[ $status -eq 2 ]] || fail "plot_sweep.py on a missing folder exited $status, expected 2"
[[ -s $tmp/missing.err ]] || fail "plot_sweep.py on a missing folder printed no error"

echo "plot_sweep_test: ok"
