"""Stated relations in the graph: aggregation, RDF with evidence (SHACL-valid), networkx edges, queries."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg import rdf, relation_graph
from kg.build import pipeline
from kg.config import Config
from kg.query import KnowledgeGraph
from kg.rdf import KGO, OA


@pytest.fixture(scope="module")
def rel_build():
    return pipeline.run(None, Config(relations=True))


@pytest.fixture(scope="module")
def stated(rel_build):
    return relation_graph.aggregate(rel_build.mentions, rel_build.links, relation_graph.floors(rel_build.config))


@pytest.fixture(scope="module")
def rel_graph(rel_build, stated) -> Graph:
    g = rdf.to_rdflib(rel_build.papers, rel_build.entities, rel_build.links, rel_build.config)
    for triple in relation_graph.relation_triples(stated, rel_build.config):
        g.add(triple)
    return g


def test_aggregate_groups_by_entities_and_label(rel_build, stated) -> None:
    assert stated and stated == sorted(stated, key=lambda s: (s.subject, s.label, s.object))
    entities = {e.id for e in rel_build.entities}
    for st in stated:
        assert {st.subject, st.object} <= entities and st.subject != st.object
        assert st.papers == tuple(sorted({p for p, _ in st.evidence}))
        floor = relation_graph.floors(rel_build.config)[st.label]
        assert all(r.type == st.label and r.confidence >= floor >= 0.5 for _, r in st.evidence)


def test_relation_graph_conforms_and_keeps_cooccurrence_apart(rel_graph, stated) -> None:
    assert rdf.validate(rel_graph).conforms
    st = stated[0]
    node = relation_graph.relation_iri(st.subject, st.label, st.object)
    prop = getattr(KGO, relation_graph.PROPERTIES[st.label])
    assert (rdf.entity_iri(st.subject), prop, rdf.entity_iri(st.object)) in rel_graph
    assert int(rel_graph.value(node, KGO.statementCount)) == len(st.papers)
    annotations = set(rel_graph.subjects(OA.hasBody, node))
    assert len(annotations) == len({(p, r.head.start, r.tail.start, r.head.field) for p, r in st.evidence})
    assert all(str(rel_graph.value(a, KGO.sentence)) for a in annotations)
    assert not set(rel_graph.subjects(KGO.relationSubject, None)) & set(rel_graph.subjects(KGO.subjectEntity, None))


def test_networkx_edges_are_typed(stated) -> None:
    import networkx as nx

    g = relation_graph.add_edges(nx.MultiDiGraph(), stated)
    st = stated[-1]
    edge = g[st.subject][st.object][st.label]
    assert edge["relation"] == st.label and edge["support"] == len(st.papers)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_stated_relations_same_on_both_engines(rel_graph, stated, engine) -> None:
    g = KnowledgeGraph.from_rdflib(rel_graph, engine=engine)
    rows = g.stated_relations()
    assert len(rows) == len(stated)
    st = next(s for s in stated if s.label == "evaluated-with")
    mine = g.stated_relations(st.subject, label="evaluated-with", side="subject")
    assert st.object in {r.object for r in mine} and all(r.subject == st.subject for r in mine)
    row = next(r for r in mine if r.object == st.object)
    assert {p for p, _ in row.evidence} == set(st.papers)
    other = KnowledgeGraph.from_rdflib(rel_graph, engine="rdflib" if engine == "oxigraph" else "oxigraph")
    assert other.stated_relations(st.subject) == g.stated_relations(st.subject)


def test_unknown_relation_label_lists_the_valid_ones(rel_graph) -> None:
    from kg.errors import KGError

    with pytest.raises(KGError, match="evaluated-with"):
        KnowledgeGraph.from_rdflib(rel_graph).stated_relations(label="evaluated-on")


def test_build_with_relations_is_byte_identical_and_presets_answer(tmp_path, capsys) -> None:
    from kg.cli import main

    outs = []
    for name in ("a", "b"):
        assert main(["build", "--relations", "-o", str(tmp_path / name)]) == 0
        outs.append((tmp_path / name / "graph.ttl").read_bytes())
    assert outs[0] == outs[1] and b"kgo:StatedRelation" in outs[0]
    capsys.readouterr()
    assert (
        main(
            [
                "query",
                "compared-with",
                "--method",
                "SLIM",
                "--graph",
                str(tmp_path / "a" / "graph.ttl"),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert "compare-with" in capsys.readouterr().out


def test_every_sink_states_the_same_relations(tmp_path) -> None:
    """Turtle, N-Triples and a store of one build hold the same triples, stated relations and their evidence
    included (the streaming path: kg.build.sinks.GraphSink); the store answers the questions."""
    import pyoxigraph as ox

    out = tmp_path / "out"
    pipeline.build(None, out, Config(), formats=("ttl", "nt"), store=tmp_path / "store", html=False)
    sets = []
    for path, fmt in ((out / "graph.ttl", ox.RdfFormat.TURTLE), (out / "graph.nt", ox.RdfFormat.N_TRIPLES)):
        store = ox.Store()
        store.load(path=str(path), format=fmt)
        sets.append({str(q) for q in store})
    stored = {str(q) for q in ox.Store.read_only(str(tmp_path / "store")) if "kg-build-id" not in str(q)}
    assert sets[0] == sets[1] == stored
    assert sum("ontology#StatedRelation>" in q for q in stored) > 5
    g = KnowledgeGraph.open_store(tmp_path / "store")
    rows = g.stated_relations()
    assert rows and all(r.evidence and r.papers == len({p for p, _ in r.evidence}) for r in rows)


def test_no_relations_states_none(tmp_path) -> None:
    from kg.cli import main

    assert main(["build", "--no-relations", "--no-html", "-o", str(tmp_path)]) == 0
    text = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert "kgo:StatedRelation" not in text and '"relations"' not in (tmp_path / "mentions.jsonl").read_text()
