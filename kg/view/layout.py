"""Positions, computed once in Python with igraph and drawn fixed by the page.

In: a networkx graph (the paper view) or vertex pairs with weights (the map). Out: ``{node: (x, y)}``
in vis-network units, rounded to 0.1, the same for the same input (seeded).
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import igraph
import networkx as nx

#: median on-screen edge length, in vis-network units, that positions are scaled to
EDGE_LENGTH = 150.0


def layout(graph: nx.MultiDiGraph, *, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Seeded positions for vis-network: igraph Fruchterman-Reingold per connected component, packed.

    Each component is laid out on its own and scaled so that its median edge is ``EDGE_LENGTH`` long;
    components are then packed in rows, largest first (laid out together, small components and
    isolated nodes would drift far from the main one). igraph lays out 5,000 nodes in about a second
    (networkx ``spring_layout`` takes ~9 s for 2,000). Coordinates are rounded to 0.1: the same graph
    always gives the same numbers.

    >>> pos = layout(nx.MultiDiGraph([("paper/1", "task/a"), ("paper/2", "task/b")]))
    >>> sorted(pos), pos == layout(nx.MultiDiGraph([("paper/1", "task/a"), ("paper/2", "task/b")]))
    (['paper/1', 'paper/2', 'task/a', 'task/b'], True)
    """
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    ends = ((index[u], index[v]) for u, v in graph.edges() if u != v)
    pairs = sorted({(min(i, j), max(i, j)) for i, j in ends})
    coords = layout_pairs(len(nodes), pairs, seed=seed)
    return {nodes[v]: xy for v, xy in enumerate(coords)}


def layout_pairs(
    n: int, pairs: Sequence[tuple[int, int]], weights: Sequence[float] | None = None, *, seed: int = 0, niter: int = 500
) -> list[tuple[float, float]]:
    """Positions of vertices ``0..n-1`` linked by ``pairs`` (weighted: heavier links pull harder).

    >>> layout_pairs(3, [(0, 1)], [2.0]) == layout_pairs(3, [(0, 1)], [2.0])
    True
    >>> layout_pairs(0, [])
    []
    """
    if n == 0:
        return []
    membership = igraph.Graph(n=n, edges=list(pairs)).connected_components().membership
    members: dict[int, list[int]] = {}
    for vertex, component in enumerate(membership):
        members.setdefault(component, []).append(vertex)
    edges_of: dict[int, list[tuple[int, int, float]]] = {}
    for i, (a, b) in enumerate(pairs):
        edges_of.setdefault(membership[a], []).append((a, b, weights[i] if weights is not None else 1.0))
    components = sorted(members, key=lambda c: (-len(members[c]), members[c][0]))
    with seeded(seed) as rng:
        drawn = [(members[c], _component_layout(members[c], edges_of.get(c, []), rng, niter)) for c in components]
    coords = _pack(drawn, margin=EDGE_LENGTH)
    return [(round(coords[v][0], 1), round(coords[v][1], 1)) for v in range(n)]


@contextmanager
def seeded(seed: int) -> Iterator[random.Random]:
    """igraph's random numbers drawn from ``random.Random(seed)`` inside the block (FR jitters
    coincident nodes and Leiden visits nodes with igraph's global generator), its default after."""
    rng = random.Random(seed)
    igraph.set_random_number_generator(rng)
    try:
        yield rng
    finally:
        igraph.set_random_number_generator(random)  # igraph's default


def _component_layout(
    vertices: list[int], edges: list[tuple[int, int, float]], rng: random.Random, niter: int
) -> list[tuple[float, float]]:
    """FR positions of one connected component, centred, median edge ``EDGE_LENGTH`` long."""
    if len(vertices) == 1:
        return [(0.0, 0.0)]
    local = {v: i for i, v in enumerate(vertices)}
    pairs = [(local[a], local[b]) for a, b, _ in edges]
    weights = [w for _, _, w in edges]
    radius = len(vertices) ** 0.5
    start = [[rng.uniform(-radius, radius), rng.uniform(-radius, radius)] for _ in vertices]
    graph = igraph.Graph(n=len(vertices), edges=pairs)
    uniform = all(w == 1.0 for w in weights)
    coords = graph.layout_fruchterman_reingold(seed=start, niter=niter, weights=None if uniform else weights).coords
    cx = statistics.fmean(x for x, _ in coords)
    cy = statistics.fmean(y for _, y in coords)
    typical = statistics.median(
        ((coords[a][0] - coords[b][0]) ** 2 + (coords[a][1] - coords[b][1]) ** 2) ** 0.5 for a, b in pairs
    )
    scale = EDGE_LENGTH / (typical or 1.0)
    return [((x - cx) * scale, (y - cy) * scale) for x, y in coords]


def _pack(drawn: list[tuple[list[int], list[tuple[float, float]]]], margin: float) -> dict[int, tuple[float, float]]:
    """Shelf packing of component layouts (largest first) into rows about as wide as the whole is tall."""
    boxes = []
    for vertices, coords in drawn:
        xs, ys = [x for x, _ in coords], [y for _, y in coords]
        gap = margin if len(vertices) > 1 else margin / 3  # isolated nodes sit in a tighter grid
        boxes.append((vertices, coords, min(xs), min(ys), max(xs) - min(xs) + gap, max(ys) - min(ys) + gap))
    row_width = max(max(w for *_, w, _ in boxes), sum(w * h for *_, w, h in boxes) ** 0.5 * 1.2)
    out: dict[int, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for vertices, coords, left, top, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for v, (px, py) in zip(vertices, coords):
            out[v] = (px - left + x, py - top + y)
        x, row_height = x + w, max(row_height, h)
    cx = (min(p[0] for p in out.values()) + max(p[0] for p in out.values())) / 2
    cy = (min(p[1] for p in out.values()) + max(p[1] for p in out.values())) / 2
    return {v: (px - cx, py - cy) for v, (px, py) in out.items()}
