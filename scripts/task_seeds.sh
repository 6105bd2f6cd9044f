#!/usr/bin/env bash
# Trains a config once per seed, keeps every run directory, and summarizes them
# (scripts/summarize_runs.py: metrics, energy and latency, error-mode order for regression).
# usage: scripts/task_seeds.sh CONFIG FIRST_SEED LAST_SEED OUT_DIR [--set PATH=VALUE]...
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 4 ]]; then
  echo "usage: $0 CONFIG FIRST_SEED LAST_SEED OUT_DIR [--set PATH=VALUE]..." >&2
  exit 2
fi
config=$1
first=$2
last=$3
out=$4
shift 4
runs=()
for seed in $(seq "$first" "$last"); do
  build/cllnsim train "$config" --quiet --out "$out/seed$seed" --set seed="$seed" "$@" >/dev/null ||
    true
  runs+=("$out/seed$seed")
done
/usr/bin/python3 scripts/summarize_runs.py "${runs[@]}"
