"""The closed namespace of the kg ontology (``KGO``), the other vocabularies kg writes, their prefixes,
and the maps from entity types and roles to classes and properties.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import rdflib.namespace
from rdflib import Namespace, URIRef
from rdflib.namespace import DC, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VOID
from rdflib.term import Node

from kg.config import ontology_dir
from kg.records import EntityType, Role

Triple = tuple[Node, Node, Node]
OA = Namespace("http://www.w3.org/ns/oa#")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
FABIO = Namespace("http://purl.org/spar/fabio/")
# plain namespaces: rdflib's SDO and XSD warn on every unknown attribute, which pytest's doctest collection probes
SCHEMA = Namespace("https://schema.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY = URIRef("https://w3id.org/kg/ontology")


class KGO(rdflib.namespace.DefinedNamespace):
    """The terms of ``ontologies/kg.ttl``; any other name raises ``AttributeError``.

    >>> KGO.usesDataset
    rdflib.term.URIRef('https://w3id.org/kg/ontology#usesDataset')
    """

    _NS = Namespace("https://w3id.org/kg/ontology#")
    _fail = True
    # classes and the vocabulary scheme
    Paper: URIRef
    Entity: URIRef
    Dataset: URIRef
    Method: URIRef
    Task: URIRef
    Cooccurrence: URIRef
    Component: URIRef
    Vocabulary: URIRef
    # object properties
    mentionsEntity: URIRef
    proposesMethod: URIRef
    usesMethod: URIRef
    introducesDataset: URIRef
    usesDataset: URIRef
    addressesTask: URIRef
    appliedToTask: URIRef
    usedForTask: URIRef
    evaluatedOn: URIRef
    subjectEntity: URIRef
    objectEntity: URIRef
    supportingPaper: URIRef
    role: URIRef
    # relations stated in text (kg.relation_graph)
    StatedRelation: URIRef
    relationSubject: URIRef
    relationObject: URIRef
    relationProperty: URIRef
    statedIn: URIRef
    statementCount: URIRef
    statedRelation: URIRef
    usedFor: URIRef
    evaluatedWith: URIRef
    benchmarkFor: URIRef
    trainedWith: URIRef
    comparedWith: URIRef
    partOf: URIRef
    subclassOf: URIRef
    subtaskOf: URIRef
    synonymOf: URIRef
    # datatype properties
    arxivId: URIRef
    version: URIRef
    category: URIRef
    confidence: URIRef
    field: URIRef
    sentence: URIRef
    supportCount: URIRef
    paperCount: URIRef
    mentionCount: URIRef
    vocabularyId: URIRef


#: prefixes bound on exported graphs and used by the Turtle writer
PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "kgo": str(KGO._NS),
        "oa": str(OA),
        "prov": str(PROV),
        "skos": str(SKOS),
        "skosxl": str(SKOSXL),
        "dc": str(DC),
        "dcterms": str(DCTERMS),
        "schema": str(SCHEMA),
        "fabio": str(FABIO),
        "void": str(VOID),
        "owl": str(OWL),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "xsd": str(XSD),
    }
)
CLASS_OF_TYPE: Mapping[EntityType, URIRef] = MappingProxyType(
    {EntityType.DATASET: KGO.Dataset, EntityType.METHOD: KGO.Method, EntityType.TASK: KGO.Task}
)
#: paper -> entity property for each (entity type, role); anything else is ``kgo:mentionsEntity``
ROLE_PROPERTY: Mapping[tuple[EntityType, Role], URIRef] = MappingProxyType(
    {
        (EntityType.METHOD, Role.PROPOSES): KGO.proposesMethod,
        (EntityType.METHOD, Role.USES): KGO.usesMethod,
        (EntityType.DATASET, Role.INTRODUCES): KGO.introducesDataset,
        (EntityType.DATASET, Role.USES): KGO.usesDataset,
        (EntityType.TASK, Role.ADDRESSES): KGO.addressesTask,
    }
)
#: entity -> entity relation derived from co-occurrence, by (subject type, object type)
RELATIONS: Mapping[tuple[EntityType, EntityType], URIRef] = MappingProxyType(
    {
        (EntityType.METHOD, EntityType.TASK): KGO.appliedToTask,
        (EntityType.DATASET, EntityType.TASK): KGO.usedForTask,
        (EntityType.METHOD, EntityType.DATASET): KGO.evaluatedOn,
    }
)
CONTEXT_LENGTH = 32  # characters of oa:prefix / oa:suffix
_IRI_SAFE = "/:@-._~"
_SURROGATE = re.compile("[\ud800-\udfff]")


def ontology_file(name: str) -> Path:
    """A file of the shipped ``ontologies/`` folder (also from a checkout that is not installed)."""
    try:
        return ontology_dir() / name
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "ontologies" / name
