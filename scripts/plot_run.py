#!/usr/bin/python3
"""Plot a run directory written by `cllnsim train`.

Usage: python3 scripts/plot_run.py RUN_DIR [--out DIR]

Reads results.json, history.csv and gates.csv from RUN_DIR and writes, into DIR (default RUN_DIR):
  learning_curve.png  train/test MSE per epoch (log scale) and accuracy when the task has one
  gates.png           every edge's gate voltage per epoch
  network.png         the lattice twice: edge conductance (colour and width), and each gate's
                      change since epoch 0; nodes labelled by name (out +, out − for a
                      differential output)
  error_modes.png     (1-D regression) |mean|, |slope| and |curvature| of the training error
  boundary.png        (runs with boundary.csv) the trained network's output over its two inputs,
                      the decision boundary O = 0 and the training points (samples.csv) on top
A missing or malformed input file is reported on stderr, naming the file, with exit status 2.
"""

import argparse
import csv
import json
import math
import os
import sys

import plot_python

plot_python.use_matplotlib("plot_run.py")  # or restarts under /usr/bin/python3, or exits 2

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib import colors, cm, patheffects  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

import graph_layout  # noqa: E402  (numpy: only once plot_python found matplotlib's Python)

DPI = 120
HISTORY_COLUMNS = ["epoch", "train_mse", "train_accuracy", "test_mse", "test_accuracy"]
ERROR_MODE_COLUMNS = ["train_error_mean", "train_error_slope", "train_error_curvature"]

# How each node role is drawn: (label in the legend, marker, face colour).
ROLE_STYLES = {
    "input": ("input", "s", "#1f77b4"),
    "rail": ("rail", "D", "#d62728"),
    "ground": ("ground", "v", "#404040"),
    "output_plus": ("output +", "^", "#2ca02c"),
    "output_minus": ("output \u2212", "^", "#9467bd"),
    "hidden": ("hidden", "o", "white"),
}

MAX_EDGE_WIDTH = 7.0  # points, for the most conductive edge
MIN_EDGE_WIDTH = 0.8  # points, so that near-zero conductances stay visible
CHANGE_EDGE_WIDTH = 3.5  # points, every edge of the gate-change panel
EDGE_OUTLINE = "#505050"  # around the gate-change panel's edges, so that a white (zero) one shows
WRAP_STUB_LENGTH = 0.45  # lattice spacings a wrap-around stub reaches beyond the border
WRAP_LINE_STYLE = (0, (2, 1))  # dashes, in units of the line width
WRAP_TIP_MARKERS = {(1, 0): ">", (-1, 0): "<", (0, 1): "^", (0, -1): "v"}
LATTICE_BACKGROUND = "white"
# Conductance: light (still visible on white) for the smallest, dark blue for the largest; grey
# below a logarithmic scale (0 S: a transistor fully off).
CONDUCTANCE_COLORMAP = colors.LinearSegmentedColormap.from_list(
    "conductance", plt.get_cmap("YlGnBu")([0.3 + 0.7 * k / 255 for k in range(256)]))
CONDUCTANCE_COLORMAP.set_under("#b0b0b0")
CONDUCTANCE_COLORMAP.set_bad("#b0b0b0")
LOG_CONDUCTANCE_RATIO = 20  # max/min conductance from which the colour scale is logarithmic
LOG_CONDUCTANCE_DECADES = 6  # the logarithmic scale's span; smaller conductances are grey


