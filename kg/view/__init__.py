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

import networkx as nx

from kg.view.data import view_data
from kg.view.layout import layout
from kg.view.page import page, script_json, write_page
from kg.view.select import resolve, subgraph, top_subgraph

__all__ = ["layout", "render_html", "resolve", "script_json", "subgraph", "top_subgraph", "view_data",
           "write_html"]


def render_html(graph: nx.MultiDiGraph, *, focus: str | None = None, hops: int = 1, top: int | None = None,
                title: str = "kg", physics: bool = False) -> str:
    """The paper view as a string; see ``write_html``."""
    shown = graph
    if focus is not None:
        shown = subgraph(shown, focus, hops)
    if top is not None:
        shown = top_subgraph(shown, top)
    return page(view_data(graph, shown, title=title, physics=physics), title=title)


def write_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], *, focus: str | None = None, hops: int = 1,
               top: int | None = None, title: str = "kg", physics: bool = False) -> Path:
    """Write the paper view as ONE self-contained HTML file (atomically) and return its path.

    ``focus`` (an id, label or alias) keeps the nodes within ``hops`` of it; ``top`` keeps the ``top``
    entities with most papers and their papers (after ``focus``, when both are given). The file makes
    no network request and works from ``file://``; ``physics=True`` lets vis-network settle the
    precomputed layout briefly after loading.
    """
    text = render_html(graph, focus=focus, hops=hops, top=top, title=title, physics=physics)
    return write_page(text, path)
