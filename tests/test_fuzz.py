"""The fuzz targets of benchmarks/fuzz.py with a few examples each (the benchmark runs 10,000), and
property tests that complement tests/test_rdf.py: minted IRIs, JSON-LD and every paper field."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DC, DCTERMS

from kg import rdf
from kg.rdf.namespace import _SURROGATE
from kg.rdf.terms import _text
from kg.records import Entity, EntityType, Link, Mention, Paper, Role
from kg.slug import entity_id

_spec = importlib.util.spec_from_file_location(
    "kg_fuzz", Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz.py"
)
fuzz = importlib.util.module_from_spec(_spec)
sys.modules["kg_fuzz"] = fuzz  # dataclasses look their module up
_spec.loader.exec_module(fuzz)  # type: ignore[union-attr]

EXAMPLES = 200


@pytest.mark.parametrize("target", list(fuzz.TARGETS))
def test_fuzz_target_does_not_crash(target: str) -> None:
    result = fuzz.run_target(target, EXAMPLES, seed_value=1)
    assert result.examples >= EXAMPLES // 2
    assert result.distinct == {}, f"{len(result.crashes)} crashes"


def test_fuzz_cli_reports_and_exits(capsys: pytest.CaptureFixture[str]) -> None:
    assert fuzz.main(["--examples", "20", "--target", "normalize"]) == 0
    out = capsys.readouterr().out
    assert "normalize" in out and "20 examples, 0 crashes" in out


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(label=st.text(max_size=80), type_=st.sampled_from(list(EntityType)), component=st.text(max_size=30))
def test_minted_iris_are_valid(label: str, type_: EntityType, component: str) -> None:
    """Entity ids minted from any label, any component name: IRIs that Oxigraph accepts and Turtle keeps."""
    eid = entity_id(type_.value, label.encode("utf-8", "replace").decode("utf-8"))
    for iri in (
        rdf.entity_iri(eid),
        rdf.component_iri(component),
        rdf.activity_iri(component),
        rdf.label_iri(eid, label),
        rdf.cooccurrence_iri(eid, eid),
        rdf.annotation_iri("2201.00001", eid, Role.USES, "title", 0, 1),
    ):
        pyoxigraph.NamedNode(str(iri))
        assert rdf.term_text(iri).startswith("<")


@SETTINGS
@given(
    title=TEXT,
    abstract=TEXT,
    authors=st.lists(TEXT.filter(str.strip), max_size=3),
    categories=st.lists(TEXT, max_size=2),
    date=TEXT,
    quote=TEXT,
)
def test_every_paper_field_round_trips_through_jsonld_and_ntriples(
    title, abstract, authors, categories, date, quote
) -> None:
    text = abstract + quote + abstract
    start = len(abstract)
    paper = Paper("2201.00001", 1, title, text, authors=tuple(authors), categories=tuple(categories), date=date or None)
    mention = Mention(
        EntityType.METHOD, "abstract", start, start + len(quote), quote, sentence=text, source=quote or "x"
    )
    graph = rdf.to_rdflib([paper], [], [Link(paper.id, "method/x", Role.USES, (mention,))])
    nt = io.StringIO()
    rdf.write_ntriples(graph, nt)
    back_nt = Graph().parse(data=nt.getvalue(), format="nt")
    data = json.loads(graph.serialize(format="json-ld", context=rdf.jsonld_context()))
    back_jsonld = Graph().parse(data=json.dumps(data), format="json-ld")
    p = rdf.paper_iri(paper.id)
    for back in (back_nt, back_jsonld):
        assert str(back.value(p, DCTERMS.title)) == title
        assert str(back.value(p, DCTERMS.abstract) or "") == text
        assert {str(o) for o in back.objects(p, DC.creator)} == set(authors)
    assert isomorphic(back_nt, graph)
    assert {
        q.object.value
        for q in pyoxigraph.parse(nt.getvalue().encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        if q.predicate.value == str(DCTERMS.title)
    } == {title}


@SETTINGS
@given(st.text(max_size=40))
def test_any_string_becomes_a_writable_literal(text: str) -> None:
    """Lone surrogates included: the writers put U+FFFD, never an unencodable string."""
    line = rdf.term_text(_text(text))
    line.encode("utf-8")
    back = Graph().parse(data=f"<http://x/s> <http://x/p> {line} .", format="nt")
    assert [str(o) for o in back.objects()] == [_SURROGATE.sub("\ufffd", text)]


ANY_TEXT = st.text(max_size=40)  # lone surrogates included


@SETTINGS
@given(
    title=ANY_TEXT,
    abstract=ANY_TEXT,
    quote=ANY_TEXT,
    author=ANY_TEXT,
    date=ANY_TEXT,
    paper_id=st.sampled_from(["2201.00001", "math/0501001", "2201.00001 x"]),
)
def test_paper_triples_as_text_are_the_bytes_of_the_rdflib_terms(
    title, abstract, quote, author, date, paper_id
) -> None:
    """The streaming build writes papers with NTriplesTerms; the result must be what writing the rdflib
    terms of the same triples gives, byte for byte."""
    text = abstract + quote + abstract
    start = len(abstract)
    paper = Paper(paper_id, 2, title, text, authors=(author,), categories=("cs.CV",), date=date or None)
    mentions = (
        Mention(EntityType.METHOD, "abstract", start, start + len(quote), quote, sentence=text, source=quote),
        Mention(EntityType.METHOD, "title", 0, len(title), title, confidence=0.25, source="ner"),
    )
    links = [Link(paper_id, entity_id("method", quote or "x"), Role.PROPOSES, mentions)]
    via_rdflib, via_text = io.StringIO(), io.StringIO()
    rdf.NTriplesWriter(via_rdflib).write(rdf.paper_triples(paper, links))
    writer = rdf.NTriplesWriter(via_text)
    writer.write_made(rdf.paper_triples(paper, links, terms=writer.terms))
    assert via_text.getvalue() == via_rdflib.getvalue()
    mixed = io.StringIO()  # write() takes made and rdflib terms alike
    rdf.NTriplesWriter(mixed).write(rdf.paper_triples(paper, links, terms=writer.terms))
    assert mixed.getvalue() == via_rdflib.getvalue()


@SETTINGS
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=4), labels=st.lists(ANY_TEXT, max_size=4), title=ANY_TEXT)
def test_relabel_line_is_a_json_rewrite(texts: list[str], labels: list[str], title: str) -> None:
    """mentions.jsonl is relabelled by rewriting fields in place; it must agree with parsing the line."""
    from kg.build.files import paper_mention_record, relabel_line
    from kg.records import PaperMentions

    clean = [_SURROGATE.sub("\ufffd", t) for t in texts]  # JSON lines hold valid UTF-8 only
    paper = Paper("2201.00001", 1, _SURROGATE.sub("\ufffd", title), " ".join(clean))
    mentions = [Mention(EntityType.TASK, "abstract", 0, len(t), t, sentence=t) for t in clean]
    links = [Link(paper.id, f'task/{i}\\"x', Role.ADDRESSES, (m,)) for i, m in enumerate(mentions)]
    line = (
        json.dumps(paper_mention_record(PaperMentions(paper, tuple(mentions)), links, None), ensure_ascii=False) + "\n"
    )
    names = {f'task/{i}\\"x': _SURROGATE.sub("\ufffd", label) for i, label in enumerate(labels)}
    expected = json.loads(line)
    for m in expected["mentions"]:
        m["label"] = names.get(m["entity"], m["text"])
    assert json.loads(relabel_line(line, names)) == expected
    assert relabel_line(relabel_line(line, names), {}) == relabel_line(line, {})


@SETTINGS
@given(
    label=ANY_TEXT,
    forms=st.lists(st.tuples(ANY_TEXT, st.integers(1, 9)), max_size=4),
    description=ANY_TEXT,
    type_=st.sampled_from(list(EntityType)),
)
def test_entity_triples_as_text_are_the_bytes_of_the_rdflib_terms(label, forms, description, type_) -> None:
    eid = entity_id(type_.value, label or "x")
    entity = Entity(
        eid,
        type_,
        label,
        aliases=tuple(forms) + ((label, 1),),
        vocabulary_id=eid if forms else "",
        broader=(entity_id(type_.value, "base"),),
        description=description,
    )
    via_rdflib, via_text = io.StringIO(), io.StringIO()
    rdf.NTriplesWriter(via_rdflib).write(rdf.entity_triples(entity, 3))
    writer = rdf.NTriplesWriter(via_text)
    writer.write_made(rdf.entity_triples(entity, 3, terms=writer.terms))
    assert via_text.getvalue() == via_rdflib.getvalue()