class RunDataError(Exception):
    """A run file is missing or malformed; the message names the file."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")


# ---------------------------------------------------------------------------------------------
# Reading the run directory


def read_text(path):
    try:
        with open(path, encoding="utf-8", newline="") as file:
            return file.read()
    except FileNotFoundError:
        raise RunDataError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RunDataError(path, f"cannot read: {error}") from None


def require(condition, path, problem):
    if not condition:
        raise RunDataError(path, problem)


def require_field(mapping, key, expected_types, path, where):
    """Returns mapping[key], checking that it exists and has one of `expected_types`."""
    require(isinstance(mapping, dict), path, f"{where} is not a JSON object")
    require(key in mapping, path, f"{where} has no \"{key}\"")
    value = mapping[key]
    is_bool = isinstance(value, bool)
    type_ok = isinstance(value, expected_types) and (bool in expected_types or not is_bool)
    names = " or ".join(t.__name__ for t in expected_types)
    require(type_ok, path, f"{where}.{key} should be {names}, found {value!r}")
    return value


def read_grid_position(value, path, where):
    ok = (isinstance(value, list) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value))
    require(ok, path, f"{where} should be [row, col], found {value!r}")
    return tuple(value)


def read_node(node, path, where, lattice):
    """A lattice node has its site (row, col); a graph node its name and maybe coordinates."""
    role = require_field(node, "role", (str,), path, where)
    require(role in ROLE_STYLES, path,
            f"{where}.role \"{role}\" is not one of {', '.join(ROLE_STYLES)}")
    read = {"name": require_field(node, "name", (str,), path, where), "role": role}
    if lattice:
        read["row"] = require_field(node, "row", (int,), path, where)
        read["col"] = require_field(node, "col", (int,), path, where)
    else:
        read["node"] = require_field(node, "node", (str,), path, where)
        if "x" in node or "y" in node:
            read["x"] = require_field(node, "x", (int, float), path, where)
            read["y"] = require_field(node, "y", (int, float), path, where)
    return read


def read_edge_end(edge, key, path, where, lattice, node_count):
    if lattice:
        return read_grid_position(require_field(edge, key, (list,), path, where), path,
                                  f"{where}.{key}")
    index = require_field(edge, key, (int,), path, where)
    require(0 <= index < node_count, path, f"{where}.{key} {index} is not a node index")
    return index


def read_edge(edge, path, where, lattice, node_count):
    return {
        "a": read_edge_end(edge, "a", path, where, lattice, node_count),
        "b": read_edge_end(edge, "b", path, where, lattice, node_count),
        "wraps": require_field(edge, "wraps", (bool,), path, where),
        "conductance": float(
            require_field(edge, "conductance_siemens", (int, float), path, where)),
    }


def read_results(path):
    try:
        results = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise RunDataError(path, f"not valid JSON: {error}") from None
    network = require_field(results, "network", (dict,), path, "the top level")
    nodes = require_field(network, "nodes", (list,), path, "network")
    edges = require_field(network, "edges", (list,), path, "network")
    kind = network.get("kind", "lattice")  # results.json before network.graph had no kind
    lattice = kind == "lattice"
    read = {
        "name": require_field(results, "name", (str,), path, "the top level"),
        "status": results.get("status", "completed"),
        "kind": kind,
        "description": network.get("description", kind),
        "rows": require_field(network, "rows", (int,), path, "network"),
        "cols": require_field(network, "cols", (int,), path, "network"),
        "nodes": [read_node(n, path, f"network.nodes[{i}]", lattice) for i, n in enumerate(nodes)],
        "edges": [read_edge(e, path, f"network.edges[{i}]", lattice, len(nodes))
                  for i, e in enumerate(edges)],
    }
    return read


def place_nodes(results):
    """Gives every node its drawing point and every edge its two end points: lattice sites on the
    grid, graph nodes at the edge list's coordinates or by the seeded spring layout (scaled so
    that neighbours sit about one unit apart, as on the lattice)."""
    nodes, edges = results["nodes"], results["edges"]
    if results.get("kind", "lattice") == "lattice":
        for node in nodes:
            node["point"] = lattice_point(node["row"], node["col"])
        for edge in edges:
            edge["ends"] = (lattice_point(*edge["a"]), lattice_point(*edge["b"]))
        return
    points = graph_layout.graph_points(nodes, edges)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = 1.4 * math.sqrt(len(nodes)) / span
    for node, (x, y) in zip(nodes, points):
        node["point"] = ((x - min(xs)) * scale, (y - min(ys)) * scale)
    for edge in edges:
        edge["ends"] = (nodes[edge["a"]]["point"], nodes[edge["b"]]["point"])


def read_csv_rows(path):
    """Returns (header, rows), checking that every row is as wide as the header."""
    rows = list(csv.reader(read_text(path).splitlines()))
    require(rows, path, "the file is empty")
    header, body = rows[0], rows[1:]
    require(body, path, "no data rows after the header")
    for line_number, row in enumerate(body, start=2):
        require(len(row) == len(header), path,
                f"line {line_number} has {len(row)} cells but the header has {len(header)}")
    return header, body


def parse_number(text, path, line_number, column, allow_empty=False):
    if allow_empty and text == "":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise RunDataError(
            path, f"line {line_number}, column {column}: \"{text}\" is not a number") from None


def read_history(path):
    """Returns {column: [value per epoch]}; empty accuracy cells become NaN."""
    header, body = read_csv_rows(path)
    missing = [c for c in HISTORY_COLUMNS if c not in header]
    require(not missing, path, f"the header lacks column(s) {', '.join(missing)}")
    history = {}
    for column in HISTORY_COLUMNS:
        index = header.index(column)
        history[column] = [
            parse_number(row[index], path, line_number, column, column.endswith("accuracy"))
            for line_number, row in enumerate(body, start=2)
        ]
    return history


def read_error_modes(path):
    """Returns {column: [value per epoch]} with the epoch, or None when history.csv has no modes."""
    header, body = read_csv_rows(path)
    if not all(c in header for c in ERROR_MODE_COLUMNS):
        return None
    modes = {}
    for column in ["epoch"] + ERROR_MODE_COLUMNS:
        index = header.index(column)
        modes[column] = [parse_number(row[index], path, line_number, column)
                         for line_number, row in enumerate(body, start=2)]
    return modes


def read_numeric_table(path):
    """Returns (header, columns) of a CSV whose cells are all numbers."""
    header, body = read_csv_rows(path)
    columns = [[parse_number(row[i], path, line_number, header[i])
                for line_number, row in enumerate(body, start=2)] for i in range(len(header))]
    return header, columns


def read_samples(path):
    """Returns [(set, inputs, labels)] from samples.csv (first column 'set')."""
    header, body = read_csv_rows(path)
    require(header[0] == "set", path, "the first column should be 'set'")
    label_count = sum(1 for h in header if h.startswith("label_"))
    samples = []
    for line_number, row in enumerate(body, start=2):
        values = [parse_number(c, path, line_number, header[i + 1]) for i, c in enumerate(row[1:])]
        samples.append((row[0], values[:len(values) - label_count], values[len(values) - label_count:]))
    return samples


def read_gates(path, edge_count):
    """Returns (epochs, gates) with gates[k][e] the gate voltage of edge e after epochs[k]."""
    header, body = read_csv_rows(path)
    expected = ["epoch"] + [f"g{e}" for e in range(edge_count)]
    require(header == expected, path,
            f"the header should be epoch,g0,...,g{edge_count - 1} "
            f"(one column per edge of results.json), found {len(header) - 1} gate column(s)")
    epochs, gates = [], []
    for line_number, row in enumerate(body, start=2):
        epochs.append(parse_number(row[0], path, line_number, "epoch"))
        gates.append([parse_number(cell, path, line_number, header[i + 1])
                      for i, cell in enumerate(row[1:])])
    return epochs, gates


# ---------------------------------------------------------------------------------------------
# Plots


def run_title(results, what):
    failed = " (failed run)" if results["status"] == "failed" else ""
    return f"{results['name']}{failed}: {what}"


def positive_or_nan(values):
    """Log axes cannot show values <= 0; they become gaps instead of distorting the scale."""
    return [v if v > 0 else math.nan for v in values]


def has_values(values):
    return any(not math.isnan(v) for v in values)


def final_value(values):
    finite = [v for v in values if not math.isnan(v)]
    return finite[-1] if finite else math.nan


def plot_series(axes, epochs, values, label, color, unit):
    if not has_values(values):
        return
    marker = "o" if len(epochs) <= 30 else None
    axes.plot(epochs, values, color=color, marker=marker, markersize=3, linewidth=1.6,
              label=f"{label} (final {final_value(values):.3g}{unit})")


def plot_learning_curve(results, history, out_path):
    epochs = history["epoch"]
    show_accuracy = has_values(history["train_accuracy"]) or has_values(history["test_accuracy"])
    panel_count = 2 if show_accuracy else 1
    figure, panels = plt.subplots(panel_count, 1, sharex=True, squeeze=False,
                                  figsize=(8, 3.6 * panel_count + 0.8))
    mse_axes = panels[0][0]
    plot_series(mse_axes, epochs, positive_or_nan(history["train_mse"]), "train", "C0", " V²")
    plot_series(mse_axes, epochs, positive_or_nan(history["test_mse"]), "test", "C1", " V²")
    mse_axes.set_yscale("log")
    mse_axes.set_ylabel("MSE (V²)")
    mse_axes.set_title(run_title(results, "learning curve"))
    if show_accuracy:
        accuracy_axes = panels[1][0]
        plot_series(accuracy_axes, epochs, history["train_accuracy"], "train", "C0", "")
        plot_series(accuracy_axes, epochs, history["test_accuracy"], "test", "C1", "")
        accuracy_axes.set_ylim(-0.03, 1.03)
        accuracy_axes.set_ylabel("accuracy")
    for row in panels:
        row[0].grid(True, which="major", alpha=0.35)
        row[0].legend(loc="best")
    panels[-1][0].set_xlabel("epoch (0 = before training)")
    figure.tight_layout()
    save(figure, out_path)


def plot_gates(results, epochs, gates, out_path):
    edge_count = len(gates[0])
    figure, axes = plt.subplots(figsize=(9, 5))
    colormap = plt.get_cmap("viridis")
    norm = colors.Normalize(vmin=0, vmax=max(edge_count - 1, 1))
    for edge in range(edge_count):
        axes.plot(epochs, [row[edge] for row in gates], color=colormap(norm(edge)),
                  linewidth=0.9, alpha=0.85)
    colorbar = figure.colorbar(cm.ScalarMappable(norm=norm, cmap=colormap), ax=axes, pad=0.02)
    colorbar.set_label("edge index")
    axes.set_xlabel("epoch (0 = initial)")
    axes.set_ylabel("gate voltage (V)")
    axes.set_title(run_title(results, f"gate voltages of {edge_count} edges"))
    axes.grid(True, alpha=0.35)
    figure.tight_layout()
    save(figure, out_path)


def lattice_point(row, col):
    return (col, -row)


def wrap_stub_directions(a, b):
    """Outward unit directions (dx, dy) of the two stubs that draw a wrap-around edge a-b.

    A wrap along a row joins the last column to the first: the stub at the larger column points
    right, the other left. A wrap along a column joins the last row (drawn lowest) to the first.
    """
    if a[0] == b[0]:
        a_right = a[1] >= b[1]
        return ((1, 0), (-1, 0)) if a_right else ((-1, 0), (1, 0))
    a_lower = a[0] > b[0]
    return ((0, -1), (0, 1)) if a_lower else ((0, 1), (0, -1))


def wrap_stubs(edge):
    """The two stubs (start, tip, direction) that leave a wrap-around edge's ends outward."""
    stubs = []
    ends = (lattice_point(*edge["a"]), lattice_point(*edge["b"]))
    for point, (dx, dy) in zip(ends, wrap_stub_directions(edge["a"], edge["b"])):
        tip = (point[0] + dx * WRAP_STUB_LENGTH, point[1] + dy * WRAP_STUB_LENGTH)
        stubs.append((point, tip, (dx, dy)))
    return stubs


