#!/usr/bin/python3
"""The smallest MSE any non-decreasing function of the input reaches on a 1-D data set.

Usage: /usr/bin/python3 scripts/monotone_bound.py CSV X_COLUMN Y_COLUMN [--scale S]

Why: in a network of edges whose current rises with the voltage of one end and falls with the
other (MOSFETs at fixed gates, resistors) plus resistors to ground, every node voltage is a
non-decreasing function of every source voltage (the comparison principle of monotone
networks). A single-ended output driven by one input can therefore only learn a non-decreasing
curve, and no protocol can bring its MSE below this bound (isotonic regression by pooling
adjacent violators). Y values are multiplied by S (default 1) first, e.g. to convert them to
the volts the task maps them to.
"""
import argparse
import csv
import sys


def isotonic(values):
    blocks = []  # [mean, count]
    for v in values:
        blocks.append([v, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, count = blocks.pop()
            previous_mean, previous_count = blocks.pop()
            total = count + previous_count
            blocks.append([(mean * count + previous_mean * previous_count) / total, total])
    fit = []
    for mean, count in blocks:
        fit += [mean] * count
    return fit


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("x_column")
    parser.add_argument("y_column")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    try:
        with open(args.csv) as stream:
            rows = list(csv.DictReader(stream))
        points = sorted((float(r[args.x_column]), args.scale * float(r[args.y_column]))
                        for r in rows)
    except (OSError, KeyError, ValueError) as error:
        print(f"monotone_bound.py: {args.csv}: {error}", file=sys.stderr)
        sys.exit(2)
    ys = [y for _, y in points]
    fit = isotonic(ys)
    mean = sum(ys) / len(ys)
    bound = sum((y - f) ** 2 for y, f in zip(ys, fit)) / len(ys)
    variance = sum((y - mean) ** 2 for y in ys) / len(ys)
    print(f"{args.csv}: best non-decreasing fit MSE {bound:.3g} (predicting the mean: "
          f"{variance:.3g}), {len(ys)} points")


if __name__ == "__main__":
    main()
