#!/usr/bin/python3
"""Plot a learning-out-of-equilibrium sweep: learning success against the measured ratio.

Usage: python3 scripts/plot_nonequilibrium.py SWEEP_DIR [--out FILE]
           [--mse-bar V2 | --mse-factor F] [--scales SCALES_DIR]

SWEEP_DIR is the output of `cllnsim sweep` over physical.node_capacitance_f (e.g.
configs/sweeps/nonequilibrium_xor.json). Every completed point's results.json gives the ratio
learning rate / relaxation rate measured on its circuit (`time_scales.ratio`) and its final
training metrics. A seed has learned when its final training accuracy is 1 (a classification,
e.g. XOR), else when its final training MSE is at most --mse-bar (default 1e-4 V^2, the bar the
README uses for the regression), or, with --mse-factor F, at most F times the median final MSE of
the points without node capacitance (learning with the input step, but no slow relaxation). Per node capacitance: the median ratio over the seeds, and how
many seeds learned.

The critical ratio is where learning stops: between the largest ratio at which at least half the
seeds learn and the next larger one, where fewer do; marked at their geometric mean, with that
bracket printed. A node capacitance of 0 (ratio about 0) is drawn at the left edge.
Writes FILE (default SWEEP_DIR/nonequilibrium.png) and prints a Markdown table. --scales takes
each point's time_scales from the same point of another sweep of the same spec (e.g. one run with
--set training.epochs=1: the time scales are measured at the initial gates, so they do not depend
on the epochs), checking that node capacitance and seed agree.
"""

import argparse
import json
import math
import os
import statistics
import sys

import plot_python

plot_python.use_matplotlib("plot_nonequilibrium.py")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

LEARNED_FRACTION = 0.5


def fail(message):
    print(f"plot_nonequilibrium.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_points(sweep_dir, scales_dir=None):
    points_dir = os.path.join(sweep_dir, "points")
    if not os.path.isdir(points_dir):
        fail(f"{points_dir}: no such folder (not a sweep directory?)")
    other = {r["name"]: r for r in read_points(scales_dir)} if scales_dir else {}
    rows = []
    for name in sorted(os.listdir(points_dir)):
        path = os.path.join(points_dir, name, "results.json")
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path) as stream:
            results = json.load(stream)
        if results.get("status") != "completed":
            continue
        if "time_scales" not in results:
            fail(f"{path}: no time_scales (a run with learn_onset settled and no node capacitance?)")
        row = {
            "capacitance": results["config"].get("physical", {}).get("node_capacitance_f", 0.0),
            "seed": results["seed"],
            "scales": results["time_scales"],
            "train": results["metrics"]["train"],
        }
        if scales_dir:
            match = other.get(name)
            if not match or (match["capacitance"], match["seed"]) != (row["capacitance"],
                                                                      row["seed"]):
                fail(f"{scales_dir}: point {name} is missing or has another capacitance or seed")
            row["scales"] = match["scales"]
        row["name"] = name
        rows.append(row)
    if not rows:
        fail(f"{sweep_dir}: no completed points")
    return rows


def learned(train, mse_bar):
    if "accuracy" in train:
        return train["accuracy"] == 1.0
    return train["mse"] <= mse_bar


def summarize(rows, mse_bar):
    groups = {}
    for row in rows:
        groups.setdefault(row["capacitance"], []).append(row)
    summary = []
    for capacitance in sorted(groups):
        group = groups[capacitance]
        summary.append({
            "capacitance": capacitance,
            "ratio": statistics.median(r["scales"]["ratio"] for r in group),
            "ratio_fastest": statistics.median(r["scales"]["ratio_fastest_edge"] for r in group),
            "tau": statistics.median(r["scales"]["relaxation_seconds"] for r in group),
            "rate": statistics.median(r["scales"]["learning_rate_median_per_second"] for r in group),
            "learned": sum(learned(r["train"], mse_bar) for r in group),
            "seeds": len(group),
            "mse": [r["train"]["mse"] for r in group],
            "ratios": [r["scales"]["ratio"] for r in group],
        })
    return summary