def edge_segments(edge):
    """The line segments that draw one edge: one across, or two outward stubs if it wraps."""
    if edge["wraps"]:
        return [(start, tip) for start, tip, _ in wrap_stubs(edge)]
    return [edge["ends"]]


def edge_width(conductance, max_conductance):
    if max_conductance <= 0:
        return MIN_EDGE_WIDTH
    return max(MIN_EDGE_WIDTH, MAX_EDGE_WIDTH * conductance / max_conductance)


def draw_edges(axes, edges, values, norm, colormap, widths, outline=None):
    """Draws every edge as segments coloured by its value; wrap-around stubs are dashed.

    `outline`: a colour drawn around every edge (then all `widths` should be equal)."""
    for wraps, style in ((False, "solid"), (True, WRAP_LINE_STYLE)):
        segments, segment_widths, segment_values = [], [], []
        for edge, value, width in zip(edges, values, widths):
            if edge["wraps"] != wraps:
                continue
            for segment in edge_segments(edge):
                segments.append(segment)
                segment_widths.append(width)
                segment_values.append(value)
        lines = LineCollection(segments, linewidths=segment_widths, cmap=colormap, norm=norm,
                               linestyles=style, capstyle="butt", zorder=1)
        lines.set_array(segment_values)
        if outline and segment_widths and not wraps:
            lines.set_path_effects([
                patheffects.Stroke(linewidth=max(segment_widths) + 1.6, foreground=outline),
                patheffects.Normal()])
        elif outline and segment_widths:  # a thin line under the dashes
            axes.add_collection(LineCollection(segments, colors=outline, linewidths=0.8,
                                               zorder=0.9))
        axes.add_collection(lines)


