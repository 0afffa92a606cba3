"""The paper view's data: papers and their entities as nodes, each link with the sentences behind it.

In: the whole graph (for degrees) and the part shown (``kg.view.select``). Out: a JSON-able dict that
``kg.view.page`` puts into the page. Entities shared by two or more papers are labelled (heaviest first,
without overlap, ``kg.view.labels``); entities seen once are faded until asked for.
"""

from __future__ import annotations

import math

import networkx as nx

from kg.view.labels import base_scale, label_levels
from kg.view.layout import layout
from kg.view.select import neighbours

KINDS = ("paper", "dataset", "method", "task")
LABEL_CHARS = 48


def view_data(
    graph: nx.MultiDiGraph,
    shown: nx.MultiDiGraph,
    *,
    title: str = "kg",
    physics: bool = False,
    relations: dict | None = None,
) -> dict:
    """The JSON payload of the page: ``shown``'s nodes with positions and ``graph``-wide degrees, and its links;
    each entity's stated relations (``rel``: ``kg.view.relations`` rows) from ``relations``.

    Degrees (distinct neighbours) come from the whole ``graph`` so that a focused view keeps the sizes
    and the minimum-degree filter of the full one. Evidence spans are turned into ``hl`` offsets inside
    their sentence so that the page can highlight them.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("paper/1", kind="paper", label="T", title="T", abstract="We use MNIST. It works.")
    >>> g.add_node("dataset/mnist", kind="dataset", label="MNIST")
    >>> _ = g.add_edge("paper/1", "dataset/mnist", key="uses", role="uses", confidence=1.0, evidence=[
    ...     {"field": "abstract", "start": 7, "end": 12, "text": "MNIST", "sentence": "We use MNIST."}])
    >>> d = view_data(g, g)
    >>> [(n["id"], n["degree"]) for n in d["nodes"]], d["links"][0]["evidence"][0]["hl"]
    ([('paper/1', 1), ('dataset/mnist', 1)], [7, 12])
    """
    positions = layout(shown)
    nodes = [_node(graph, node, attrs, positions[node]) for node, attrs in shown.nodes(data=True)]
    base = _add_labels(nodes)
    for n in nodes:
        if relations and n["id"] in relations:
            n["rel"] = relations[n["id"]]
    links = []
    for u, v, key, attrs in shown.edges(keys=True, data=True):
        texts = {f: str(shown.nodes[u].get(f) or "") for f in ("title", "abstract")}
        links.append(
            {
                "from": u,
                "to": v,
                "role": str(attrs.get("role", key)),
                "confidence": attrs.get("confidence"),
                "evidence": [_evidence(ev, texts) for ev in attrs.get("evidence") or ()],
            }
        )
    kinds = {kind: sum(1 for n in nodes if n["kind"] == kind) for kind in KINDS}
    return {
        "mode": "papers",
        "title": title,
        "physics": physics,
        "base": round(base, 6),
        "nodes": nodes,
        "links": links,
        "total": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
        "kinds": kinds,
    }


def _node(graph: nx.MultiDiGraph, node: str, attrs: dict, xy: tuple[float, float]) -> dict[str, object]:
    """One node of the page: id, kind, label, position, degree and the details of its kind."""
    kind = str(attrs.get("kind") or (node.split("/", 1)[0] if "/" in node else "paper"))
    label = str(attrs.get("label") or node)
    item: dict[str, object] = {
        "id": node,
        "kind": kind,
        "label": label,
        "short": shorten(label),
        "x": xy[0],
        "y": xy[1],
        "degree": len(neighbours(graph, node)),
    }
    keys = (
        ("arxiv_id", "version", "url", "date", "authors", "categories")
        if kind == "paper"
        else ("aliases", "vocabulary_id", "broader", "n_papers")
    )
    for key in keys:
        if attrs.get(key) not in (None, "", []):
            item[key] = attrs[key]
    return item


def _add_labels(nodes: list[dict]) -> float:
    """``font`` (pixels) and ``z`` (first zoom level with a label, ``kg.view.labels``) of every entity
    shared by two or more papers; ``once`` marks the entities seen in one paper only. Returns the
    scale of zoom level 0."""
    shared = [n for n in nodes if n["kind"] != "paper" and n["degree"] >= 2]
    top = max((n["degree"] for n in shared), default=2)
    for n in nodes:
        if n["kind"] != "paper" and n["degree"] < 2:
            n["once"] = 1
        if n in shared:
            n["font"] = round(12 + 6 * math.sqrt((n["degree"] - 2) / max(1, top - 2)), 1)
    if not nodes:
        return 1.0
    base = base_scale([n["x"] for n in nodes], [n["y"] for n in nodes])
    levels = label_levels(
        [n["x"] for n in nodes],
        [n["y"] for n in nodes],
        [n["short"] for n in nodes],
        [n.get("font", 12) for n in nodes],
        [n["degree"] if "font" in n else 0 for n in nodes],
        base=base,
    )
    for n, z in zip(nodes, levels):
        if z is not None:
            n["z"] = z
    return base


def shorten(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "\u2026"


def _evidence(ev: dict, texts: dict[str, str]) -> dict[str, object]:
    """One evidence item for the page, with ``hl``: the span's offsets inside ``sentence``."""
    sentence, span = str(ev.get("sentence") or ""), str(ev.get("text") or "")
    start, end = ev.get("start"), ev.get("end")
    field_text = texts.get(str(ev.get("field")), "")
    hl: list[int] | None = None
    if not sentence and isinstance(start, int) and isinstance(end, int) and field_text:
        lo, hi = max(0, start - 100), min(len(field_text), end + 100)
        sentence, hl = field_text[lo:hi], [start - lo, end - lo]
    elif isinstance(start, int) and isinstance(end, int) and sentence:
        at = field_text.find(sentence)
        if at >= 0 and at <= start and end <= at + len(sentence):
            hl = [start - at, end - at]
    if hl is None and span and sentence:
        at = sentence.find(span)
        if at < 0:
            at = sentence.casefold().find(span.casefold())
        hl = [at, at + len(span)] if at >= 0 else None
    return {
        "field": ev.get("field", ""),
        "text": span,
        "sentence": sentence,
        "hl": hl,
        "source": ev.get("source", ""),
        "confidence": ev.get("confidence"),
    }
