"""Which part of a graph a view shows: a node named by id, label or alias; its neighbourhood; the top entities.

Graphs in and out are networkx ``MultiDiGraph`` s as ``kg.graph.build_graph`` makes them (paper nodes
``paper/<id>``, entity nodes ``dataset/...``, edges paper -> entity keyed by role).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import networkx as nx

from kg.errors import KGError


def resolve(graph: nx.MultiDiGraph, focus: str) -> str:
    """The node id that ``focus`` names: an id, a label or an alias, compared case-insensitively.

    An exact id wins; when several nodes share a label or alias, the one with most neighbours
    (then the smallest id) is taken. An unknown name raises ``KGError`` listing close matches.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("method/resnet", kind="method", label="ResNet", aliases=[["residual network", 2]])
    >>> resolve(g, "RESIDUAL NETWORK")
    'method/resnet'
    >>> resolve(g, "resnett")
    Traceback (most recent call last):
    ...
    kg.errors.KGError: no node named 'resnett'; close matches: ResNet
    """
    if focus in graph:
        return focus
    wanted = focus.strip().casefold()
    hits = [node for node, names in names(graph) if wanted in names]
    if hits:
        return min(hits, key=lambda node: (-len(neighbours(graph, node)), node))
    choices: dict[str, str] = {}
    for node, attrs in graph.nodes(data=True):
        for name in (node, str(attrs.get("label", "")), *(str(a[0]) for a in attrs.get("aliases") or ())):
            choices.setdefault(name.casefold(), str(attrs.get("label") or node))
    close = difflib.get_close_matches(wanted, sorted(choices), n=5, cutoff=0.6)
    shown = sorted(dict.fromkeys(choices[c] for c in close))
    hint = f"; close matches: {', '.join(shown)}" if shown else "; no close matches"
    raise KGError(f"no node named {focus!r}{hint}")


def subgraph(graph: nx.MultiDiGraph, focus: str, hops: int = 1) -> nx.MultiDiGraph:
    """The nodes within ``hops`` steps of ``focus`` (edges followed both ways), with the edges among them.

    >>> g = nx.MultiDiGraph([("paper/1", "task/a"), ("paper/2", "task/a"), ("paper/2", "task/b")])
    >>> sorted(subgraph(g, "task/a", hops=1))
    ['paper/1', 'paper/2', 'task/a']
    >>> sorted(subgraph(g, "task/a", hops=2))
    ['paper/1', 'paper/2', 'task/a', 'task/b']
    """
    if hops < 0:
        raise KGError(f"hops must be >= 0, not {hops}")
    start = resolve(graph, focus)
    seen, frontier = {start}, [start]
    for _ in range(hops):
        frontier = [n for node in frontier for n in sorted(neighbours(graph, node)) if n not in seen]
        seen.update(frontier)
    return graph.subgraph(seen).copy()


def top_subgraph(graph: nx.MultiDiGraph, n: int) -> nx.MultiDiGraph:
    """The ``n`` entities with most papers (ties by id) and every paper linked to them.

    >>> g = nx.MultiDiGraph([("paper/1", "task/a"), ("paper/2", "task/a"), ("paper/2", "task/b")])
    >>> for node in ("paper/1", "paper/2"):
    ...     g.nodes[node]["kind"] = "paper"
    >>> sorted(top_subgraph(g, 1))
    ['paper/1', 'paper/2', 'task/a']
    """
    if n < 0:
        raise KGError(f"top must be >= 0, not {n}")
    entities = [node for node, kind in graph.nodes(data="kind") if kind != "paper"]
    ranked = sorted(entities, key=lambda node: (-len(neighbours(graph, node)), node))[:n]
    keep = set(ranked).union(*(neighbours(graph, node) for node in ranked))
    return graph.subgraph(keep).copy()


def neighbours(graph: nx.MultiDiGraph, node: str) -> set[str]:
    """The distinct nodes linked to ``node`` either way, itself excluded."""
    return (set(graph.successors(node)) | set(graph.predecessors(node))) - {node}


def names(graph: nx.MultiDiGraph) -> Iterable[tuple[str, set[str]]]:
    """Each node with its id, label and aliases, case-folded."""
    for node, attrs in graph.nodes(data=True):
        found = {node.casefold(), str(attrs.get("label", "")).casefold()}
        found.update(str(alias[0]).casefold() for alias in attrs.get("aliases") or ())
        yield node, found
