"""kg.rdf: IRIs, triples from records, writers (Turtle, N-Triples, JSON-LD) and SHACL validation."""

from __future__ import annotations

import io
import json
import random
import re
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DC, DCTERMS, PROV, RDF, RDFS, SKOS

from kg.config import Config
from kg.errors import ConfigError, StoreError
from kg.rdf import (
    EXPORTERS,
    KGO,
    OA,
    SCHEMA,
    SKOSXL,
    XSD,
    PairCounter,
    ValidationReport,
    annotation_iri,
    component_iri,
    cooccurrence_triples,
    entity_iri,
    entity_triples,
    format_report,
    get_exporter,
    paper_iri,
    paper_triples,
    term_text,
    to_rdflib,
    turtle_text,
    validate,
    write_jsonld,
    write_ntriples,
    write_turtle,
)
from kg.records import Entity, EntityType, Link, Mention, Paper, Role

# --------------------------------------------------------------------------------------- fixtures
ABSTRACT_1 = "We propose SAANet for crowd counting. Experiments on ShanghaiTech and UCF-QNRF show gains."
ABSTRACT_2 = "We introduce the JHU-Crowd dataset for crowd counting and evaluate SAANet on it and on ShanghaiTech."
ABSTRACT_3 = 'Mask R-CNN is applied to "crowd counting"; see \\cite{x}.\nA second line.'


def mention(
    text: str,
    etype: EntityType,
    needle: str,
    *,
    field: str = "abstract",
    role: Role = Role.USES,
    source: str = "vocabulary",
    confidence: float = 0.9,
) -> Mention:
    start = text.index(needle)
    return Mention(
        etype,
        field,
        start,
        start + len(needle),
        needle,
        role=role,
        confidence=confidence,
        source=source,
        sentence_start=0,
        sentence_end=len(text),
    )


def records() -> tuple[list[Paper], list[Entity], list[Link]]:
    p1 = Paper(
        "2201.00001",
        1,
        "SAANet: Scene-Adaptive Attention for Crowd Counting",
        ABSTRACT_1,
        authors=("Ada Lovelace", "Alan Turing"),
        categories=("cs.CV", "cs.LG"),
        date="2022-01-03",
    )
    p2 = Paper("2201.00002", 2, "JHU-Crowd: a benchmark", ABSTRACT_2, categories=("cs.CV",), date="2022-01-03")
    p3 = Paper("math/0501001", None, 'A "quoted" title with \\ and <script>alert(1)</script> 😀', ABSTRACT_3)
    M, D, T = EntityType.METHOD, EntityType.DATASET, EntityType.TASK
    links = [
        Link(
            p1.id,
            "method/saanet",
            Role.PROPOSES,
            (
                mention(p1.title, M, "SAANet", field="title", role=Role.PROPOSES, source="pattern:title-colon"),
                mention(ABSTRACT_1, M, "SAANet", role=Role.PROPOSES, source="ner", confidence=0.7),
            ),
        ),
        Link(p1.id, "task/crowd-counting", Role.ADDRESSES, (mention(ABSTRACT_1, T, "crowd counting"),)),
        Link(p1.id, "dataset/shanghaitech", Role.USES, (mention(ABSTRACT_1, D, "ShanghaiTech"),)),
        Link(p1.id, "dataset/ucf-qnrf", Role.USES, (mention(ABSTRACT_1, D, "UCF-QNRF", confidence=1.0),)),
        Link(
            p2.id,
            "dataset/jhu-crowd",
            Role.INTRODUCES,
            (mention(p2.title, D, "JHU-Crowd", field="title", role=Role.INTRODUCES),),
        ),
        Link(p2.id, "task/crowd-counting", Role.ADDRESSES, (mention(ABSTRACT_2, T, "crowd counting"),)),
        Link(p2.id, "method/saanet", Role.USES, (mention(ABSTRACT_2, M, "SAANet", source="ner"),)),
        Link(p2.id, "dataset/shanghaitech", Role.USES, (mention(ABSTRACT_2, D, "ShanghaiTech"),)),
        Link(p3.id, "method/mask-r-cnn", Role.USES, (mention(ABSTRACT_3, M, "Mask R-CNN"),)),
        Link(p3.id, "task/crowd-counting", Role.ADDRESSES, (mention(ABSTRACT_3, T, "crowd counting"),)),
    ]
    entities = [
        Entity("method/saanet", M, "SAANet", aliases=(("SAANet", 4),)),
        Entity(
            "method/mask-r-cnn",
            M,
            "Mask R-CNN",
            aliases=(("Mask R-CNN", 1), ("Mask-RCNN", 2)),
            vocabulary_id="mask-r-cnn",
        ),
        Entity(
            "dataset/shanghaitech",
            D,
            "ShanghaiTech",
            aliases=(("SHT", 1), ("ShanghaiTech", 2)),
            vocabulary_id="shanghaitech",
            description="Crowd counting images from Shanghai.",
        ),
        Entity("dataset/ucf-qnrf", D, "UCF-QNRF"),
        Entity("dataset/jhu-crowd", D, "JHU-Crowd", broader=("dataset/shanghaitech",)),
        Entity("task/crowd-counting", T, "crowd counting", aliases=(("crowd counting", 3),)),
    ]
    return [p1, p2, p3], entities, links


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_rdflib(*records(), Config(cooccurrence_min_support=1))  # every pair, to test each relation


