#!/usr/bin/env python3
"""Is a frequency-propagation run's learning step the gradient, at the gates it recorded?

usage: scripts/freqprop_alignment.py RUN_DIR [EPOCH ...] [--plot PNG]   (default epochs: first, last)
       scripts/freqprop_alignment.py RUN_DIR --descend ITERATIONS
       scripts/freqprop_alignment.py RUN_DIR --online RATE [--rule exact|gm|drop] [--epochs N]

For each epoch, the run's network (its netlist.cir, without the controller) is solved at DC by
`ngspice -b` with the gates of gates.csv, for every training sample of samples.csv, and three
steps of the gates are compared:
  exact    -dMSE/dVg, by central differences of each gate (+-2 mV);
  rule_D   what freqprop_nmos.sub integrates: -sum_s D_e A_e, D_e the edge's DC drop and A_e its
           drop's response to the error current a (L - O) at the outputs (computed at DC, a = 1);
  rule_gm  the same with the transistor's own dI/dVg (sign(D) gm, ngspice's @m[gm]) in place of D
           (what freqprop_nmos_gm.sub integrates).
It prints their cosines (--plot: and draws them, with the run's learning curve), how far the samples' gradients cancel (|sum_s g_s| / sum_s |g_s|), and
how far the edges' forward response A (output current -> edge drop, what the circuit measures)
differs from the adjoint one (edge current -> output, what the gradient needs): equal in a
reciprocal network.
--descend: full-batch gradient descent with the exact gradient from the epoch-0 gates (what a
gradient method can reach from the run's start). --online: one step per sample with a fixed,
annealed rate (as the circuit learns), from the exact gradient or from a rule's forward response,
so the rules' effect is measured apart from the circuit's timing. Needs `ngspice` on the PATH; only runs of training.protocol
"frequency_propagation" (one network, an edge whose transistor is `mfree`).
"""
import csv
import json
import math
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

GATE_DELTA_V = 2e-3  # central-difference step of a gate
TEST_CURRENT_A = 1e-6  # the small-signal current injected at an output or across an edge
KN_ALD1106 = 62.5e-6 * 138 / 7.8  # kp w / l of the shipped edges' transistor (A/V^2)
CONTROLLER = ("vlearn", "vin_", "vpolarity", "vlabel", "bsense", "rlowpass", "clowpass",
              "bfeedback", "vosc", "bref", "vref")


def fail(message):
    sys.exit(f"freqprop_alignment.py: {message}")


def read_network(run):
    """The netlist's devices (without the controller, the analyses and the .control block), the
    input nodes by name, the outputs' (plus, minus) nodes by name, and the edges (k, fa, fb)."""
    path = run / "netlist.cir"
    if not path.is_file():
        fail(f"{path}: not found (expected a run directory of `cllnsim train`)")
    text = path.read_text()
    devices, inputs, outputs, edges, in_control = [], {}, {}, [], False
    for line in text.splitlines():
        low = line.strip().lower()
        first = low.split()[0] if low else ""
        if first == ".control":
            in_control = True
        if in_control:
            in_control = first != ".endc"
            continue
        if first.startswith(".") and first not in (".ends", ".subckt", ".model", ".include",
                                                    ".param", ".lib"):
            continue
        if m := re.match(r"vin_(\w+)_f$", first):
            inputs[m.group(1)] = line.split()[1]
        if m := re.match(r"bsense_(\w+)$", first):
            nodes = re.findall(r"V\((\w+)\)", line)
            outputs[m.group(1)] = (nodes[0], nodes[1] if len(nodes) > 1 else "0")
        if re.match(r"xe\d+$", first):
            words = line.split()
            edges.append((int(words[0][2:]), words[1], words[2]))
        if not first.startswith(CONTROLLER):
            devices.append(line)
    if not outputs or "bfeedback" not in text:
        fail(f"{path}: no error current (bfeedback_*): not a frequency-propagation run")
    if "mfree" not in text.lower():
        fail(f"{path}: the edge has no transistor named mfree")
    return devices, inputs, outputs, sorted(edges)


