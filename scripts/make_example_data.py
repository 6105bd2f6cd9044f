#!/usr/bin/python3
"""Writes the made-up data sets of data/examples/ (deterministic: run it again, same files).

They test that a user's own data learns with the shipped settings, on shapes the shipped
configs were not tuned to:
  sigmoid.csv   a steep S-shaped (monotone) response, 12 points
  exp_rise.csv  a convex, exponentially rising response, 10 points
  bump.csv      a non-monotone bump (a passive network with one input cannot represent it with a
                single-ended output; see README), 12 points
  disk2d.csv    2-D classification with a closed boundary: class "in" inside a disk, "out"
                around it, 120 points on a jittered grid
Usage: /usr/bin/python3 scripts/make_example_data.py [OUT_DIR]   (default data/examples)
"""
import math
import os
import random
import sys


def write(path, header, rows):
    with open(path, "w") as out:
        out.write(",".join(header) + "\n")
        for row in rows:
            out.write(",".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row) + "\n")


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "examples")
    os.makedirs(folder, exist_ok=True)
    xs = [0.45 * k / 11 for k in range(12)]
    write(os.path.join(folder, "sigmoid.csv"), ["x", "y"],
          [(x, 0.12 + 0.16 / (1 + math.exp(-(x - 0.25) / 0.04))) for x in xs])
    xs10 = [0.45 * k / 9 for k in range(10)]
    write(os.path.join(folder, "exp_rise.csv"), ["x", "y"],
          [(x, 0.1 + 0.012 * (math.exp(x / 0.15) - 1)) for x in xs10])
    write(os.path.join(folder, "bump.csv"), ["x", "y"],
          [(x, 0.15 + 0.08 * math.exp(-((x - 0.22) / 0.09) ** 2)) for x in xs])
    draw = random.Random(7)
    rows = []
    for i in range(12):
        for j in range(10):
            a = (i + 0.5) / 12 + draw.uniform(-0.03, 0.03)
            b = (j + 0.5) / 10 + draw.uniform(-0.03, 0.03)
            inside = (a - 0.5) ** 2 + (b - 0.5) ** 2 < 0.3 ** 2
            rows.append((a, b, "in" if inside else "out"))
    write(os.path.join(folder, "disk2d.csv"), ["a", "b", "class"], rows)


if __name__ == "__main__":
    main()
