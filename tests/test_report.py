"""kg report (kg.report) on the bundled listing: what it names, with which sentences, offline, and against a graph."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.records import Role
from kg.report import digest, report_text, write_report

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def build(bundled_build):
    return bundled_build[0]


def claims(build, role: Role) -> list[tuple[str, str, str]]:
    labels = {e.id: e.label for e in build.entities}
    return sorted({(labels[l.entity_id], l.paper_id, l.mentions[0].sentence) for l in build.links if l.role is role})


def test_report_names_every_introduced_dataset_and_proposed_method_with_its_sentence(build) -> None:
    page = report_text(build.papers, build.entities, build.links)
    introduced, proposed = claims(build, Role.INTRODUCES), claims(build, Role.PROPOSES)
    assert introduced and proposed
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for label, paper, _ in introduced + proposed:
        assert f"{label} in" in text and f"arXiv:{paper}" in text
    d = digest(build.papers, build.entities, build.links)
    said = {(c.label, c.paper): c.sentence for c in d.introduced}
    for label, paper, sentence in introduced:
        assert sentence in said[label, paper] or said[label, paper] in sentence
        assert html.escape(said[label, paper][:40], quote=False) in page.replace("<mark>", "").replace("</mark>", "")
    assert "What 58 papers brought: 2022-01-03" in text
    marks = re.findall(r"<mark>(.*?)</mark>", page)
    assert len(marks) == len(d.introduced) + len(d.proposed) and all(marks)


def test_charts_are_inline_svg_with_the_counts(build) -> None:
    page = report_text(build.papers, build.entities, build.links)
    d = digest(build.papers, build.entities, build.links)
    assert (
        page.count("<svg") == 3
        and "<script" not in page
        and not re.search(r"""(src|href)=["'](?!https://arxiv\.org/abs/)""", page)
    )
    assert "default-src 'none'" in page
    for kind in ("task", "dataset", "method"):
        (label, n), *_ = d.top[kind]
        assert re.search(rf">{re.escape(html.escape(label[:23]))}[^<]*</text><rect [^>]*/><text [^>]*>{n}</text>", page)
    top_papers = {lbl: n for lbl, n in d.top["dataset"]}
    cifar = sum(1 for p in {(l.paper_id, l.entity_id) for l in build.links} if p[1] == "dataset/cifar-10")
    assert top_papers["CIFAR-10"] == cifar


def test_markdown_variant_and_determinism(build, tmp_path: Path) -> None:
    md = write_report(build, tmp_path / "r.md").read_text(encoding="utf-8")
    assert md.startswith("# What 58 papers brought: 2022-01-03\n")
    for label, paper, _ in claims(build, Role.INTRODUCES):
        assert f"**{label}**" in md and f"(arXiv:{paper})" in md
    assert (
        write_report(build, tmp_path / "a.html").read_bytes() == write_report(build, tmp_path / "b.html").read_bytes()
    )
    assert (REPO / "outputs" / "report.md").read_text(encoding="utf-8") == md


def test_against_a_graph_lists_new_entities_and_timelines(tmp_path: Path, capsys) -> None:
    sample = REPO / "tests" / "data" / "corpus-sample.jsonl"
    graph = REPO / "outputs" / "graph.ttl"
    out = tmp_path / "r.md"
    assert main(["report", str(sample), "--graph", str(graph), "-o", str(out), "--no-model"]) == 0
    md = out.read_text(encoding="utf-8")
    assert f"## New against {graph}" in md
    known = kg.load(graph)
    new_lines = [
        line
        for line in md.splitlines()
        if line.startswith("- ")
        and ": " in line
        and "**" not in line
        and line.split(":")[0][2:] in ("Datasets", "Methods", "Tasks")
    ]
    assert new_lines
    names = [n for line in new_lines for n in line.split(": ", 1)[1].split(", ")]
    labels = {e.label for t in ("dataset", "method", "task") for e in known.entities(t, min_papers=0)}
    assert names and not set(names) & labels  # none of them is in the earlier graph
    shared = re.findall(r"^- (.+?): (\d{4}-\d{2}) \d+", md, re.M)
    for label, _ in shared:
        assert label in labels and known.timeline(label)


def test_cli_report_and_bad_format(tmp_path: Path, capsys) -> None:
    assert main(["report", "-o", str(tmp_path / "r.html"), "--no-model"]) == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(SystemExit):
        main(["report", "--format", "pdf", "-o", str(tmp_path / "r.pdf")])
