"""Unit tests of the HTML view (kg.view): escaping, offline page, determinism, sub-views."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import KGError
from kg.graph import build_graph
from kg.records import Entity, EntityType, Link, Mention, Paper, Role
from kg.view import layout, render_html, resolve, script_json, subgraph, top_subgraph, view_data, write_html

HOSTILE = '</script><script>alert(1)</script><img src=x onerror="window.__pwned=1"> \u2028 & <!-- A&B'


def mention(paper: Paper, text: str, type_: EntityType, role: Role = Role.USES) -> Mention:
    start = paper.abstract.index(text)
    return Mention(
        type=type_,
        field="abstract",
        start=start,
        end=start + len(text),
        text=text,
        sentence=paper.abstract,
        role=role,
        confidence=0.9,
        source="vocabulary",
    )


def small_graph(extra_title: str = "Residual learning on ImageNet") -> nx.MultiDiGraph:
    """3 papers, 4 entities: ImageNet (2 papers), ResNet (2), classification (1), COCO (1)."""
    p1 = Paper(
        id="2201.00001",
        version=2,
        title=extra_title,
        abstract="We train ResNet on ImageNet.",
        authors=("Ada Lovelace", "Alan Turing"),
        categories=("cs.CV",),
        date="2022-01-03",
    )
    p2 = Paper(
        id="2201.00002", version=1, title="Detection on COCO", abstract="ResNet backbones for COCO.", date="2022-01-04"
    )
    p3 = Paper(
        id="2201.00003",
        version=1,
        title="Classifying images",
        abstract="Image classification on ImageNet.",
        date="2022-01-05",
    )
    entities = [
        Entity(
            id="dataset/imagenet", type=EntityType.DATASET, label="ImageNet", aliases=(("ILSVRC", 1), ("ImageNet", 3))
        ),
        Entity(id="dataset/coco", type=EntityType.DATASET, label="COCO", aliases=(("MS COCO", 1),)),
        Entity(
            id="method/resnet", type=EntityType.METHOD, label="ResNet", aliases=(("ResNet", 2), ("residual network", 1))
        ),
        Entity(id="task/image-classification", type=EntityType.TASK, label="image classification"),
    ]
    links = [
        Link(p1.id, "dataset/imagenet", Role.USES, (mention(p1, "ImageNet", EntityType.DATASET),)),
        Link(p1.id, "method/resnet", Role.USES, (mention(p1, "ResNet", EntityType.METHOD),)),
        Link(p2.id, "method/resnet", Role.USES, (mention(p2, "ResNet", EntityType.METHOD),)),
        Link(p2.id, "dataset/coco", Role.USES, (mention(p2, "COCO", EntityType.DATASET),)),
        Link(
            p3.id,
            "task/image-classification",
            Role.ADDRESSES,
            (mention(p3, "classification", EntityType.TASK, Role.ADDRESSES),),
        ),
        Link(p3.id, "dataset/imagenet", Role.USES, (mention(p3, "ImageNet", EntityType.DATASET),)),
    ]
    return build_graph([p1, p2, p3], entities, links)


def page_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert match, "no data element"
    return json.loads(match.group(1))


# ------------------------------------------------------------------------------------------------ escaping


def test_script_json_escapes_everything_that_could_end_a_script() -> None:
    text = script_json({"title": HOSTILE, "x": "\u2029"})
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert "\\u003c/script\\u003e" in text and "\\u2028" in text and "\\u2029" in text
    assert json.loads(text) == {"title": HOSTILE, "x": "\u2029"}


def test_hostile_title_is_data_not_markup(tmp_path: Path) -> None:
    page = write_html(small_graph(HOSTILE), tmp_path / "v.html", title=HOSTILE).read_text(encoding="utf-8")
    benign = render_html(small_graph(), title="kg")
    # as many script tags as the page of a harmless graph: nothing was injected
    for tag in ("<script", "</script>", "<img", "<!--"):
        assert page.count(tag) == benign.count(tag), tag
    assert "alert(1)" in page and "<script>alert(1)" not in page
    assert "\u2028" not in page and "\u2029" not in page
    assert "<title>&lt;/script&gt;" in page
    data = page_data(page)
    assert data["title"] == HOSTILE
    assert [n["label"] for n in data["nodes"] if n["id"] == "paper/2201.00001"] == [HOSTILE]


def test_page_never_puts_data_through_innerhtml(tmp_path: Path) -> None:
    page = render_html(small_graph())
    script = page.split('<script type="application/json" id="kg-data">')[1].split("</script>", 2)[2]
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


# ------------------------------------------------------------------------------------------------ offline


def test_no_remote_resources(tmp_path: Path) -> None:
    page = write_html(small_graph(), tmp_path / "v.html").read_text(encoding="utf-8")
    lowered = page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", lowered)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", lowered)
    assert "@import" not in lowered and "<link" not in lowered
    assert "cdn" not in lowered and "bootstrap" not in lowered and "tom-select" not in lowered
    assert "sourcemappingurl" not in lowered
    assert "default-src 'none'" in page  # the CSP forbids any fetch even if something tried
    # vis-network is inlined from the pyvis package
    assert "vis-network" in page and "DataSet" in page
    # arXiv links are data, not resources
    assert "https://arxiv.org/abs/2201.00001" in page


def test_write_is_atomic_and_returns_the_path(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "view.html"
    assert write_html(small_graph(), target) == target
    assert target.exists() and [p.name for p in target.parent.iterdir()] == ["view.html"]


# ------------------------------------------------------------------------------------------------ determinism


def test_same_graph_same_bytes(tmp_path: Path) -> None:
    a = write_html(small_graph(), tmp_path / "a.html").read_bytes()
    b = write_html(small_graph(), tmp_path / "b.html").read_bytes()
    assert a == b


def test_layout_is_seeded_and_finite() -> None:
    graph = small_graph()
    pos = layout(graph)
    assert pos == layout(graph)
    assert set(pos) == set(graph.nodes)
    assert len(set(pos.values())) == len(pos)  # no two nodes on the same spot
    assert layout(nx.MultiDiGraph()) == {}


def test_layout_of_5000_nodes_is_fast() -> None:
    graph = nx.MultiDiGraph()
    for p in range(3000):
        for e in {(p * 7) % 2000, (p * 13 + 5) % 2000, p % 97}:
            graph.add_edge(f"paper/{p}", f"method/m{e}")
    start = time.process_time()  # CPU time: other processes on the machine do not count
    layout(graph)
    assert time.process_time() - start < 3.0


# ------------------------------------------------------------------------------------------------ page data


def test_view_data_carries_details_and_evidence() -> None:
    data = view_data(small_graph(), small_graph())
    nodes = {n["id"]: n for n in data["nodes"]}
    paper = nodes["paper/2201.00001"]
    assert paper["kind"] == "paper" and paper["url"] == "https://arxiv.org/abs/2201.00001"
    assert paper["authors"] == ["Ada Lovelace", "Alan Turing"] and paper["date"] == "2022-01-03"
    assert nodes["dataset/imagenet"]["aliases"] == [["ILSVRC", 1], ["ImageNet", 3]]
    assert nodes["dataset/imagenet"]["degree"] == 2
    link = next(l for l in data["links"] if l["from"] == "paper/2201.00001" and l["to"] == "method/resnet")
    ev = link["evidence"][0]
    assert link["role"] == "uses" and ev["sentence"][ev["hl"][0] : ev["hl"][1]] == "ResNet"
    assert data["kinds"] == {"paper": 3, "dataset": 2, "method": 1, "task": 1}


def test_focused_view_keeps_full_graph_degrees() -> None:
    graph = small_graph()
    data = page_data(render_html(graph, focus="COCO"))
    assert {n["id"]: n["degree"] for n in data["nodes"]} == {"paper/2201.00002": 2, "dataset/coco": 1}
    assert data["total"]["nodes"] == graph.number_of_nodes()


# ------------------------------------------------------------------------------------------------ sub-views


@pytest.mark.parametrize("focus", ["dataset/imagenet", "imagenet", "IMAGENET", "ilsvrc", " ImageNet "])
def test_focus_by_id_label_or_alias(focus: str) -> None:
    assert resolve(small_graph(), focus) == "dataset/imagenet"


def test_focus_subgraph_hops() -> None:
    graph = small_graph()
    assert set(subgraph(graph, "ImageNet", hops=0)) == {"dataset/imagenet"}
    assert set(subgraph(graph, "ImageNet", hops=1)) == {"dataset/imagenet", "paper/2201.00001", "paper/2201.00003"}
    assert set(subgraph(graph, "ImageNet", hops=2)) == {
        "dataset/imagenet",
        "paper/2201.00001",
        "paper/2201.00003",
        "method/resnet",
        "task/image-classification",
    }
    assert set(subgraph(graph, "residual network", hops=3)) == set(graph.nodes) - {"task/image-classification"}


def test_subgraph_is_pure_and_keeps_attributes() -> None:
    graph = small_graph()
    before = nx.node_link_data(graph, edges="links")
    sub = subgraph(graph, "ResNet", hops=1)
    assert nx.node_link_data(graph, edges="links") == before
    assert sub.nodes["paper/2201.00001"]["title"] == "Residual learning on ImageNet"
    assert sub.edges["paper/2201.00001", "method/resnet", "uses"]["evidence"][0]["text"] == "ResNet"
    sub.nodes["method/resnet"]["label"] = "changed"
    assert graph.nodes["method/resnet"]["label"] == "ResNet"


def test_unknown_focus_lists_close_matches() -> None:
    with pytest.raises(KGError, match=r"no node named 'imagenett'; close matches: ImageNet"):
        subgraph(small_graph(), "imagenett")
    with pytest.raises(KGError, match="no close matches"):
        resolve(small_graph(), "zzzzzz")
    with pytest.raises(KGError):
        subgraph(small_graph(), "ImageNet", hops=-1)


def test_top_subgraph() -> None:
    graph = small_graph()
    # ImageNet and ResNet have 2 papers each; COCO and classification 1
    assert set(top_subgraph(graph, 1)) == {"dataset/imagenet", "paper/2201.00001", "paper/2201.00003"}
    assert set(top_subgraph(graph, 2)) == {
        "dataset/imagenet",
        "method/resnet",
        "paper/2201.00001",
        "paper/2201.00002",
        "paper/2201.00003",
    }
    assert set(top_subgraph(graph, 100)) == set(graph.nodes)
    assert len(top_subgraph(graph, 0)) == 0


def test_write_html_with_focus_and_top(tmp_path: Path) -> None:
    graph = small_graph()
    data = page_data(write_html(graph, tmp_path / "f.html", focus="resnet", hops=2, top=1).read_text("utf-8"))
    # focus on ResNet (2 hops) gives papers 1 and 2 with ImageNet and COCO; the top entity in it is ResNet
    assert {n["id"] for n in data["nodes"]} == {"method/resnet", "paper/2201.00001", "paper/2201.00002"}
    with pytest.raises(KGError):
        write_html(graph, tmp_path / "g.html", focus="nothing-like-it")
    assert not (tmp_path / "g.html").exists()


def test_physics_flag_reaches_the_page() -> None:
    assert page_data(render_html(small_graph()))["physics"] is False
    assert page_data(render_html(small_graph(), physics=True))["physics"] is True