def draw_wrap_tips(axes, edges):
    """An arrowhead at the outer end of every wrap-around stub: the edge continues opposite."""
    for edge in (e for e in edges if e["wraps"]):
        for _, tip, direction in wrap_stubs(edge):
            axes.plot(*tip, marker=WRAP_TIP_MARKERS[direction], markersize=6, color="#303030",
                      linestyle="none", zorder=2)


def node_labels(nodes):
    """Each node's label: its name, with + or − for the two nodes of a differential output."""
    differential = {n["name"] for n in nodes if n["role"] == "output_minus"}
    suffixes = {"output_plus": " +", "output_minus": " \u2212"}
    return [n["name"] + (suffixes.get(n["role"], "") if n["name"] in differential else "")
            for n in nodes]


def draw_nodes(axes, nodes):
    labels = dict(zip(map(id, nodes), node_labels(nodes)))
    single_ended = not any(n["role"] == "output_minus" for n in nodes)
    for role, (label, marker, color) in ROLE_STYLES.items():
        members = [n for n in nodes if n["role"] == role]
        if not members:
            continue
        if role == "output_plus" and single_ended:
            label = "output"
        points = [n["point"] for n in members]
        size = 60 if role == "hidden" else 150
        axes.scatter([p[0] for p in points], [p[1] for p in points], s=size, marker=marker,
                     color=color, edgecolors="black", linewidths=0.8, zorder=3, label=label)
        if role == "hidden":
            continue
        for node, (x, y) in zip(members, points):
            axes.annotate(labels[id(node)], (x, y), xytext=(8, 8), textcoords="offset points",
                          fontsize=9, zorder=4,
                          bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                "edgecolor": "#808080", "linewidth": 0.5, "alpha": 0.9})