def iris(graph: Graph) -> set[URIRef]:
    return {t for triple in graph for t in triple if isinstance(t, URIRef)}


# ------------------------------------------------------------------------------------------- IRIs
def test_paper_iris_new_and_old_style() -> None:
    assert str(paper_iri("2112.15589")) == "https://w3id.org/kg/paper/2112.15589"
    assert str(paper_iri("math/0501001")) == "https://w3id.org/kg/paper/math/0501001"
    assert str(paper_iri("hep-th/9901001")) == "https://w3id.org/kg/paper/hep-th/9901001"
    assert str(paper_iri("odd id<1>")) == "https://w3id.org/kg/paper/odd%20id%3C1%3E"


def test_base_is_configurable() -> None:
    for base in ("http://example.org/kg/", "http://example.org/kg"):
        config = Config(base_iri=base)
        assert str(entity_iri("dataset/imagenet", config)) == "http://example.org/kg/dataset/imagenet"
        assert str(paper_iri("2201.00001", config)) == "http://example.org/kg/paper/2201.00001"


def test_annotation_iris_are_stable_and_distinct() -> None:
    a = annotation_iri("math/0501001", "dataset/imagenet", Role.USES, "abstract", 10, 18)
    assert re.fullmatch(r"https://w3id\.org/kg/annotation/math/0501001/[0-9a-f]{12}", str(a))
    assert a == annotation_iri("math/0501001", "dataset/imagenet", "uses", "abstract", 10, 18)
    assert a != annotation_iri("math/0501001", "dataset/imagenet", Role.INTRODUCES, "abstract", 10, 18)
    assert a != annotation_iri("math/0501001", "dataset/imagenet", Role.USES, "title", 10, 18)


def test_component_iris_are_iri_safe() -> None:
    assert str(component_iri("pattern:title-colon")) == "https://w3id.org/kg/component/pattern:title-colon"
    assert str(component_iri("a b/c#d")) == "https://w3id.org/kg/component/a%20b%2Fc%23d"
    assert str(component_iri("")) == "https://w3id.org/kg/component/unknown"


def test_every_iri_is_valid_for_oxigraph(graph: Graph) -> None:
    for iri in iris(graph):
        pyoxigraph.NamedNode(str(iri))  # raises on an invalid IRI


def test_no_blank_nodes(graph: Graph, tmp_path: Path) -> None:
    assert not [t for triple in graph for t in triple if isinstance(t, BNode)]
    write_turtle(graph, tmp_path / "g.ttl")
    write_ntriples(graph, tmp_path / "g.nt")
    assert "_:" not in (tmp_path / "g.ttl").read_text(encoding="utf-8")
    assert "_:" not in (tmp_path / "g.nt").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------- triples
