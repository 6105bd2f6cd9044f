#!/usr/bin/python3
"""Runs cllnsim's benchmarks side by side and prints the table (see README "Benchmarks").

Called by bench/run.sh after it has built build-bench/. Standard library only (Debian's
/usr/bin/python3). Every process runs under a timeout; a failed step is reported in its row and
makes the script exit 1 after the table is written.
"""
import argparse
import csv
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
XOR = ROOT / "configs" / "xor.json"


class StepFailed(Exception):
    pass


def run(cmd, what, timeout, log=None):
    """Runs `cmd`; returns (wall seconds, peak RSS in kB of it and its waited-for children).

    Raises StepFailed on a non-zero exit or a timeout, with the command's last output lines."""
    out = open(log, "w") if log else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            os.wait4(process.pid, 0)
            raise StepFailed(f"{what}: timed out after {timeout} s: {' '.join(map(str, cmd))}")
        time.sleep(0.002)
    wall = time.perf_counter() - started
    if log:
        out.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = ""
        if log:
            tail = "\n    " + "\n    ".join(Path(log).read_text(errors="replace").splitlines()[-8:])
        raise StepFailed(f"{what}: exit code {code}: {' '.join(map(str, cmd))}{tail}")
    return wall, usage.ru_maxrss


def sets(settings):
    args = []
    for key, value in settings.items():
        args += ["--set", f"{key}={json.dumps(value)}"]
    return args


def read_history(run_dir):
    with open(run_dir / "history.csv") as f:
        return list(csv.DictReader(f))


def training_wall(run_dir):
    """Wall seconds of the training itself: history.csv's wall_seconds at the last epoch when the
    column exists, else results.json's wall_seconds (which adds the inference measurement)."""
    history = read_history(run_dir)
    if history and "wall_seconds" in history[-1]:
        return float(history[-1]["wall_seconds"]), "history.csv wall_seconds (training only)"
    results = json.loads((run_dir / "results.json").read_text())
    return float(results["wall_seconds"]), "results.json wall_seconds (training + inference)"


def results_of(run_dir):
    return json.loads((run_dir / "results.json").read_text())


def fmt(value, digits=3):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}g}"


