"""End to end on the bundled listing: files, the extract contract, determinism, two RDF parsers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import rdflib

from kg.build import pipeline
from kg.config import Config

REPO = Path(__file__).resolve().parent.parent
PAPERS_USING = """PREFIX kgo: <https://w3id.org/kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?id WHERE {
  ?d skos:prefLabel "CIFAR-10" .
  ?p kgo:usesDataset ?d ; kgo:arxivId ?id .
} ORDER BY ?id"""


def test_bundled_build_writes_every_file_with_all_58_papers(bundled_build):
    result, out = bundled_build
    assert result.summary()["papers"] == 58 and result.summary()["rejected"] == 0
    for name in (
        "graph.ttl",
        "graph.html",
        "mentions.jsonl",
        "entities.csv",
        "rejects.jsonl",
        "report.html",
        "report.md",
    ):
        assert (out / name).is_file(), name
    assert not list(out.glob(".kg-staging-*"))
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    ids = {str(o) for o in graph.objects(None, rdflib.URIRef("https://w3id.org/kg/ontology#arxivId"))}
    assert len(ids) == 58


def test_turtle_parses_in_rdflib_and_oxigraph_and_answers_the_readme_query(bundled_build):
    _, out = bundled_build
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    store = pyoxigraph.Store()
    store.load(path=str(out / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(graph)
    from_rdflib = [str(row[0]) for row in graph.query(PAPERS_USING)]
    from_oxigraph = [row["id"].value for row in store.query(PAPERS_USING)]
    assert from_rdflib == from_oxigraph
    # papers of the listing that report results on CIFAR-10 (checked by reading them)
    assert {"2112.15358", "2112.14968", "2112.15541", "2112.15402"} <= set(from_rdflib)


def test_extract_contract_offsets_point_at_their_text(bundled_build, sample_listing):
    result, out = bundled_build
    papers = {p.id: p for p in result.papers}
    rows = [json.loads(line) for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 58 and sum(len(r["mentions"]) for r in rows) > 200
    for row in rows:
        paper = papers[row["id"]]
        assert row["title"] == paper.title
        for m in row["mentions"]:
            assert set(m) >= {
                "type",
                "field",
                "start",
                "end",
                "text",
                "label",
                "entity",
                "role",
                "confidence",
                "source",
                "in_graph",
            }
            text = paper.title if m["field"] == "title" else paper.abstract
            assert text[m["start"] : m["end"]] == m["text"]
            assert m["type"] in ("dataset", "method", "task")
            if m["in_graph"]:
                assert m["entity"].startswith(m["type"] + "/")
            else:  # reported, not linked: a generic phrase or a thing named only in passing
                assert m["entity"] is None and m["label"] is None
            assert (
                m["role"]
                in {"dataset": ("uses", "introduces"), "method": ("uses", "proposes"), "task": ("addresses",)}[
                    m["type"]
                ]
            )
            assert 0 < m["confidence"] <= 1


def test_same_input_gives_byte_identical_turtle(tmp_path, extractor):
    pipeline.build(None, tmp_path / "a", extractor.config, records=True, extractor=extractor, html=False)
    pipeline.build(None, tmp_path / "b", extractor.config, records=True, extractor=extractor, html=False)
    for name in ("graph.ttl", "mentions.jsonl", "entities.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_repository_outputs_are_not_stale(bundled_build):
    """outputs/ holds the build of the bundled listing; rebuild it with `kg build` when this fails."""
    _, out = bundled_build
    for name in ("graph.ttl", "mentions.jsonl", "entities.csv", "graph.html", "report.html", "report.md"):
        committed = REPO / "outputs" / name
        assert committed.is_file(), f"outputs/{name} missing: run `kg build`"
        assert committed.read_bytes() == (out / name).read_bytes(), f"outputs/{name} is stale: run `kg build`"


def test_cli_build_and_extract(tmp_path, data_dir):
    run = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(data_dir / "arxiv-api.atom.xml"), "-o", str(tmp_path), "--no-html"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "read 3 papers: 3 built, 0 rejected" in run.stdout
    assert (tmp_path / "graph.ttl").is_file() and not (tmp_path / "graph.html").exists()
    out = tmp_path / "m.jsonl"
    subprocess.run(
        [sys.executable, "-m", "kg", "extract", str(data_dir / "corpus-sample.jsonl"), "-o", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 20 and all(r["mentions"] for r in rows)


def test_python_api_builds_and_loads(tmp_path):
    import kg

    graph = kg.build(
        [str(REPO / "tests" / "data" / "arxiv-api.atom.xml")], out_dir=tmp_path, config=Config(use_model=False)
    )
    assert [p.id for p in graph.papers()] == ["2112.15509", "2112.15571", "2112.15589"]
    graph.save(tmp_path / "copy.ttl")
    again = kg.load(tmp_path / "copy.ttl")
    assert [p.id for p in again.papers()] == [p.id for p in graph.papers()]
    assert again.to_networkx().number_of_nodes() == graph.to_networkx().number_of_nodes()


def test_bundled_build_conforms_to_the_shapes(bundled_build):
    from kg import rdf

    report = rdf.validate(bundled_build[1] / "graph.ttl")
    assert report.conforms, rdf.format_report(report)


def test_jsonld_and_ntriples_exports_hold_the_same_graph(bundled_graph, tmp_path):
    from rdflib.compare import isomorphic

    bundled_graph.save(tmp_path / "g.nt")
    bundled_graph.save(tmp_path / "g.jsonld")
    nt = rdflib.Graph().parse(tmp_path / "g.nt", format="nt")
    jsonld = rdflib.Graph().parse(tmp_path / "g.jsonld", format="json-ld")
    assert len(nt) == len(bundled_graph.rdflib_graph) and isomorphic(nt, jsonld)
