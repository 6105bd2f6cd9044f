#!/usr/bin/python3
"""Writes the linearly separable 2-D data sets of data/gen1/ (deterministic: run it again, same
files), for the Gen.1 digital-potentiometer network, a linear resistor network (README "The Gen.1
network"): its differential output is an affine function of its inputs, so it can only separate
two classes by a straight line.
  linear2d.csv          the data set configs/classify2d_gen1.json trains on: class "high" where
                        0.6 u + v > 0.8, "low" elsewhere
  linear2d_holdout.csv  the same kind of data on another line, not used to choose any setting:
                        class "high" where u - 0.4 v > 0.3
u, v: the two inputs scaled to [0, 1] (the configs map them to 0-0.45 V); 280 points each, drawn
uniformly over the square (80 train and 200 test with the configs' split).
Usage: /usr/bin/python3 scripts/make_gen1_data.py [OUT_DIR]   (default data/gen1)
"""
import os
import random
import sys


def write(path, rows):
    with open(path, "w") as out:
        out.write("u,v,class\n")
        for u, v, label in rows:
            out.write(f"{u:.6g},{v:.6g},{label}\n")


def draw(seed, high, count=280):
    generator = random.Random(seed)
    rows = []
    for _ in range(count):
        u, v = generator.random(), generator.random()
        rows.append((u, v, "high" if high(u, v) else "low"))
    return rows


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "gen1")
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, "linear2d.csv"), draw(11, lambda u, v: 0.6 * u + v > 0.8))
    write(os.path.join(folder, "linear2d_holdout.csv"), draw(12, lambda u, v: u - 0.4 * v > 0.3))


if __name__ == "__main__":
    main()