def read_samples(run, inputs, outputs):
    rows = list(csv.DictReader(open(run / "samples.csv")))
    samples = []
    for row in rows:
        if row["set"] != "train":
            continue
        try:
            samples.append(({name: float(row[name]) for name in inputs},
                            {name: float(row["label_" + name]) for name in outputs}))
        except KeyError as missing:
            fail(f"{run / 'samples.csv'}: no column {missing} (expected the inputs and label_*)")
    return samples


def solve(devices, inputs, outputs, edges, gates, sample, responses=True):
    """Solves one sample at DC: outputs, drops D, gm, forward responses A[output][edge],
    adjoint responses T[edge][output] (both empty without `responses`), and dO[gate][output]."""
    x, _ = sample
    lines = ["* freqprop_alignment"] + devices + ["vlearn learn 0 0", "vref ref vss 0"]
    lines += [f"vin_{name} {node} 0 {x[name]}" for name, node in inputs.items()]
    lines += [f"itest_{name} {minus} {plus} dc 0" for name, (plus, minus) in outputs.items()]
    lines += [f"vgate{k} g{k} vss {g}" for k, g in enumerate(gates)]
    lines += [f"iedge{k} {fa} {fb} dc 0" for k, fa, fb in edges]
    def probe(node):  # ngspice's echo has no v(0): ground is printed as 0
        return "0" if node == "0" else f"$&v({node})"

    probe_outputs = " ".join(f"{probe(p)} {probe(m)}" for p, m in outputs.values())
    probe_edges = " ".join(f"{probe(fa)} {probe(fb)}" for _, fa, fb in edges)
    control = [".control", "op", f"echo BASE {probe_outputs} {probe_edges}",
               "echo GM " + " ".join(f"$&@m.xe{k}.mfree[gm]" for k, _, _ in edges)]
    for name in outputs if responses else []:
        control += [f"alter itest_{name} dc={TEST_CURRENT_A}", "op",
                    f"echo FWD_{name} {probe_edges}", f"alter itest_{name} dc=0"]
    for k, _, _ in edges if responses else []:
        control += [f"alter iedge{k} dc={TEST_CURRENT_A}", "op", f"echo ADJ_{k} {probe_outputs}",
                    f"alter iedge{k} dc=0"]
    for k, g in enumerate(gates):
        for tag, value in (("UP", g + GATE_DELTA_V), ("DOWN", g - GATE_DELTA_V)):
            control += [f"alter vgate{k} dc={value}", "op", f"echo {tag}_{k} {probe_outputs}"]
        control += [f"alter vgate{k} dc={g}"]
    lines += control + [".endc", ".end"]
    with tempfile.NamedTemporaryFile("w", suffix=".cir") as netlist:
        netlist.write("\n".join(lines) + "\n")
        netlist.flush()
        result = subprocess.run(["ngspice", "-b", netlist.name], capture_output=True, text=True)
    values = {}
    for line in result.stdout.splitlines():
        words = line.split()
        if words and re.match(r"(BASE|GM|FWD_\w+|ADJ_\d+|UP_\d+|DOWN_\d+)$", words[0]):
            values[words[0]] = [float(w) for w in words[1:]]
    expected = 2 + 2 * len(gates) + (len(outputs) + len(edges) if responses else 0)
    if "BASE" not in values or len(values) != expected:
        fail("ngspice did not solve the network at DC:\n" + result.stdout[-2000:] +
             result.stderr[-2000:])

    def differences(vector):  # pairs (plus, minus) -> plus - minus
        return [vector[2 * i] - vector[2 * i + 1] for i in range(len(vector) // 2)]

    base = values["BASE"]
    out = differences(base[:2 * len(outputs)])
    drops = differences(base[2 * len(outputs):])
    forward = {name: [(d - d0) / TEST_CURRENT_A for d, d0 in
                      zip(differences(values["FWD_" + name]), drops)]
               for name in outputs if responses}
    # ngspice's source iedge takes its current out of fa's node and into fb's; the edge as a port
    # (current into fa, voltage fa - fb, as the output: into plus, plus - minus) sees minus that,
    # so in a reciprocal network adjoint[k][o] == forward[o][k].
    adjoint = [[-(o - o0) / TEST_CURRENT_A for o, o0 in zip(differences(values[f"ADJ_{k}"]), out)]
               for k, _, _ in edges if responses]
    slope = [[(up - down) / (2 * GATE_DELTA_V) for up, down in
              zip(differences(values[f"UP_{k}"]), differences(values[f"DOWN_{k}"]))]
             for k in range(len(gates))]
    return out, drops, values["GM"], forward, adjoint, slope


def cosine(a, b):
    norm = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b)) / norm if norm > 0 else float("nan")