def test_paper_triples(graph: Graph) -> None:
    p = paper_iri("2201.00001")
    assert (p, RDF.type, KGO.Paper) in graph
    assert graph.value(p, KGO.arxivId) == Literal("2201.00001")
    assert graph.value(p, DCTERMS.title) == Literal("SAANet: Scene-Adaptive Attention for Crowd Counting")
    assert graph.value(p, KGO.version) == Literal(1)
    assert graph.value(p, DCTERMS.date) == Literal("2022-01-03", datatype=XSD.date)
    assert graph.value(p, SCHEMA.url) == URIRef("https://arxiv.org/abs/2201.00001")
    assert set(graph.objects(p, DC.creator)) == {Literal("Ada Lovelace"), Literal("Alan Turing")}
    assert set(graph.objects(p, KGO.category)) == {Literal("cs.CV"), Literal("cs.LG")}
    assert (p, KGO.proposesMethod, entity_iri("method/saanet")) in graph
    assert (p, KGO.usesDataset, entity_iri("dataset/shanghaitech")) in graph
    assert (p, KGO.addressesTask, entity_iri("task/crowd-counting")) in graph
    assert (paper_iri("2201.00002"), KGO.introducesDataset, entity_iri("dataset/jhu-crowd")) in graph
    assert (paper_iri("2201.00002"), KGO.usesMethod, entity_iri("method/saanet")) in graph
    old = paper_iri("math/0501001")
    assert graph.value(old, KGO.version) is None and graph.value(old, DCTERMS.date) is None


def test_annotations_carry_the_evidence(graph: Graph) -> None:
    papers, _, links = records()
    link = links[0]  # SAANet proposed by 2201.00001, in the title and in the abstract
    assert len(set(graph.subjects(OA.hasBody, entity_iri("method/saanet")))) == 3
    m = link.mentions[0]
    a = annotation_iri(link.paper_id, link.entity_id, link.role, m.field, m.start, m.end)
    assert graph.value(a, RDF.type) == OA.Annotation
    assert graph.value(a, KGO.role) == KGO.proposesMethod
    assert graph.value(a, KGO.field) == Literal("title")
    assert graph.value(a, KGO.confidence) == Literal("0.9", datatype=XSD.decimal)
    component = graph.value(a, PROV.wasAttributedTo)
    assert component == component_iri("pattern:title-colon")
    assert graph.value(component, RDF.type) == KGO.Component
    assert graph.value(component, RDFS.label) == Literal("pattern:title-colon")
    target = graph.value(a, OA.hasTarget)
    assert target == URIRef(a + "#target") and graph.value(target, OA.hasSource) == paper_iri(link.paper_id)
    position, quote = URIRef(a + "#position"), URIRef(a + "#quote")
    assert set(graph.objects(target, OA.hasSelector)) == {position, quote}
    assert (graph.value(position, OA.start), graph.value(position, OA.end)) == (
        Literal(0, datatype=XSD.nonNegativeInteger),
        Literal(6, datatype=XSD.nonNegativeInteger),
    )
    assert graph.value(quote, OA.exact) == Literal("SAANet")
    assert graph.value(quote, OA.prefix) is None  # nothing before the start of the title
    assert graph.value(quote, OA.suffix) == Literal(papers[0].title[6:38])
    assert graph.value(a, KGO.sentence) == Literal(papers[0].title)


def test_prefix_and_suffix_are_at_most_32_characters(graph: Graph) -> None:
    for prop in (OA.prefix, OA.suffix):
        values = list(graph.objects(None, prop))
        assert values and all(0 < len(v) <= 32 for v in values)


def test_paper_triples_reject_links_of_other_papers() -> None:
    papers, _, links = records()
    with pytest.raises(ValueError, match="2201.00002"):
        list(paper_triples(papers[0], [links[5]]))


