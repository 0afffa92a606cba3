"""The query API and `kg query` on the bundled build. Expected answers were checked by reading the
listing (kg/data/arxiv-cs.CV-2022-01-03.md): e.g. four abstracts report CIFAR-10 results, SAANet is the
method "termed SAANet" in 2112.15509, and every paper of the listing is dated 2022-01-03."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from kg.errors import ConfigError, KGError

CIFAR_PAPERS = {"2112.15358", "2112.14968", "2112.15541", "2112.15402"}


def test_papers_by_dataset_alias_and_combined_filters(bundled_graph):
    ids = {p.id for p in bundled_graph.papers(dataset="CIFAR-10")}
    assert CIFAR_PAPERS <= ids
    assert {p.id for p in bundled_graph.papers(dataset="cifar10")} == ids  # any alias, any case
    assert [p.id for p in bundled_graph.papers(method="SAANet")] == ["2112.15509"]
    both = {p.id for p in bundled_graph.papers(dataset="CIFAR-10", method="generative adversarial network")}
    assert "2112.14968" in both and both <= ids
    assert len(bundled_graph.papers(until="2022-01-03")) == 58
    assert bundled_graph.papers(since="2022-01-04") == []
    first = bundled_graph.papers(method="SAANet")[0]
    assert first.title == "Scene-Adaptive Attention Network for Crowd Counting" and first.url.endswith("2112.15509")


def test_papers_come_in_pages(bundled_graph):
    everything = bundled_graph.papers()
    pages = [bundled_graph.papers(limit=20, offset=start) for start in range(0, len(everything), 20)]
    assert [len(page) for page in pages] == [20, 20, 18]
    assert [p for page in pages for p in page] == everything
    assert bundled_graph.papers(dataset="CIFAR-10", limit=2) == bundled_graph.papers(dataset="CIFAR-10")[:2]
    assert bundled_graph.papers(limit=0) == []
    with pytest.raises(ConfigError, match="0 or more"):
        bundled_graph.papers(offset=-1)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_page_of_an_entitys_papers_is_a_slice_of_all_of_them(bundled_graph, tmp_path, engine):
    """Pages of the papers linked to an entity (read from the link index, not by a query) are slices of
    the whole answer, for every entity and for two entities together, on both engines."""
    import kg

    bundled_graph.save(tmp_path / "graph.nt")
    graph = kg.load(tmp_path / "graph.nt", engine=engine)
    checked = 0
    for kind in ("dataset", "method", "task"):
        for entity in graph.entities(kind):
            everything = graph.papers(**{kind: entity.id})
            assert everything, entity
            for limit, offset in ((1, 0), (2, 1), (50, 0), (3, len(everything) - 1)):
                assert (
                    graph.papers(**{kind: entity.id}, limit=limit, offset=offset) == everything[offset : offset + limit]
                )
            checked += 1
    assert checked > 100
    both = dict(dataset="CIFAR-10", method="generative adversarial network")
    assert graph.papers(**both, limit=1, offset=1) == graph.papers(**both)[1:2]


def test_entities_and_top(bundled_graph):
    datasets = bundled_graph.entities("dataset")
    assert datasets[0].label == "CIFAR-10" and datasets[0].papers >= 4
    assert all(e.papers >= 2 for e in bundled_graph.entities("dataset", min_papers=2))
    assert [e.label for e in bundled_graph.top("dataset", 1)] == ["CIFAR-10"]
    assert len(bundled_graph.top("task", 3)) == 3
    with pytest.raises(KGError, match="valid: dataset, method, task"):
        bundled_graph.entities("gadget")


def test_related_cooccurrence_timeline(bundled_graph):
    related = {r.label for r in bundled_graph.related("SAANet")}
    assert "NWPU-Crowd" in related  # the benchmark SAANet ranks first on
    assert all(r.type == "dataset" for r in bundled_graph.related("CIFAR-10", type="dataset"))
    assert "CIFAR-100" in {r.label for r in bundled_graph.related("CIFAR-10", type="dataset")}
    pairs = bundled_graph.cooccurrence("dataset", "dataset")
    assert any({p.a_label, p.b_label} == {"CIFAR-10", "CIFAR-100"} and p.count >= 2 for p in pairs)
    assert bundled_graph.timeline("CIFAR-10")[0]["date"] == "2022-01-03"
    assert bundled_graph.timeline("CIFAR-10")[0]["papers"] == len(bundled_graph.papers(dataset="CIFAR-10"))


def test_evidence(bundled_graph):
    rows = bundled_graph.evidence("2112.15509", "SAANet")
    assert rows and all(r.role == "proposes" for r in rows)
    termed = [r for r in rows if "termed SAANet" in r.sentence and r.text == "SAANet"]
    assert termed and termed[0].field == "abstract"
    # the long form in the same sentence is evidence of the same entity
    assert any(r.text == "scene-adaptive attention network" for r in rows)
    assert termed[0].end - termed[0].start == len("SAANet")


def test_sparql_binds_values(bundled_graph):
    rows = bundled_graph.sparql("SELECT ?label ?e WHERE { ?e skos:prefLabel ?label }", label="CIFAR-10")
    assert [r["e"] for r in rows] == ["https://w3id.org/kg/dataset/cifar-10"]
    hostile = 'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    assert bundled_graph.sparql("SELECT ?label ?e WHERE { ?e skos:prefLabel ?label }", label=hostile) == []
    with pytest.raises(KGError):
        bundled_graph.papers(dataset=hostile)


def test_stats_and_networkx(bundled_graph):
    stats = bundled_graph.stats()
    assert stats["papers"] == 58 and stats["dataset"]["top"][0][0] == "CIFAR-10"
    graph = bundled_graph.to_networkx()
    assert sum(1 for _, kind in graph.nodes(data="kind") if kind == "paper") == 58


def test_to_pandas(bundled_graph):
    pandas = pytest.importorskip("pandas")
    frame = bundled_graph.top("dataset", 3).to_pandas()
    assert isinstance(frame, pandas.DataFrame) and list(frame.columns) == ["id", "type", "label", "papers"]


@pytest.fixture(scope="module")
def paired(tmp_path_factory, extractor):
    """The bundled listing with every co-occurring pair stated (support 1): relations of every kind."""
    from kg.build import pipeline
    from kg.query import KnowledgeGraph

    out = tmp_path_factory.mktemp("paired")
    pipeline.build(
        None, out, extractor.config.replace(cooccurrence_min_support=1), records=True, extractor=extractor, html=False
    )
    return out / "graph.ttl", KnowledgeGraph.from_file(out / "graph.ttl")


@pytest.mark.parametrize(
    "type_a,type_b,role",
    [("dataset", "task", "usedForTask"), ("method", "task", "appliedToTask"), ("method", "dataset", "evaluatedOn")],
)
def test_relations_answer_as_the_plain_query(paired, type_a, type_b, role):
    """``relations`` reads the strongest pairs first; it must give what the one plain query gives (README 7)."""
    bundled_graph = paired[1]
    plain = [
        (r["al"], r["bl"], int(r["n"]))
        for r in bundled_graph.sparql(f"""SELECT ?al ?bl ?n WHERE {{
        ?c a kgo:Cooccurrence ; kgo:role kgo:{role} ; kgo:subjectEntity ?a ; kgo:objectEntity ?b ; kgo:supportCount ?n .
        ?a skos:prefLabel ?al . ?b skos:prefLabel ?bl . }} ORDER BY DESC(?n) ?al ?bl""")
    ]
    assert plain, "the bundled build states relations of every kind"
    for n in (1, 3, 10, len(plain) + 5):
        assert [(p.a_label, p.b_label, p.count) for p in bundled_graph.relations(type_a, type_b, n)] == plain[:n]
    assert all(
        p.a.startswith(type_a + "/") and p.b.startswith(type_b + "/") for p in bundled_graph.relations(type_a, type_b)
    )


def test_relations_the_same_in_rdflib(paired):
    from kg.query import KnowledgeGraph

    slow = KnowledgeGraph.from_file(paired[0], engine="rdflib")
    assert slow.relations("method", "task", 8) == paired[1].relations("method", "task", 8) != []


def test_relations_of_an_unknown_pair_list_the_valid_ones(bundled_graph):
    with pytest.raises(KGError, match="valid: dataset task, method dataset, method task"):
        bundled_graph.relations("task", "dataset")
    assert bundled_graph.relations("dataset", "task", 0) == []


def _kg(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    "preset,extra,column,expected",
    [
        ("top-datasets", [], "label", "CIFAR-10"),
        ("top-methods", [], "label", None),
        ("top-tasks", [], "label", None),
        ("papers", ["--dataset", "CIFAR-10"], "id", "2112.14968"),
        ("related", ["--entity", "SAANet"], "label", "NWPU-Crowd"),
        ("cooccurrence", ["--a", "dataset", "--b", "dataset"], "a_label", "CIFAR-10"),
        ("relations", ["--a", "method", "--b", "dataset"], "b_label", "CIFAR-10"),
        ("timeline", ["--entity", "CIFAR-10"], "date", "2022-01-03"),
        ("evidence", ["--paper", "2112.15509", "--entity", "SAANet"], "text", "SAANet"),
    ],
)
def test_presets_csv_and_json_parse_back(bundled_build, preset, extra, column, expected):
    graph = str(bundled_build[1] / "graph.ttl")
    rows_csv = list(csv.DictReader(io.StringIO(_kg("query", preset, "--graph", graph, "--format", "csv", *extra))))
    rows_json = json.loads(_kg("query", preset, "--graph", graph, "--format", "json", *extra))
    assert rows_csv and len(rows_csv) == len(rows_json)
    assert [r[column] for r in rows_csv] == [str(r[column]) for r in rows_json]
    if expected is not None:
        assert expected in [r[column] for r in rows_csv]


def test_top_datasets_for_a_task_and_table_output(bundled_build):
    graph = str(bundled_build[1] / "graph.ttl")
    table = _kg("query", "top-datasets", "--graph", graph, "-n", "3")
    assert table.splitlines()[0].split() == ["id", "type", "label", "papers"] and "CIFAR-10" in table
    stats = _kg("stats", graph)
    assert stats.startswith("papers: 58") and "CIFAR-10" in stats


def test_unknown_preset_lists_the_valid_ones(bundled_build):
    run = subprocess.run(
        [sys.executable, "-m", "kg", "query", "top-gadgets", "--graph", str(bundled_build[1] / "graph.ttl")],
        capture_output=True,
        text=True,
    )
    assert (
        run.returncode == 2 and "valid: benchmarks, compared-with, cooccurrence, evaluated-on, evidence" in run.stderr
    )


def test_the_same_answers_from_a_persistent_store(bundled_build, bundled_graph, tmp_path):
    """Every API function gives the same answer on a pyoxigraph store folder as on the in-memory graph."""
    import kg
    from kg import store

    bundled_graph.save(tmp_path / "graph.nt")
    store.load_store([tmp_path / "graph.nt"], tmp_path / "store")
    on_disk = kg.load(tmp_path / "store")
    calls = [
        lambda g: g.papers(dataset="CIFAR-10"),
        lambda g: g.papers(method="SAANet", until="2022-01-03"),
        lambda g: g.papers(limit=5, offset=10),
        lambda g: g.entities("method", min_papers=2),
        lambda g: g.top("task", 5),
        lambda g: g.related("CIFAR-10"),
        lambda g: g.cooccurrence("dataset", "task"),
        lambda g: g.relations("method", "task", 5),
        lambda g: g.timeline("CIFAR-10"),
        lambda g: g.evidence("2112.15509", "SAANet"),
        lambda g: g.sparql("SELECT ?label ?e WHERE { ?e skos:prefLabel ?label }", label="CIFAR-10"),
        lambda g: g.stats(),
    ]
    for call in calls:
        assert call(on_disk) == call(bundled_graph)
    assert on_disk.to_networkx().number_of_edges() == bundled_graph.to_networkx().number_of_edges()


def test_papers_preset_pages_from_the_command_line(bundled_build, bundled_graph):
    graph = str(bundled_build[1] / "graph.ttl")
    page = json.loads(_kg("query", "papers", "--graph", graph, "--format", "json", "--limit", "3", "--offset", "2"))
    assert [r["id"] for r in page] == [p.id for p in bundled_graph.papers()[2:5]]


# ------------------------------------------------------------------ values bound to any variable, both engines


@pytest.fixture(scope="module")
def both_engines(bundled_build):
    import kg

    path = bundled_build[1] / "graph.ttl"
    return {engine: kg.load(path, engine=engine) for engine in ("oxigraph", "rdflib")}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_binds_a_variable_the_query_does_not_project(both_engines, engine):
    """README's example: ?d is not in the SELECT clause (Oxigraph's own substitution refuses that)."""
    graph = both_engines[engine]
    rows = graph.sparql("SELECT ?p WHERE { ?p kgo:usesDataset ?d }", d="https://w3id.org/kg/dataset/cifar-10")
    inline = graph.sparql("SELECT ?p WHERE { ?p kgo:usesDataset <https://w3id.org/kg/dataset/cifar-10> }")
    assert sorted(r["p"] for r in rows) == sorted(r["p"] for r in inline)
    assert {r["p"].rsplit("/", 1)[-1] for r in rows} >= {"2112.15541", "2112.15402"}
    # a literal, unprojected, in a query with prefixes, an aggregate and a comment holding a brace
    count = graph.sparql(
        """# { not the clause
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT (COUNT(?t) AS ?n) WHERE { ?p kgo:arxivId ?id ; dcterms:title ?t }""",
        id="2112.15509",
    )
    assert count == [{"n": 1}]


def test_sparql_binding_is_the_same_on_both_engines(both_engines):
    query = "SELECT ?id ?label WHERE { ?p kgo:arxivId ?id ; ?r ?e . ?e skos:prefLabel ?label } ORDER BY ?id ?label"
    answers = [graph.sparql(query, r="https://w3id.org/kg/ontology#proposesMethod") for graph in both_engines.values()]
    assert answers[0] == answers[1] and any(row["label"] == "SAANet" for row in answers[0])


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_bound_values_are_terms_never_query_text(both_engines, engine):
    graph = both_engines[engine]
    hostile = '2112.15509" } ?p ?q ?r . { ?p kgo:arxivId "x'
    assert graph.sparql("SELECT ?p WHERE { ?p kgo:arxivId ?id }", id=hostile) == []
    with pytest.raises(KGError, match="not a valid IRI"):
        graph.sparql("SELECT ?p WHERE { ?p kgo:usesDataset ?d }", d="https://x/a> . ?s ?p <https://x/b")
    with pytest.raises(KGError, match="invalid variable"):
        graph.sparql("SELECT ?p WHERE { ?p ?q ?o }", **{"o } ?a": "x"})


def test_values_go_into_the_where_clause_of_any_query_form():
    from rdflib import Literal

    from kg.query import inject_values

    bound = {"x": Literal("a{b}")}
    assert inject_values("ASK { ?s ?p ?x }", bound) == 'ASK { VALUES (?x) { ("a{b}") } ?s ?p ?x }'
    assert inject_values("CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }", bound).endswith(
        'WHERE { VALUES (?x) { ("a{b}") } ?s ?p ?x }'
    )
    assert inject_values('SELECT ?s WHERE { ?s ?p "}" . ?s ?q ?x }', bound).startswith("SELECT ?s WHERE { VALUES")
    with pytest.raises(KGError, match="no WHERE"):
        inject_values("DESCRIBE <https://x/a>", bound)


# ------------------------------------------------------------------ every write path gives the same graph


def _same_graph(a, b) -> bool:
    """Isomorphic, for graphs without blank nodes (kg writes none): the same triples, term for term (a
    literal's lexical form and datatype included: "1"^^xsd:decimal is not "1.0"^^xsd:decimal here)."""
    from rdflib import BNode

    assert not any(isinstance(t, BNode) for triple in a for t in triple)
    return set(a) == set(b)


@pytest.fixture(scope="module")
def bundled_turtle(bundled_build):
    import rdflib

    return rdflib.Graph().parse(bundled_build[1] / "graph.ttl", format="turtle")


@pytest.mark.parametrize("suffix, rdflib_format", [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld")])
def test_a_loaded_graph_saves_the_same_graph(bundled_build, bundled_turtle, tmp_path, suffix, rdflib_format):
    """kg.load(graph.ttl).save(x) parses back isomorphic to graph.ttl in every format (the datatypes a
    store normalises, xsd:nonNegativeInteger offsets and whole decimals, come back as written) and
    conforms to the shapes (what `kg validate` checks)."""
    import rdflib

    import kg
    from kg import rdf

    original = bundled_build[1] / "graph.ttl"
    saved = kg.load(original).save(tmp_path / f"graph{suffix}")
    parsed = rdflib.Graph().parse(saved, format=rdflib_format)
    assert _same_graph(parsed, bundled_turtle)
    if suffix == ".ttl":
        assert saved.read_bytes() == original.read_bytes()
    report = rdf.validate(parsed)
    assert report.conforms, rdf.format_report(report)


def test_a_store_saves_the_graph_it_was_built_from(tmp_path, monkeypatch):
    """The same from a store folder: a streaming build's store, saved, is the in-memory build's graph.ttl."""
    import rdflib

    import kg
    from kg.build import parallel, pipeline
    from kg.config import Config
    from kg.extract import Extractor

    fast = Config(use_model=False)
    extractor = Extractor(fast)
    monkeypatch.setattr(parallel, "Extractor", lambda config: extractor)
    pipeline.build(None, tmp_path / "memory", fast, html=False)
    pipeline.build(None, tmp_path / "stream", fast, store=tmp_path / "stream" / "store")
    saved = kg.load(tmp_path / "stream" / "store", fast).save(tmp_path / "saved.nt")
    assert _same_graph(
        rdflib.Graph().parse(saved, format="nt"),
        rdflib.Graph().parse(tmp_path / "memory" / "graph.ttl", format="turtle"),
    )


def test_narrow_integer_types_are_the_shapes_ones():
    """kg.rdf.NARROW_INTEGERS (what a store's xsd:integer is typed back to) lists exactly the properties
    that ontologies/shapes.ttl types as integers other than xsd:integer."""
    from rdflib import Graph
    from rdflib.namespace import SH, XSD

    from kg.rdf import NARROW_INTEGERS, ontology_file

    shapes = Graph().parse(ontology_file("shapes.ttl"))
    integers = {
        XSD.nonNegativeInteger,
        XSD.positiveInteger,
        XSD.nonPositiveInteger,
        XSD.negativeInteger,
        XSD.int,
        XSD.long,
        XSD.short,
        XSD.byte,
        XSD.unsignedInt,
        XSD.unsignedLong,
    }
    declared = {
        str(shapes.value(shape, SH.path)): str(datatype)
        for shape, datatype in shapes.subject_objects(SH.datatype)
        if datatype in integers
    }
    assert declared == dict(NARROW_INTEGERS)


def test_top_reads_counts_then_labels_and_agrees_with_entities(bundled_graph):
    for type_ in ("dataset", "method", "task"):
        everything = list(bundled_graph.entities(type_))
        for n in (1, 3, 10, len(everything) + 2):
            assert list(bundled_graph.top(type_, n)) == everything[:n]
    stats = bundled_graph.stats(3)
    assert stats["method"]["top"] == [(e.label, e.papers) for e in bundled_graph.entities("method")[:3]]
