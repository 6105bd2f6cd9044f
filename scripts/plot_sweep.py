#!/usr/bin/python3
"""Plot a sweep directory written by `cllnsim sweep`.

Usage: python3 scripts/plot_sweep.py SWEEP_DIR [--out FILE] [--by PARAMETER]

Reads SWEEP_DIR/sweep.csv and writes FILE (default SWEEP_DIR/sweep.png), titled with the spec's
name, the epochs, the number of points and the base config (from SWEEP_DIR/sweep.json): one row of
panels per swept parameter, one panel per metric (final MSE, accuracy, and for classification the
fraction of repeats that reached accuracy 1), each metric against the parameter: every repeat as a
dot, the mean over repeats as a line, the spread (min to max) as a band. Test metrics are drawn
only when they differ from the training ones. Failed points are counted in the panel titles. Also
prints, per swept parameter, a Markdown table of each value's completed and failed repeats and the
mean (and min-max) of each metric. --by PARAMETER (a swept parameter, e.g. training.nudge) draws
one series per value of PARAMETER in every panel, and one table per value.
A missing or malformed sweep.csv is reported on stderr with exit status 2.
"""

import argparse
import csv
import json
import math
import os
import sys
import textwrap
from collections import defaultdict

import plot_python

plot_python.use_matplotlib("plot_sweep.py")  # or restarts under /usr/bin/python3, or exits 2

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

FIXED_COLUMNS = ["point", "repeat", "seed"]
RESULT_COLUMNS = ["status", "exit_code", "error", "wall_seconds", "train_mse", "train_accuracy",
                  "test_mse", "test_accuracy", "run_dir"]


def fail(message):
    print(f"plot_sweep.py: error: {message}", file=sys.stderr)
    sys.exit(2)


def read_sweep(path):
    try:
        with open(path, newline="") as stream:
            rows = list(csv.DictReader(stream))
            header = rows[0].keys() if rows else []
    except OSError as error:
        fail(f"{path}: {error.strerror}")
    header = list(header)
    if not rows or header[:3] != FIXED_COLUMNS or header[-len(RESULT_COLUMNS):] != RESULT_COLUMNS:
        fail(f"{path}: not a sweep.csv (expected columns {FIXED_COLUMNS} + parameters + "
             f"{RESULT_COLUMNS})")
    return header[3:-len(RESULT_COLUMNS)], rows


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def metrics_to_plot(rows):
    done = [r for r in rows if r["status"] == "completed"]
    metrics = ["train_mse"]
    has_accuracy = any(r["train_accuracy"] for r in done)
    if has_accuracy:
        metrics.append("train_accuracy")
    if any(r["test_mse"] != r["train_mse"] for r in done):
        metrics.append("test_mse")
        if has_accuracy:
            metrics.append("test_accuracy")
    if has_accuracy:
        metrics.append("success")
    return metrics


def value_of(row, metric):
    if metric == "success":
        accuracy = number(row["train_accuracy"])
        return None if accuracy is None else float(accuracy >= 1.0)
    return number(row[metric])


LABELS = {"train_mse": "final MSE (V\u00b2)", "train_accuracy": "final accuracy",
          "test_mse": "test MSE (V\u00b2)", "test_accuracy": "test accuracy",
          "success": "fraction of repeats at accuracy 1"}


def unquoted(value):
    """A JSON string value of sweep.csv ("symmetric") as the word itself."""
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def plot_series(axes, rows, parameter, metric, color, name):
    groups = defaultdict(list)
    for row in rows:
        if row["status"] != "completed":
            continue
        x, y = number(row[parameter]), value_of(row, metric)
        if x is not None and y is not None:
            groups[x].append(y)
    xs = sorted(groups)
    if not xs:
        return []
    prefix = f"{name}: " if name else ""
    if metric != "success":
        for x in xs:
            axes.plot([x] * len(groups[x]), groups[x], "o", color=color, alpha=0.4, ms=4)
        axes.fill_between(xs, [min(groups[x]) for x in xs], [max(groups[x]) for x in xs],
                          color=color, alpha=0.15, label=prefix + "min\u2013max over repeats")
    axes.plot(xs, [sum(groups[x]) / len(groups[x]) for x in xs], "-", color=color,
              marker="s" if metric == "success" else None, label=prefix + "mean over repeats")
    return [(x, len(groups[x])) for x in xs]


def plot_panel(axes, series, parameter, metric):
    """series: (name, rows) pairs, one line each ("" names the only one)."""
    drawn = []
    for k, (name, rows) in enumerate(series):
        drawn += plot_series(axes, rows, parameter, metric, COLORS[k % len(COLORS)], name)
    failed = sum(r["status"] == "failed" for _, rows in series for r in rows)
    if not drawn:
        axes.set_title("no completed points")
        return
    xs = [x for x, _ in drawn]
    positive = [x for x in xs if x > 0]
    if len(positive) == len(xs) and max(xs) / min(xs) >= 100:
        axes.set_xscale("log")
    else:
        axes.locator_params(axis="x", nbins=5)  # long tick labels (0.0075) would touch
    if metric.endswith("mse"):
        axes.set_yscale("log")
    if metric.endswith("accuracy") or metric == "success":
        axes.set_ylim(-0.05, 1.05)
    repeats = max(n for _, n in drawn)
    axes.set_title(f"{repeats} repeats per value" + (f", {failed} failed" if failed else ""),
                   fontsize=9)
    axes.set_xlabel(parameter)
    axes.set_ylabel(LABELS[metric])
    axes.grid(alpha=0.3)


