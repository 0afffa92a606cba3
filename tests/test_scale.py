"""Streaming builds: workers, --update, the pyoxigraph store, the Dask engine, interrupted builds."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

import kg
from kg.build import files, pipeline
from kg.build.job import ALL_FILES
from kg.build.parallel import Progress, get_engine
from kg.build.spool import SpoolWriter, read_spool
from kg.config import Config, bundled_sample
from kg.errors import ConfigError
from kg.ingest import read_papers

FAST = Config(use_model=False)

#: what a streaming build (a store, --update, --format nt) leaves in its output folder
STREAM_FILES = tuple(
    name for name in ALL_FILES if name not in ("graph.ttl", "graph.jsonld", "graph.html", "report.html", "report.md")
)


def write_jsonl(papers, path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for p in papers:
            out.write(
                json.dumps(
                    {
                        "id": p.id,
                        "version": p.version,
                        "title": p.title,
                        "abstract": p.abstract,
                        "authors": list(p.authors),
                        "categories": list(p.categories),
                        "date": p.date,
                    }
                )
                + "\n"
            )
    return path


@pytest.fixture(scope="module")
def sample_papers():
    return list(read_papers([bundled_sample()]))


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    out = tmp_path_factory.mktemp("w1")
    summary = pipeline.build(None, out, FAST, workers=1, store=out / "store", ntriples=True).summary()
    return out, summary


def test_two_workers_write_the_same_bytes_as_one(one_worker, tmp_path):
    out1, summary = one_worker
    summary2 = pipeline.build(None, tmp_path, FAST, workers=2, ntriples=True).summary()
    for name in ("graph.nt", "mentions.jsonl", "entities.csv"):
        assert (out1 / name).read_bytes() == (tmp_path / name).read_bytes(), name
    assert summary["papers"] == summary2["papers"] == 58
    assert summary["extracted"] == 58


def test_every_sink_holds_the_same_graph(one_worker, tmp_path):
    """The sinks of the one build path agree: graph.nt (N-Triples text), graph.ttl and graph.jsonld (rdflib
    terms), the records the Python API gets, and the mentions.jsonl of a store build and of a Turtle build."""
    from kg import rdf, relation_graph

    out, _ = one_worker
    build = pipeline.build(None, tmp_path, FAST, formats=("ttl", "nt", "jsonld"), records=True)
    streamed = rdflib.Graph().parse(out / "graph.nt", format="nt")
    assert isomorphic(rdflib.Graph().parse(tmp_path / "graph.nt", format="nt"), streamed)
    assert isomorphic(rdflib.Graph().parse(tmp_path / "graph.ttl", format="turtle"), streamed)
    assert isomorphic(rdflib.Graph().parse(tmp_path / "graph.jsonld", format="json-ld"), streamed)
    from_records = rdf.to_rdflib(build.papers, build.entities, build.links, FAST)
    for triple in relation_graph.relation_triples(relation_graph.stated_of(build), FAST):  # stated in text
        from_records.add(triple)
    assert isomorphic(from_records, streamed)
    assert len(build.papers) == 58 and build.summary()["papers"] == 58
    records = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in files.mention_records(build))
    assert (out / "mentions.jsonl").read_text(encoding="utf-8") == records
    assert (tmp_path / "mentions.jsonl").read_text(encoding="utf-8") == records


def test_store_answers_like_the_in_memory_graph(one_worker):
    out, _ = one_worker
    memory = kg.build(config=FAST)
    stored = kg.load(out / "store", FAST)
    dataset = memory.top("dataset", 1)[0].label
    assert stored.papers(dataset=dataset) == memory.papers(dataset=dataset)
    assert stored.top("task", 5) == memory.top("task", 5)


def store_triples(path: Path) -> set:
    """Every triple of a store folder (as the store keeps them: numbers by value)."""
    import pyoxigraph as ox

    return set(ox.Store.read_only(str(path)))


def nt_triples(path: Path) -> set:
    """Every triple of an N-Triples file, loaded into a store as ``kg build --store`` would."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return set(store)


def assert_same_triples(store: Path, nt: Path) -> None:
    got, expected = store_triples(store), nt_triples(nt)
    assert not (got - expected) and not (expected - got), (
        sorted(map(str, got - expected))[:5],
        sorted(map(str, expected - got))[:5],
    )


