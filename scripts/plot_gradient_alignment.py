#!/usr/bin/python3
"""Plot the gradient alignment of a sweep over the nudge (README "Equilibrium propagation").

Usage: python3 scripts/plot_gradient_alignment.py SWEEP_DIR [--out FILE]

Reads every completed point's results.json under SWEEP_DIR/points (runs with
analysis.gradient_check set) and writes FILE (default SWEEP_DIR/alignment.png): one panel per
checked epoch, the cosine between the in-circuit gate step and the finite-difference descent
direction against the nudge (training.eta, log scale), one line per training.nudge (the mean over
repeats, every repeat a dot). Also prints a Markdown table: per nudge, beta and epoch, the mean,
min and max cosine and the mean training MSE at the check. Exit status 2 when nothing is found.
Runs with training.protocol "frequency_propagation" (README "Frequency propagation") are placed
by their error current's transconductance, training.freqprop.feedback_siemens, instead of eta.
"""

import argparse
import json
import os
import sys
from collections import defaultdict

import plot_python

plot_python.use_matplotlib("plot_gradient_alignment.py")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)


def is_freqprop(training):
    return training.get("protocol") == "frequency_propagation"


def nudge_strength(training):
    """The nudge a run is placed by: EP's beta, or frequency propagation's feedback (S)."""
    if is_freqprop(training):
        return training["freqprop"]["feedback_siemens"]
    return training["eta"]


def read_checks(sweep_dir):
    """{(nudge, beta, epoch): [(cosine, cost), ...]} over the completed points."""
    checks = defaultdict(list)
    points = os.path.join(sweep_dir, "points")
    for name in sorted(os.listdir(points)) if os.path.isdir(points) else []:
        path = os.path.join(points, name, "results.json")
        if name.startswith(".") or not os.path.exists(path):
            continue
        with open(path) as stream:
            results = json.load(stream)
        if results.get("status") != "completed":
            continue
        training = results["config"]["training"]
        for check in results.get("gradient_checks", []):
            key = (training["nudge"], nudge_strength(training), check["epoch"])
            checks[key].append((check["cosine"], check["cost_mse"]))
    return checks


def nudge_label(sweep_dir):
    """(table column, axis label): frequency propagation's if any run in the sweep used it."""
    points = os.path.join(sweep_dir, "points")
    for name in sorted(os.listdir(points)) if os.path.isdir(points) else []:
        path = os.path.join(points, name, "results.json")
        if os.path.exists(path):
            with open(path) as stream:
                if is_freqprop(json.load(stream)["config"]["training"]):
                    return ("feedback (S)",
                            "training.freqprop.feedback_siemens (S)")
    return ("beta", "nudge beta (training.eta)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir")
    parser.add_argument("--out")
    args = parser.parse_args()
    checks = read_checks(args.sweep_dir)
    label = nudge_label(args.sweep_dir)
    if not checks:
        print(f"plot_gradient_alignment.py: error: {args.sweep_dir}: no completed run with "
              "gradient_checks in its results.json", file=sys.stderr)
        sys.exit(2)
    epochs = sorted({epoch for _, _, epoch in checks})
    nudges = sorted({nudge for nudge, _, _ in checks})
    print(f"| nudge | {label[0]} | epoch | cosine: mean (min-max) | MSE at the check (V^2) | runs |")
    print("| --- | --- | --- | --- | --- | --- |")
    for nudge in nudges:
        for key in sorted(k for k in checks if k[0] == nudge):
            cosines = [c for c, _ in checks[key]]
            cost = sum(m for _, m in checks[key]) / len(checks[key])
            print(f"| {nudge} | {key[1]:g} | {key[2]} | {sum(cosines) / len(cosines):.3f} "
                  f"({min(cosines):.3f}-{max(cosines):.3f}) | {cost:.2e} | {len(cosines)} |")
    figure, axes = plt.subplots(1, len(epochs), figsize=(5 * len(epochs), 4), squeeze=False)
    for panel, epoch in zip(axes[0], epochs):
        for nudge in nudges:
            keys = sorted(k for k in checks if k[0] == nudge and k[2] == epoch)
            betas = [k[1] for k in keys]
            means = [sum(c for c, _ in checks[k]) / len(checks[k]) for k in keys]
            line, = panel.plot(betas, means, marker="o", label=nudge)
            for k in keys:
                panel.scatter([k[1]] * len(checks[k]), [c for c, _ in checks[k]], s=12,
                              color=line.get_color(), alpha=0.5)
        panel.set_xscale("log")
        panel.set_xlabel(label[1])
        panel.set_ylabel("cos(step, -grad MSE)")
        panel.set_title(f"after epoch {epoch}")
        panel.grid(True, alpha=0.3)
        panel.legend()
    figure.suptitle(f"gradient alignment: {os.path.basename(os.path.normpath(args.sweep_dir))}")
    figure.tight_layout()
    out = args.out or os.path.join(args.sweep_dir, "alignment.png")
    figure.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