def wrap_legend_handle():
    return Line2D([], [], color="#707070", linewidth=2, linestyle=WRAP_LINE_STYLE, marker=">",
                  markevery=[1], markersize=6, markerfacecolor="#303030",
                  markeredgecolor="#303030",
                  label="wrap-around edge,\ncontinues on the\nopposite border")


def style_lattice_axes(axes, rows, cols, has_wraps):
    margin = (WRAP_STUB_LENGTH if has_wraps else 0) + 0.3
    axes.set_xlim(-margin, cols - 1 + margin)
    axes.set_ylim(-(rows - 1) - margin, margin)
    axes.set_aspect("equal")
    axes.set_facecolor(LATTICE_BACKGROUND)
    axes.set_xticks(range(cols))
    axes.set_yticks([-r for r in range(rows)], [str(r) for r in range(rows)])
    axes.set_xlabel("column")
    axes.set_ylabel("row")
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)


def conductance_norm(conductances):
    """Linear from 0, or logarithmic when the conductances span LOG_CONDUCTANCE_RATIO or more."""
    positive = [g for g in conductances if g > 0]
    largest = max(positive, default=1.0)
    smallest = max(min(positive, default=largest), largest / 10**LOG_CONDUCTANCE_DECADES)
    if largest / smallest >= LOG_CONDUCTANCE_RATIO or len(positive) < len(conductances):
        return colors.LogNorm(vmin=smallest, vmax=largest)
    return colors.Normalize(vmin=0, vmax=largest)


def add_colorbar(figure, axes, norm, colormap, label, extend="neither"):
    colorbar_axes = axes.inset_axes([0.05, -0.2, 0.9, 0.04])  # under the lattice, as wide
    colorbar = figure.colorbar(cm.ScalarMappable(norm=norm, cmap=colormap), cax=colorbar_axes,
                               orientation="horizontal", extend=extend)
    colorbar.set_label(label)
    return colorbar


