#!/usr/bin/python3
"""The scaling plot of benchmark 3 (README "Benchmarks"): training wall time per time point and per
simulated sample against the number of twin edges, log-log, one line per simulator.solver, the
least-squares exponent of each in the legend.

    /usr/bin/python3 bench/plot_scaling.py [SCALING_CSV] [PNG]

SCALING_CSV: what bench/bench.py writes (default bench/results/latest-scaling.csv); PNG: default
docs/scaling.png. Needs matplotlib (Debian: python3-matplotlib).
"""
import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, exponent  # noqa: E402

STYLE = {"sparse": ("tab:blue", "o", "-"), "klu": ("tab:red", "s", "-"),
         "auto": ("black", "x", ":")}


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench/results/latest-scaling.csv"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs/scaling.png"
    with open(source) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"plot_scaling.py: {source} holds no rows")
    solvers = list(dict.fromkeys(r["solver"] for r in rows))
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    panels = (("seconds_per_point", 1e6, "wall time per accepted time point (µs)"),
              ("seconds_per_sample", 1e3, "wall time per simulated sample (ms)"))
    for axis, (column, scale, label) in zip(axes, panels):
        for solver in solvers:
            mine = [r for r in rows if r["solver"] == solver]
            xs = [int(r["edges"]) for r in mine]
            ys = [float(r[column]) * scale for r in mine]
            color, marker, line = STYLE.get(solver, ("gray", ".", "-"))
            axis.plot(xs, ys, color=color, marker=marker, linestyle=line,
                      label=f"{solver}: edges^{exponent(xs, ys):.2f}")
        edges = sorted({int(r["edges"]) for r in rows})
        # Issue 16's goal, edges^1.2, through the smallest size's cheapest cost.
        start = min(float(r[column]) * scale for r in rows if int(r["edges"]) == edges[0])
        axis.plot([edges[0], edges[-1]], [start, start * (edges[-1] / edges[0]) ** 1.2],
                  color="gray", linestyle="--", linewidth=1, label="goal: edges^1.2")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("twin edges (periodic lattices 4x4 ... 40x40)")
        axis.set_ylabel(label)
        axis.set_xticks(edges)
        axis.set_xticklabels([str(e) for e in edges], rotation=45)
        axis.minorticks_off()
        axis.grid(True, which="major", alpha=0.3)
        axis.legend(title="simulator.solver: fitted exponent", fontsize=9)
    figure.suptitle("cllnsim training cost against network size (bench/run.sh, benchmark 3)")
    figure.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, dpi=110)
    print(f"plot_scaling.py: wrote {target}")


if __name__ == "__main__":
    main()
