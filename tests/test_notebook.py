"""A ``KnowledgeGraph`` in a notebook: its summary (HTML and Markdown) says what ``stats`` says; ``g.show``
puts exactly the page ``kg view`` writes, with the same options, into an iframe; and ``docs/tour.ipynb``
runs from top to bottom in a real kernel (nbclient), every cell."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kg import cli

ROOT = Path(__file__).resolve().parents[1]


def test_summary_says_what_stats_says(bundled_graph):
    stats = bundled_graph.stats(5)
    page, text = bundled_graph._repr_html_(), bundled_graph._repr_markdown_()
    assert (
        f"KnowledgeGraph: {stats['papers']} papers" in page and f"**KnowledgeGraph**: {stats['papers']} papers" in text
    )
    for type_ in ("dataset", "method", "task"):
        top = ", ".join(f"{label} ({n})" for label, n in stats[type_]["top"])
        assert f"<td>{type_}</td><td>{stats[type_]['count']}</td><td>{html.escape(top, quote=False)}</td>" in page
        assert f"| {type_} | {stats[type_]['count']} | {top} |" in text
    assert "CIFAR-10 (5)" in page


def test_show_is_the_page_kg_view_writes(bundled_build, bundled_graph, tmp_path):
    written = tmp_path / "view.html"
    assert (
        cli.main(
            ["view", str(bundled_build[1] / "graph.ttl"), "--focus", "CIFAR-10", "--hops", "2", "-o", str(written)]
        )
        == 0
    )
    frame = bundled_graph.show(focus="CIFAR-10", hops=2, height=420)._repr_html_()
    found = re.fullmatch(
        r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" title="kg view" style="[^"]*height: 420px[^"]*"></iframe>',
        frame,
    )
    assert found, frame[:300]
    assert html.unescape(found.group(1)) == written.read_text(encoding="utf-8")
    top = bundled_graph.show(top=10)
    assert top.page != html.unescape(found.group(1)) and "Content-Security-Policy" in top.page


def test_the_tour_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(ROOT / "docs" / "tour.ipynb", as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()  # raises on a failing cell
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.outputs for c in code), [c.source for c in code if not c.outputs]
    first = code[0].outputs[0]["data"]
    assert (
        "KnowledgeGraph: 58 papers" in first["text/html"] and "**KnowledgeGraph**: 58 papers" in first["text/markdown"]
    )
    assert code[-1].outputs[0]["data"]["text/html"].startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
