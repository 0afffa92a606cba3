"""RDF export: IRIs, triples from records, deterministic writers and SHACL validation.

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

import hashlib
import io
import json
import os
import re
import stat
import tempfile
from collections import Counter, defaultdict
from contextlib import contextmanager, suppress
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, NamedTuple, Union
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
import rdflib.namespace
from rdflib.namespace import DC, DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, VOID
from rdflib.term import Node

from kg.config import Config, ontology_dir
from kg.errors import StoreError, unknown_name
from kg.records import Entity, EntityType, Link, Mention, Paper, Role

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
PREFIXES: Mapping[str, str] = MappingProxyType({
    "kgo": str(KGO._NS), "oa": str(OA), "prov": str(PROV), "skos": str(SKOS), "skosxl": str(SKOSXL),
    "dc": str(DC), "dcterms": str(DCTERMS), "schema": str(SCHEMA), "fabio": str(FABIO), "void": str(VOID),
    "owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
})
CLASS_OF_TYPE: Mapping[EntityType, URIRef] = MappingProxyType(
    {EntityType.DATASET: KGO.Dataset, EntityType.METHOD: KGO.Method, EntityType.TASK: KGO.Task})
#: paper -> entity property for each (entity type, role); anything else is ``kgo:mentionsEntity``
ROLE_PROPERTY: Mapping[tuple[EntityType, Role], URIRef] = MappingProxyType({
    (EntityType.METHOD, Role.PROPOSES): KGO.proposesMethod, (EntityType.METHOD, Role.USES): KGO.usesMethod,
    (EntityType.DATASET, Role.INTRODUCES): KGO.introducesDataset,
    (EntityType.DATASET, Role.USES): KGO.usesDataset, (EntityType.TASK, Role.ADDRESSES): KGO.addressesTask,
})
#: entity -> entity relation derived from co-occurrence, by (subject type, object type)
RELATIONS: Mapping[tuple[EntityType, EntityType], URIRef] = MappingProxyType({
    (EntityType.METHOD, EntityType.TASK): KGO.appliedToTask,
    (EntityType.DATASET, EntityType.TASK): KGO.usedForTask,
    (EntityType.METHOD, EntityType.DATASET): KGO.evaluatedOn,
})
CONTEXT_LENGTH = 32  # characters of oa:prefix / oa:suffix
_IRI_SAFE = "/:@-._~"
_SURROGATE = re.compile("[\ud800-\udfff]")


def ontology_file(name: str) -> Path:
    """A file of the shipped ``ontologies/`` folder (also from a checkout that is not installed)."""
    try:
        return ontology_dir() / name
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "ontologies" / name


# ---------------------------------------------------------------------------------------------- IRIs
def _base(config: Config) -> str:
    base = config.base_iri
    return base if base.endswith(("/", "#")) else base + "/"


def _iri(config: Config, *parts: str) -> URIRef:
    return URIRef(_base(config) + "".join(quote(p, safe=_IRI_SAFE) for p in parts))


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


@lru_cache(maxsize=1 << 16)  # IRIs repeat across a paper's triples and entities across papers
def paper_iri(paper_id: str, config: Config = Config()) -> URIRef:
    """The IRI of a paper.

    >>> str(paper_iri("hep-th/9901001"))
    'https://w3id.org/kg/paper/hep-th/9901001'
    """
    return _iri(config, "paper/", paper_id)


@lru_cache(maxsize=1 << 16)
def entity_iri(entity_id: str, config: Config = Config()) -> URIRef:
    """The IRI of an entity: the base plus its id.

    >>> str(entity_iri("method/saanet", Config(base_iri="http://example.org/kg")))
    'http://example.org/kg/method/saanet'
    """
    return _iri(config, entity_id)


def annotation_iri(paper_id: str, entity_id: str, role: Role | str, field: str, start: int, end: int,
                   config: Config = Config()) -> URIRef:
    """The IRI of the evidence for one mention of a link; stable across runs.

    >>> str(annotation_iri("2201.00001", "dataset/imagenet", Role.USES, "title", 0, 8))
    'https://w3id.org/kg/annotation/2201.00001/039094006939'
    """
    return URIRef(_annotation_iri_text(paper_id, entity_id, role, field, start, end, config))


def _annotation_iri_text(paper_id: str, entity_id: str, role: Role | str, field: str, start: int, end: int,
                         config: Config) -> str:
    key = f"{entity_id}|{Role(role).value}|{field}|{start}|{end}"
    return _base(config) + "annotation/" + _quoted(paper_id) + "/" + _hash(key)


@lru_cache(maxsize=1 << 12)  # a paper's id is quoted once for all its annotations
def _quoted(part: str) -> str:
    return quote(part, safe=_IRI_SAFE)


@lru_cache(maxsize=1024)
def component_iri(name: str, config: Config = Config()) -> URIRef:
    """The IRI of an extraction component.

    >>> str(component_iri("pattern:title-colon"))
    'https://w3id.org/kg/component/pattern:title-colon'
    >>> str(component_iri("my rule/2"))
    'https://w3id.org/kg/component/my%20rule%2F2'
    """
    return URIRef(_base(config) + "component/" + quote(name or "unknown", safe=_IRI_SAFE[1:]))


@lru_cache(maxsize=1024)
def activity_iri(name: str, config: Config = Config()) -> URIRef:
    """The IRI of the extraction activity that a component performs (what ``prov:wasGeneratedBy`` names).

    >>> str(activity_iri("ner"))
    'https://w3id.org/kg/component/ner#extraction'
    """
    return URIRef(component_iri(name, config) + "#extraction")


def cooccurrence_iri(subject_id: str, object_id: str, config: Config = Config()) -> URIRef:
    """The IRI of the co-occurrence statistics of two entities."""
    return _iri(config, "cooccurrence/", subject_id, "/", object_id)


def label_iri(entity_id: str, form: str, config: Config = Config()) -> URIRef:
    """The IRI of the ``skosxl:Label`` of one surface form of an entity."""
    return URIRef(_label_iri_text(str(entity_iri(entity_id, config)), form))


def _label_iri_text(entity: str, form: str) -> str:
    return f"{entity}#label-{_hash(form)}"


def role_property(entity_type: EntityType | None, role: Role) -> URIRef:
    """The paper -> entity property for a role; ``kgo:mentionsEntity`` when the pair makes no sense.

    >>> role_property(EntityType.METHOD, Role.PROPOSES) == KGO.proposesMethod
    True
    """
    return ROLE_PROPERTY.get((entity_type, role), KGO.mentionsEntity)  # type: ignore[arg-type]


def _type_of(entity_id: str, mentions: Sequence[Mention] = ()) -> EntityType | None:
    try:
        return EntityType(entity_id.split("/", 1)[0])
    except ValueError:
        return mentions[0].type if mentions else None


# --------------------------------------------------------------------------------------- literals
def _text(value: str) -> Literal:
    """A plain string literal; lone surrogates (not Unicode scalar values) become U+FFFD."""
    return Literal(_SURROGATE.sub("\ufffd", value))


@lru_cache(maxsize=4096)  # literals are immutable: confidences and offsets repeat
def _decimal(value: float) -> Literal:
    lexical = f"{value:.3f}".rstrip("0")
    return Literal(lexical + "0" if lexical.endswith(".") else lexical, datatype=XSD.decimal)


def _date(value: str) -> Literal:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and date.fromisoformat(value):
            return Literal(value, datatype=XSD.date)
    except ValueError:
        pass
    return _text(value)


@lru_cache(maxsize=1 << 14)
def _count(value: int, datatype: URIRef = XSD.integer) -> Literal:
    return Literal(str(int(value)), datatype=datatype)


# ------------------------------------------------------------------------------------------- terms
class Terms:
    """How ``paper_triples`` makes its terms: rdflib terms, as here, for graphs and stores.

    ``NTriplesTerms`` makes the same terms as N-Triples text instead, for writers: a large build spends
    most of its time after extraction writing papers' evidence, and making rdflib objects only to turn
    them into text again was most of that.
    """

    def name(self, iri: URIRef) -> Node:
        """A fixed IRI: an ontology term, an entity, a component."""
        return iri

    def names(self, iris: tuple[URIRef, ...]) -> tuple[Node, ...]:
        return iris

    def iri(self, text: str) -> Node:
        """An IRI made once (an annotation's)."""
        return URIRef(text)

    def text(self, value: str) -> Node:
        """A plain string literal."""
        return _text(value)

    def literal(self, literal: Literal) -> Node:
        """A literal made by one of the cached makers (numbers, dates, field names)."""
        return literal


class NTriplesTerms(Terms):
    """Terms as N-Triples text (what ``NTriplesWriter`` writes for the rdflib term), remembering how each
    fixed IRI and cached literal is written, up to ``max_names``.

    >>> terms = NTriplesTerms()
    >>> terms.name(KGO.Paper), terms.text('a "b"'), terms.literal(_count(3))
    ('<https://w3id.org/kg/ontology#Paper>', '"a \\\\"b\\\\""', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """

    def __init__(self, max_names: int = 1 << 18) -> None:
        self.max_names = max_names
        self._names: dict[Node, str] = {}
        self._tuples: dict[tuple[URIRef, ...], tuple[str, ...]] = {}

    def name(self, iri: URIRef) -> str:  # type: ignore[override]
        return self._remembered(iri, _iriref)

    def names(self, iris: tuple[URIRef, ...]) -> tuple[str, ...]:  # type: ignore[override]
        texts = self._tuples.get(iris)
        if texts is None:
            texts = self._tuples[iris] = tuple(_iriref(iri) for iri in iris)
        return texts

    def iri(self, text: str) -> str:  # type: ignore[override]
        return _iriref(text)

    def text(self, value: str) -> str:  # type: ignore[override]
        if _SURROGATE.search(value):  # as _text: a lone surrogate becomes U+FFFD, written as it is
            value = _SURROGATE.sub("\ufffd", value)
        return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'

    def literal(self, literal: Literal) -> str:  # type: ignore[override]
        return self._remembered(literal, term_text)

    def _remembered(self, term: Node, write: Callable[[Any], str]) -> str:
        text = self._names.get(term)
        if text is None:
            if len(self._names) >= self.max_names:
                self._names.clear()
            text = self._names[term] = write(term)
        return text


RDFLIB_TERMS = Terms()


# ----------------------------------------------------------------------------------------- triples
# The terms written for every paper and every mention, made once: a namespace attribute builds and checks
# a new URIRef on each access, which was a fifth of the time of writing a large build.
_PAPER_TERMS = (RDF.type, KGO.Paper, KGO.arxivId, DCTERMS.identifier, SCHEMA.url, DCTERMS.title, DCTERMS.abstract,
                KGO.version, DCTERMS.date, DC.creator, KGO.category, KGO.Component, RDFS.label, PROV.Activity,
                PROV.wasAssociatedWith)
_ANNOTATION_TERMS = (RDF.type, OA.Annotation, OA.motivatedBy, OA.identifying, OA.hasBody, OA.hasTarget, KGO.field,
                     KGO.role, KGO.confidence, PROV.wasAttributedTo, PROV.wasGeneratedBy, KGO.sentence,
                     OA.SpecificResource, OA.hasSource, OA.hasSelector, OA.TextPositionSelector, OA.start, OA.end,
                     OA.TextQuoteSelector, OA.exact, OA.prefix, OA.suffix)
_NON_NEGATIVE = XSD.nonNegativeInteger
#: the predicates whose integers kg types more narrowly than xsd:integer (as ``ontologies/shapes.ttl`` says).
#: A pyoxigraph store keeps numbers by value and gives every integer back as xsd:integer; reading a store
#: into rdflib (``KnowledgeGraph.rdflib_graph``, ``save``) types these again, so that no datatype is lost.
NARROW_INTEGERS: Mapping[str, str] = MappingProxyType({str(OA.start): str(_NON_NEGATIVE), str(OA.end): str(_NON_NEGATIVE)})


def paper_triples(paper: Paper, links: Sequence[Link], config: Config = Config(),
                  terms: Terms = RDFLIB_TERMS) -> Iterator[Triple]:
    """The triples of one paper, its links to entities and the evidence annotations of each link, with
    terms made by ``terms`` (rdflib terms by default).

    Components used by the annotations are typed and labelled here too, so that each paper's triples
    stand alone in a stream (a store drops the repeats).
    """
    (a_type, paper_class, arxiv_id, identifier, url, title, abstract, version, date_, creator, category,
     component_class, label, activity_class, associated_with) = terms.names(_PAPER_TERMS)
    name, text = terms.name, terms.text
    p = name(paper_iri(paper.id, config))
    yield p, a_type, paper_class
    yield p, arxiv_id, text(paper.id)
    yield p, identifier, text("arXiv:" + paper.id)
    yield p, url, terms.iri("https://arxiv.org/abs/" + quote(paper.id, safe=_IRI_SAFE))
    yield p, title, text(paper.title)
    if paper.abstract:
        yield p, abstract, text(paper.abstract)
    if paper.version is not None:
        yield p, version, terms.literal(_count(paper.version))
    if paper.date:
        yield p, date_, terms.literal(_date(paper.date))
    for author in paper.authors:
        yield p, creator, text(author)
    for category_name in paper.categories:
        yield p, category, text(category_name)
    components = set()
    for link in links:
        if link.paper_id != paper.id:
            raise ValueError(f"link to {link.entity_id} belongs to {link.paper_id}, not {paper.id}")
        prop = role_property(_type_of(link.entity_id, link.mentions), link.role)
        entity = name(entity_iri(link.entity_id, config))
        yield p, name(prop), entity
        best: dict[tuple[str, int, int], Mention] = {}
        for mention in sorted(link.mentions, key=lambda m: m.confidence):
            best[(mention.field, mention.start, mention.end)] = mention  # one annotation per span
        for mention in best.values():
            components.add(mention.source or "unknown")
            yield from _annotation_triples(paper, link, prop, entity, p, mention, config, terms)
    for component in sorted(components):
        c, activity = name(component_iri(component, config)), name(activity_iri(component, config))
        yield c, a_type, component_class
        yield c, label, text(component)
        yield activity, a_type, activity_class
        yield activity, associated_with, c


def _annotation_triples(paper: Paper, link: Link, prop: URIRef, entity: Node, p: Node, m: Mention, config: Config,
                        terms: Terms) -> Iterator[Triple]:
    (a_type, annotation, motivated_by, identifying, has_body, has_target, field, role, confidence, attributed_to,
     generated_by, sentence_, specific_resource, has_source, has_selector, position_selector, start, end,
     quote_selector, exact, prefix_, suffix_) = terms.names(_ANNOTATION_TERMS)
    iri, text_of, literal = terms.iri, terms.text, terms.literal
    a_text = _annotation_iri_text(paper.id, link.entity_id, link.role, m.field, m.start, m.end, config)
    a, target, position, quote_ = iri(a_text), iri(a_text + "#target"), iri(a_text + "#position"), iri(a_text + "#quote")
    text = paper.text(m.field)
    yield a, a_type, annotation
    yield a, motivated_by, identifying
    yield a, has_body, entity
    yield a, has_target, target
    yield a, field, literal(_field_literal(m.field))
    yield a, role, terms.name(prop)
    yield a, confidence, literal(_decimal(m.confidence))
    yield a, attributed_to, terms.name(component_iri(m.source, config))
    # PROV: an annotation is generated by an activity (a run of the component), attributed to the component
    yield a, generated_by, terms.name(activity_iri(m.source, config))
    sentence = m.sentence or text[m.sentence_start:m.sentence_end]
    if sentence:
        yield a, sentence_, text_of(sentence)
    yield target, a_type, specific_resource
    yield target, has_source, p
    yield target, has_selector, position
    yield target, has_selector, quote_
    yield position, a_type, position_selector
    yield position, start, literal(_count(m.start, _NON_NEGATIVE))
    yield position, end, literal(_count(m.end, _NON_NEGATIVE))
    yield quote_, a_type, quote_selector
    yield quote_, exact, text_of(m.text)
    prefix, suffix = text[max(0, m.start - CONTEXT_LENGTH):m.start], text[m.end:m.end + CONTEXT_LENGTH]
    if prefix:
        yield quote_, prefix_, text_of(prefix)
    if suffix:
        yield quote_, suffix_, text_of(suffix)


@lru_cache(maxsize=64)
def _field_literal(name: str) -> Literal:
    return _text(name)


_ENTITY_TERMS = (RDF.type, SKOS.prefLabel, KGO.paperCount, SKOS.definition, SKOS.inScheme, KGO.Vocabulary,
                 KGO.vocabularyId, SKOS.broader, SKOS.altLabel, SKOSXL.prefLabel, SKOSXL.altLabel, SKOSXL.Label,
                 SKOSXL.literalForm, KGO.mentionCount)


def entity_triples(entity: Entity, n_papers: int = 0, config: Config = Config(),
                   terms: Terms = RDFLIB_TERMS) -> Iterator[Triple]:
    """The triples of one entity: class, labels, surface forms with counts, vocabulary link, broader;
    terms made by ``terms`` (rdflib terms by default).

    Each surface form is a ``skosxl:Label`` (``skosxl:literalForm``, ``kgo:mentionCount``), reached with
    ``skosxl:prefLabel`` when it is the preferred label and ``skosxl:altLabel`` (plus plain
    ``skos:altLabel``) otherwise.

    >>> e = Entity("dataset/imagenet", EntityType.DATASET, "ImageNet", aliases=(("ImageNet", 3), ("IN", 1)))
    >>> g = Graph()
    >>> g += entity_triples(e, 4)
    >>> sorted(str(o) for o in g.objects(None, SKOS.altLabel))
    ['IN']
    >>> sorted(int(o) for o in g.objects(None, KGO.mentionCount))
    [1, 3]
    """
    (a_type, pref_label, paper_count, definition, in_scheme, vocabulary, vocabulary_id, broader_, alt_label,
     xl_pref_label, xl_alt_label, xl_label, literal_form, mention_count) = terms.names(_ENTITY_TERMS)
    name, text, literal = terms.name, terms.text, terms.literal
    iri = str(entity_iri(entity.id, config))
    e = name(entity_iri(entity.id, config))
    yield e, a_type, name(CLASS_OF_TYPE[EntityType(entity.type)])
    yield e, pref_label, text(entity.label)
    yield e, paper_count, literal(_count(n_papers))
    if entity.description:
        yield e, definition, text(entity.description)
    if entity.vocabulary_id:
        yield e, in_scheme, vocabulary
        yield e, vocabulary_id, text(entity.vocabulary_id)
    for broader in entity.broader:
        yield e, broader_, name(entity_iri(broader, config))
    counts: Counter[str] = Counter()
    for form, count in entity.aliases:
        counts[form] += count
    for form, count in sorted(counts.items()):
        label = terms.iri(_label_iri_text(iri, form))
        form_literal = text(form)
        if form != entity.label:
            yield e, alt_label, form_literal
        yield e, xl_pref_label if form == entity.label else xl_alt_label, label
        yield label, a_type, xl_label
        yield label, literal_form, form_literal
        yield label, mention_count, literal(_count(count))


class PairCounter:
    """The papers of each pair of related entities (``RELATIONS``), counted in a few bytes a pair.

    A large build has millions of (pair, paper) occurrences, most of them pairs seen once: they are kept
    as two arrays of integers (pair key, paper number), not as a dict of tuples, and grouped by one sort
    at the end. ``add`` takes all the entities of a paper at once (a pair added twice for one paper counts once).

    >>> counter = PairCounter({})
    >>> counter.add("p1", ["method/gan", "task/image-generation"])
    >>> counter.add("p2", ["task/image-generation", "method/gan", "dataset/cifar-10"])
    >>> list(counter.pairs(min_support=2))
    [('method/gan', 'task/image-generation', ['p1', 'p2'])]
    """

    _SHIFT = 32  # pair key: subject number << 32 | object number

    def __init__(self, entity_types: Mapping[str, EntityType]) -> None:
        from array import array

        self._entity_types = entity_types
        self._entities: dict[str, int] = {}
        self._types: list[EntityType | None] = []
        self._papers: dict[str, int] = {}
        self._keys = array("q")
        self._paper_of = array("q")

    def _number(self, entity_id: str) -> int:
        number = self._entities.get(entity_id)
        if number is None:
            number = self._entities[entity_id] = len(self._types)
            self._types.append(self._entity_types.get(entity_id) or _type_of(entity_id))
        return number

    def add(self, paper_id: str, entity_ids: Iterable[str]) -> None:
        paper = self._papers.setdefault(paper_id, len(self._papers))
        of_type: dict[EntityType | None, list[int]] = defaultdict(list)
        for number in {self._number(e) for e in entity_ids}:
            of_type[self._types[number]].append(number)
        for s_type, o_type in RELATIONS:  # only the pairs of related types, not every pair of the paper
            objects = of_type.get(o_type)
            if not objects:
                continue
            for s in of_type.get(s_type, ()):
                self._keys.extend((s << self._SHIFT) | o for o in objects)
                self._paper_of.extend([paper] * len(objects))

    def pairs(self, min_support: int) -> Iterator[tuple[str, str, list[str]]]:
        """(subject id, object id, supporting paper ids) of pairs with ``min_support`` papers or more, sorted
        by subject, object, then paper id."""
        import numpy as np

        if not self._keys:
            return
        # numbers ranked by their ids, so that sorting numbers sorts the ids
        entity_ids = sorted(self._entities, key=self._entities.__getitem__)
        entity_rank = np.empty(len(entity_ids), dtype=np.int64)
        entity_rank[sorted(range(len(entity_ids)), key=entity_ids.__getitem__)] = np.arange(len(entity_ids))
        paper_ids = sorted(self._papers, key=self._papers.__getitem__)
        paper_rank = np.empty(len(paper_ids), dtype=np.int64)
        paper_rank[sorted(range(len(paper_ids)), key=paper_ids.__getitem__)] = np.arange(len(paper_ids))
        keys = np.frombuffer(self._keys, dtype=np.int64)
        mask = (1 << self._SHIFT) - 1
        ranked = (entity_rank[keys >> self._SHIFT] << self._SHIFT) | entity_rank[keys & mask]
        papers = paper_rank[np.frombuffer(self._paper_of, dtype=np.int64)]
        order = np.lexsort((papers, ranked))
        ranked, papers = ranked[order], papers[order]
        del order, keys
        fresh = np.ones(len(ranked), dtype=bool)  # a (pair, paper) seen twice counts once
        fresh[1:] = (ranked[1:] != ranked[:-1]) | (papers[1:] != papers[:-1])
        ranked, papers = ranked[fresh], papers[fresh]
        starts = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))
        ends = np.append(starts[1:], len(ranked))
        by_rank = sorted(entity_ids)
        papers_by_rank = sorted(paper_ids)
        for start, end in zip(starts[ends - starts >= min_support].tolist(), ends[ends - starts >= min_support].tolist()):
            key = int(ranked[start])
            yield (by_rank[key >> self._SHIFT], by_rank[key & mask],
                   [papers_by_rank[p] for p in papers[start:end].tolist()])


