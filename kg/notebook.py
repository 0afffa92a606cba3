"""A ``KnowledgeGraph`` in a notebook (Jupyter, VS Code): a summary when it is the last line of a cell
(``_repr_html_``, ``_repr_markdown_``), and ``g.show(...)`` for the HTML view inline.

The view goes into an ``<iframe>`` with the page in ``srcdoc``: the same self-contained page as
``kg view`` writes, so nothing is served and nothing is fetched from the network.

>>> from kg.query import KnowledgeGraph
>>> print(summary_markdown(KnowledgeGraph.example(), n=2))
**KnowledgeGraph**: 2 papers
<BLANKLINE>
| type | entities | most linked (papers) |
|---|---|---|
| dataset | 2 | CIFAR-10 (2), CelebA (1) |
| method | 2 | Generative Adversarial Network (2), FooGAN (1) |
| task | 1 | Image Generation (1) |
"""

from __future__ import annotations

import html
import string
import weakref
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: how many top entities per type the summary names
TOP = 5
_SUMMARIES: weakref.WeakKeyDictionary[Any, dict[tuple[int], dict[str, Any]]] = weakref.WeakKeyDictionary()
_TYPES = ("dataset", "method", "task")


def summary(g: Any, n: int = TOP) -> dict[str, Any]:
    """``g.stats(n)``, computed once per graph (a notebook asks for each display format in turn)."""
    cached = _SUMMARIES.setdefault(g, {})
    if (n,) not in cached:
        cached[(n,)] = g.stats(n)
    return cached[(n,)]


def _top(stats: dict[str, Any], type_: str) -> str:
    return ", ".join(f"{label} ({papers})" for label, papers in stats[type_]["top"])


def summary_markdown(g: Any, n: int = TOP) -> str:
    """The summary as a Markdown table: papers, then entities per type with the most linked."""
    stats = summary(g, n)
    lines = [
        f"**KnowledgeGraph**: {stats['papers']} papers",
        "",
        "| type | entities | most linked (papers) |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {stats[t]['count']} | {_top(stats, t).replace('|', '&#124;')} |" for t in _TYPES]
    return "\n".join(lines)


def summary_html(g: Any, n: int = TOP) -> str:
    """The summary as an HTML table (every text escaped).

    >>> from kg.query import KnowledgeGraph
    >>> html = summary_html(KnowledgeGraph.example(), n=1)
    >>> html.startswith("<table"), "<td>CIFAR-10 (2)</td>" in html
    (True, True)
    """
    stats = summary(g, n)
    table = ET.Element("table", {"class": "kg-summary"})
    ET.SubElement(table, "caption").text = f"KnowledgeGraph: {stats['papers']} papers"
    head = ET.SubElement(ET.SubElement(table, "thead"), "tr")
    for name in ("type", "entities", "most linked (papers)"):
        ET.SubElement(head, "th").text = name
    body = ET.SubElement(table, "tbody")
    for type_ in _TYPES:
        row = ET.SubElement(body, "tr")
        for text in (type_, str(stats[type_]["count"]), _top(stats, type_)):
            ET.SubElement(row, "td").text = text
    return ET.tostring(table, encoding="unicode", method="html")


@dataclass(frozen=True, repr=False)
class InlineView:
    """The HTML view of a graph, shown by a notebook as an iframe (``_repr_html_``); ``page`` is the whole
    page, as ``kg view`` would write it."""

    page: str
    height: int = 600

    def __repr__(self) -> str:  # what a notebook keeps as plain text beside the HTML: not the page again
        return f"<kg view: a page of {len(self.page):,} characters, shown inline in a notebook>"

    def _repr_html_(self) -> str:
        """An ``<iframe>`` (``kg/data/inline-view.html``) with the page, escaped, in ``srcdoc``; scripts
        run in a sandbox of their own."""
        template = (Path(__file__).parent / "data" / "inline-view.html").read_text(encoding="utf-8")
        return (
            string.Template(template)
            .substitute(page=html.escape(self.page, quote=True), height=int(self.height))
            .strip()
        )


def show(
    g: Any,
    focus: str | None = None,
    hops: int = 1,
    top: int | None = None,
    physics: bool = False,
    height: int = 600,
    title: str | None = None,
) -> InlineView:
    """The HTML view of ``g`` (the options of ``kg view``: ``focus``, ``hops``, ``top``) for a notebook.

    >>> from kg.query import KnowledgeGraph
    >>> view = show(KnowledgeGraph.example(), focus="CIFAR-10")
    >>> frame = view._repr_html_()
    >>> frame.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;'), "Generating Faces" in view.page, frame.count("<")
    (True, True, 2)
    """
    from kg.view import render_html

    title = title or str(getattr(g, "name", "kg"))
    graph = g.to_networkx()  # with the stated relations, for the details panel as `kg view` shows them
    page = render_html(graph, focus=focus, hops=hops, top=top, title=title, physics=physics)
    return InlineView(page, height)