def draw_change_panel(figure, axes, edges, gates):
    """Each edge's gate change from epoch 0 to the last, on a colour scale centred at zero."""
    gate_changes = [last - first for first, last in zip(gates[0], gates[-1])]
    largest_change = max((abs(c) for c in gate_changes), default=0.0) or 1e-3
    change_norm = colors.Normalize(vmin=-largest_change, vmax=largest_change)
    change_colormap = plt.get_cmap("RdBu_r")
    draw_edges(axes, edges, gate_changes, change_norm, change_colormap,
               [CHANGE_EDGE_WIDTH] * len(edges), outline=EDGE_OUTLINE)
    add_colorbar(figure, axes, change_norm, change_colormap,
                 "gate voltage change, epoch 0 to the last epoch (V)")
    axes.set_title("gate change over the run", fontsize=10)


def style_graph_axes(axes, nodes):
    xs, ys = [n["point"][0] for n in nodes], [n["point"][1] for n in nodes]
    margin = 0.6
    axes.set_xlim(min(xs) - margin, max(xs) + margin)
    axes.set_ylim(min(ys) - margin, max(ys) + margin)
    axes.set_aspect("equal")
    axes.set_facecolor(LATTICE_BACKGROUND)
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)


def plot_graph_network(results, gates, out_path):
    """Two pictures of a graph that is not a lattice: each edge's gate voltage after the last
    epoch (colour; width = conductance), and its change over the run; nodes labelled by role."""
    edges, nodes = results["edges"], results["nodes"]
    conductances = [e["conductance"] for e in edges]
    max_conductance = max(conductances, default=0.0)
    final_gates = gates[-1]
    side = max(6.0, 0.9 * math.sqrt(len(nodes)) + 4.5)
    figure, (g_axes, change_axes) = plt.subplots(1, 2, figsize=(2 * side + 3.0, side + 1.2))
    gate_norm = colors.Normalize(vmin=min(final_gates, default=0.0),
                                 vmax=max(max(final_gates, default=0.0),
                                          min(final_gates, default=0.0) + 1e-3))
    gate_colormap = plt.get_cmap("viridis")
    draw_edges(g_axes, edges, final_gates, gate_norm, gate_colormap,
               [edge_width(g, max_conductance) for g in conductances])
    add_colorbar(figure, g_axes, gate_norm, gate_colormap, "gate voltage after the last epoch (V)")
    g_axes.set_title("gate voltage (colour), conductance (width)", fontsize=10)
    draw_change_panel(figure, change_axes, edges, gates)
    for axes in (g_axes, change_axes):
        draw_nodes(axes, nodes)
        for node in (n for n in nodes if n["role"] == "hidden"):  # the name a config would use
            axes.annotate(node["node"], node["point"], xytext=(5, -10), textcoords="offset points",
                          fontsize=7, color="#606060", zorder=4)
        style_graph_axes(axes, nodes)
    handles, _ = change_axes.get_legend_handles_labels()
    change_axes.legend(handles=handles, title="nodes", loc="upper left",
                       bbox_to_anchor=(1.03, 1.0), fontsize=9, borderaxespad=0)
    layout = ("coordinates from the edge list" if all("x" in n for n in nodes)
              else f"spring layout, seed {graph_layout.LAYOUT_SEED}")
    figure.suptitle(run_title(results, f"{results['description']} after the last epoch\n"
                                       f"({len(edges)} edges; {layout})"))
    save(figure, out_path)


def plot_network(results, gates, out_path):
    place_nodes(results)
    if results.get("kind", "lattice") != "lattice":
        plot_graph_network(results, gates, out_path)
        return
    plot_lattice_network(results, gates, out_path)


