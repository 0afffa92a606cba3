"""The shipped ontology (ontologies/kg.ttl), shapes (shapes.ttl) and JSON-LD context, and how kg.rdf uses them."""

from __future__ import annotations

import json

import pyoxigraph
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS

from kg.rdf import (
    CLASS_OF_TYPE,
    FABIO,
    KGO,
    ONTOLOGY,
    PREFIXES,
    RELATIONS,
    ROLE_PROPERTY,
    SCHEMA,
    XSD,
    ontology_file,
)
from kg.records import EntityType

NS = str(KGO._NS)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology_file("kg.ttl"), format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_file("shapes.ttl"), format="turtle")


def kgo_terms(graph: Graph) -> set[URIRef]:
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(NS)}


def test_kgo_namespace_equals_the_terms_declared_in_the_ontology(onto: Graph) -> None:
    declared = {s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(NS)}
    assert set(dir(KGO)) == declared
    assert kgo_terms(onto) == declared  # no term is used without being declared


def test_kgo_is_closed() -> None:
    assert KGO.usesDataset == URIRef(NS + "usesDataset")
    with pytest.raises(AttributeError):
        KGO.usesDatasets  # noqa: B018


def test_every_term_has_one_english_label_and_comment(onto: Graph) -> None:
    for term in dir(KGO):
        for prop in (RDFS.label, RDFS.comment):
            values = list(onto.objects(term, prop))
            assert len(values) == 1, f"{term} needs exactly one {prop}"
            assert isinstance(values[0], Literal) and values[0].language == "en" and len(values[0]) > 2
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in onto


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY, OWL.versionInfo) is not None
    assert isinstance(onto.value(ONTOLOGY, OWL.versionIRI), URIRef)
    assert isinstance(onto.value(ONTOLOGY, DCTERMS.license), URIRef)
    assert (KGO.Vocabulary, RDF.type, SKOS.ConceptScheme) in onto


@pytest.mark.parametrize(
    "sub, sup",
    [
        (KGO.Paper, SCHEMA.ScholarlyArticle),
        (KGO.Paper, FABIO.Expression),
        (KGO.Dataset, SCHEMA.Dataset),
        (KGO.Dataset, KGO.Entity),
        (KGO.Method, KGO.Entity),
        (KGO.Task, KGO.Entity),
        (KGO.Task, SKOS.Concept),
        (KGO.Component, PROV.SoftwareAgent),
    ],
)
def test_class_hierarchy(onto: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in onto


def test_classes_and_properties_are_typed(onto: Graph) -> None:
    for cls in (KGO.Paper, KGO.Entity, KGO.Dataset, KGO.Method, KGO.Task, KGO.Cooccurrence, KGO.Component):
        assert (cls, RDF.type, OWL.Class) in onto
    for prop in (KGO.arxivId, KGO.confidence, KGO.supportCount, KGO.paperCount, KGO.mentionCount):
        assert (prop, RDF.type, OWL.DatatypeProperty) in onto
    assert onto.value(KGO.confidence, RDFS.range) == XSD.decimal
    assert onto.value(KGO.supportCount, RDFS.range) == XSD.integer


def test_role_properties_match_the_ontology(onto: Graph) -> None:
    for (etype, _role), prop in ROLE_PROPERTY.items():
        assert (prop, RDFS.subPropertyOf, KGO.mentionsEntity) in onto
        assert onto.value(prop, RDFS.domain) == KGO.Paper
        assert onto.value(prop, RDFS.range) == CLASS_OF_TYPE[etype]
    for (s_type, o_type), prop in RELATIONS.items():
        assert onto.value(prop, RDFS.domain) == CLASS_OF_TYPE[s_type]
        assert onto.value(prop, RDFS.range) == CLASS_OF_TYPE[o_type]
    assert set(CLASS_OF_TYPE) == set(EntityType)


def test_ontology_has_no_blank_nodes(onto: Graph) -> None:
    assert not [t for triple in onto for t in triple if isinstance(t, BNode)]


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_files_load_in_pyoxigraph(name: str) -> None:
    path = ontology_file(name)
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(quads) == len(Graph().parse(path, format="turtle"))


def test_pyoxigraph_can_query_the_ontology() -> None:
    store = pyoxigraph.Store()
    store.load(path=str(ontology_file("kg.ttl")), format=pyoxigraph.RdfFormat.TURTLE)
    rows = store.query(f"SELECT ?p WHERE {{ ?p <{RDFS.subPropertyOf}> <{KGO.mentionsEntity}> }}")
    assert {row["p"].value for row in rows} == {str(p) for p in ROLE_PROPERTY.values()}


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_every_shape_has_a_message(shapes: Graph) -> None:
    named = [s for s in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(RDF.type, SH.NodeShape))]
    assert len(named) > 30
    for shape in named:
        assert isinstance(shape, URIRef), "shapes are named so that reports can point at them"
        assert shapes.value(shape, SH.message), f"{shape} has no sh:message"
    for shape in shapes.subjects(SH.path, None):
        assert (shape, RDF.type, SH.PropertyShape) in shapes


def test_shapes_use_only_declared_kgo_terms(shapes: Graph) -> None:
    assert kgo_terms(shapes) <= set(dir(KGO))


def test_context_prefixes_and_terms() -> None:
    context = json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))["@context"]
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == namespace
    used = set()
    for value in context.values():
        iri = value["@id"] if isinstance(value, dict) else value
        if iri.startswith("kgo:"):
            used.add(URIRef(NS + iri[4:]))
    assert used <= set(dir(KGO))
    assert {KGO.usesDataset, KGO.confidence, KGO.supportCount} <= used
