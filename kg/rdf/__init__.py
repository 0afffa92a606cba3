"""RDF: the records of a build in, triples and graph files out.

Flows in: ``Paper``, ``Entity`` and ``Link`` records (``kg.records``) and a ``Config``. Flows out: triples
(rdflib terms, or N-Triples text made by ``NTriplesTerms`` for large builds), deterministic Turtle,
N-Triples and JSON-LD files, and SHACL reports. Modules, in the order a triple is made:

=================  ==============================================================================
``namespace``      the closed ``KGO`` namespace, the other vocabularies and their prefixes
``iris``           the IRIs kg mints (below)
``terms``          literals and the two term encoders (rdflib terms, N-Triples text)
``triples``        a paper's, an entity's and the header's triples; a build as an rdflib graph
``cooccurrence``   pairs of related entities counted compactly, and their relation triples
``serialise``      the Turtle, N-Triples and JSON-LD writers
``exporters``      the writers by name
``shacl``          validation against ``ontologies/shapes.ttl``
=================  ==============================================================================

IRIs (``base`` is ``Config.base_iri``, default ``https://w3id.org/kg/``; no blank nodes anywhere):

=============  ==================================================================================
paper          ``base + "paper/" + arXiv id`` (old-style ids keep their ``/``: ``paper/math/0501001``)
entity         ``base + entity.id`` (``dataset/imagenet``)
annotation     ``base + "annotation/" + arXiv id + "/" + sha1("entity|role|field|start|end")[:12]``,
               its target and selectors at ``#target``, ``#position``, ``#quote``
component      ``base + "component/" + name`` (``component/pattern:title-colon``)
co-occurrence  ``base + "cooccurrence/" + subject id + "/" + object id``
surface form   ``entity IRI + "#label-" + sha1(form)[:12]``: a ``skosxl:Label`` with ``kgo:mentionCount``
=============  ==================================================================================

Characters outside the IRI-safe ASCII set are percent-encoded. A paper points at its arXiv page with
``schema:url`` (not ``owl:sameAs``: the page is not the same resource as the graph's paper node).
Authors are ``dc:creator`` literals (``dcterms:creator`` expects an agent resource, not a string).
An annotation is ``prov:wasAttributedTo`` its ``kgo:Component`` (a ``prov:SoftwareAgent``;
``prov:wasGeneratedBy`` would need a ``prov:Activity``).

>>> from kg.records import Paper, Entity, Link, Mention, EntityType, Role
>>> paper = Paper(id="2201.00001", version=1, title="ImageNet: a benchmark", abstract="")
>>> m = Mention(EntityType.DATASET, "title", 0, 8, "ImageNet", source="vocabulary")
>>> link = Link("2201.00001", "dataset/imagenet", Role.INTRODUCES, (m,))
>>> entity = Entity("dataset/imagenet", EntityType.DATASET, "ImageNet")
>>> g = to_rdflib([paper], [entity], [link])
>>> (paper_iri("2201.00001"), KGO.introducesDataset, entity_iri("dataset/imagenet")) in g
True
>>> validate(g).conforms
True
"""

from __future__ import annotations

from kg.rdf.cooccurrence import PairCounter, cooccurrence_triples
from kg.rdf.exporters import EXPORTERS, get_exporter
from kg.rdf.iris import (
    activity_iri,
    annotation_iri,
    component_iri,
    cooccurrence_iri,
    entity_iri,
    label_iri,
    paper_iri,
    role_property,
)
from kg.rdf.namespace import (
    CLASS_OF_TYPE,
    CONTEXT_LENGTH,
    DC,
    DCTERMS,
    FABIO,
    KGO,
    OA,
    ONTOLOGY,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    RELATIONS,
    ROLE_PROPERTY,
    SCHEMA,
    SKOS,
    SKOSXL,
    VOID,
    XSD,
    Triple,
    ontology_file,
)
from kg.rdf.serialise import (
    Exporter,
    NTriplesWriter,
    jsonld_context,
    turtle_text,
    write_jsonld,
    write_ntriples,
    write_turtle,
)
from kg.rdf.shacl import (
    ValidationReport,
    Violation,
    format_report,
    load_graph,
    validate,
)
from kg.rdf.terms import RDFLIB_TERMS, NTriplesTerms, Terms, term_text
from kg.rdf.triples import (
    NARROW_INTEGERS,
    bind_prefixes,
    entity_triples,
    iter_triples,
    ontology_header_triples,
    paper_triples,
    to_rdflib,
)

__all__ = [
    "CLASS_OF_TYPE",
    "CONTEXT_LENGTH",
    "DC",
    "DCTERMS",
    "EXPORTERS",
    "Exporter",
    "FABIO",
    "KGO",
    "NARROW_INTEGERS",
    "NTriplesTerms",
    "NTriplesWriter",
    "OA",
    "ONTOLOGY",
    "OWL",
    "PREFIXES",
    "PROV",
    "PairCounter",
    "RDF",
    "RDFLIB_TERMS",
    "RDFS",
    "RELATIONS",
    "ROLE_PROPERTY",
    "SCHEMA",
    "SKOS",
    "SKOSXL",
    "Terms",
    "Triple",
    "VOID",
    "ValidationReport",
    "Violation",
    "XSD",
    "activity_iri",
    "annotation_iri",
    "bind_prefixes",
    "component_iri",
    "cooccurrence_iri",
    "cooccurrence_triples",
    "entity_iri",
    "entity_triples",
    "format_report",
    "get_exporter",
    "iter_triples",
    "jsonld_context",
    "label_iri",
    "load_graph",
    "ontology_file",
    "ontology_header_triples",
    "paper_iri",
    "paper_triples",
    "role_property",
    "term_text",
    "to_rdflib",
    "turtle_text",
    "validate",
    "write_jsonld",
    "write_ntriples",
    "write_turtle",
]