def test_update_extracts_only_new_papers_and_replaces_links(sample_papers, tmp_path):
    from dataclasses import replace

    first, rest = sample_papers[:40], sample_papers[40:]
    changed = replace(
        first[0],
        version=(first[0].version or 1) + 1,
        title="A survey of ImageNet",
        abstract="We evaluate on ImageNet only.",
    )
    out = tmp_path / "out"
    pipeline.build([write_jsonl(first, tmp_path / "a.jsonl")], out, FAST, store=out / "store")
    assert not (out / "graph.nt").exists()  # the store holds the graph
    before = kg.load(out / "store", FAST).sparql("SELECT (COUNT(*) AS ?n) WHERE { ?p kgo:arxivId ?id }")[0]["n"]
    assert before == 40
    summary = pipeline.build(
        [write_jsonl(first[1:3] + [changed] + rest, tmp_path / "b.jsonl")], out, FAST, store=out / "store", update=True
    ).summary()
    assert summary["mode"] == "delta"
    assert summary["extracted"] == len(rest) + 1  # the new papers and the new version, nothing else
    assert summary["unchanged"] == 2
    assert summary["papers"] == 58
    assert summary["delta"]["papers"] >= len(rest) + 1 and summary["delta"]["triples_removed"] > 0
    graph = kg.load(out / "store", FAST)
    paper = graph.config.base_iri + "paper/" + changed.id
    titles = graph.sparql("SELECT ?p ?t WHERE { ?p dcterms:title ?t }", p=paper)
    assert [r["t"] for r in titles] == [changed.title]
    linked = {r["e"] for r in graph.sparql("SELECT ?p ?e WHERE { ?p ?r ?e . ?e a ?c }", p=paper)}
    assert linked == {graph.config.base_iri + "dataset/imagenet"}
    manifest = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert [changed.id, changed.version] in manifest["papers"]
    # the update gives what a full build of the same papers gives: the same triples in the store, the same files
    full = tmp_path / "full"
    pipeline.build([write_jsonl(first[1:] + [changed] + rest, tmp_path / "c.jsonl")], full, FAST, ntriples=True)
    assert_same_triples(out / "store", full / "graph.nt")
    for name in ("mentions.jsonl", "entities.csv"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name


def test_updates_in_a_row_equal_a_full_build(sample_papers, tmp_path):
    """Three updates onto one store: new papers, new versions of papers added by an earlier update (the
    spool then holds replaced versions too), a paper's third version; then a non-delta update (graph.nt
    asked for) of the same build. Each time the store holds what a full build of the papers gives."""
    from dataclasses import replace

    def bump(paper, text):
        return replace(paper, version=(paper.version or 1) + 1, abstract=paper.abstract + " " + text)

    out, store = tmp_path / "out", tmp_path / "out" / "store"
    steps = [
        sample_papers[:20],
        sample_papers[20:35] + [bump(sample_papers[3], "We use CIFAR-10.")],
        [bump(sample_papers[25], "We use COCO."), bump(bump(sample_papers[3], "We use CIFAR-10."), "And KITTI.")]
        + sample_papers[35:45],
    ]
    kept: dict[str, object] = {}
    for n, papers in enumerate(steps):
        summary = pipeline.build(
            [write_jsonl(papers, tmp_path / f"s{n}.jsonl")], out, FAST, store=store, update=n > 0
        ).summary()
        assert summary["mode"] == ("delta" if n else "full")
        for p in papers:
            kept.pop(p.id, None)
            kept[p.id] = p  # a new version goes last, as in the update
        full = tmp_path / f"full{n}"
        pipeline.build([write_jsonl(list(kept.values()), tmp_path / f"f{n}.jsonl")], full, FAST, ntriples=True)
        assert_same_triples(store, full / "graph.nt")
        assert (out / "mentions.jsonl").read_bytes() == (full / "mentions.jsonl").read_bytes(), n
    summary = pipeline.build(
        [write_jsonl(sample_papers[45:50], tmp_path / "last.jsonl")], out, FAST, store=store, update=True, ntriples=True
    ).summary()
    assert summary["mode"] == "full" and (out / "graph.nt").is_file()
    assert_same_triples(store, out / "graph.nt")


def test_update_onto_another_store_loads_it_whole(sample_papers, tmp_path):
    """A delta is computed against the store the previous build wrote; any other store is rebuilt."""
    out = tmp_path / "out"
    pipeline.build([write_jsonl(sample_papers[:10], tmp_path / "a.jsonl")], out, FAST, store=tmp_path / "s1")
    summary = pipeline.build(
        [write_jsonl(sample_papers[10:12], tmp_path / "b.jsonl")], out, FAST, store=tmp_path / "s2", update=True
    ).summary()
    assert summary["mode"] == "full"
    assert len(kg.load(tmp_path / "s2", FAST).papers()) == 12


def test_update_with_other_settings_is_refused(one_worker, tmp_path):
    out, _ = one_worker
    with pytest.raises(ConfigError, match="other settings"):
        pipeline.build(None, out, FAST.replace(base_iri="http://example.org/"), update=True)


def test_interrupted_build_leaves_outputs_and_store(sample_papers, tmp_path, monkeypatch):
    out = tmp_path / "out"
    pipeline.build([write_jsonl(sample_papers[:20], tmp_path / "a.jsonl")], out, FAST, store=out / "store")
    files = {name: (out / name).read_bytes() for name in STREAM_FILES if (out / name).exists()}
    assert set(files) == set(STREAM_FILES) - {"graph.nt"}
    from kg import rdf

    def boom(*args, **kwargs):
        raise KeyboardInterrupt("stop")

    monkeypatch.setattr(rdf, "cooccurrence_triples", boom)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(None, out, FAST, store=out / "store", update=True)
    monkeypatch.undo()
    assert {name: (out / name).read_bytes() for name in STREAM_FILES if (out / name).exists()} == files
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert len(kg.load(out / "store", FAST).papers()) == 20


def test_dask_cluster_builds_the_same_graph(one_worker, tmp_path):
    distributed = pytest.importorskip("distributed")
    out1, _ = one_worker
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = pipeline.build(
            None, tmp_path, FAST, engine="dask", scheduler=cluster.scheduler_address, ntriples=True
        ).summary()
    assert summary["engine"] == "dask" and summary["extracted"] == 58
    assert isomorphic(
        rdflib.Graph().parse(out1 / "graph.nt", format="nt"), rdflib.Graph().parse(tmp_path / "graph.nt", format="nt")
    )


def test_missing_dask_is_a_config_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"kg\[dask\]"):
        with get_engine("dask")(FAST, scheduler="tcp://127.0.0.1:1"):
            pass


