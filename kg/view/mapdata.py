"""The map's data: entities linked by co-occurrence, clustered, laid out and labelled once, here.

In: a source (``kg.view.sources``). Out: a JSON-able dict for ``kg.view.page``: the entities (position,
size by papers, cluster, label zoom level), their links (papers linking both, at least a minimum; the
strongest of each type per entity, the strongest of all drawn), the clusters, and the papers of each
entity (title, date, role, sentences) as a table the page reads when an entity is selected: papers are
never nodes.

>>> from kg.query import KnowledgeGraph
>>> from kg.view.sources import GraphSource
>>> d = map_data(GraphSource(KnowledgeGraph.example().to_networkx()), min_cooccurrence=1)
>>> [n["label"] for n in d["nodes"]][:2], d["links"][0][:3]
(['CIFAR-10', 'Generative Adversarial Network'], [0, 1, 2])
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import igraph

from kg.config import Config
from kg.view.data import KINDS, shorten
from kg.view.labels import base_scale, label_levels
from kg.view.layout import layout_pairs, seeded
from kg.view.relations import source_relations
from kg.view.sources import MapEntity, recency

#: cluster colours, largest cluster first (the rest are grey)
PALETTE = (
    "#2563eb",
    "#dc2626",
    "#16a34a",
    "#9333ea",
    "#ea580c",
    "#0891b2",
    "#ca8a04",
    "#db2777",
    "#4f46e5",
    "#65a30d",
    "#0d9488",
    "#c026d3",
)
GREY = "#94a3b8"
NEIGHBOURS_PER_TYPE = 5


def map_data(
    source: Any,
    *,
    config: Config = Config(),
    top: int | None = None,
    min_cooccurrence: int | None = None,
    title: str = "kg",
) -> dict[str, Any]:
    """The map of the ``top`` entities with most papers (default ``config.view_max_nodes``)."""
    top = config.view_max_nodes if top is None else top
    minimum = config.view_map_min_cooccurrence if min_cooccurrence is None else min_cooccurrence
    entities = source.entities(top)
    ids = [e.id for e in entities]
    links = source.links(ids)
    counts = cooccurrence([links[e] for e in ids], 1)
    kept = strongest(counts, [e.kind for e in entities], NEIGHBOURS_PER_TYPE, minimum)
    weights = [c / math.sqrt(entities[a].papers * entities[b].papers) for a, b, c in kept]
    mean = sum(weights) / len(weights) if weights else 1.0
    weights = [w / mean for w in weights]
    membership = clusters(len(entities), [(a, b) for a, b, _ in kept], weights)
    positions = layout_pairs(len(entities), [(a, b) for a, b, _ in kept], weights, niter=300)
    nodes = _nodes(entities, positions, membership)
    n_papers = source.count_papers()
    small = n_papers <= config.view_map_threshold  # a listing: the sentences of every paper embedded
    papers, table = _papers(
        source,
        ids,
        [links[e] for e in ids],
        config.view_map_papers,
        config.view_map_papers if small else config.view_map_sentences,
    )
    stated = source_relations(source, ids)
    for node, mine, entity_id in zip(nodes, table, ids):
        node["p"] = mine
        if entity_id in stated:
            node["rel"] = stated[entity_id]  # its stated relations (kg.view.relations rows)
    drawn = _drawn(kept, weights, len(entities))
    return {
        "mode": "map",
        "title": title,
        "base": round(_labels(nodes), 6),
        "nodes": nodes,
        "links": [[a, b, c, int(i in drawn)] for i, (a, b, c) in enumerate(kept)],
        "papers": papers,
        "clusters": _clusters(nodes),
        "minimum": minimum,
        "kinds": {kind: sum(1 for n in nodes if n["kind"] == kind) for kind in KINDS[1:]},
        "total": {"papers": n_papers},
    }


def cooccurrence(papers_of: Sequence[Sequence[tuple[str, str]]], minimum: int) -> dict[tuple[int, int], int]:
    """How many papers link each pair of entities (by index), for pairs with at least ``minimum``.

    >>> cooccurrence([[("p1", "uses"), ("p2", "uses")], [("p1", "uses")], [("p2", "uses")]], 1)
    {(0, 1): 1, (0, 2): 1}
    """
    entities_of: dict[str, set[int]] = {}
    for index, pairs in enumerate(papers_of):
        for paper, _ in pairs:
            entities_of.setdefault(paper, set()).add(index)
    counts: Counter[tuple[int, int]] = Counter()
    for members in entities_of.values():
        if len(members) > 1:
            counts.update(combinations(sorted(members), 2))
    return {pair: n for pair, n in sorted(counts.items()) if n >= minimum}


def strongest(
    counts: dict[tuple[int, int], int], kinds: Sequence[str], per_type: int, minimum: int = 1
) -> list[tuple[int, int, int]]:
    """The links kept: for each entity, its ``per_type`` strongest of each neighbour type among pairs
    of ``minimum`` papers or more (both ends' picks); an entity left without any keeps its strongest
    one, so that it sits near what it is used with rather than alone.

    >>> strongest({(0, 1): 3, (0, 2): 2, (1, 2): 1, (2, 3): 1}, ["method"] * 4, 1, minimum=2)
    [(0, 1, 3), (0, 2, 2), (2, 3, 1)]
    """
    by_node: dict[tuple[int, str], list[tuple[int, int, int]]] = {}
    best: dict[int, tuple[int, int]] = {}
    for (a, b), n in counts.items():
        for node, other in ((a, b), (b, a)):
            if node not in best or (-n, other) < best[node]:
                best[node] = (-n, other)
        if n >= minimum:
            by_node.setdefault((a, kinds[b]), []).append((-n, b, a))
            by_node.setdefault((b, kinds[a]), []).append((-n, a, b))
    keep: set[tuple[int, int]] = set()
    for picks in by_node.values():
        for _, other, node in sorted(picks)[:per_type]:
            keep.add((min(node, other), max(node, other)))
    linked = {node for pair in keep for node in pair}
    keep.update((min(node, other), max(node, other)) for node, (_, other) in best.items() if node not in linked)
    return [(a, b, counts[a, b]) for a, b in sorted(keep)]


def clusters(n: int, pairs: Sequence[tuple[int, int]], weights: Sequence[float], seed: int = 0) -> list[int]:
    """Leiden clusters (modularity, seeded), numbered by size: 0 is the largest.

    >>> clusters(4, [(0, 1), (2, 3)], [1.0, 1.0])
    [0, 0, 1, 1]
    """
    if n == 0:
        return []
    graph = igraph.Graph(n=n, edges=list(pairs))
    with seeded(seed):
        raw = graph.community_leiden(
            objective_function="modularity", weights=list(weights) or None, n_iterations=-1
        ).membership
    sizes = Counter(raw)
    first: dict[int, int] = {}
    for vertex, c in enumerate(raw):
        first.setdefault(c, vertex)
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    rank = {c: i for i, c in enumerate(order)}
    return [rank[c] for c in raw]


def _nodes(
    entities: Sequence[MapEntity], positions: Sequence[tuple[float, float]], membership: Sequence[int]
) -> list[dict]:
    most = max((e.papers for e in entities), default=1)
    nodes = []
    for e, (x, y), c in zip(entities, positions, membership):
        share = math.sqrt(e.papers / most)
        node: dict[str, Any] = {
            "id": e.id,
            "kind": e.kind,
            "label": e.label,
            "short": shorten(e.label),
            "n": e.papers,
            "x": x,
            "y": y,
            "c": c,
            "r": round(4 + 30 * share, 1),
            "font": round(11 + 7 * share, 1),
        }
        if e.aliases:
            node["aliases"] = [list(a) for a in e.aliases]
        nodes.append(node)
    return nodes


def _labels(nodes: list[dict]) -> float:
    """Each node's label zoom level ``z`` (``kg.view.labels``), weighted by papers; the base scale."""
    xs, ys = [n["x"] for n in nodes], [n["y"] for n in nodes]
    base = base_scale(xs, ys) if nodes else 1.0
    levels = label_levels(
        xs,
        ys,
        [n["short"] for n in nodes],
        [n["font"] for n in nodes],
        [n["n"] for n in nodes],
        base=base,
        radii=[n["r"] for n in nodes],
    )
    for n, z in zip(nodes, levels):
        if z is not None:
            n["z"] = z
    return base


def _papers(
    source: Any, ids: Sequence[str], papers_of: Sequence[Sequence[tuple[str, str]]], most: int, sentences: int
) -> tuple[list[list[str]], list[list[list]]]:
    """The papers embedded, as rows [arXiv id, title, date], and per entity its rows [paper index, roles,
    sentences], newest first (by date, then arXiv id): its ``most`` most recent papers (by arXiv id,
    ``recency``), with the sentences of the first ``sentences`` in text order."""
    chosen: list[list[tuple[str, str]]] = []
    for pairs in papers_of:
        roles: dict[str, list[str]] = {}
        for paper, role in pairs:
            roles.setdefault(paper, []).append(role)
        recent = sorted(roles, key=recency, reverse=True)[:most]
        chosen.append([(paper, ", ".join(sorted(set(roles[paper])))) for paper in recent])
    paper_ids = sorted({paper for rows in chosen for paper, _ in rows})
    meta = source.papers(paper_ids)
    for rows in chosen:
        rows.sort(key=lambda row: (meta.get(row[0], ("", ""))[1], recency(row[0])), reverse=True)
    wanted = [(paper, ids[i]) for i, rows in enumerate(chosen) for paper, _ in rows[:sentences]]
    said = source.sentences(wanted) if wanted else {}
    index = {paper: i for i, paper in enumerate(paper_ids)}
    table = [
        [[index[paper], role, said.get((paper, ids[i]), [])] for paper, role in rows] for i, rows in enumerate(chosen)
    ]
    return [[paper, *meta.get(paper, ("", ""))] for paper in paper_ids], table


def _drawn(kept: Sequence[tuple[int, int, int]], weights: Sequence[float], n: int) -> set[int]:
    """The links drawn: every entity's strongest, then the strongest of all, up to two per entity."""
    best: dict[int, int] = {}
    for i, (a, b, c) in enumerate(kept):
        for node in (a, b):
            if node not in best or (c, weights[i]) > (kept[best[node]][2], weights[best[node]]):
                best[node] = i
    order = sorted(range(len(kept)), key=lambda i: (-weights[i], i))
    return set(best.values()) | set(order[: 2 * n])


def _clusters(nodes: Sequence[dict]) -> list[dict]:
    """Each cluster's colour, size, papers and name (its entity with most papers)."""
    out: dict[int, dict] = {}
    for n in nodes:
        c = out.setdefault(
            n["c"],
            {
                "id": n["c"],
                "size": 0,
                "label": n["label"],
                "colour": PALETTE[n["c"]] if n["c"] < len(PALETTE) else GREY,
            },
        )
        c["size"] += 1
    return [out[c] for c in sorted(out)]