def cooccurrence_triples(links: Iterable[Link], entity_types: Mapping[str, EntityType],
                         config: Config = Config(), min_support: int | None = None,
                         counter: PairCounter | None = None) -> Iterator[Triple]:
    """Entity -> entity relations (``RELATIONS``) for pairs linked by at least ``min_support`` papers
    (by default ``config.cooccurrence_min_support``: a pair seen in one paper only is left to queries
    over the links; in a large build it is most pairs, and mostly chance).

    Each relation is stated directly and described by a ``kgo:Cooccurrence`` node with the count and
    the supporting papers. Roles do not matter: any two links of one paper co-occur. A streaming build
    passes a ``counter`` it filled paper by paper instead of ``links``.

    >>> links = [Link(p, "method/m", Role.USES) for p in ("p1", "p2")] + [Link("p1", "task/t", Role.ADDRESSES)]
    >>> g = Graph()
    >>> g += cooccurrence_triples(links, {}, min_support=1)
    >>> (entity_iri("method/m"), KGO.appliedToTask, entity_iri("task/t")) in g
    True
    >>> len(list(cooccurrence_triples(links, {})))  # one supporting paper: below the default of two
    0
    """
    if min_support is None:
        min_support = config.cooccurrence_min_support
    if counter is None:
        counter = PairCounter(entity_types)
        by_paper: dict[str, set[str]] = defaultdict(set)
        for link in links:
            by_paper[link.paper_id].add(link.entity_id)
        for paper_id, ids in by_paper.items():
            counter.add(paper_id, ids)
        del by_paper
    a_type, cooccurrence, role, subject, object_, support_count, supporting = (
        RDF.type, KGO.Cooccurrence, KGO.role, KGO.subjectEntity, KGO.objectEntity, KGO.supportCount, KGO.supportingPaper)
    for s, o, papers in counter.pairs(min_support):
        relation = RELATIONS[(entity_types.get(s) or _type_of(s), entity_types.get(o) or _type_of(o))]  # type: ignore[index]
        c = cooccurrence_iri(s, o, config)
        yield entity_iri(s, config), relation, entity_iri(o, config)
        yield c, a_type, cooccurrence
        yield c, role, relation
        yield c, subject, entity_iri(s, config)
        yield c, object_, entity_iri(o, config)
        yield c, support_count, _count(len(papers))
        for paper_id in papers:
            yield c, supporting, paper_iri(paper_id, config)