def critical(summary):
    """(last ratio that learns, first that does not), scanning up in ratio; None if no change."""
    ordered = sorted(summary, key=lambda s: s["ratio"])
    for below, above in zip(ordered, ordered[1:]):
        if (below["learned"] >= LEARNED_FRACTION * below["seeds"] and
                above["learned"] < LEARNED_FRACTION * above["seeds"]):
            return below["ratio"], above["ratio"]
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir")
    parser.add_argument("--out")
    parser.add_argument("--mse-bar", type=float, default=1e-4)
    parser.add_argument("--mse-factor", type=float)
    parser.add_argument("--scales")
    args = parser.parse_args()
    rows = read_points(args.sweep_dir, args.scales)
    bar = args.mse_bar
    if args.mse_factor:
        baseline = [r["train"]["mse"] for r in rows if r["capacitance"] == 0]
        if not baseline:
            fail("--mse-factor needs points with physical.node_capacitance_f = 0")
        bar = args.mse_factor * statistics.median(baseline)
        print(f"learned: final train MSE <= {bar:.3g} V^2 ({args.mse_factor:g} x the median at C = 0)")
    summary = summarize(rows, bar)
    bracket = critical(summary)

    print("| node C (F) | relaxation time (s) | learning rate, median edge (1/s) | ratio (median "
          "edge) | ratio (fastest edge) | learned | final train MSE per seed (V^2) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for s in summary:
        print(f"| {s['capacitance']:g} | {s['tau']:.3g} | {s['rate']:.3g} | {s['ratio']:.3g} | "
              f"{s['ratio_fastest']:.3g} | {s['learned']}/{s['seeds']} | "
              + ", ".join(f"{m:.2g}" for m in s["mse"]) + " |")
    if bracket:
        print(f"critical ratio between {bracket[0]:.3g} and {bracket[1]:.3g} "
              f"(marked at {math.sqrt(max(bracket[0], 1e-300) * bracket[1]):.3g})")
    else:
        print("no critical ratio inside the swept range")

    positive = [s["ratio"] for s in summary if s["ratio"] > 0]
    floor = min(positive) / 10 if positive else 1e-6
    x = [max(s["ratio"], floor) for s in summary]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True)
    top.plot(x, [s["learned"] / s["seeds"] for s in summary], "o-", color="tab:blue")
    for xi, s in zip(x, summary):
        top.annotate(f"{s['learned']}/{s['seeds']}\nC={s['capacitance']:g} F", (xi, s["learned"] /
                     s["seeds"]), textcoords="offset points", xytext=(0, -28), ha="center",
                     fontsize=7)
    top.set_ylabel("fraction of seeds that learned")
    top.set_ylim(-0.35, 1.1)
    for xi, s in zip(x, summary):
        bottom.scatter([max(r, floor) for r in s["ratios"]], s["mse"], color="tab:gray", s=14)
    bottom.set_yscale("log")
    bottom.set_ylabel("final training MSE (V$^2$)")
    bottom.set_xscale("log")
    bottom.set_xlabel("learning rate / relaxation rate (median edge, measured; "
                      "C = 0 drawn at the left edge)")
    if bracket:
        mark = math.sqrt(max(bracket[0], floor) * bracket[1])
        for axis in (top, bottom):
            axis.axvline(mark, color="tab:red", linestyle="--")
        top.text(mark, 1.03, f" critical ≈ {mark:.2g}", color="tab:red", fontsize=8)
    name = os.path.basename(os.path.normpath(args.sweep_dir))
    fig.suptitle(f"learning out of equilibrium: {name}")
    fig.tight_layout()
    out = args.out or os.path.join(args.sweep_dir, "nonequilibrium.png")
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
