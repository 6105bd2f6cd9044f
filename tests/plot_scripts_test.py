"""Checks of the plot scripts' pictures on small made-up data, one per defect of issue 19 that
should not come back: network.png's edges visible and its two output nodes told apart, the rule
map's scatter colours spread, the error-modes legend off the data, the boundary legend in each
class's colour, sweep.png's title and its legend off the panels; and the scripts' one-line error without matplotlib.

usage: python3 tests/plot_scripts_test.py (any python3: the scripts find one with matplotlib)
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(REPO, "scripts")
sys.path.insert(0, SCRIPTS)
sys.dont_write_bytecode = True  # no __pycache__ in scripts/

import plot_python  # noqa: E402

plot_python.use_matplotlib("plot_scripts_test.py")

import graph_layout  # noqa: E402
import plot_characterize  # noqa: E402
import plot_nonequilibrium  # noqa: E402
import plot_run  # noqa: E402
import plot_sweep  # noqa: E402
from matplotlib import colors  # noqa: E402


def luminance(color):
    r, g, b, _ = colors.to_rgba(color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


class Captured:
    """Stands in for plot_run.save: keeps the figure instead of writing it."""

    def __init__(self):
        self.figures = []

    def __call__(self, figure, path):
        figure.canvas.draw()
        self.figures.append(figure)


def node(name, row, col, role):
    return {"name": name, "row": row, "col": col, "role": role}


def edge(a, b, conductance):
    return {"a": a, "b": b, "wraps": False, "conductance": conductance}


# A 2x2 lattice with a differential output "out": one edge off (0 S), one strong.
RESULTS = {
    "name": "tiny", "status": "completed", "rows": 2, "cols": 2,
    "nodes": [node("x", 0, 0, "input"), node("rail", 0, 1, "rail"),
              node("out", 1, 0, "output_plus"), node("out", 1, 1, "output_minus")],
    "edges": [edge((0, 0), (0, 1), 1e-3), edge((0, 0), (1, 0), 0.0),
              edge((0, 1), (1, 1), 2e-5), edge((1, 0), (1, 1), 4e-4)],
}


class PlotRunTest(unittest.TestCase):
    def setUp(self):
        self.saved = plot_run.save
        self.captured = plot_run.save = Captured()

    def tearDown(self):
        plot_run.save = self.saved

    def test_network_edges_dark_when_conductive_and_outputs_told_apart(self):
        gates = [[1.0, 1.0, 1.0, 1.0], [1.5, 0.2, 1.0, 1.2]]
        plot_run.plot_network(RESULTS, gates, "network.png")
        figure = self.captured.figures[0]
        g_axes = figure.axes[0]
        lines = g_axes.collections[0]  # the solid edges, in RESULTS' order
        faces = lines.get_colors()
        strongest = faces[0]
        self.assertLess(luminance(strongest), 0.35, "the most conductive edge is not dark")
        self.assertGreater(luminance(g_axes.get_facecolor()) - luminance(strongest), 0.5)
        for color in faces:  # an edge at 0 S is still drawn, not transparent
            self.assertGreater(colors.to_rgba(color)[3], 0.5)
        labels = [t.get_text() for t in g_axes.texts]
        self.assertIn("out +", labels)
        self.assertIn("out \u2212", labels)
        self.assertEqual(len(labels), len(set(labels)), labels)
        colorbar_labels = [c.get_xlabel() for a in figure.axes for c in a.child_axes]
        self.assertTrue(any("(S)" in label for label in colorbar_labels), colorbar_labels)
        self.assertTrue(any("(V)" in label for label in colorbar_labels), colorbar_labels)

    def test_single_ended_output_named_plainly(self):
        results = dict(RESULTS, nodes=RESULTS["nodes"][:3])
        plot_run.plot_network(results, [[1.0] * 4, [1.1] * 4], "network.png")
        labels = [t.get_text() for t in self.captured.figures[0].axes[0].texts]
        self.assertIn("out", labels)

    def test_graph_edges_coloured_by_gate_value_and_nodes_apart(self):
        # A 6-node ring with one chord, no coordinates: the seeded spring layout places it.
        ring = [(k, (k + 1) % 6) for k in range(6)] + [(0, 3)]
        roles = ["input", "input", "rail", "output_plus", "hidden", "hidden"]
        results = {
            "name": "ring", "status": "completed", "kind": "edge_list", "rows": 0, "cols": 0,
            "description": "edge-list graph of 6 nodes (listed in the config)",
            "nodes": [{"name": f"r{k}" if roles[k] != "hidden" else "", "node": f"v{k}",
                       "role": roles[k]} for k in range(6)],
            "edges": [edge(a, b, 1e-4) for a, b in ring],
        }
        final = [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]
        plot_run.plot_network(results, [[2.0] * 7, final], "network.png")
        figure = self.captured.figures[0]
        self.assertIn("edge-list graph of 6 nodes", figure._suptitle.get_text())
        self.assertIn("spring layout", figure._suptitle.get_text())
        faces = figure.axes[0].collections[0].get_colors()
        lightness = [luminance(c) for c in faces]
        self.assertEqual(lightness, sorted(lightness), "viridis: a higher gate is lighter")
        colorbar_labels = [c.get_xlabel() for a in figure.axes for c in a.child_axes]
        self.assertTrue(any("gate voltage after the last epoch (V)" in label
                            for label in colorbar_labels), colorbar_labels)
        points = [n["point"] for n in results["nodes"]]
        closest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
                      for i, a in enumerate(points) for b in points[i + 1:])
        self.assertGreater(closest, 0.3, "two nodes drawn on top of each other")

    def test_graph_drawn_at_the_edge_lists_coordinates(self):
        results = {
            "name": "line", "status": "completed", "kind": "edge_list", "rows": 0, "cols": 0,
            "description": "edge-list graph of 3 nodes",
            "nodes": [{"name": "x", "node": "a", "role": "input", "x": 0, "y": 0},
                      {"name": "", "node": "b", "role": "hidden", "x": 3, "y": 0},
                      {"name": "out", "node": "c", "role": "output_plus", "x": 3, "y": 1}],
            "edges": [edge(0, 1, 1e-4), edge(1, 2, 1e-4)],
        }
        plot_run.plot_network(results, [[1.0, 1.0], [1.2, 0.8]], "network.png")
        points = [n["point"] for n in results["nodes"]]
        self.assertAlmostEqual(points[1][0] - points[0][0], 3 * (points[2][1] - points[1][1]))
        self.assertEqual(points[1][1], points[0][1])
        self.assertIn("coordinates from the edge list",
                      self.captured.figures[0]._suptitle.get_text())

    def test_spring_layout_is_seeded_and_pulls_neighbours_together(self):
        ring = [(k, (k + 1) % 12) for k in range(12)]
        first = graph_layout.spring_layout(12, ring)
        self.assertEqual(first, graph_layout.spring_layout(12, ring))

        def distance(a, b):
            return ((first[a][0] - first[b][0]) ** 2 + (first[a][1] - first[b][1]) ** 2) ** 0.5
        neighbours = sum(distance(a, b) for a, b in ring) / len(ring)
        opposite = sum(distance(k, (k + 6) % 12) for k in range(12)) / 12
        self.assertLess(2 * neighbours, opposite)

    def test_error_modes_legend_covers_no_data(self):
        epochs = list(range(40))
        modes = {"epoch": epochs,
                 "train_error_mean": [10 ** (-1 - e / 10) for e in epochs],
                 "train_error_slope": [10 ** (-1 - e / 20) for e in epochs],
                 "train_error_curvature": [1e-2 for _ in epochs]}
        plot_run.plot_error_modes(RESULTS, modes, "error_modes.png")
        axes = self.captured.figures[0].axes[0]
        box = axes.get_legend().get_window_extent()
        for line in axes.get_lines():
            for x, y in axes.transData.transform(line.get_xydata()):
                self.assertFalse(box.contains(x, y), f"the legend covers {line.get_label()}")

    def test_boundary_legend_shows_each_class_in_its_colour(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "boundary.csv")
            with open(path, "w") as stream:
                stream.write("x1,x2,out\n")
                for x in (0.0, 0.2, 0.4):
                    for y in (0.0, 0.2, 0.4):
                        stream.write(f"{x},{y},{x + y - 0.4}\n")
            samples = [("train", [0.0, 0.0], [-0.05]), ("train", [0.4, 0.4], [0.05]),
                       ("test", [0.1, 0.0], [-0.05]), ("test", [0.4, 0.3], [0.05])]
            plot_run.plot_boundary(RESULTS, path, samples, os.path.join(folder, "b.png"))
        axes = self.captured.figures[0].axes[0]
        handles = axes.get_legend().legend_handles if hasattr(
            axes.get_legend(), "legend_handles") else axes.get_legend().legendHandles
        by_label = {h.get_label(): colors.to_hex(h.get_markerfacecolor()) for h in handles}
        classes = plot_run.SampleClasses(1)
        self.assertEqual(by_label[classes.names[0]], classes.colors[0])
        self.assertEqual(by_label[classes.names[1]], classes.colors[1])
        self.assertNotEqual(classes.colors[0], classes.colors[1])
        drawn = {colors.to_hex(c) for s in axes.collections[-2:] for c in s.get_facecolors()}
        self.assertEqual(drawn, set(classes.colors))

    def test_several_classes_coloured_as_the_mesh(self):
        classes = plot_run.SampleClasses(3)
        self.assertEqual(len(set(classes.colors)), 3)
        self.assertEqual(classes.of([0.0, 0.3, 0.1]), 1)


class PlotCharacterizeTest(unittest.TestCase):
    def test_scatter_colours_spread_and_centred(self):
        rows = []
        for k in range(50):  # small departures, one huge outlier, many overlapping points
            contrast = (k % 10 - 5) * 0.01
            difference = 1e3 * ((k % 7) - 3) + (1e6 if k == 0 else 0)
            rows.append({"contrast_v2": contrast, "rate_volts_per_second": 1e7 * contrast,
                         "difference_volts_per_second": difference})
        figure, axes = plot_characterize.plt.subplots()
        plot_characterize.draw_every_point(figure, axes, rows, 1e7)
        figure.canvas.draw()
        points = axes.collections[0]
        norm = points.norm
        self.assertAlmostEqual(norm.vmin, -norm.vmax)
        self.assertLess(norm.vmax, 1e5, "one outlier set the colour scale")
        self.assertGreaterEqual(len({tuple(c) for c in points.get_facecolors()}), 5)


class PlotSweepTest(unittest.TestCase):
    def test_title_names_spec_and_epochs(self):
        with tempfile.TemporaryDirectory() as folder:
            base = os.path.join(folder, "base.json")
            with open(base, "w") as stream:
                json.dump({"training": {"epochs": 200}}, stream)
            with open(os.path.join(folder, "sweep.json"), "w") as stream:
                json.dump({"spec": "configs/sweeps/noise_xor.json", "base": base,
                           "points": [["training.epochs=60", "seed=1"],
                                      ["training.epochs=60", "seed=2"]]}, stream)
            title = plot_sweep.sweep_title(folder)
            self.assertIn("noise_xor", title)
            self.assertIn("60 epochs", title)
            self.assertIn("2 points", title)
            with open(os.path.join(folder, "sweep.json"), "w") as stream:
                json.dump({"base": base, "points": [["seed=1"]]}, stream)
            self.assertIn("200 epochs", plot_sweep.sweep_title(folder))

    def test_legend_of_several_series_covers_no_panel(self):
        rows = [{"vth": str(vth), "rho": str(rho), "status": "completed",
                 "train_mse": str(1e-4 * (1 + vth * 100 * (1 - rho) + seed)),
                 "train_accuracy": "1" if rho or vth < 0.01 else "0.75",
                 "test_mse": str(1e-4 * (1 + vth * 100 * (1 - rho) + seed)),
                 "test_accuracy": "1" if rho or vth < 0.01 else "0.75"}
                for vth in (0.002, 0.005, 0.01, 0.02) for rho in (0, 0.9, 1) for seed in range(3)]
        series = [(f"rho={rho}", [r for r in rows if r["rho"] == rho]) for rho in ("0", "0.9", "1")]
        figure = plot_sweep.draw(["vth"], series, plot_sweep.metrics_to_plot(rows), "sweep twins")
        figure.canvas.draw()
        legend = figure.legends[0].get_window_extent()
        self.assertEqual(len(figure.legends[0].get_texts()), 6)
        for axes in figure.axes:
            self.assertFalse(legend.overlaps(axes.get_tightbbox(figure.canvas.get_renderer())),
                             f"the legend covers the panel of {axes.get_ylabel()}")


def scales_row(capacitance, ratio, accuracy):
    return {"capacitance": capacitance, "seed": 1, "train": {"accuracy": accuracy, "mse": 1e-3},
            "scales": {"ratio": ratio, "ratio_fastest_edge": 10 * ratio,
                       "relaxation_seconds": 1e-6, "learning_rate_median_per_second": 1e3}}


class PlotNonequilibriumTest(unittest.TestCase):
    def test_critical_ratio_brackets_where_half_the_seeds_stop_learning(self):
        rows = ([scales_row(0, 1e-5, 1.0)] * 2 + [scales_row(1e-10, 1e-3, 1.0),
                                                   scales_row(1e-10, 2e-3, 0.75)] +
                [scales_row(1e-9, 1e-2, 0.75)] * 2)
        summary = plot_nonequilibrium.summarize(rows, mse_bar=1e-4)
        self.assertEqual([s["learned"] for s in summary], [2, 1, 0])
        self.assertEqual(summary[1]["ratio"], 1.5e-3)  # the median of the seeds
        self.assertEqual(plot_nonequilibrium.critical(summary), (1.5e-3, 1e-2))
        everywhere = [scales_row(c, r, 1.0) for c, r in ((0, 1e-5), (1e-9, 1e-2))]
        self.assertIsNone(plot_nonequilibrium.critical(
            plot_nonequilibrium.summarize(everywhere, mse_bar=1e-4)))

    def test_regression_learned_by_the_mse_bar(self):
        self.assertTrue(plot_nonequilibrium.learned({"mse": 1e-4}, 1e-4))
        self.assertFalse(plot_nonequilibrium.learned({"mse": 2e-4}, 1e-4))
        self.assertFalse(plot_nonequilibrium.learned({"accuracy": 0.75, "mse": 1e-6}, 1e-4))


class NoMatplotlibTest(unittest.TestCase):
    def test_one_line_error_and_exit_2(self):
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "matplotlib"))
            with open(os.path.join(folder, "matplotlib", "__init__.py"), "w") as stream:
                stream.write("raise ImportError('no matplotlib here (test)')\n")
            environment = dict(os.environ, PYTHONPATH=folder, PYTHONDONTWRITEBYTECODE="1")
            environment.pop(plot_python.RESTARTED, None)
            for script in ("plot_run.py", "plot_sweep.py", "plot_characterize.py",
                           "plot_nonequilibrium.py"):
                done = subprocess.run([sys.executable, os.path.join(SCRIPTS, script), folder],
                                      env=environment, capture_output=True, text=True)
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
                self.assertIn("python3-matplotlib", done.stderr)


if __name__ == "__main__":
    unittest.main()
