#!/usr/bin/python3
"""Plot the learning-rule map written by `cllnsim characterize`.

Usage: python3 scripts/plot_characterize.py DIR [--out FILE]

Reads DIR/rule_map.csv and DIR/report.json; writes FILE (default DIR/rule_map.png):
  measured dVg/dt over (free drop, clamped drop) at the middle common-mode and gate voltage,
  the ideal rule with the fitted gain beside it, their difference, and every grid point's
  rate against the contrast dV_F^2 - dV_C^2 (all common modes and gates), coloured by its
  departure from the ideal rule (scale centred at 0, its range the 98th percentile of |departure|).
A missing or malformed input file is reported on stderr, naming the file, with exit status 2.
"""

import argparse
import csv
import json
import os
import sys

import plot_python

plot_python.use_matplotlib("plot_characterize.py")  # or restarts under /usr/bin/python3, or exits 2

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib import colors  # noqa: E402

COLUMNS = ["free_drop", "clamped_drop", "common_mode", "gate", "contrast_v2",
           "rate_volts_per_second", "ideal_rate_volts_per_second",
           "difference_volts_per_second", "droop_volts_per_second"]


def fail(message):
    print("plot_characterize.py: error: " + message, file=sys.stderr)
    sys.exit(2)


def read_rows(path):
    try:
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                fail(f"{path}: missing columns {', '.join(missing)}")
            return [{c: float(row[c]) for c in COLUMNS} for row in reader]
    except (OSError, ValueError) as error:
        fail(f"{path}: {error}")


def read_report(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        fail(f"{path}: {error}")


def middle(values):
    ordered = sorted(set(values))
    return ordered[len(ordered) // 2]


def grid(rows, column):
    drops = sorted(set(r["free_drop"] for r in rows))
    index = {d: i for i, d in enumerate(drops)}
    cells = [[float("nan")] * len(drops) for _ in drops]
    for r in rows:
        cells[index[r["clamped_drop"]]][index[r["free_drop"]]] = r[column]
    return drops, cells


def heatmap(axis, drops, cells, title, limit):
    step = (drops[1] - drops[0]) / 2 if len(drops) > 1 else 0.5
    image = axis.imshow(cells, origin="lower", cmap="RdBu_r", vmin=-limit, vmax=limit,
                        extent=[drops[0] - step, drops[-1] + step, drops[0] - step,
                                drops[-1] + step], aspect="equal")
    axis.plot([drops[0], drops[-1]], [drops[0], drops[-1]], "k:", lw=0.8)
    axis.plot([drops[0], drops[-1]], [drops[-1], drops[0]], "k:", lw=0.8)
    axis.set_xlabel("free drop dV_F (V)")
    axis.set_ylabel("clamped drop dV_C (V)")
    axis.set_title(title, fontsize=10)
    plt.colorbar(image, ax=axis, label="dVg/dt (V/s)", shrink=0.8)


def robust_limit(values, quantile=0.98):
    """|value| below which `quantile` of the values lie (a colour scale not set by one outlier)."""
    magnitudes = sorted(abs(v) for v in values)
    if not magnitudes:
        return 1.0
    return magnitudes[int(quantile * (len(magnitudes) - 1))] or magnitudes[-1] or 1.0


def draw_every_point(figure, scatter, rows, gain):
    """Every grid point's rate against its contrast, coloured by measured - ideal on a scale
    centred at 0 (red above the ideal rule, blue below; larger departures drawn on top)."""
    ordered = sorted(rows, key=lambda r: abs(r["difference_volts_per_second"]))
    differences = [r["difference_volts_per_second"] for r in ordered]
    limit = robust_limit(differences)
    points = scatter.scatter([r["contrast_v2"] for r in ordered],
                             [r["rate_volts_per_second"] for r in ordered], c=differences,
                             s=14, cmap="RdBu_r", edgecolors="#404040", linewidths=0.3,
                             norm=colors.Normalize(vmin=-limit, vmax=limit))
    span = [min(r["contrast_v2"] for r in rows), max(r["contrast_v2"] for r in rows)]
    scatter.plot(span, [gain * c for c in span], "k--", lw=1, label="ideal rule (fitted gain)")
    scatter.axhline(0, color="grey", lw=0.5)
    scatter.axvline(0, color="grey", lw=0.5)
    scatter.set_xlabel("contrast dV_F$^2$ \u2212 dV_C$^2$ (V$^2$)")
    scatter.set_ylabel("dVg/dt (V/s)")
    scatter.set_title(f"all {len(rows)} grid points (every common mode and gate)", fontsize=10)
    scatter.legend(loc="upper left", fontsize=8)
    figure.colorbar(points, ax=scatter, shrink=0.8, extend="both",
                    label="measured \u2212 ideal dVg/dt (V/s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--out")
    args = parser.parse_args()
    rows = read_rows(os.path.join(args.dir, "rule_map.csv"))
    report = read_report(os.path.join(args.dir, "report.json"))
    if not rows:
        fail(os.path.join(args.dir, "rule_map.csv") + ": no grid points")
    common = middle(r["common_mode"] for r in rows)
    gate = middle(r["gate"] for r in rows)
    chosen = [r for r in rows if r["common_mode"] == common and r["gate"] == gate]
    rule = report.get("rule", {})
    gain = rule.get("fit", {}).get("gain_volts_per_second_per_v2", 0.0)

    drops, measured = grid(chosen, "rate_volts_per_second")
    _, ideal = grid(chosen, "ideal_rate_volts_per_second")
    _, difference = grid(chosen, "difference_volts_per_second")
    limit = max(abs(v) for r in chosen for v in (r["rate_volts_per_second"],
                                                r["ideal_rate_volts_per_second"])) or 1.0

    figure, axes = plt.subplots(2, 2, figsize=(11, 9.5))
    where = f"common mode {common:g} V, gate {gate:g} V"
    heatmap(axes[0][0], drops, measured, f"measured ({where})", limit)
    heatmap(axes[0][1], drops, ideal, f"ideal rule, fitted gain {gain:.3g} V/s/V$^2$", limit)
    worst = max(abs(r["difference_volts_per_second"]) for r in chosen) or limit
    heatmap(axes[1][0], drops, difference,
            f"measured \u2212 ideal (its own scale: {100 * worst / limit:.2g}% of the map's)", worst)
    draw_every_point(figure, axes[1][1], rows, gain)
    figure.suptitle(
        f"{report.get('name', '')}: sign agreement {rule.get('sign_agreement', float('nan')):.3f}"
        f" (|C| \u2265 {rule.get('sign_threshold_v2', 0):g} V$^2$), dead zone "
        f"{rule.get('dead_zone_v2', float('nan')):.3g} V$^2$, max droop "
        f"{report.get('droop', {}).get('max_abs_volts_per_second', float('nan')):.3g} V/s")
    figure.tight_layout()
    out = args.out or os.path.join(args.dir, "rule_map.png")
    figure.savefig(out, dpi=110)


if __name__ == "__main__":
    main()
