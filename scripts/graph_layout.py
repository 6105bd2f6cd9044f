"""Node positions for drawing a graph that is not a lattice.

`spring_layout` is the Fruchterman-Reingold force layout (edges pull their ends together, all
nodes push each other apart, a cooling step limit), started from seeded random positions, so a
run's network.png is the same every time it is drawn.
"""

import numpy as np

LAYOUT_SEED = 1
LAYOUT_ITERATIONS = 300


def spring_layout(node_count, edges, seed=LAYOUT_SEED, iterations=LAYOUT_ITERATIONS):
    """Positions (x, y) in [0, 1]^2 of `node_count` nodes joined by `edges` ((a, b) index pairs)."""
    if node_count == 1:
        return [(0.5, 0.5)]
    rng = np.random.RandomState(seed)
    position = rng.rand(node_count, 2)
    ideal = 1.0 / np.sqrt(node_count)  # the distance at which pull and push balance
    ends = np.array(edges, dtype=int).reshape(-1, 2)
    step = 0.1
    for _ in range(iterations):
        delta = position[:, None, :] - position[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-9)
        push = (ideal**2 / distance**2)[:, :, None] * delta
        displacement = push.sum(axis=1)
        along = position[ends[:, 0]] - position[ends[:, 1]]
        length = np.maximum(np.linalg.norm(along, axis=1), 1e-9)
        pull = (length / ideal)[:, None] * along
        np.add.at(displacement, ends[:, 0], -pull)
        np.add.at(displacement, ends[:, 1], pull)
        size = np.maximum(np.linalg.norm(displacement, axis=1), 1e-9)
        position += displacement / size[:, None] * np.minimum(size, step)[:, None]
        step *= 0.985
    position -= position.min(axis=0)
    position /= max(position.max(), 1e-9)
    return [tuple(p) for p in position]


def graph_points(nodes, edges):
    """Each node's drawing point: the edge list's coordinates when every node has them,
    otherwise the seeded spring layout."""
    if nodes and all("x" in n for n in nodes):
        return [(n["x"], n["y"]) for n in nodes]
    return spring_layout(len(nodes), [(e["a"], e["b"]) for e in edges])
