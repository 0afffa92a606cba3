"""The HTML views: one self-contained file that explores a graph in a browser, offline, at any size.

Two views, both always available:

- **papers** (``write_html``): papers and their entities as nodes, each link with its sentences; for a
  listing. Entities shared by two or more papers are labelled and larger, entities seen once are faded.
- **map** (``write_map``): entities only, linked by co-occurrence (papers linking both), clustered
  (Leiden), sized by papers; an entity's papers and sentences are data in the page, shown on selection;
  for a corpus (``kg view STORE`` picks it for large graphs).

What flows: a networkx graph (``kg.graph``) or a store -> ``select`` (which part) -> ``layout`` and
``labels`` (positions and label zoom levels, computed once here, seeded) -> ``data`` / ``mapdata`` (the
JSON payload) -> ``page`` (``template.html``, ``view.css``, ``base.js`` + ``view.js`` or ``map.js`` and
vis-network inlined from the ``pyvis`` package: no CDN, no request).

>>> from kg.records import Paper, Entity, Link, EntityType, Role
>>> from kg.graph import build_graph
>>> g = build_graph(
...     [Paper(id="2201.00001", version=1, title="ResNets on ImageNet", abstract="We use ImageNet.")],
...     [Entity(id="dataset/imagenet", type=EntityType.DATASET, label="ImageNet", aliases=(("ImageNet", 1),))],
...     [Link("2201.00001", "dataset/imagenet", Role.USES)])
>>> import tempfile, pathlib
>>> out = write_html(g, pathlib.Path(tempfile.mkdtemp()) / "view.html", title="demo")
>>> html = out.read_text(encoding="utf-8")
>>> html.startswith("<!DOCTYPE html>"), "cdn" in html.lower(), 'id="kg-data"' in html
(True, False, True)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import networkx as nx

from kg.config import Config
from kg.errors import KGError, unknown_name
from kg.view.data import view_data
from kg.view.layout import layout
from kg.view.mapdata import map_data
from kg.view.page import page, script_json, write_page
from kg.view.relations import split
from kg.view.select import resolve, subgraph, top_subgraph
from kg.view.sources import GraphSource, StoreSource

__all__ = [
    "GraphSource",
    "MODES",
    "StoreSource",
    "layout",
    "map_data",
    "render_html",
    "resolve",
    "script_json",
    "subgraph",
    "top_subgraph",
    "view",
    "view_data",
    "write_html",
    "write_map",
]
MODES = ("auto", "map", "papers")


def render_html(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    top: int | None = None,
    title: str = "kg",
    physics: bool = False,
) -> str:
    """The paper view as a string (``write_html`` writes it to a file).

    ``focus`` (an id, label or alias) keeps the nodes within ``hops`` of it; ``top`` keeps the ``top``
    entities with most papers and their papers (after ``focus``, when both are given). The page makes
    no network request and works from ``file://``; ``physics=True`` lets vis-network settle the
    precomputed layout briefly after loading.
    """
    graph, relations = split(graph)  # stated relations: in the details panel, not drawn
    shown = graph
    if focus is not None:
        shown = subgraph(shown, focus, hops)
    if top is not None:
        shown = top_subgraph(shown, top)
    return page(view_data(graph, shown, title=title, physics=physics, relations=relations), title=title)


def write_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write the paper view as ONE self-contained HTML file (atomically) and return its path; ``options``
    are those of ``render_html`` (``focus``, ``hops``, ``top``, ``title``, ``physics``)."""
    return write_page(render_html(graph, **options), path)


def write_map(
    source: nx.MultiDiGraph | GraphSource | StoreSource,
    path: str | os.PathLike[str],
    *,
    top: int | None = None,
    title: str = "kg",
    config: Config = Config(),
) -> Path:
    """Write the map of the ``top`` entities with most papers (default ``config.view_max_nodes``) of a
    graph or a source (``kg.view.sources``) as ONE self-contained HTML file; return its path.

    >>> from kg.query import KnowledgeGraph
    >>> import tempfile, pathlib
    >>> out = write_map(KnowledgeGraph.example().to_networkx(), pathlib.Path(tempfile.mkdtemp()) / "map.html")
    >>> '"mode":"map"' in out.read_text(encoding="utf-8")
    True
    """
    if isinstance(source, nx.MultiDiGraph):
        source = GraphSource(source)
    return write_page(page(map_data(source, config=config, top=top, title=title), title=title), path)


def view(
    graph: str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    mode: str = "auto",
    focus: str | None = None,
    hops: int = 1,
    top: int | None = None,
    config: Config = Config(),
) -> tuple[Path, str]:
    """``kg view``: the view of a graph file or store folder that fits, or the one asked for; returns
    the file written and the mode. ``auto`` picks the map above ``config.view_map_threshold`` papers
    (and never with ``focus``, which centres the paper view on one entity)."""
    if mode not in MODES:
        raise unknown_name("view mode", mode, MODES)
    if mode == "map" and focus is not None:
        raise KGError("--focus centres the paper view: use it without --mode map")
    title = Path(graph).name or "kg"
    source = StoreSource.open(Path(graph), config) if mode != "papers" and focus is None else None
    if mode == "auto":
        mode = "map" if source is not None and source.count_papers() > config.view_map_threshold else "papers"
    if mode == "map":
        return write_map(source, path, top=top, title=title, config=config), mode
    return write_html(_networkx(graph), path, focus=focus, hops=hops, top=top, title=title), mode


def _networkx(graph: str | os.PathLike[str]) -> Any:
    import kg

    loaded = kg.load(Path(graph))
    return loaded.to_networkx()