def mse_and_gradient(network, samples, gates):
    """The training MSE, -dMSE/dVg, and the outputs of every sample, at DC."""
    devices, inputs, outputs, edges = network
    mse, descent, outs = 0.0, [0.0] * len(gates), []
    for sample in samples:
        out, _, _, _, _, slope = solve(devices, inputs, outputs, edges, gates, sample,
                                       responses=False)
        errors = [sample[1][name] - o for name, o in zip(outputs, out)]
        outs.append(out)
        mse += sum(e * e for e in errors) / len(errors) / len(samples)
        for k in range(len(gates)):
            descent[k] += 2 * sum(e * s for e, s in zip(errors, slope[k])) / len(errors) / len(samples)
    return mse, descent, outs


def accuracy(outs, samples):
    """The fraction of samples whose outputs all lie within half the labels' spread of their
    labels (for XOR's one output: nearest-target accuracy)."""
    labels = [list(label.values()) for _, label in samples]
    half_spread = (max(map(max, labels)) - min(map(min, labels))) / 2
    return sum(all(abs(o - l) < half_spread for o, l in zip(out, label))
               for out, label in zip(outs, labels)) / len(samples)


def descend(network, samples, gates, iterations, bounds):
    """Full-batch gradient descent on the DC network from `gates`, each gate clipped to the edge's
    soft bounds; the step grows 1.3x after a step that lowers the MSE and halves until one does.
    Prints the MSE and the samples within half the targets' spread of their label (XOR's
    nearest-target accuracy for one output)."""
    mse, descent, outs = mse_and_gradient(network, samples, gates)
    rate = 0.05 / max(abs(d) for d in descent)  # the first step moves a gate by at most 50 mV
    print("iteration  mse(V^2)  accuracy  largest gate step (V)")
    for iteration in range(1, iterations + 1):
        while True:
            trial = [min(bounds[1], max(bounds[0], g + rate * d)) for g, d in zip(gates, descent)]
            trial_mse, trial_descent, trial_outs = mse_and_gradient(network, samples, trial)
            if trial_mse < mse or rate < 1e-12:
                break
            rate /= 2
        largest = max(abs(t - g) for t, g in zip(trial, gates))
        gates, mse, descent, outs = trial, trial_mse, trial_descent, trial_outs
        rate *= 1.3
        print(f"{iteration:9d}  {mse:.3e}  {accuracy(outs, samples):8.2f}  {largest:.2e}",
              flush=True)
    print("final gates: " + " ".join(f"{g:.3f}" for g in gates))


def sample_step(network, gates, sample, count, rule, kn):
    """One sample's share of -dMSE/dVg (count samples), from `rule`: exact (the output's
    response to each gate: the adjoint), gm (sign(D) gm times the edge's forward response to
    the error current: what freqprop_nmos_gm.sub integrates), drop (kn D in place of gm:
    freqprop_nmos.sub)."""
    devices, inputs, outputs, edges = network
    out, drops, gm, forward, _, slope = solve(devices, inputs, outputs, edges, gates, sample,
                                              responses=rule != "exact")
    errors = [sample[1][name] - o for name, o in zip(outputs, out)]
    scale = 2 / len(errors) / count
    if rule == "exact":
        return [scale * sum(e * s for e, s in zip(errors, slope[k])) for k in range(len(gates))]
    # In a reciprocal network the forward response equals minus the output's slope per unit
    # edge current (see solve), so minus forward stands where the adjoint would.
    factor = [math.copysign(g, d) for g, d in zip(gm, drops)] if rule == "gm" else \
        [kn * d for d in drops]
    return [-scale * factor[k] * sum(e * forward[name][k] for e, name in zip(errors, outputs))
            for k in range(len(gates))]