def ontology_header_triples(config: Config = Config()) -> Iterator[Triple]:
    """A ``void:Dataset`` node for the export and the curated vocabulary's concept scheme."""
    dataset = URIRef(_base(config))
    yield dataset, RDF.type, VOID.Dataset
    yield dataset, DCTERMS.conformsTo, ONTOLOGY
    yield dataset, VOID.vocabulary, URIRef(str(KGO._NS))
    yield KGO.Vocabulary, RDF.type, SKOS.ConceptScheme
    yield KGO.Vocabulary, SKOS.prefLabel, Literal("kg curated vocabulary", lang="en")


def iter_triples(papers: Iterable[Paper], entities: Iterable[Entity], links: Iterable[Link],
                 config: Config = Config(), min_support: int | None = None) -> Iterator[Triple]:
    """Every triple of a build; links of papers that are not given are left out."""
    links = list(links)
    by_paper: dict[str, list[Link]] = defaultdict(list)
    for link in sorted(links, key=lambda l: (l.paper_id, l.entity_id, l.role.value)):
        by_paper[link.paper_id].append(link)
    known = set()
    yield from ontology_header_triples(config)
    for paper in papers:
        known.add(paper.id)
        yield from paper_triples(paper, by_paper.get(paper.id, []), config)
    links = [l for l in links if l.paper_id in known]
    n_papers = Counter(e for _, e in {(l.paper_id, l.entity_id) for l in links})
    types: dict[str, EntityType] = {}
    for entity in entities:
        types[entity.id] = EntityType(entity.type)
        yield from entity_triples(entity, n_papers.get(entity.id, 0), config)
    yield from cooccurrence_triples(links, types, config, min_support)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind ``PREFIXES`` on a graph and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def to_rdflib(papers: Iterable[Paper], entities: Iterable[Entity], links: Iterable[Link],
              config: Config = Config(), min_support: int | None = None) -> Graph:
    """An rdflib graph of a build, with the kg prefixes bound."""
    graph = bind_prefixes(Graph())
    for triple in iter_triples(papers, entities, links, config, min_support):
        graph.add(triple)
    return graph