def test_entity_triples_keep_labels_counts_and_vocabulary() -> None:
    _, entities, _ = records()
    g = Graph()
    g += entity_triples(entities[2], n_papers=2)
    e = entity_iri("dataset/shanghaitech")
    assert g.value(e, RDF.type) == KGO.Dataset
    assert g.value(e, SKOS.prefLabel) == Literal("ShanghaiTech")
    assert set(g.objects(e, SKOS.altLabel)) == {Literal("SHT")}  # the preferred form is not an alt label
    assert g.value(e, KGO.paperCount) == Literal(2)
    assert (e, SKOS.inScheme, KGO.Vocabulary) in g and g.value(e, KGO.vocabularyId) == Literal("shanghaitech")
    assert g.value(e, SKOS.definition) == Literal("Crowd counting images from Shanghai.")
    counts = {
        str(g.value(lbl, SKOSXL.literalForm)): int(g.value(lbl, KGO.mentionCount))
        for lbl in g.subjects(RDF.type, SKOSXL.Label)
    }
    assert counts == {"SHT": 1, "ShanghaiTech": 2}
    pref = g.value(e, SKOSXL.prefLabel)
    assert str(pref).startswith(str(e) + "#label-") and g.value(pref, SKOSXL.literalForm) == Literal("ShanghaiTech")


def test_broader_points_at_the_entity_iri(graph: Graph) -> None:
    assert (entity_iri("dataset/jhu-crowd"), SKOS.broader, entity_iri("dataset/shanghaitech")) in graph


def test_paper_counts(graph: Graph) -> None:
    assert graph.value(entity_iri("task/crowd-counting"), KGO.paperCount) == Literal(3)
    assert graph.value(entity_iri("dataset/ucf-qnrf"), KGO.paperCount) == Literal(1)


def test_cooccurrence_relations_and_support(graph: Graph) -> None:
    saanet, crowd = entity_iri("method/saanet"), entity_iri("task/crowd-counting")
    sht, jhu = entity_iri("dataset/shanghaitech"), entity_iri("dataset/jhu-crowd")
    assert (saanet, KGO.appliedToTask, crowd) in graph
    assert (sht, KGO.usedForTask, crowd) in graph
    assert (saanet, KGO.evaluatedOn, sht) in graph and (saanet, KGO.evaluatedOn, jhu) in graph
    assert (entity_iri("method/mask-r-cnn"), KGO.appliedToTask, crowd) in graph
    assert not list(graph.triples((sht, None, jhu)))  # dataset-dataset pairs are not related
    c = URIRef("https://w3id.org/kg/cooccurrence/method/saanet/task/crowd-counting")
    assert graph.value(c, RDF.type) == KGO.Cooccurrence
    assert graph.value(c, KGO.role) == KGO.appliedToTask
    assert (graph.value(c, KGO.subjectEntity), graph.value(c, KGO.objectEntity)) == (saanet, crowd)
    assert graph.value(c, KGO.supportCount) == Literal(2)
    assert set(graph.objects(c, KGO.supportingPaper)) == {paper_iri("2201.00001"), paper_iri("2201.00002")}


def test_min_support_filters_cooccurrences() -> None:
    _, entities, links = records()
    types = {e.id: e.type for e in entities}
    g = Graph()
    g += cooccurrence_triples(links, types)  # by default a pair needs two supporting papers
    pairs = {
        (str(s).rsplit("/", 1)[1], str(o).rsplit("/", 1)[1]) for s, _, o in g.triples((None, KGO.appliedToTask, None))
    }
    assert pairs == {("saanet", "crowd-counting")}
    assert {int(n) for n in g.objects(None, KGO.supportCount)} == {2}


ENTITY_IDS = [f"{kind}/{name}" for kind in ("dataset", "method", "task") for name in ("a", "b-1", "b10", "c")]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["2201.00001", "2201.00002", "2201.00010", "math/0501001"]),
            st.lists(st.sampled_from(ENTITY_IDS), max_size=6),
        ),
        max_size=12,
    ),
    st.integers(min_value=1, max_value=3),
)
def test_pair_counter_counts_as_sets_do(papers: list[tuple[str, list[str]]], min_support: int) -> None:
    # the reference: a set of papers per related pair, sorted as strings
    support: dict[tuple[str, str], set[str]] = {}
    related = {("method", "task"), ("dataset", "task"), ("method", "dataset")}
    entities_of: dict[str, set[str]] = {}
    for paper_id, ids in papers:
        entities_of.setdefault(paper_id, set()).update(ids)
    for paper_id, ids in entities_of.items():
        for s in ids:
            for o in ids:
                if (s.split("/")[0], o.split("/")[0]) in related:
                    support.setdefault((s, o), set()).add(paper_id)
    expected = [(s, o, sorted(p)) for (s, o), p in sorted(support.items()) if len(p) >= min_support]
    counter = PairCounter({})
    for paper_id, ids in entities_of.items():
        counter.add(paper_id, ids)
        counter.add(paper_id, sorted(ids)[:2])  # again: its pairs count once
    assert list(counter.pairs(min_support)) == expected


