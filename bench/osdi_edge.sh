#!/usr/bin/env bash
# The compiled learning device against the behavioural one (README "The compiled learning
# device"): trains the shipped XOR config with each edge, the same seed, one after the other,
# and prints each run's CPU time per accepted time point (user + system, /usr/bin/time: far less
# disturbed than wall time by other work on the machine), their ratio and the largest difference
# of the final gates.
#   bench/osdi_edge.sh BUILD_DIR [SEED] [EPOCHS]     (defaults: seed 1, the config's 200 epochs)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/osdi_edge.sh BUILD_DIR [SEED] [EPOCHS]" >&2; exit 2; }
binary="$1/cllnsim"
seed="${2:-1}"
[ -x "$binary" ] || { echo "bench/osdi_edge.sh: no $binary (cmake --build $1)" >&2; exit 1; }
[ -f netlists/devices/cl_learn_rule.osdi ] \
  || { echo "bench/osdi_edge.sh: netlists/devices/cl_learn_rule.osdi is not built" >&2; exit 1; }
epochs=()
[ $# -ge 3 ] && epochs=(--set "training.epochs=$3")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for edge in nmos_rule nmos_rule_osdi; do
  /usr/bin/time -f "%U %S" -o "$out/$edge.time" "$binary" train configs/xor.json --quiet \
    --no-plots --out "$out/$edge" --set "seed=$seed" "${epochs[@]}" \
    --set "network.edge.file=$PWD/netlists/edges/$edge.sub"
done

/usr/bin/python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
per_point, final = {}, {}
for edge in ("nmos_rule", "nmos_rule_osdi"):
    user, system = map(float, open(f"{out}/{edge}.time").read().split()[-2:])
    results = json.load(open(f"{out}/{edge}/results.json"))
    points = results["time_points"]
    per_point[edge] = (user + system) / points
    final[edge] = [float(x) for x in list(csv.reader(open(f"{out}/{edge}/gates.csv")))[-1][1:]]
    print(f"{edge:15s} accuracy {results['metrics']['train']['accuracy']}, {points} time points, "
          f"{user + system:.2f} s CPU, {per_point[edge] * 1e6:.1f} us per time point")
worst = max(abs(a - b) for a, b in zip(final["nmos_rule"], final["nmos_rule_osdi"]))
print(f"CPU per time point, compiled / behavioural: "
      f"{per_point['nmos_rule_osdi'] / per_point['nmos_rule']:.3f}")
print(f"final gates: largest difference {worst * 1e3:.3g} mV")
PY