def online(network, samples, gates, rate, epochs, rule, kn, bounds):
    """Per-sample descent as the circuit learns: one step per sample in a shuffled order (fixed
    seed), the rate annealed geometrically from `rate` to rate/10 over the epochs (as the learn
    windows 50 -> 5 us of the shipped configs), each gate clipped to the edge's soft bounds."""
    order = random.Random(1)
    print(f"epoch  mse(V^2)  accuracy   (rule {rule}, rate {rate:g})")
    for epoch in range(1, epochs + 1):
        epoch_rate = rate * 0.1 ** ((epoch - 1) / max(epochs - 1, 1))
        for i in order.sample(range(len(samples)), len(samples)):
            step = sample_step(network, gates, samples[i], len(samples), rule, kn)
            gates = [min(bounds[1], max(bounds[0], g + epoch_rate * d))
                     for g, d in zip(gates, step)]
        if epoch % 10 == 0 or epoch in (1, epochs):
            mse, _, outs = mse_and_gradient(network, samples, gates)
            print(f"{epoch:5d}  {mse:.3e}  {accuracy(outs, samples):8.2f}", flush=True)


def alignment(network, samples, gates_by_epoch, epochs):
    """Prints, and returns as rows (epoch, mse, cos_D, cos_gm, cancellation), the comparison."""
    devices, inputs, outputs, edges = network
    rows = []
    names = list(outputs)
    print("epoch  mse(V^2)  cos(rule_D,exact)  cos(rule_gm,exact)  cancellation  "
          "forward-vs-adjoint |A-T|/|T| per sample")
    for epoch in epochs:
        gates = gates_by_epoch[epoch]
        n = len(gates)
        exact, rule_d, rule_gm = [0.0] * n, [0.0] * n, [0.0] * n
        mse, per_sample_norm, asymmetry = 0.0, 0.0, []
        for sample in samples:
            out, drops, gm, forward, adjoint, slope = solve(devices, inputs, outputs, edges,
                                                            gates, sample)
            errors = [sample[1][name] - o for name, o in zip(names, out)]  # L - O
            mse += sum(e * e for e in errors) / len(errors) / len(samples)
            gradient = [sum(e * s for e, s in zip(errors, slope[k])) for k in range(n)]
            per_sample_norm += math.sqrt(sum(g * g for g in gradient))
            for k in range(n):
                exact[k] += gradient[k]
                response = sum(e * forward[name][k] for e, name in zip(errors, names))
                rule_d[k] -= drops[k] * response
                rule_gm[k] -= math.copysign(gm[k], drops[k]) * response
            fwd = [forward[name][k] for name in names for k in range(n)]
            adj = [adjoint[k][j] for j in range(len(names)) for k in range(n)]
            asymmetry.append(sum(abs(f - a) for f, a in zip(fwd, adj)) /
                             sum(abs(a) for a in adj))
        # rule_* is the gate step up to a positive factor; exact is -dMSE/dVg up to one.
        cancellation = math.sqrt(sum(g * g for g in exact)) / per_sample_norm
        rows.append((epoch, mse, cosine(rule_d, exact), cosine(rule_gm, exact), cancellation))
        print(f"{epoch:5d}  {mse:.3e}  {cosine(rule_d, exact):+17.3f}  "
              f"{cosine(rule_gm, exact):+18.3f}  {cancellation:12.3f}  " +
              " ".join(f"{a:.3f}" for a in asymmetry))
    return rows