def test_links_of_unknown_papers_are_left_out() -> None:
    papers, entities, links = records()
    g = to_rdflib(papers[:1], entities, links)
    assert not list(g.subjects(OA.hasSource, paper_iri("2201.00002")))
    assert g.value(entity_iri("task/crowd-counting"), KGO.paperCount) == Literal(1)


# ------------------------------------------------------------------------------------- validation
def test_graph_from_records_conforms(graph: Graph) -> None:
    report = validate(graph)
    assert report.conforms, format_report(report)
    assert format_report(report) == "The graph conforms to the kg shapes."


def broken(graph: Graph, remove: list[tuple], add: list[tuple] | None = None) -> ValidationReport:
    """Validate a copy of ``graph`` with some triple patterns removed and some triples added."""
    g = Graph()
    g += graph
    for pattern in remove:
        g.remove(pattern)
    for triple in add or []:
        g.add(triple)
    return validate(g)


def test_missing_title_is_reported(graph: Graph) -> None:
    p = paper_iri("2201.00001")
    report = broken(graph, [(p, DCTERMS.title, None)])
    assert not report.conforms
    assert report.violations == ((str(p), "dcterms:title", "a paper has exactly one dcterms:title (a plain string)"),)
    assert "exactly one dcterms:title" in format_report(report) and str(p) in format_report(report)


def test_annotation_without_selector_is_reported(graph: Graph) -> None:
    a = next(iter(graph.subjects(RDF.type, OA.Annotation)))
    report = broken(graph, [(URIRef(a + "#target"), OA.hasSelector, URIRef(a + "#position"))])
    assert not report.conforms
    [(focus, path, message)] = report.violations
    assert focus == str(a) + "#target" and path == "oa:hasSelector" and "TextPositionSelector" in message


@pytest.mark.parametrize(
    "change, expected",
    [
        ("confidence", "kgo:confidence, an xsd:decimal in [0, 1]"),
        ("start-after-end", "oa:start, an xsd:nonNegativeInteger <= oa:end"),
        ("wrong-class", "the object of kgo:usesDataset must be a kgo:Dataset"),
        ("two-labels", "exactly one skos:prefLabel"),
        ("no-component", "prov:wasAttributedTo exactly one kgo:Component"),
        ("untyped-entity", "exactly one of kgo:Dataset, kgo:Method, kgo:Task"),
    ],
)
def test_other_violations_have_clear_messages(graph: Graph, change: str, expected: str) -> None:
    a = next(iter(graph.subjects(RDF.type, OA.Annotation)))
    p, e = paper_iri("2201.00001"), entity_iri("task/crowd-counting")
    edits = {
        "confidence": ([(a, KGO.confidence, None)], [(a, KGO.confidence, Literal("1.5", datatype=XSD.decimal))]),
        "start-after-end": (
            [(URIRef(a + "#position"), OA.start, None)],
            [(URIRef(a + "#position"), OA.start, Literal(999, datatype=XSD.nonNegativeInteger))],
        ),
        "wrong-class": ([], [(p, KGO.usesDataset, e)]),
        "two-labels": ([], [(e, SKOS.prefLabel, Literal("counting crowds"))]),
        "no-component": ([(a, PROV.wasAttributedTo, None)], []),
        "untyped-entity": ([(e, RDF.type, None)], []),
    }
    report = broken(graph, *edits[change])
    assert not report.conforms
    assert any(expected in v.message for v in report.violations), format_report(report)


def test_validate_a_file(graph: Graph, tmp_path: Path) -> None:
    write_ntriples(graph, tmp_path / "g.nt")
    assert validate(tmp_path / "g.nt").conforms
    with pytest.raises(StoreError):
        validate(tmp_path / "missing.ttl")
    (tmp_path / "bad.ttl").write_text('<a> <b> "unterminated .', encoding="utf-8")
    with pytest.raises(StoreError, match="bad.ttl: cannot read RDF"):
        validate(tmp_path / "bad.ttl")


