"""Unit tests of the map (kg.view.mapdata, kg.view.sources, kg.view.labels) on the bundled listing's graph."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.view import GraphSource, StoreSource, map_data, view, write_map
from kg.view.labels import _box, label_levels
from kg.view.mapdata import clusters, cooccurrence, strongest

GRAPH = Path(__file__).resolve().parents[1] / "outputs" / "graph.ttl"


def page_data(path: Path) -> dict:
    return json.loads(re.search(r'id="kg-data">(.*?)</script>', path.read_text("utf-8"), re.S).group(1))


@pytest.fixture(scope="module")
def store_map() -> dict:
    return map_data(StoreSource.open(GRAPH), title="listing")


def test_map_nodes_are_entities_only_and_links_count_shared_papers(store_map) -> None:
    nodes = store_map["nodes"]
    assert nodes and all(n["kind"] in ("dataset", "method", "task") for n in nodes)
    assert not any(n["id"].startswith("paper/") for n in nodes)
    assert store_map["total"]["papers"] == 58
    papers = {n["id"]: {store_map["papers"][row[0]][0] for row in n["p"]} for n in nodes}
    for a, b, shared, _ in store_map["links"]:
        # the listing has at most 12 papers an entity: every shared paper is in the page
        assert shared == len(papers[nodes[a]["id"]] & papers[nodes[b]["id"]]) >= 1


def test_map_entities_carry_papers_with_titles_dates_and_sentences(store_map) -> None:
    cifar = next(n for n in store_map["nodes"] if n["label"] == "CIFAR-10")
    assert cifar["n"] == len(cifar["p"]) >= 2
    rows = [store_map["papers"][row[0]] for row in cifar["p"]]
    assert all(
        re.fullmatch(r"\d{4}\.\d{4,5}", arxiv) and title and date.startswith("2022-") for arxiv, title, date in rows
    )
    assert [p[0] for p in rows] == sorted((p[0] for p in rows), reverse=True)  # most recent first
    import kg

    first_sentences = cifar["p"][0][2]
    said = {e.sentence for e in kg.load(GRAPH).evidence(rows[0][0], "dataset/cifar-10")}
    assert first_sentences and set(first_sentences) == said


def test_graph_and_store_sources_give_the_same_map() -> None:
    import kg

    loaded = kg.load(GRAPH)
    from_graph = map_data(GraphSource(loaded.to_networkx()), title="listing")
    from_store = map_data(StoreSource.open(GRAPH), title="listing")
    assert sum("rel" in n for n in from_store["nodes"]) > 10  # stated relations, the same from both sources
    for key in ("nodes", "links", "clusters", "papers"):
        strip = (
            (lambda items: [{k: v for k, v in n.items() if k not in ("p", "aliases")} for n in items])
            if key == "nodes"
            else (lambda items: items)
        )
        assert strip(from_graph[key]) == strip(from_store[key]), key


def test_a_build_its_graph_file_and_its_store_give_the_same_entity_data(bundled_build, tmp_path: Path) -> None:
    """The map of a build in memory, of its graph file and of a store loaded from it: the same entities
    with the same other names, papers (newest first) and sentences (in text order), every sentence embedded."""
    import kg
    from kg.config import Config
    from kg.graph import build_graph
    from kg.store import load_store

    result, out = bundled_build
    config = Config(view_map_sentences=12)
    nt = kg.load(out / "graph.ttl").save(tmp_path / "graph.nt")
    maps = [
        map_data(source, config=config, title="listing")
        for source in (
            GraphSource(build_graph(result.papers, result.entities, result.links)),
            StoreSource.open(out / "graph.ttl"),
            StoreSource.open(load_store([nt], tmp_path / "store")),
        )
    ]
    assert maps[1]["nodes"] == maps[2]["nodes"]
    # a build's own graph has no stated relations on its nodes (kg.view.relations adds them to a page)
    stated = [[{k: v for k, v in n.items() if k != "rel"} for n in m["nodes"]] for m in maps]
    assert stated[0] == stated[1]
    for key in ("links", "papers"):
        assert maps[0][key] == maps[1][key] == maps[2][key], key
    nodes, papers = maps[0]["nodes"], maps[0]["papers"]
    assert sum(1 for n in nodes if n.get("aliases")) >= 3
    assert all(n["label"] not in (form for form, _ in n.get("aliases", ())) for n in nodes)
    evidence = {}
    for link in result.links:
        for m in link.mentions:
            evidence.setdefault((link.paper_id, link.entity_id), []).append((m.field != "title", m.start, m.sentence))
    several = 0
    for n in nodes:
        rows = [(papers[i][2], papers[i][0]) for i, _, _ in n["p"]]
        assert rows == sorted(rows, reverse=True)  # newest first
        for i, _, said in n["p"]:
            expected = list(dict.fromkeys(s for *_, s in sorted(evidence[papers[i][0], n["id"]])))
            assert said == expected
            several += len(said) > 1
    assert several >= 3  # links with more than one sentence, in text order


def test_write_map_is_byte_identical_run_to_run(tmp_path: Path) -> None:
    a = write_map(StoreSource.open(GRAPH), tmp_path / "a.html").read_bytes()
    b = write_map(StoreSource.open(GRAPH), tmp_path / "b.html").read_bytes()
    assert a == b and len(a) < 2_000_000


def test_top_limits_the_entities(tmp_path: Path) -> None:
    data = page_data(write_map(StoreSource.open(GRAPH), tmp_path / "m.html", top=10))
    assert len(data["nodes"]) == 10
    assert [n["n"] for n in data["nodes"]] == sorted((n["n"] for n in data["nodes"]), reverse=True)


def test_kg_view_picks_the_view_that_fits(tmp_path: Path, capsys, monkeypatch) -> None:
    assert main(["view", str(GRAPH), "-o", str(tmp_path / "v.html")]) == 0
    assert "(papers view)" in capsys.readouterr().out and page_data(tmp_path / "v.html")["mode"] == "papers"
    assert main(["view", str(GRAPH), "--mode", "map", "-o", str(tmp_path / "m.html")]) == 0
    assert page_data(tmp_path / "m.html")["mode"] == "map"
    path, mode = view(GRAPH, tmp_path / "a.html", config=__import__("kg").Config(view_map_threshold=10))
    assert mode == "map" and page_data(path)["mode"] == "map"
    assert main(["view", str(GRAPH), "--mode", "maps", "-o", str(tmp_path / "x.html")]) == 2
    assert "valid: auto, map, papers" in capsys.readouterr().err


def test_cooccurrence_and_strongest_links() -> None:
    papers_of = [
        [("p1", "uses"), ("p2", "uses"), ("p3", "uses")],
        [("p1", "uses"), ("p2", "uses")],
        [("p3", "addresses")],
        [("p9", "uses")],
    ]
    counts = cooccurrence(papers_of, 1)
    assert counts == {(0, 1): 2, (0, 2): 1}
    assert cooccurrence(papers_of, 2) == {(0, 1): 2}
    # 2's only link is below the minimum: it keeps it rather than floating alone; 3 shares nothing
    assert strongest(counts, ["dataset", "method", "task", "task"], 5, minimum=2) == [(0, 1, 2), (0, 2, 1)]


def test_clusters_are_seeded_and_numbered_by_size() -> None:
    pairs = [(0, 1), (1, 2), (0, 2), (3, 4), (5, 6), (6, 7), (5, 7), (7, 8)]
    first = clusters(9, pairs, [1.0] * len(pairs))
    assert first == clusters(9, pairs, [1.0] * len(pairs))
    assert first[5] == first[8] == 0 and first[0] == first[2] == 1 and first[3] == first[4] == 2


boxes = st.lists(
    st.tuples(
        st.floats(-500, 500), st.floats(-500, 500), st.text("abcdefgh", min_size=1, max_size=20), st.integers(1, 100)
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(boxes)
def test_labels_never_overlap_at_any_level_and_stay_once_shown(items) -> None:
    xs, ys, texts, weights = zip(*items)
    fonts = [11 + w % 7 for w in weights]
    levels = label_levels(xs, ys, texts, fonts, weights, base=0.5, levels=8)
    for level in range(8):
        scale = 0.5 * 2 ** (level / 2)
        shown = [
            _box(xs[i], ys[i], texts[i], fonts[i], scale) for i, z in enumerate(levels) if z is not None and z <= level
        ]
        for i, a in enumerate(shown):
            for b in shown[i + 1 :]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    heaviest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    assert levels[heaviest] == 0  # the heaviest label is always drawn