def lattice_settings(rows, cols):
    """configs/xor.json's placement, scaled to a rows x cols periodic lattice (exact at 4x4)."""
    return {
        "network.lattice.rows": rows,
        "network.lattice.cols": cols,
        "network.lattice.periodic": True,
        "network.inputs.0.at": [0, 0],
        "network.inputs.1.at": [0, cols // 2],
        "network.rails.0.at": [0, 3 * cols // 4],
        "network.rails.1.at": [rows // 4, 0],
        "network.outputs.0.plus": [rows // 2, cols // 4],
        "network.outputs.0.minus": [3 * rows // 4, cols // 4],
    }


def scaling_settings(rows, cols, epochs):
    """Benchmark 3's run of a lattice: no annealing (every epoch of every size has the same
    schedule), one transient, a one-sample inference measurement."""
    return {**lattice_settings(rows, cols), "training.epochs": epochs,
            "training.learn_seconds_final": 5e-5, "checkpoint.every_epochs": epochs,
            "analysis.inference_samples": 1}


def exponent(xs, ys):
    """Least-squares slope of log(ys) against log(xs)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


# Benchmark 3: (rows, cols, epochs, repeats) of the periodic lattices, 32 to 800 edges; with
# --large also 1800 and 3200 (Sparse's 3200-edge run alone takes minutes).
SCALING_SIZES = [(4, 4, 24, 3), (6, 6, 12, 3), (8, 8, 8, 3), (9, 9, 6, 3), (10, 10, 5, 3),
                 (12, 13, 4, 3), (20, 20, 2, 2)]
LARGE_SIZES = [(30, 30, 1, 1), (40, 40, 1, 1)]
SOLVERS = ["sparse", "klu", "auto"]


class Bench:
    def __init__(self, build, work, quick, solvers=tuple(SOLVERS), large=False):
        self.large = large  # benchmark 3 up to 3200 edges
        self.solvers = list(solvers)  # simulator.solver values of the scaling benchmark (3)
        self.scaling_rows = []  # benchmark 3 per size and solver, for bench/plot_scaling.py
        self.exponents = {}  # solver: (per sample, per time point)
        self.crossover = None  # edges from which KLU is faster per time point
        self.cllnsim = build / "cllnsim"
        self.reference = build / "bench" / "quasistatic_reference"
        self.work = work
        self.quick = quick
        self.rows = []  # the main table
        self.details = []  # (title, header, rows) tables below it
        self.failures = []
        self.xor_seed1 = None  # benchmark 2's transient run of seed 1, for benchmark 5

    def train(self, name, settings, config=XOR, timeout=600):
        run_dir = self.work / name
        if run_dir.exists():
            shutil.rmtree(run_dir)
        # --no-plots: the plots' Python would count in the process's time and peak RSS.
        wall, rss = run([self.cllnsim, "train", config, "--out", run_dir, "--quiet", "--no-plots",
                         *sets(settings)],
                        f"cllnsim train ({name})", timeout, self.work / f"{name}.log")
        return run_dir, wall, rss

    def row(self, figure, measured, ratio, goal, met, note=""):
        self.rows.append({"figure": figure, "measured": measured, "ratio": ratio, "goal": goal,
                          "met": met, "note": note})

    def failed(self, figure, goal, error):
        print(f"bench: FAILED: {figure}: {error}", file=sys.stderr)
        self.failures.append(f"{figure}: {error}")
        self.row(figure, "FAILED (see bench output)", "n/a", goal, "not measured")

    # 1. `cllnsim train` against `ngspice -b` replaying the exported netlist of the same run.
    def overhead(self):
        epochs = 10 if self.quick else 40
        repeats = 1 if self.quick else 3
        settings = {"training.epochs": epochs, "checkpoint.every_epochs": epochs,
                    "analysis.inference_samples": 1, "analysis.boundary_grid": 0}
        replay = self.work / "overhead-replay.cir"
        run([self.cllnsim, "netlist", XOR, "-o", replay, *sets(settings)], "cllnsim netlist", 120)
        trains, replays, in_run = [], [], []
        for k in range(repeats):
            run_dir, wall, _ = self.train(f"overhead-train-{k}", settings)
            trains.append(wall)
            in_run.append(training_wall(run_dir))
            log = self.work / f"overhead-ngspice-{k}.log"
            wall, _ = run(["ngspice", "-b", replay], "ngspice -b replay", 1200, log)
            replays.append(wall)
        # The same run: compare the final gates of both sides.
        finals = dict(re.findall(r"^final_g(\d+)\s*=\s*(\S+)", log.read_text(), re.M))
        with open(run_dir / "gates.csv") as f:
            last = list(csv.reader(f))[-1]
        if not finals:
            raise StepFailed(f"ngspice -b printed no final_gN measurements (see {log})")
        gate_gap = max(abs(float(finals[str(i)]) - float(v)) for i, v in enumerate(last[1:]))
        segmented_dir, segmented_wall, _ = self.train(
            "overhead-train-segmented", {**settings, "checkpoint.every_epochs": 10})
        train, replay_wall = statistics.median(trains), statistics.median(replays)
        ratio = train / replay_wall
        points = results_of(run_dir)["time_points"]
        self.row("1. overhead: `cllnsim train` / `ngspice -b` replay",
                 f"{train:.2f} s / {replay_wall:.2f} s", fmt(ratio), "<= 1.10",
                 "yes" if ratio <= 1.10 else "no",
                 f"XOR 4x4, {epochs} epochs, one transient each, {points} time points; "
                 f"median of {repeats}")
        self.row("1b. the same, `train` in segments of 10 epochs (default)",
                 f"{segmented_wall:.2f} s / {replay_wall:.2f} s", fmt(segmented_wall / replay_wall),
                 "<= 1.10", "yes" if segmented_wall / replay_wall <= 1.10 else "no",
                 f"{epochs // 10} segments; one repetition")
        self.details.append((
            "Overhead: process wall times (s)",
            ["run", "cllnsim train", "ngspice -b replay", f"train's own: {in_run[0][1]}"],
            [[str(k), f"{trains[k]:.3f}", f"{replays[k]:.3f}", f"{in_run[k][0]:.3f}"]
             for k in range(repeats)] +
            [["segmented", f"{segmented_wall:.3f}", "", f"{training_wall(segmented_dir)[0]:.3f}"],
             ["final gates, largest difference train vs replay", f"{gate_gap * 1e6:.1f} uV", "",
              ""]]))

    # The quasi-static reference on the same settings as a transient run that presented
    # `presentations` samples; its JSON summary.
    def reference_run(self, name, settings, presentations, timeout):
        out = self.work / f"quasistatic-{name}.json"
        run([self.reference, XOR, "--out", out, *sets(settings)], f"quasistatic_reference {name}",
            timeout, self.work / f"quasistatic-{name}.log")
        ref = json.loads(out.read_text())
        ref_presentations = ref["training_presentations"] + ref["evaluation_presentations"]
        if ref_presentations != presentations:
            raise StepFailed(f"presentations differ ({name}): transient {presentations}, "
                             f"quasi-static {ref_presentations}")
        return ref

    # 2. The physical transient against the quasi-static reference on XOR (the shipped config).
    def quasistatic(self):
        seeds = [1] if self.quick else [1, 2, 3, 4, 5]
        epochs = 20 if self.quick else None  # None: the shipped 200
        settings = {"analysis.inference_samples": 1}
        if epochs:
            settings["training.epochs"] = epochs
        lines, per_transient, per_reference = [], [], []
        learned_transient = learned_reference = 0
        for seed in seeds:
            s = {**settings, "seed": seed}
            run_dir, _, _ = self.train(f"xor-seed{seed}", s)
            self.xor_seed1 = self.xor_seed1 or run_dir
            results = results_of(run_dir)
            wall, _ = training_wall(run_dir)
            epochs_run = results["epochs"]
            history = read_history(run_dir)
            presentations = 4 * epochs_run + 4 * len(history)  # training + evaluation passes
            ref = self.reference_run(f"seed{seed}", s, presentations, 600)
            per_transient.append(wall / presentations)
            per_reference.append(ref["seconds_per_presentation"])
            acc_t = results["metrics"]["train"]["accuracy"]
            acc_r = ref["metrics"]["train"]["accuracy"]
            learned_transient += acc_t == 1.0
            learned_reference += acc_r == 1.0
            lines.append([str(seed), f"{acc_t:.2f}", f"{results['metrics']['train']['mse']:.2e}",
                          f"{wall / presentations * 1e3:.2f}", f"{acc_r:.2f}",
                          f"{ref['metrics']['train']['mse']:.2e}",
                          f"{ref['seconds_per_presentation'] * 1e3:.3f}",
                          str(ref["first_epoch_all_correct"])])
        t, r = statistics.median(per_transient), statistics.median(per_reference)
        self.row("2. per sample: physical transient / quasi-static (alter + 2 op)",
                 f"{t * 1e3:.2f} ms / {r * 1e3:.3f} ms", fmt(t / r), "<= 3.0 (issue 16)",
                 "yes" if t / r <= 3.0 else "no",
                 f"XOR 4x4; learned 4/4: transient {learned_transient}/{len(seeds)}, "
                 f"quasi-static {learned_reference}/{len(seeds)} seeds")
        self.details.append((
            "Transient (cllnsim train) and quasi-static reference on XOR, per seed",
            ["seed", "transient accuracy", "transient MSE (V^2)", "transient ms/sample",
             "quasi-static accuracy", "quasi-static MSE (V^2)", "quasi-static ms/sample",
             "quasi-static first 4/4 epoch"], lines))

    # 2b. The same comparison at 800 edges (20x20), where issue 16 asks for the transient to cost no
    # more per sample than the quasi-static loop: benchmark 3's schedule (no annealing), seed 1,
    # 2 epochs, the default solver for the transient (the reference has its own circuit, which
    # uses Sparse).
    def quasistatic_large(self):
        rows, cols, epochs = (8, 8, 1) if self.quick else (20, 20, 2)
        s = {**scaling_settings(rows, cols, epochs), "seed": 1}
        run_dir, _, _ = self.train(f"xor-{rows}x{cols}-transient", s)
        results = results_of(run_dir)
        wall, _ = training_wall(run_dir)
        presentations = 4 * epochs + 4 * len(read_history(run_dir))
        ref = self.reference_run(f"{rows}x{cols}", s, presentations, 1500)
        t, r = wall / presentations, ref["seconds_per_presentation"]
        edges = len(results["network"]["edges"])
        self.row(f"2b. per sample at {edges} edges: physical transient / quasi-static",
                 f"{t * 1e3:.1f} ms / {r * 1e3:.1f} ms", fmt(t / r), "<= 1.0",
                 "yes" if t / r <= 1.0 else "no",
                 f"{rows}x{cols}, seed 1, {epochs} epochs, no annealing; transient solver "
                 f"{results.get('solver', '?')}, {results['time_points']} time points")

    # 5. Wall seconds until XOR is learned, from benchmark 2's transient run of seed 1.
    def time_to_learn(self):
        figure, goal = "5. time to learn XOR (4x4, seed 1): wall s to 4/4", "<= 1 s"
        if self.xor_seed1 is None:  # benchmark 2 did not run: the same run on its own
            self.xor_seed1, _, _ = self.train("xor-seed1", {"analysis.inference_samples": 1,
                                                            "seed": 1})
        history = read_history(self.xor_seed1)
        if "wall_seconds" not in history[0]:
            raise StepFailed("history.csv has no wall_seconds column: the wall time to each epoch "
                             "is not recorded by this cllnsim")
        first = next((h for h in history if h["train_accuracy"] and
                      float(h["train_accuracy"]) == 1.0), None)
        if first is None:
            self.row(figure, "never 4/4", "n/a", goal, "no", f"{len(history) - 1} epochs")
            return
        seconds = float(first["wall_seconds"])
        self.row(figure, f"{seconds:.2f} s (epoch {first['epoch']})", fmt(seconds), goal,
                 "yes" if seconds <= 1.0 else "no", "ratio = measured / 1 s")

    # 3. Cost against the number of edges, for each solver. Each size is run `repeats` times, the
    # solvers' order rotated each time, and the fastest run of each solver counts: on a shared
    # machine the least disturbed one (the others' load falls on all solvers alike).
    def scaling(self):
        sizes = SCALING_SIZES + (LARGE_SIZES if self.large else [])
        if self.quick:
            sizes = [(4, 4, 4, 1), (8, 8, 2, 1)]
        measured = {solver: [] for solver in self.solvers}  # (edges, per sample, per point)
        lines = []
        for rows, cols, epochs, repeats in sizes:
            s = scaling_settings(rows, cols, epochs)
            best = {}  # solver: (wall, results)
            for k in range(repeats):
                order = self.solvers[k % len(self.solvers):] + self.solvers[:k % len(self.solvers)]
                for solver in order:
                    run_dir, _, _ = self.train(f"scaling-{solver}-{rows}x{cols}",
                                               {**s, "simulator.solver": solver}, timeout=1500)
                    wall, _ = training_wall(run_dir)
                    if solver not in best or wall < best[solver][0]:
                        best[solver] = (wall, results_of(run_dir))
            line = [f"{rows}x{cols}", None, f"{epochs} x{repeats}"]
            for solver in self.solvers:
                wall, results = best[solver]
                edges = len(results["network"]["edges"])
                points = results["time_points"]
                samples = 4 * epochs + 4 * (epochs + 1)
                measured[solver].append((edges, wall / samples, wall / points))
                line[1] = str(edges)
                line += [str(points), f"{wall:.2f}", f"{wall / samples * 1e3:.2f}",
                         f"{wall / points * 1e6:.0f}"]
                if solver == "auto":
                    line.append(results.get("solver", "not recorded"))
                self.scaling_rows.append({"lattice": f"{rows}x{cols}", "edges": edges,
                                          "epochs": epochs, "repeats": repeats, "solver": solver,
                                          "used": results.get("solver", solver),
                                          "time_points": points, "wall_seconds": wall,
                                          "seconds_per_sample": wall / samples,
                                          "seconds_per_point": wall / points})
            lines.append(line)

        for solver in self.solvers:
            xs = [m[0] for m in measured[solver]]
            e_sample = exponent(xs, [m[1] for m in measured[solver]])
            e_point = exponent(xs, [m[2] for m in measured[solver]])
            self.exponents[solver] = (e_sample, e_point)
            worst = max(e_sample, e_point)
            self.row(f"3. scaling, `simulator.solver` \"{solver}\": exponent of wall time per "
                     "simulated sample / per time point vs edges",
                     f"edges^{e_sample:.2f} / ^{e_point:.2f}", fmt(worst), "<= 1.2",
                     "yes" if worst <= 1.2 else "no",
                     f"least squares on log-log, {xs[0]}-{xs[-1]} edges ({len(xs)} sizes)" +
                     ("; the default" if solver == "auto" else ""))
        if "sparse" in measured and "klu" in measured:
            # The smallest size from which KLU costs less per time point at every larger size.
            faster = [k[2] < s[2] for s, k in zip(measured["sparse"], measured["klu"])]
            first = next((i for i in range(len(faster)) if all(faster[i:])), None)
            self.crossover = None if first is None else measured["klu"][first][0]
            below = measured["klu"][first - 1][0] if first else None
            self.details.append((
                "Crossover: KLU's cost per time point / Sparse's, per size",
                ["edges", "KLU / Sparse per time point"],
                [[str(s[0]), f"{k[2] / s[2]:.2f}"]
                 for s, k in zip(measured["sparse"], measured["klu"])] +
                [["KLU faster from", "never" if first is None else
                  f"{self.crossover} edges (not at {below})" if below else
                  f"{self.crossover} edges (the smallest size)"]]))
        head = ["lattice", "edges", "epochs x repeats"]
        for solver in self.solvers:
            head += [f"{solver}: time points", f"{solver}: training wall (s)",
                     f"{solver}: ms per sample", f"{solver}: us per time point"]
            if solver == "auto":
                head.append("auto used")
        self.details.append((
            "Scaling (periodic lattices, xor.json's placement scaled, no annealing)", head, lines))

    # 4. Peak RSS of a short and a long run of the same small network.
    def memory(self):
        small = {**lattice_settings(3, 3), "network.inputs.1.at": [0, 1],
                 "network.rails.0.at": [0, 2], "network.rails.1.at": [1, 0],
                 "network.outputs.0.plus": [1, 1], "network.outputs.0.minus": [2, 1],
                 "training.learn_seconds_final": 5e-5, "analysis.inference_samples": 1}
        short_points, long_points = (1e4, 1e5) if self.quick else (1e4, 1e6)
        # Epochs from a probe of 10 epochs (about 180 time points each).
        probe_dir, _, _ = self.train("memory-probe", {**small, "training.epochs": 10})
        per_epoch = results_of(probe_dir)["time_points"] / 10
        results = []
        for label, target in (("short", short_points), ("long", long_points)):
            epochs = max(1, round(target / per_epoch))
            run_dir, wall, rss = self.train(f"memory-{label}", {**small, "training.epochs": epochs},
                                            timeout=1500)
            results.append((label, epochs, results_of(run_dir)["time_points"], wall, rss))
        (_, _, p1, _, r1), (_, _, p2, _, r2) = results
        ratio = r2 / r1
        self.row("4. memory: peak RSS, long run / short run",
                 f"{r2 / 1024:.1f} MB / {r1 / 1024:.1f} MB", fmt(ratio), "<= 1.1",
                 "yes" if ratio <= 1.1 else "no",
                 f"3x3 periodic (18 edges): {p2:,} vs {p1:,} time points")
        self.details.append((
            "Memory (peak RSS of the whole `cllnsim train` process tree)",
            ["run", "epochs", "time points", "wall (s)", "peak RSS (kB)"],
            [[label, str(e), f"{p:,}", f"{w:.1f}", str(r)] for label, e, p, w, r in results]))

    def measure(self, only):
        steps = [("1", "1. overhead", "<= 1.10", self.overhead),
                 ("2", "2. quasi-static", "<= 3.0", self.quasistatic),
                 ("2", "2b. quasi-static, 800 edges", "<= 1.0", self.quasistatic_large),
                 ("3", "3. scaling", "<= 1.3", self.scaling),
                 ("4", "4. memory", "<= 1.1", self.memory),
                 ("5", "5. time to learn", "<= 1 s", self.time_to_learn)]
        for key, figure, goal, step in steps:
            if only and key not in only:
                continue
            started = time.perf_counter()
            print(f"bench: {figure} ...", file=sys.stderr, flush=True)
            try:
                step()
            except (StepFailed, OSError, KeyError, ValueError) as error:
                self.failed(figure, goal, error)
            print(f"bench: {figure} done in {time.perf_counter() - started:.0f} s", file=sys.stderr,
                  flush=True)


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ngspice = subprocess.run(["ngspice", "-v"], capture_output=True, text=True).stdout
    version = re.search(r"ngspice-(\S+)", ngspice)
    load = os.getloadavg()[0]
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"ngspice {version.group(1) if version else '?'}; load average {load:.1f} at the start")


def markdown(bench, header, total):
    lines = [header, "",
             "| figure | measured | ratio | goal | met | note |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in bench.rows:
        lines.append(f"| {r['figure']} | {r['measured']} | {r['ratio']} | {r['goal']} | "
                     f"{r['met']} | {r['note']} |")
    for title, head, rows in bench.details:
        lines += ["", f"{title}:", "", "| " + " | ".join(head) + " |",
                  "|" + " --- |" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", f"Whole benchmark: {total:.0f} s."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes: checks the harness, numbers mean nothing")
    parser.add_argument("--only", default="", help="benchmarks to run, e.g. 13 (default: all)")
    parser.add_argument("--large", action="store_true",
                        help="benchmark 3 also at 1800 and 3200 edges (30x30, 40x40)")
    parser.add_argument("--solvers", default=",".join(SOLVERS),
                        help="simulator.solver values of the scaling benchmark (3), comma-separated "
                             f"(default: {','.join(SOLVERS)})")
    args = parser.parse_args()
    started = time.perf_counter()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    work = args.build / "bench-runs"
    work.mkdir(parents=True, exist_ok=True)
    header = f"Measured {stamp} on {machine()}."
    print(f"bench: {header}\nbench: runs in {work}", file=sys.stderr, flush=True)
    solvers = args.solvers.split(",")
    for solver in solvers:
        if solver not in SOLVERS:
            parser.error(f"--solvers: unknown solver '{solver}' (expected some of {SOLVERS})")
    bench = Bench(args.build.resolve(), work.resolve(), args.quick, solvers, args.large)
    bench.measure(args.only)
    total = time.perf_counter() - started
    text = markdown(bench, header, total)
    print()
    print(text)
    # Only a full run replaces bench/results/latest.*; a partial one stays in the build folder.
    partial = args.quick or args.only or solvers != SOLVERS
    folder, name = (work, "partial") if partial else (args.results, "latest")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(text)
    with open(folder / f"{name}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["figure", "measured", "ratio", "goal", "met", "note"])
        writer.writeheader()
        writer.writerows(bench.rows)
    if bench.scaling_rows:
        with open(folder / f"{name}-scaling.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(bench.scaling_rows[0]))
            writer.writeheader()
            writer.writerows(bench.scaling_rows)
    print(f"bench: table written to {folder / name}.md and .csv", file=sys.stderr)
    if bench.failures:
        print("bench: FAILED steps:\n  " + "\n  ".join(bench.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
