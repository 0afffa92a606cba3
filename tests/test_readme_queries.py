"""The twelve SPARQL queries of docs/rdf.md ("SPARQL: twelve questions") and the README's SPARQL, run on the
bundled build in rdflib and in pyoxigraph: both engines give the same answers, and the answers hold facts
checked by reading the listing."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RDF_DOC = ROOT / "docs" / "rdf.md"
PREFIXES = """PREFIX kgo: <https://w3id.org/kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def _sparql_blocks(text: str) -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", text, flags=re.S)


def readme_queries() -> list[str]:
    """The twelve queries, in order, from the "SPARQL: twelve questions" section of docs/rdf.md."""
    text = RDF_DOC.read_text(encoding="utf-8")
    start = text.index("## SPARQL: twelve questions")
    end = text.find("\n## ", start + 1)
    return _sparql_blocks(text[start:] if end < 0 else text[start:end])


def readme_own_queries() -> list[str]:
    """The SPARQL blocks of README.md itself (the tour)."""
    return _sparql_blocks(README.read_text(encoding="utf-8"))


def _value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, (rdflib.Literal, rdflib.URIRef)):
        return str(term)
    return term.value


@pytest.fixture(scope="module")
def engines(bundled_build):
    _, out = bundled_build
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    store = pyoxigraph.Store()
    store.load(path=str(out / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    return graph, store


def run_both(engines, query: str) -> list[tuple[str, ...]]:
    graph, store = engines
    full = PREFIXES + query
    from_rdflib = [tuple(_value(v) for v in row) for row in graph.query(full)]
    solutions = store.query(full)
    names = [v.value for v in solutions.variables]
    from_oxigraph = [tuple(_value(row[n]) for n in names) for row in solutions]
    assert from_rdflib == from_oxigraph
    return from_rdflib


def test_there_are_twelve_queries():
    assert len(readme_queries()) == 12


def test_the_readme_shows_sparql_that_is_one_of_the_ten():
    """The README's tour shows SPARQL; each of its queries is one of the ten, word for word, so the facts
    checked below hold for it too (and ``kg query`` runs it in tests/test_readme_examples.py)."""
    own = readme_own_queries()
    assert own, "README.md shows no SPARQL query"
    assert all(query in readme_queries() for query in own)


@pytest.mark.parametrize("number", range(len(readme_own_queries())))
def test_readme_query_runs_the_same_in_both_engines(engines, number):
    rows = run_both(engines, readme_own_queries()[number])
    assert rows, f"README query {number + 1} returned nothing"


@pytest.mark.parametrize("number", range(12))
def test_query_runs_the_same_in_both_engines(engines, number):
    rows = run_both(engines, readme_queries()[number])
    assert rows, f"query {number + 1} returned nothing"


def test_answers_hold_facts_from_the_listing(engines):
    q = readme_queries()
    ids = {r[0] for r in run_both(engines, q[0])}
    assert {"2112.15358", "2112.14968", "2112.15541", "2112.15402"} <= ids  # each reports CIFAR-10 results
    tasks = dict((r[0], int(r[1])) for r in run_both(engines, q[1]))
    assert all(n >= 1 for n in tasks.values()) and list(tasks.values()) == sorted(tasks.values(), reverse=True)
    introduced = {r[0] for r in run_both(engines, q[3])}
    assert "FS2K" in introduced or "SFU-HW-Tracks-v1" in introduced  # "we introduce ... FS2K dataset", a dataset title
    proposed = {(r[1], r[0]) for r in run_both(engines, q[4])}
    assert ("2112.15458", "PiFeNet") in proposed and ("2112.15509", "SAANet") in proposed
    evidence = run_both(engines, q[5])
    assert any(r[3] == "SAANet" and "termed SAANet" in r[4] for r in evidence)
    both = {r[0] for r in run_both(engines, q[7])}
    assert "2112.14968" in both  # a GAN generator evaluated on CIFAR-10
    forms = {r[0] for r in run_both(engines, q[8])}
    assert {"CIFAR-10", "CIFAR10"} <= forms


def test_relation_queries_answer_from_stated_relations(engines):
    """Queries 3, 7, 11 and 12 read relations papers state (kgo:StatedRelation), not co-occurrence: each
    answer is a sentence of the listing that says it."""
    q = readme_queries()
    for number in (2, 6, 10, 11):
        assert "kgo:StatedRelation" in q[number] or "kgo:relationProperty" in q[number]
        assert "Cooccurrence" not in q[number] and "supportCount" not in q[number]
    assert ("ResNeXt", "1") in run_both(engines, q[2])  # "we present ResNeXt ... for image classification"
    used = run_both(engines, q[6])
    assert ("DCRN", "Graph Clustering", "1") in used and len(used) == 10  # "DCRN ... for graph clustering"
    evaluated = {(r[0], r[1], r[2]): r[3] for r in run_both(engines, q[10])}
    assert "FSGAN surpasses" in evaluated[("FSGAN", "FS2K", "2112.15439")]  # "... on the proposed FS2K dataset"
    assert "AIC-ICC" in {r[0] for r in run_both(engines, q[11])}  # "best results on COCO-CN and AIC-ICC"


def test_stored_paper_counts_are_the_counted_links(engines):
    """Query 2 reads each task's kgo:paperCount; counting the kgo:addressesTask links gives the same."""
    counted = run_both(
        engines,
        """SELECT ?task (COUNT(DISTINCT ?p) AS ?papers) WHERE {
      ?p kgo:addressesTask ?t . ?t skos:prefLabel ?task .
    } GROUP BY ?task ORDER BY DESC(?papers) ?task LIMIT 10""",
    )
    assert run_both(engines, readme_queries()[1]) == counted