def test_unknown_engine():
    with pytest.raises(ConfigError, match="unknown extraction engine"):
        pipeline.build(None, "unused", FAST, engine="spark")


def test_spool_round_trip(sample_papers, tmp_path):
    from kg.records import PaperMentions

    items = [PaperMentions(p, ()) for p in sample_papers]
    with SpoolWriter(tmp_path / "s.spool", chunk=7) as spool:
        spool.write_all(items)
    assert list(read_spool(tmp_path / "s.spool")) == items


def test_progress_is_silent_unless_enabled(capsys):
    bar = Progress(total=3, desc="x")
    bar.update(3)
    bar.close()
    assert capsys.readouterr().err == ""


def test_cli_streaming_build(tmp_path, capsys):
    from kg.cli import main

    assert main(["build", "--no-model", "--ntriples", "-o", str(tmp_path), "--store", str(tmp_path / "store")]) == 0
    assert "extracted 58 papers" in capsys.readouterr().out
    assert main(["query", "top-tasks", "--graph", str(tmp_path / "store"), "-n", "3", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


def test_store_loaded_during_the_write_pass_holds_graph_nt(one_worker):
    """A full build loads its store while it writes (StoreLoader): the store holds exactly the triples of
    the graph.nt written beside it."""
    out, _ = one_worker
    assert_same_triples(out / "store", out / "graph.nt")


def test_interrupted_full_store_build_stops_its_loader(sample_papers, tmp_path, monkeypatch):
    """A full (not update) store build stopped while its loader runs removes the half-loaded folder and
    leaves the previous store as it was."""
    from kg import rdf

    out = tmp_path / "out"
    pipeline.build([write_jsonl(sample_papers[:10], tmp_path / "a.jsonl")], out, FAST, store=out / "store")
    before = store_triples(out / "store")

    def boom(*args, **kwargs):
        raise KeyboardInterrupt("stop")

    monkeypatch.setattr(rdf, "cooccurrence_triples", boom)  # after the papers' triples went to the loader
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(
            [write_jsonl(sample_papers[10:30], tmp_path / "b.jsonl")],
            out,
            FAST.replace(store_load_triples=50),
            store=out / "store",
        ).summary()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert store_triples(out / "store") == before
    assert not [t for t in threading.enumerate() if t.name == "kg-store-loader"]  # no loader left behind