def plot_lattice_network(results, gates, out_path):
    """Two pictures of the lattice: the conductances after the last epoch (colour and width),
    and each gate's change over the run (colour), the nodes labelled by name on both."""
    rows, cols, edges = results["rows"], results["cols"], results["edges"]
    conductances = [e["conductance"] for e in edges]
    max_conductance = max(conductances, default=0.0)
    has_wraps = any(e["wraps"] for e in edges)

    panel_width, panel_height = 1.3 * cols + 1.2, 1.3 * rows + 2.2
    figure, (g_axes, change_axes) = plt.subplots(
        1, 2, figsize=(max(12.0, 2 * panel_width + 3.0), max(6.0, panel_height)))
    g_norm = conductance_norm(conductances)
    draw_edges(g_axes, edges, conductances, g_norm, CONDUCTANCE_COLORMAP,
               [edge_width(g, max_conductance) for g in conductances])
    below = any(g < g_norm.vmin for g in conductances)
    add_colorbar(figure, g_axes, g_norm, CONDUCTANCE_COLORMAP,
                 "edge conductance after the last epoch (S)"
                 + ("; grey: below the scale (0 S: off)" if below else ""),
                 extend="min" if below else "neither")
    g_axes.set_title("conductance (colour and width)", fontsize=10)

    draw_change_panel(figure, change_axes, edges, gates)

    for axes in (g_axes, change_axes):
        draw_wrap_tips(axes, edges)
        draw_nodes(axes, results["nodes"])
        style_lattice_axes(axes, rows, cols, has_wraps)
    handles, _ = change_axes.get_legend_handles_labels()
    if has_wraps:
        handles.append(wrap_legend_handle())
    change_axes.legend(handles=handles, title="nodes", loc="upper left",
                       bbox_to_anchor=(1.03, 1.0), fontsize=9, borderaxespad=0, handlelength=3)
    figure.suptitle(run_title(results, f"{rows}\u00d7{cols} lattice after the last epoch"))
    save(figure, out_path)


def plot_error_modes(results, modes, out_path):
    figure, axes = plt.subplots(figsize=(8.4, 4.2))
    styles = [("train_error_mean", "mean", "#1f77b4"), ("train_error_slope", "slope", "#ff7f0e"),
              ("train_error_curvature", "curvature", "#2ca02c")]
    for column, label, color in styles:
        magnitudes = positive_or_nan([abs(v) for v in modes[column]])
        axes.plot(modes["epoch"], magnitudes, color=color, label=label, marker=".", markersize=3)
    axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel("|error mode| (V)")
    axes.grid(True, which="both", alpha=0.3)
    # Outside, on the right: inside, the three curves leave no corner free for long.
    axes.legend(title="training error\ncomponent", loc="upper left", bbox_to_anchor=(1.02, 1.0),
                borderaxespad=0)
    axes.set_title(run_title(results, "error modes (orthogonal polynomials on the inputs)"))
    save(figure, out_path)


def plot_boundary(results, boundary_path, samples, out_path):
    header, columns = read_numeric_table(boundary_path)
    require(len(header) >= 3, boundary_path, "expected two input columns and at least one output")
    xs, ys = columns[0], columns[1]
    grid_x = sorted(set(xs))
    grid_y = sorted(set(ys))
    require(len(grid_x) * len(grid_y) == len(xs), boundary_path, "the inputs are not a full grid")
    index = {(x, y): i for i, (x, y) in enumerate(zip(xs, ys))}
    outputs = columns[2:]
    if len(outputs) == 1:
        value = outputs[0]
        what = f"output {header[2]} (V)"
    else:  # one output per class: the class is the largest
        value = [max(range(len(outputs)), key=lambda k: outputs[k][i]) for i in range(len(xs))]
        what = "class (largest output)"
    z = [[value[index[(x, y)]] for x in grid_x] for y in grid_y]
    figure, axes = plt.subplots(figsize=(6.4, 5.4))
    if len(outputs) == 1:
        bound = max(abs(v) for v in value) or 1.0
        mesh = axes.pcolormesh(grid_x, grid_y, z, cmap="coolwarm", shading="nearest",
                               vmin=-bound, vmax=bound)
        axes.contour(grid_x, grid_y, z, levels=[0.0], colors="black", linewidths=1.5)
    else:
        mesh = axes.pcolormesh(grid_x, grid_y, z, cmap=CLASS_COLORMAP, shading="nearest",
                               vmin=0, vmax=len(outputs) - 1)
    figure.colorbar(mesh, ax=axes).set_label(what)
    classes = SampleClasses(len(outputs))
    for set_name, marker, size in (("train", "o", 30), ("test", "X", 34)):
        points = [(s[1], classes.of(s[2])) for s in samples if s[0] == set_name]
        if points:
            axes.scatter([p[0][0] for p in points], [p[0][1] for p in points],
                         c=[classes.colors[k] for _, k in points], marker=marker, s=size,
                         edgecolors="black", linewidths=0.6)
    axes.set_xlabel(f"input {header[0]} (V)")
    axes.set_ylabel(f"input {header[1]} (V)")
    axes.legend(handles=boundary_legend_handles(classes, samples), loc="upper left",
                bbox_to_anchor=(0.0, -0.13), ncol=2, fontsize=8, borderaxespad=0)
    boundary = "black: O = 0" if len(outputs) == 1 else "colour: class of the largest output"
    axes.set_title(run_title(results, f"decision boundary (learning off; {boundary})"),
                   fontsize=10)
    save(figure, out_path)