def test_format_report_limits_long_reports() -> None:
    violations = tuple((f"https://x/{i}", "", "bad") for i in range(5))
    text = format_report(ValidationReport(False, violations), limit=2)  # type: ignore[arg-type]
    assert text.splitlines() == [
        "5 SHACL violations:",
        "  <https://x/0> bad",
        "  <https://x/1> bad",
        "  ... and 3 more",
    ]


# ---------------------------------------------------------------------------------------- writers
def test_turtle_is_byte_identical_across_builds_and_input_order(tmp_path: Path) -> None:
    papers, entities, links = records()
    write_turtle(to_rdflib(papers, entities, links), tmp_path / "a.ttl")
    write_turtle(to_rdflib(papers, entities, links), tmp_path / "b.ttl")
    rng = random.Random(7)
    for items in (papers, entities, links):
        rng.shuffle(items)
    write_turtle(to_rdflib(papers[::-1], entities, links), tmp_path / "c.ttl")
    a = (tmp_path / "a.ttl").read_bytes()
    assert a == (tmp_path / "b.ttl").read_bytes() == (tmp_path / "c.ttl").read_bytes()
    assert a.startswith(b"@prefix ") and b"@prefix fabio:" not in a  # only the prefixes it uses


def test_turtle_parses_back_in_rdflib_and_oxigraph(graph: Graph, tmp_path: Path) -> None:
    write_turtle(graph, tmp_path / "g.ttl")
    assert isomorphic(Graph().parse(tmp_path / "g.ttl", format="turtle"), graph)
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "g.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(graph)


