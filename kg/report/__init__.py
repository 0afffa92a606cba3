"""``kg report``: the digest of a listing (or any set of papers), what a researcher reads first.

In: the records of a build (``kg.build`` / ``kg.build.pipeline.run``), optionally an earlier graph
(``KnowledgeGraph``: a store folder or a graph file). Out: one self-contained HTML page (charts as
inline SVG, no script, nothing from the network) or Markdown: the papers, the datasets introduced and
methods proposed with their sentences, the most addressed tasks and most used datasets and methods, and
against the graph, the entities never seen before and the papers per month of the leading ones.

>>> from kg.records import Paper, Entity, EntityType, Link, Mention, Role
>>> p = Paper("2201.00001", 1, "FooNet", "We introduce FooSet.", date="2022-01-03")
>>> m = Mention(EntityType.DATASET, "abstract", 13, 19, "FooSet", "We introduce FooSet.", role=Role.INTRODUCES)
>>> text = report_text([p], [Entity("dataset/fooset", EntityType.DATASET, "FooSet")],
...                    [Link(p.id, "dataset/fooset", Role.INTRODUCES, (m,))], fmt="md")
>>> print(text.splitlines()[6])
- **FooSet** in [FooNet](https://arxiv.org/abs/2201.00001) (arXiv:2201.00001)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.errors import unknown_name
from kg.records import Entity, Link, Paper
from kg.report.digest import Digest, compare, digest
from kg.report.render import to_html, to_markdown

__all__ = ["FORMATS", "Digest", "digest", "report_text", "write_report"]
FORMATS = {"html": to_html, "md": to_markdown}


def report_text(
    papers: Sequence[Paper],
    entities: Sequence[Entity],
    links: Sequence[Link],
    *,
    fmt: str = "html",
    graph: Any = None,
    graph_name: str = "",
) -> str:
    """The report of a build's records as HTML or Markdown (``fmt``), compared with ``graph`` if given."""
    if fmt not in FORMATS:
        raise unknown_name("report format", fmt, list(FORMATS))
    d = digest(papers, entities, links)
    if graph is not None:
        d = compare(d, entities, links, graph, graph_name or "the graph")
    return FORMATS[fmt](d)


def write_report(
    build: Any, path: str | os.PathLike[str], *, fmt: str | None = None, graph: Any = None, graph_name: str = ""
) -> Path:
    """Write the report of ``build`` (anything with ``papers``, ``entities``, ``links``) to ``path``
    (atomically); the format is ``fmt``, or ``md`` for a ``.md`` path and ``html`` otherwise."""
    from kg.view.page import write_page

    path = Path(path)
    fmt = fmt or ("md" if path.suffix == ".md" else "html")
    return write_page(
        report_text(build.papers, build.entities, build.links, fmt=fmt, graph=graph, graph_name=graph_name), path
    )