CLASS_COLORMAP = "viridis"


class SampleClasses:
    """A sample's class from its labels, each class's colour and legend name."""

    def __init__(self, output_count):
        self.output_count = output_count
        if output_count == 1:  # the sign of the one label
            self.colors = ["#2166ac", "#b2182b"]
            self.names = ["label \u2264 0", "label > 0"]
        else:  # the largest label, coloured as the mesh colours that class
            colormap = plt.get_cmap(CLASS_COLORMAP)
            self.colors = [colors.to_hex(colormap(k / (output_count - 1)))
                           for k in range(output_count)]
            self.names = [f"class {k}" for k in range(output_count)]

    def of(self, labels):
        if self.output_count == 1:
            return int(labels[0] > 0)
        return max(range(len(labels)), key=lambda k: labels[k])


def boundary_legend_handles(classes, samples):
    """One entry per class in its own colour, one per point set in its marker shape."""
    present = {classes.of(s[2]) for s in samples}
    handles = [Line2D([], [], linestyle="none", marker="o", markersize=7,
                      markerfacecolor=classes.colors[k], markeredgecolor="black",
                      label=classes.names[k]) for k in sorted(present)]
    for set_name, marker in (("train", "o"), ("test", "X")):
        if any(s[0] == set_name for s in samples):
            handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=7,
                                  markerfacecolor="#d0d0d0", markeredgecolor="black",
                                  label=f"{set_name} points"))
    return handles


def save(figure, path):
    try:
        figure.savefig(path, dpi=DPI, bbox_inches="tight")
    except OSError as error:
        raise RunDataError(path, f"cannot write: {error.strerror or error}") from None
    finally:
        plt.close(figure)
    print(path)


# ---------------------------------------------------------------------------------------------


def parse_arguments():
    parser = argparse.ArgumentParser(description="Plot a run directory written by cllnsim train.")
    parser.add_argument("run_dir", help="the run directory (results.json, history.csv, gates.csv)")
    parser.add_argument("--out", help="folder for the PNG files (default: RUN_DIR)")
    return parser.parse_args()


def make_output_folder(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise RunDataError(path, f"cannot create the output folder: {error.strerror}") from None


def main():
    arguments = parse_arguments()
    run_dir = arguments.run_dir
    out_dir = arguments.out or run_dir
    try:
        results = read_results(os.path.join(run_dir, "results.json"))
        history = read_history(os.path.join(run_dir, "history.csv"))
        epochs, gates = read_gates(os.path.join(run_dir, "gates.csv"), len(results["edges"]))
        make_output_folder(out_dir)
        plot_learning_curve(results, history, os.path.join(out_dir, "learning_curve.png"))
        plot_gates(results, epochs, gates, os.path.join(out_dir, "gates.png"))
        plot_network(results, gates, os.path.join(out_dir, "network.png"))
        modes = read_error_modes(os.path.join(run_dir, "history.csv"))
        if modes is not None:
            plot_error_modes(results, modes, os.path.join(out_dir, "error_modes.png"))
        boundary_path = os.path.join(run_dir, "boundary.csv")
        if os.path.exists(boundary_path):
            samples = read_samples(os.path.join(run_dir, "samples.csv"))
            plot_boundary(results, boundary_path, samples, os.path.join(out_dir, "boundary.png"))
    except RunDataError as error:
        print(f"plot_run.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
