"""A seeded force-directed layout, shared by the pictures and the interactive map.

Fruchterman-Reingold with a little gravity (so that separate components stay on the slide),
vectorised with numpy: about a second for 500 nodes and a few for 2,000, where networkx's own
``spring_layout`` needs scipy and a minute. The same graph and seed give the same positions, so
the same picture; the map starts from these positions, so the browser has little left to do.
"""

from __future__ import annotations

import numpy as np
import networkx as nx

DEFAULT_SEED = 7


def layout(
    graph: nx.Graph, *, seed: int = DEFAULT_SEED, iterations: int | None = None, aspect: float = 16 / 9
) -> dict[str, tuple[float, float]]:
    """Positions in [-aspect, aspect] x [-1, 1] (a 16:9 slide by default), deterministic.

    >>> pos = layout(nx.path_graph(["a", "b", "c"]))
    >>> pos == layout(nx.path_graph(["a", "b", "c"])) and len(pos) == 3
    True
    """
    nodes = sorted(graph, key=str)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in graph.edges() if u != v})
    src = np.array([p[0] for p in pairs], dtype=np.intp)
    dst = np.array([p[1] for p in pairs], dtype=np.intp)

    if iterations is None:
        iterations = 150 if n <= 600 else 80 if n <= 1200 else 50
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, size=(n, 2)).astype(np.float32)
    k2 = np.float32(4.0 / n)  # squared ideal distance in a 2x2 box
    k = np.sqrt(k2)
    gravity = np.float32(0.08 * np.sqrt(n))
    temperature = 0.2
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        x, y = pos[:, 0], pos[:, 1]
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        inverse = dx * dx
        inverse += dy * dy
        np.fill_diagonal(inverse, np.inf)
        np.maximum(inverse, 1e-9, out=inverse)
        np.divide(k2, inverse, out=inverse)  # repulsion k^2/d along the unit vector: k^2 * delta / d^2
        displacement = np.stack([(inverse * dx).sum(axis=1), (inverse * dy).sum(axis=1)], axis=1)
        if len(src):
            edge = pos[src] - pos[dst]
            pull = edge * (np.sqrt((edge * edge).sum(axis=1)) / k)[:, None]
            np.subtract.at(displacement, src, pull)
            np.add.at(displacement, dst, pull)
        displacement -= gravity * pos
        length = np.sqrt((displacement * displacement).sum(axis=1))
        np.maximum(length, 1e-9, out=length)
        pos += displacement * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    pos = pos.astype(np.float64)
    pos -= pos.mean(axis=0)
    span = np.abs(pos).max(axis=0)
    span[span == 0] = 1.0
    pos = pos / span * np.array([aspect, 1.0])
    return {node: (float(pos[i, 0]), float(pos[i, 1])) for node, i in index.items()}