def plot_alignment(run, rows, path):
    """The run's training MSE (history.csv) above, the cosines and the cancellation below."""
    import plot_python
    plot_python.use_matplotlib("freqprop_alignment.py")
    import matplotlib.pyplot as plt
    history = list(csv.DictReader(open(run / "history.csv")))
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    top.semilogy([int(r["epoch"]) for r in history], [float(r["train_mse"]) for r in history],
                 color="black", label="in circuit (history.csv)")
    top.semilogy([r[0] for r in rows], [r[1] for r in rows], "o", color="gray",
                 label="at DC from gates.csv")
    top.set_ylabel("training MSE (V$^2$)")
    top.legend()
    top.set_title(f"{run.name}: the learning step against the exact gradient")
    epochs = [r[0] for r in rows]
    bottom.plot(epochs, [r[2] for r in rows], "o-", label="cos(-sum D A, -grad)  (freqprop_nmos)")
    bottom.plot(epochs, [r[3] for r in rows], "s-", label="cos(-sum gm A, -grad)  (freqprop_nmos_gm)")
    bottom.plot(epochs, [r[4] for r in rows], "^--", color="gray",
                label="|sum_s g_s| / sum_s |g_s|  (cancellation)")
    bottom.axhline(0, color="black", linewidth=0.5)
    bottom.set_ylim(-1.05, 1.05)
    bottom.set_xlabel("epoch")
    bottom.legend(fontsize=8, loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"plot: {path}")


USAGE = ("usage: freqprop_alignment.py RUN_DIR [EPOCH ...] [--plot PNG]\n"
         "       freqprop_alignment.py RUN_DIR --descend ITERATIONS\n"
         "       freqprop_alignment.py RUN_DIR --online RATE [--rule exact|gm|drop] "
         "[--epochs N] [--kn A_PER_V2]")


def take_option(arguments, name, convert, default):
    """Removes `name VALUE` from arguments and returns convert(VALUE) (default if absent)."""
    if name not in arguments:
        return default
    at = arguments.index(name)
    try:
        value = convert(arguments[at + 1])
    except (IndexError, ValueError):
        fail(f"{name} needs a value\n{USAGE}")
    del arguments[at:at + 2]
    return value


def main():
    arguments = sys.argv[1:]
    iterations = take_option(arguments, "--descend", int, None)
    rate = take_option(arguments, "--online", float, None)
    rule = take_option(arguments, "--rule", str, "exact")
    epochs_online = take_option(arguments, "--epochs", int, 60)
    kn = take_option(arguments, "--kn", float, KN_ALD1106)
    plot = take_option(arguments, "--plot", str, None)
    if rule not in ("exact", "gm", "drop"):
        fail(f"--rule {rule}: expected exact, gm or drop")
    if not arguments or arguments[0].startswith("--"):
        fail(USAGE)
    run = Path(arguments[0])
    network = read_network(run)
    samples = read_samples(run, network[1], network[2])
    gates_by_epoch = {int(float(row[0])): [float(v) for v in row[1:]]
                      for row in list(csv.reader(open(run / "gates.csv")))[1:]}
    epochs = [int(e) for e in arguments[1:]] or [min(gates_by_epoch), max(gates_by_epoch)]
    for epoch in epochs:
        if epoch not in gates_by_epoch:
            fail(f"{run / 'gates.csv'}: no row for epoch {epoch}")
    edge_params = json.load(open(run / "results.json"))["config"]["network"]["edge"].get(
        "params", {})
    bounds = (edge_params.get("vgmin", 0.8), edge_params.get("vgmax", 5.5))
    if iterations is not None:
        descend(network, samples, gates_by_epoch[epochs[0]], iterations, bounds)
    elif rate is not None:
        online(network, samples, gates_by_epoch[epochs[0]], rate, epochs_online, rule, kn, bounds)
    else:
        rows = alignment(network, samples, gates_by_epoch, epochs)
        if plot:
            plot_alignment(run, rows, plot)


if __name__ == "__main__":
    main()
