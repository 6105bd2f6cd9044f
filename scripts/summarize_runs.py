#!/usr/bin/python3
"""Print one line per run directory: seed, metrics, energy and latency of inference; for a 1-D
regression also the order in which the error modes were learned.

Usage: /usr/bin/python3 scripts/summarize_runs.py RUN_DIR...

A mode counts as learned at the first evaluated epoch from which its magnitude stays at most
half of its magnitude at epoch 0 until the end of the run ("half-time"); '-' if it does not end
there (a mode that only passes through zero on its way to the other sign is not learned). The order lists the modes by
half-time (ties joined by '='; a mode never learned comes last).
"""

import csv
import json
import os
import sys

MODES = [("mean", "train_error_mean"), ("slope", "train_error_slope"),
         ("curvature", "train_error_curvature")]


def half_times(history_path):
    with open(history_path, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    if not rows or MODES[0][1] not in rows[0]:
        return None
    times = {}
    for name, column in MODES:
        start = abs(float(rows[0][column]))
        learned = None
        for row in rows[1:]:
            if abs(float(row[column])) > 0.5 * start:
                learned = None
            elif learned is None:
                learned = int(row["epoch"])
        times[name] = learned
    return times


def order_text(times):
    never = float("inf")
    ranked = sorted(times.items(), key=lambda item: never if item[1] is None else item[1])
    text = ranked[0][0]
    for (_, before), (name, at) in zip(ranked, ranked[1:]):
        text += (" = " if before == at else " < ") + name
    return text


def main(run_dirs):
    status = 0
    for run_dir in run_dirs:
        try:
            with open(os.path.join(run_dir, "results.json"), encoding="utf-8") as file:
                results = json.load(file)
        except (OSError, json.JSONDecodeError) as error:
            print(f"{run_dir}: cannot read results.json: {error}", file=sys.stderr)
            status = 2
            continue
        if results.get("status") != "completed":
            print(f"seed {results.get('seed')}: {results.get('status')}: "
                  f"{results.get('error', '').splitlines()[:1]}")
            continue
        train, test = results["metrics"]["train"], results["metrics"]["test"]
        line = f"seed {results['seed']}: train mse {train['mse']:.2e}  test mse {test['mse']:.2e}"
        if "accuracy" in test:
            line += f"  train acc {train['accuracy']:.3f}  test acc {test['accuracy']:.3f}"
        line += (f"  settling {results['settling_time_s']:.3g} s"
                 f"  power {results['inference_power_w']:.3g} W"
                 f"  energy/param/inference {results['energy_per_parameter_inference_j']:.3g} J"
                 f"  wall {results['wall_seconds']:.0f} s")
        times = half_times(os.path.join(run_dir, "history.csv"))
        if times is not None:
            shown = ", ".join(f"{k} {'-' if v is None else v}" for k, v in times.items())
            line += f"\n    half-time (epochs): {shown}; order: {order_text(times)}"
        print(line)
    return status


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
