#!/usr/bin/env bash
# Trains a config once per seed and prints one line per seed: final accuracy, MSE, wall time.
# usage: scripts/xor_seeds.sh [CONFIG] [FIRST_SEED] [LAST_SEED] [--set PATH=VALUE]...
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/xor.json}
first=${2:-1}
last=${3:-5}
shift $(( $# < 3 ? $# : 3 ))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
learned=0
for seed in $(seq "$first" "$last"); do
  build/cllnsim train "$config" --quiet --out "$out/seed$seed" --set seed="$seed" "$@" > /dev/null ||
    true
  if /usr/bin/python3 - "$out/seed$seed/results.json" "$seed" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if r["status"] != "completed":
    print(f"seed {sys.argv[2]}: FAILED: {r['error'].splitlines()[0]}")
else:
    m = r["metrics"]["train"]
    print(f"seed {sys.argv[2]}: accuracy {m.get('accuracy', float('nan')):.2f}  "
          f"mse {m['mse']:.2e} V^2  wall {r['wall_seconds']:.1f} s  "
          f"time points {r['time_points']}")
    sys.exit(0 if m.get("accuracy") == 1.0 else 1)
sys.exit(1)
PY
  then
    learned=$((learned + 1))
  fi
done
echo "learned (4/4 correct): $learned of $((last - first + 1)) seeds"