# ----------------------------------------------------------------------------------------- writers
_ESCAPES = MappingProxyType({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
                             "\b": "\\b", "\f": "\\f"})
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f\ud800-\udfff]')
_BAD_IRI = re.compile('[\x00-\x20<>"{}|^`\\\\]')
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return "\\uFFFD"
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _iriref(iri: str) -> str:
    if _BAD_IRI.search(iri):
        raise StoreError(f"cannot write {iri!r}: not a valid IRI")
    return f"<{iri}>"


def _qname(iri: str) -> str | None:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return None


def term_text(term: Node, qnames: bool = False) -> str:
    r"""A term in N-Triples syntax (also valid Turtle); with ``qnames``, prefixed names where safe.

    Literals are written on one line with every control character escaped: rdflib's own ``n3()``
    writes long triple-quoted strings, which N-Triples does not allow, and its Turtle writer produces
    invalid Turtle for some of them (a newline, then a backslash before the final quote).

    >>> term_text(Literal('say "hi"\n<script>\x00'))
    '"say \\"hi\\"\\n<script>\\u0000"'
    >>> term_text(Literal(3), qnames=True)
    '"3"^^xsd:integer'
    """
    if isinstance(term, URIRef):
        return (qnames and _qname(term)) or _iriref(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + _NEEDS_ESCAPE.sub(_escape, str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{term_text(term.datatype, qnames)}"
        return text
    raise TypeError(f"not an RDF term: {term!r}")


def _sort_key(term: Node) -> tuple[int, str, str, str]:
    if isinstance(term, Literal):
        return 2, str(term), str(term.datatype or ""), term.language or ""
    return (1 if isinstance(term, BNode) else 0), str(term), "", ""


@contextmanager
def _atomic(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path``, then ``os.replace`` it: no partial file is ever seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def turtle_text(graph: Graph) -> str:
    """Deterministic Turtle: sorted subjects, ``rdf:type`` first, then sorted predicates and objects."""
    tree: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
    iris: set[URIRef] = set()
    for s, p, o in graph:  # one pass; a graph holds each triple once
        tree[s][p].append(o)
        iris.update(t for t in (s, p, o, getattr(o, "datatype", None)) if isinstance(t, URIRef))
    qnames = {iri: _qname(iri) for iri in iris}  # each IRI's name worked out once, not at every use
    names = {iri: qname or _iriref(iri) for iri, qname in qnames.items()}

    def text(term: Node) -> str:
        return names[term] if type(term) is URIRef else term_text(term, True)  # type: ignore[index]

    blocks = []
    for s in sorted(tree, key=_sort_key):
        predicates = tree[s]
        lines = []
        for pred in sorted(predicates, key=lambda p: (p != RDF.type, _sort_key(p))):
            objects = ", ".join(text(o) for o in sorted(predicates[pred], key=_sort_key))
            lines.append(("a" if pred == RDF.type else text(pred)) + " " + objects)
        blocks.append(text(s) + " " + " ;\n    ".join(lines) + " .\n")
    used = sorted({q.split(":", 1)[0] for q in qnames.values() if q})
    header = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in used)
    return header + "\n" + "\n".join(blocks)


def write_turtle(graph: Graph, path: str | Path) -> None:
    """Write Turtle atomically; the same triples give the same bytes whatever the insertion order."""
    with _atomic(Path(path)) as out:
        out.write(turtle_text(graph))


class NTriplesWriter:
    """Writes triples as N-Triples lines to an open text or binary file; remembers how each IRI is
    written (predicates, classes, entities and a paper's annotation nodes repeat), up to ``max_iris``.
    Triples made by its ``terms`` (``paper_triples(..., terms=writer.terms)``) are N-Triples text already:
    ``write`` takes them as they are, ``write_made`` takes only them and is faster.

    >>> out = io.StringIO()
    >>> NTriplesWriter(out).write([(KGO.Paper, RDF.type, OWL.Class)])
    1
    >>> print(out.getvalue(), end="")
    <https://w3id.org/kg/ontology#Paper> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class> .
    """

    def __init__(self, out: IO[str] | IO[bytes], max_iris: int = 1 << 18) -> None:
        self.out = out
        self.binary = isinstance(out, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(out, "mode", "")
        self.terms = NTriplesTerms(max_iris)

    def _term(self, term: Node | str) -> str:
        kind = type(term)
        if kind is URIRef:
            return self.terms.name(term)  # type: ignore[arg-type]
        if kind is str:  # made by self.terms
            return term  # type: ignore[return-value]
        if kind is Literal:  # term_text's branch, with the datatype's IRI remembered
            text = '"' + _NEEDS_ESCAPE.sub(_escape, term) + '"'  # type: ignore[call-overload]
            if term.language:  # type: ignore[union-attr]
                return f"{text}@{term.language}"  # type: ignore[union-attr]
            datatype = term.datatype  # type: ignore[union-attr]
            return text if datatype is None else text + "^^" + self.terms.name(datatype)
        return term_text(term)  # type: ignore[arg-type]

    def write(self, triples: Iterable[Triple], chunk: int = 8192) -> int:
        """Write ``triples`` (in chunks of ``chunk`` lines); the count."""
        term, n, lines = self._term, 0, []
        for s, p, o in triples:
            lines.append(f"{term(s)} {term(p)} {term(o)} .\n")
            if len(lines) >= chunk:
                n += self._flush(lines)
        return n + self._flush(lines)

    def write_made(self, triples: Iterable[tuple[str, str, str]]) -> int:
        """Write triples made with ``self.terms`` (their terms are N-Triples text already); the count."""
        lines = [f"{s} {p} {o} .\n" for s, p, o in triples]
        return self._flush(lines)

    def _flush(self, lines: list[str]) -> int:
        text = "".join(lines)
        self.out.write(text.encode("utf-8") if self.binary else text)  # type: ignore[arg-type]
        n = len(lines)
        lines.clear()
        return n


def write_ntriples(triples: Iterable[Triple], path_or_file: Union[str, Path, IO[str], IO[bytes]]) -> int:
    """Stream triples as N-Triples, one line each, to a path (atomically) or an open file; the count."""
    if isinstance(path_or_file, (str, Path)):
        with _atomic(Path(path_or_file)) as out:
            return write_ntriples(triples, out)
    return NTriplesWriter(path_or_file).write(triples)


def jsonld_context() -> dict[str, object]:
    """The ``@context`` object of ``ontologies/context.jsonld``."""
    return json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))["@context"]


def _ordered(value: object) -> object:
    """JSON with every array sorted (except ``@list``), so that output does not depend on set order."""
    if isinstance(value, dict):
        return {k: v if k == "@list" else _ordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted(map(_ordered, value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def write_jsonld(graph: Graph, path: str | Path) -> None:
    """Write compacted JSON-LD with the kg context inlined (the file stands alone), deterministically."""
    data = json.loads(graph.serialize(format="json-ld", context=jsonld_context()))
    with _atomic(Path(path)) as out:
        json.dump(_ordered(data), out, indent=1, sort_keys=True, ensure_ascii=False)
        out.write("\n")


Exporter = Callable[[Graph, Union[str, Path]], object]
EXPORTERS: Mapping[str, Exporter] = MappingProxyType(
    {"turtle": write_turtle, "ntriples": write_ntriples, "jsonld": write_jsonld})


def get_exporter(name: str) -> Exporter:
    """The writer registered under ``name``.

    >>> get_exporter("xml")
    Traceback (most recent call last):
    kg.errors.ConfigError: unknown exporter 'xml'; valid: jsonld, ntriples, turtle
    """
    try:
        return EXPORTERS[name]
    except KeyError:
        raise unknown_name("exporter", name, list(EXPORTERS)) from None


# -------------------------------------------------------------------------------------- validation
class Violation(NamedTuple):
    focus: str    # the node that fails, as an IRI or literal
    path: str     # the property, as a prefixed name where possible ("" for node-level checks)
    message: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of checking a graph against the SHACL shapes."""

    conforms: bool
    violations: tuple[Violation, ...] = ()


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file, the format guessed from its suffix."""
    fmt = {".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}.get(Path(path).suffix, "turtle")
    try:
        return Graph().parse(str(path), format=fmt)
    except Exception as err:  # rdflib's parsers raise many types, AssertionError among them
        raise StoreError(f"{path}: cannot read RDF: {err}") from err


def validate(graph_or_path: Graph | str | Path, shapes: Graph | str | Path | None = None) -> ValidationReport:
    """Check a graph (or an RDF file) against ``ontologies/shapes.ttl`` or other shapes."""
    import pyshacl  # slow to import; only validation needs it

    data = graph_or_path if isinstance(graph_or_path, Graph) else load_graph(graph_or_path)
    shapes_graph = shapes if isinstance(shapes, Graph) else load_graph(shapes or ontology_file("shapes.ttl"))
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none")
    found = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus, path = results.value(result, SH.focusNode), results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage) or results.value(result, SH.sourceConstraintComponent)
        found.add(Violation(str(focus), (_qname(path) or str(path)) if isinstance(path, URIRef) else "",
                            str(message)))
    return ValidationReport(bool(conforms), tuple(sorted(found)))


def format_report(report: ValidationReport, limit: int = 50) -> str:
    """A report for people: one line per violation, the node first.

    >>> print(format_report(ValidationReport(False, (Violation("https://x/p", "dcterms:title", "no title"),))))
    1 SHACL violation:
      <https://x/p> dcterms:title: no title
    """
    if report.conforms:
        return "The graph conforms to the kg shapes."
    n = len(report.violations)
    lines = [f"{n} SHACL violation{'s' if n != 1 else ''}:"]
    for focus, path, message in report.violations[:limit]:
        lines.append(f"  <{focus}> {path + ': ' if path else ''}{message}")
    if n > limit:
        lines.append(f"  ... and {n - limit} more")
    return "\n".join(lines)