def summary_table(rows, parameter, metrics):
    groups = defaultdict(list)
    for row in rows:
        groups[row[parameter]].append(row)
    header = [parameter, "completed", "failed"] + [LABELS[m] for m in metrics]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for value in sorted(groups, key=lambda v: (number(v) is None, number(v) or 0, v)):
        group = groups[value]
        done = [r for r in group if r["status"] == "completed"]
        cells = [value, str(len(done)), str(sum(r["status"] == "failed" for r in group))]
        for metric in metrics:
            values = [v for v in (value_of(r, metric) for r in done) if v is not None]
            if not values:
                cells.append("")
            elif metric == "success":
                cells.append(f"{int(sum(values))} of {len(values)}")
            else:
                cells.append(f"{sum(values) / len(values):.3g} ({min(values):.3g}–"
                             f"{max(values):.3g})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def read_json(path):
    """The JSON in `path`, or None when it is missing or unreadable (the title then says less)."""
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except (OSError, ValueError):
        return None


def epochs_of_points(record):
    """Each point's training.epochs: its --set / axis value, else the base config's; None if
    neither says (the config's default)."""
    base = read_json(record.get("base", "")) or {}
    default = (base.get("training") or {}).get("epochs") if isinstance(base, dict) else None
    epochs = []
    for overrides in record.get("points", []):
        value = default
        for setting in overrides:
            path, _, text = setting.partition("=")
            if path == "training.epochs":
                value = number(text)
        epochs.append(value)
    return epochs


def sweep_title(sweep_dir):
    """'SPEC: N epochs, P points' from SWEEP_DIR/sweep.json (the spec file's name, every point's
    settings); the folder's name stands in for a spec a sweep.json does not name."""
    record = read_json(os.path.join(sweep_dir, "sweep.json"))
    record = record if isinstance(record, dict) else {}
    spec = record.get("spec")
    name = (os.path.splitext(os.path.basename(spec))[0] if spec
            else os.path.basename(os.path.normpath(sweep_dir)))
    parts = []
    known = sorted({e for e in epochs_of_points(record) if e is not None})
    if known:
        low, high = f"{known[0]:g}", f"{known[-1]:g}"
        parts.append(f"{low} epochs" if low == high else f"{low}\u2013{high} epochs")
    points = len(record.get("points", []))
    if points:
        parts.append(f"{points} points")
    base = record.get("base")
    if base:
        parts.append(f"base {os.path.basename(base)}")
    return f"sweep {name}" + (": " + ", ".join(parts) if parts else "")


def draw(parameters, series, metrics, title):
    """One row of panels per swept parameter, one column per metric; the legend below them all
    (inside a panel it covered points once there were several series)."""
    figure, grid = plt.subplots(len(parameters), len(metrics), squeeze=False,
                                figsize=(4.2 * len(metrics), 3.4 * len(parameters)))
    for i, parameter in enumerate(parameters):
        for j, metric in enumerate(metrics):
            plot_panel(grid[i][j], series, parameter, metric)
    handles, labels = grid[0][0].get_legend_handles_labels()
    # A series' labels (band and mean) stay together in a column: matplotlib fills by column.
    columns = min(len(series), 3) if len(series) > 1 else max(1, len(labels))
    figure.legend(handles, labels, loc="lower center", ncol=columns, fontsize=7, frameon=False)
    legend_rows = -(-len(labels) // columns)
    # Wrapped to the figure's width (about 9 characters per inch): a one-panel figure is narrow.
    figure.suptitle(textwrap.fill(title, width=int(9 * 4.2 * len(metrics))))
    figure.tight_layout(rect=(0, (0.16 * legend_rows + 0.05) / figure.get_figheight(), 1, 1))
    return figure


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir")
    parser.add_argument("--out")
    parser.add_argument("--by", help="a swept parameter: one series per value of it")
    args = parser.parse_args()
    parameters, rows = read_sweep(os.path.join(args.sweep_dir, "sweep.csv"))
    if not parameters:
        fail(f"{args.sweep_dir}/sweep.csv: no swept parameter columns")
    series = [("", rows)]
    if args.by:
        if args.by not in parameters:
            fail(f"--by {args.by}: not a swept parameter of {args.sweep_dir}/sweep.csv "
                 f"(swept: {', '.join(parameters)})")
        parameters = [p for p in parameters if p != args.by]
        if not parameters:
            fail(f"--by {args.by}: the sweep has no other parameter to draw against")
        values = list(dict.fromkeys(r[args.by] for r in rows))
        series = [(f"{args.by}={unquoted(v)}", [r for r in rows if r[args.by] == v])
                  for v in values]
    metrics = metrics_to_plot(rows)
    figure = draw(parameters, series, metrics, sweep_title(args.sweep_dir))
    out = args.out or os.path.join(args.sweep_dir, "sweep.png")
    figure.savefig(out, dpi=110)
    for name, group in series:
        for parameter in parameters:
            if name:
                print(f"{name}\n")
            print(summary_table(group, parameter, metrics) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
