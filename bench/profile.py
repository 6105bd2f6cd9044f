#!/usr/bin/python3
"""Where the time of a training transient goes (README "Performance"), for each lattice and solver:

1. ngspice's own accounting (`rusage all` after the transient): the exported netlist of the run
   (`cllnsim netlist`, the same circuit and schedule as `cllnsim train`; benchmark 1 shows both
   cost the same) replayed by `ngspice -b` with `run`, `rusage all`, `quit` appended: device load
   (every device's evaluation and matrix stamping), LU factor (with reordering), solve, time-step
   control (truncation error) and the rest of the transient loop.
2. `perf record -e cpu-clock` (timer sampling; no hardware counters needed) of `cllnsim train`
   itself, grouped by the library the samples fall in: libngspice (its symbols are stripped in
   Debian's package, so no finer), the compiled learning rule (cl_learn_rule.osdi), libm, libc,
   libgomp, the kernel, and cllnsim (our driver, its source callbacks and the run directory).

    /usr/bin/python3 bench/profile.py --build build-bench [--sizes 4x4:24,20x20:2] [--solvers sparse,klu]

Writes the tables to stdout and to BUILD/bench-runs/profile.md. Needs `ngspice` and `perf`.
"""
import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import XOR, run, scaling_settings, sets  # noqa: E402

RUSAGE = {"transient": "Transient analysis time", "load": "Transient load time",
          "factor": "Transient factor time", "solve": "Transient solve time",
          "trunc": "Transient trunc time", "reorder": "Matrix reorder time",
          "points": "Accepted timepoints", "iterations": "Transient iterations",
          "equations": "Circuit Equations"}
DSOS = [("libngspice", "libngspice"), ("cl_learn_rule.osdi", "OSDI rule"), ("libm", "libm"),
        ("libc", "libc"), ("libgomp", "libgomp"), ("[kernel", "kernel"),
        ("cllnsim", "cllnsim"), ("libstdc++", "libstdc++")]


def ngspice_accounting(cllnsim, work, name, settings):
    netlist = work / f"{name}.cir"
    run([cllnsim, "netlist", XOR, "-o", netlist, *sets(settings)], "cllnsim netlist", 300)
    lines = netlist.read_text().splitlines()
    if lines[-1].strip().lower() != ".end":
        raise SystemExit(f"profile.py: {netlist} does not end with .end")
    # `quit` stops ngspice -b from running the transient a second time after the .control block.
    lines[-1:] = [".control", "run", "rusage all", "quit", ".endc", ".end"]
    netlist.write_text("\n".join(lines) + "\n")
    log = work / f"{name}.ngspice.log"
    run(["ngspice", "-b", netlist], f"ngspice -b {netlist.name}", 3000, log)
    text = log.read_text(errors="replace")
    values = {}
    for key, label in RUSAGE.items():
        found = re.search(rf"^{re.escape(label)} = (\S+)", text, re.M)
        if not found:
            raise SystemExit(f"profile.py: no '{label}' in {log}")
        values[key] = float(found.group(1))
    return values


def perf_shares(cllnsim, work, name, settings):
    data = work / f"{name}.perf.data"
    out = work / f"{name}.run"
    if out.exists():
        shutil.rmtree(out)
    run(["perf", "record", "-e", "cpu-clock", "-F", "999", "-o", data, "--", cllnsim, "train",
         XOR, "--out", out, "--quiet", "--no-plots", *sets(settings)], "perf record", 3000,
        work / f"{name}.perf.log")
    report = subprocess.run(["perf", "report", "-i", str(data), "--sort", "dso", "--stdio"],
                            capture_output=True, text=True, check=True).stdout
    shares = {label: 0.0 for _, label in DSOS}
    shares["other"] = 0.0
    for line in report.splitlines():
        found = re.match(r"\s*([\d.]+)%\s+(\S+)", line)
        if not found:
            continue
        share, dso = float(found.group(1)), found.group(2)
        label = next((label for prefix, label in DSOS if dso.startswith(prefix)), "other")
        shares[label] += share
    symbols = subprocess.run(["perf", "report", "-i", str(data), "--sort", "dso,sym", "--stdio"],
                             capture_output=True, text=True, check=True).stdout
    meminfo = sum(float(m.group(1)) for m in re.finditer(
        r"^\s*([\d.]+)%\s+\[kernel\S*\]\s+\[k\] (meminfo_proc_show|seq_put_decimal_ull_width|"
        r"num_to_str|vsnprintf|seq_printf|format_decode|number|show_val_kb|si_meminfo|"
        r"si_mem_available)\s*$", symbols, re.M))
    shares["kernel: reading /proc/meminfo"] = meminfo
    return shares


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--sizes", default="4x4:24,20x20:2",
                        help="ROWSxCOLS:EPOCHS,... (default 4x4:24,20x20:2)")
    parser.add_argument("--solvers", default="sparse,klu")
    args = parser.parse_args()
    cllnsim = args.build.resolve() / "cllnsim"
    work = args.build.resolve() / "bench-runs" / "profile"
    work.mkdir(parents=True, exist_ok=True)
    accounting, shares = [], []
    for size in args.sizes.split(","):
        shape, epochs = size.split(":")
        rows, cols = (int(v) for v in shape.split("x"))
        for solver in args.solvers.split(","):
            name = f"{rows}x{cols}-{solver}"
            settings = {**scaling_settings(rows, cols, int(epochs)),
                        "simulator.solver": solver}
            print(f"profile: {name} ...", file=sys.stderr, flush=True)
            a = ngspice_accounting(cllnsim, work, name, settings)
            edges = 2 * rows * cols
            total = a["transient"]
            factor = a["factor"] + a["reorder"]
            rest = total - a["load"] - factor - a["solve"] - a["trunc"]
            accounting.append([name, str(edges), str(int(a["points"])),
                               f"{a['iterations'] / a['points']:.2f}", f"{total:.2f}",
                               f"{total / a['points'] * 1e6:.0f}"] +
                              [f"{100 * v / total:.0f} %" for v in
                               (a["load"], factor, a["solve"], a["trunc"], rest)])
            s = perf_shares(cllnsim, work, name, settings)
            shares.append([name] + [f"{v:.1f}" for v in s.values()])
            labels = list(s)
    lines = ["ngspice's own accounting of the transient (`ngspice -b` replay, `rusage all`):", "",
             "| run | edges | time points | Newton iterations per point | transient (s) | "
             "us per point | device load | LU factor + reorder | solve | time-step control "
             "(trunc) | rest of the loop |",
             "|" + " --- |" * 11]
    lines += ["| " + " | ".join(row) + " |" for row in accounting]
    lines += ["", "`perf record -e cpu-clock` of `cllnsim train`, share of samples (%) by library:",
              "", "| run | " + " | ".join(labels) + " |", "|" + " --- |" * (len(labels) + 1)]
    lines += ["| " + " | ".join(row) + " |" for row in shares]
    text = "\n".join(lines) + "\n"
    print(text)
    (work.parent / "profile.md").write_text(text)


if __name__ == "__main__":
    main()