def test_ntriples_streams_one_line_per_triple(graph: Graph, tmp_path: Path) -> None:
    n = write_ntriples(iter(graph), tmp_path / "g.nt")
    lines = (tmp_path / "g.nt").read_text(encoding="utf-8").split("\n")
    assert n == len(graph) == len(lines) - 1 and lines[-1] == ""
    assert all(line.endswith(" .") for line in lines[:-1])
    quads = list(pyoxigraph.parse(path=str(tmp_path / "g.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(quads) == len(graph)
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "g.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == len(graph)
    assert isomorphic(Graph().parse(tmp_path / "g.nt", format="nt"), graph)


def test_ntriples_to_open_files(graph: Graph) -> None:
    text, data = io.StringIO(), io.BytesIO()
    assert write_ntriples(graph, text) == write_ntriples(graph, data) == len(graph)
    assert text.getvalue().encode("utf-8") == data.getvalue()


def test_ntriples_per_paper_streams_load_into_one_store(tmp_path: Path) -> None:
    papers, _, links = records()
    with open(tmp_path / "g.nt", "w", encoding="utf-8") as out:
        for paper in papers:
            write_ntriples(paper_triples(paper, [l for l in links if l.paper_id == paper.id]), out)
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "g.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert (
        len(
            list(
                store.quads_for_pattern(None, pyoxigraph.NamedNode(str(RDF.type)), pyoxigraph.NamedNode(str(KGO.Paper)))
            )
        )
        == 3
    )


def test_writes_are_atomic(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "g.nt"
    path.write_text("old\n", encoding="utf-8")

    def failing():
        yield from list(graph)[:3]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_ntriples(failing(), path)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["g.nt"]  # no temporary file left behind


def test_jsonld_parses_back_to_an_isomorphic_graph(graph: Graph, tmp_path: Path) -> None:
    write_jsonld(graph, tmp_path / "a.jsonld")
    back = Graph().parse(tmp_path / "a.jsonld", format="json-ld")
    assert isomorphic(back, graph)
    data = json.loads((tmp_path / "a.jsonld").read_text(encoding="utf-8"))
    assert data["@context"]["kgo"] == str(KGO._NS)
    papers = [n for n in data["@graph"] if n.get("@type") == "Paper"]
    assert {p["arxivId"] for p in papers} == {"2201.00001", "2201.00002", "math/0501001"}
    write_jsonld(to_rdflib(*records(), Config(cooccurrence_min_support=1)), tmp_path / "b.jsonld")
    assert (tmp_path / "a.jsonld").read_bytes() == (tmp_path / "b.jsonld").read_bytes()
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "a.jsonld"), format=pyoxigraph.RdfFormat.JSON_LD)
    assert len(store) == len(graph)


def test_exporter_registry(graph: Graph, tmp_path: Path) -> None:
    assert set(EXPORTERS) == {"turtle", "ntriples", "jsonld"}
    for name, suffix, fmt in (("turtle", "ttl", "turtle"), ("ntriples", "nt", "nt"), ("jsonld", "jsonld", "json-ld")):
        get_exporter(name)(graph, tmp_path / f"g.{suffix}")
        assert isomorphic(Graph().parse(tmp_path / f"g.{suffix}", format=fmt), graph)
    with pytest.raises(ConfigError, match="unknown exporter 'rdfxml'; valid: jsonld, ntriples, turtle"):
        get_exporter("rdfxml")


# --------------------------------------------------------------------------------------- escaping
NASTY = [
    'He said "hi"',
    "back\\slash",
    "ends with backslash\\",
    'new\nline then \\"',
    "tab\tcr\r\nlf",
    '"""triple"""',
    "<script>alert('x')</script>",
    "non-BMP 😀 𝔘 and accents é",
    "\x00\x01\x08\x0b\x0c\x1f\x7f",
    "",
    " leading and trailing ",
    "\u2028\u2029\ufeff",
    "\\u0041 is not A",
    "@prefix x: <y> .",
]


def roundtrip(title: str) -> tuple[str, str, str]:
    """The title as read back from Turtle by rdflib, and from N-Triples by rdflib and by oxigraph."""
    paper = Paper("2201.00009", 1, title, "")
    g = Graph()
    g += paper_triples(paper, [])
    ttl = turtle_text(g)
    nt = io.StringIO()
    write_ntriples(g, nt)
    p = paper_iri(paper.id)
    from_ttl = Graph().parse(data=ttl, format="turtle").value(p, DCTERMS.title)
    from_nt = Graph().parse(data=nt.getvalue(), format="nt").value(p, DCTERMS.title)
    oxi = {
        q.object.value
        for q in pyoxigraph.parse(nt.getvalue().encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        if q.predicate.value == str(DCTERMS.title)
    }
    oxi_ttl = {
        q.object.value
        for q in pyoxigraph.parse(ttl.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
        if q.predicate.value == str(DCTERMS.title)
    }
    assert oxi == oxi_ttl
    assert nt.getvalue().count("\n") == len(g)  # one line per triple, whatever the text
    return str(from_ttl), str(from_nt), oxi.pop()


@pytest.mark.parametrize("title", NASTY)
def test_nasty_titles_round_trip(title: str) -> None:
    assert roundtrip(title) == (title, title, title)


def test_lone_surrogates_become_replacement_characters() -> None:
    assert roundtrip("a\ud800b") == ("a\ufffdb",) * 3


def test_term_text_escapes_literals() -> None:
    assert term_text(Literal('a"b\\c\nd\x00')) == '"a\\"b\\\\c\\nd\\u0000"'
    assert term_text(Literal("x", lang="en")) == '"x"@en'
    with pytest.raises(StoreError):
        term_text(URIRef("http://example.org/a b"))


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
@example('x\n\\"')
@example('"""\n"')
def test_any_title_round_trips(title: str) -> None:
    assert roundtrip(title) == (title, title, title)


@settings(max_examples=100, deadline=None)
@given(label=TEXT, alias=TEXT)
def test_any_label_round_trips(label: str, alias: str) -> None:
    entity = Entity("method/x", EntityType.METHOD, label, aliases=((alias, 2),))
    g = Graph()
    g += entity_triples(entity)
    back = Graph().parse(data=turtle_text(g), format="turtle")
    nt = io.StringIO()
    write_ntriples(g, nt)
    back_nt = Graph().parse(data=nt.getvalue(), format="nt")
    e = entity_iri("method/x")
    for b in (back, back_nt):
        assert b.value(e, SKOS.prefLabel) == Literal(label)
        assert {str(o) for o in b.objects(None, SKOSXL.literalForm)} == {alias}
    assert isomorphic(back, g) and isomorphic(back_nt, g)
