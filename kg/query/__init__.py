"""Queries: a built graph in, rows out.

Flows in: a graph file (Turtle, N-Triples, JSON-LD) or a pyoxigraph store folder written by ``kg.build``,
or an rdflib graph. Flows out: ``Rows`` of plain frozen records (``PaperRow``, ``EntityRow``, ...), a
networkx graph or a graph file. Every question is SPARQL underneath; values are bound as RDF terms
(checked and escaped by ``values_clause``), never formatted into the query from the input.

=============  ===========================================================================
``sparql``     prefixes, classes and predicates; values bound into a query
``rows``       the records answers are made of
``backends``   pyoxigraph and rdflib engines, terms converted between them
``presets``    the researcher's questions (papers, top, related, timeline, evidence, ...)
``relations``  questions between two entities: stated relations, co-occurrence
``graph``      ``KnowledgeGraph``: opening a graph, SPARQL, entity lookup, export
=============  ===========================================================================

>>> g = KnowledgeGraph.example()                  # or kg.load("outputs/graph.ttl")
>>> [p.id for p in g.papers(method="FooGAN")]
['2201.00001']
"""

from __future__ import annotations

from kg.query.graph import ENGINES, KnowledgeGraph
from kg.query.rows import EntityRow, Evidence, Pair, PaperRow, Related, Rows
from kg.query.sparql import PREFIXES, VALUES_HERE, inject_values, values_clause

__all__ = [
    "ENGINES",
    "EntityRow",
    "Evidence",
    "KnowledgeGraph",
    "PREFIXES",
    "Pair",
    "PaperRow",
    "Related",
    "Rows",
    "VALUES_HERE",
    "inject_values",
    "values_clause",
]
