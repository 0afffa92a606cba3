"""The triples of a build: a paper with its annotations, an entity with its labels, the export's header,
and a whole build's triples as an rdflib graph.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, PROV, RDF, RDFS, SKOS, VOID
from rdflib.term import Node

from kg.config import Config
from kg.rdf.cooccurrence import cooccurrence_triples
from kg.rdf.iris import (
    _annotation_iri_text,
    _base,
    _label_iri_text,
    _type_of,
    activity_iri,
    component_iri,
    entity_iri,
    paper_iri,
    role_property,
)
from kg.rdf.namespace import (
    _IRI_SAFE,
    CLASS_OF_TYPE,
    CONTEXT_LENGTH,
    KGO,
    OA,
    ONTOLOGY,
    PREFIXES,
    SCHEMA,
    SKOSXL,
    XSD,
    Triple,
)
from kg.rdf.terms import RDFLIB_TERMS, Terms, _count, _date, _decimal, _text
from kg.records import Entity, EntityType, Link, Mention, Paper

# ----------------------------------------------------------------------------------------- triples
# The terms written for every paper and every mention, made once: a namespace attribute builds and checks
# a new URIRef on each access, which was a fifth of the time of writing a large build.
_PAPER_TERMS = (
    RDF.type,
    KGO.Paper,
    KGO.arxivId,
    DCTERMS.identifier,
    SCHEMA.url,
    DCTERMS.title,
    DCTERMS.abstract,
    KGO.version,
    DCTERMS.date,
    DC.creator,
    KGO.category,
    KGO.Component,
    RDFS.label,
    PROV.Activity,
    PROV.wasAssociatedWith,
)
_ANNOTATION_TERMS = (
    RDF.type,
    OA.Annotation,
    OA.motivatedBy,
    OA.identifying,
    OA.hasBody,
    OA.hasTarget,
    KGO.field,
    KGO.role,
    KGO.confidence,
    PROV.wasAttributedTo,
    PROV.wasGeneratedBy,
    KGO.sentence,
    OA.SpecificResource,
    OA.hasSource,
    OA.hasSelector,
    OA.TextPositionSelector,
    OA.start,
    OA.end,
    OA.TextQuoteSelector,
    OA.exact,
    OA.prefix,
    OA.suffix,
)
_NON_NEGATIVE = XSD.nonNegativeInteger
#: the predicates whose integers kg types more narrowly than xsd:integer (as ``ontologies/shapes.ttl`` says).
#: A pyoxigraph store keeps numbers by value and gives every integer back as xsd:integer; reading a store
#: into rdflib (``KnowledgeGraph.rdflib_graph``, ``save``) types these again, so that no datatype is lost.
NARROW_INTEGERS: Mapping[str, str] = MappingProxyType(
    {str(OA.start): str(_NON_NEGATIVE), str(OA.end): str(_NON_NEGATIVE)}
)


def paper_triples(
    paper: Paper, links: Sequence[Link], config: Config = Config(), terms: Terms = RDFLIB_TERMS
) -> Iterator[Triple]:
    """The triples of one paper, its links to entities and the evidence annotations of each link, with
    terms made by ``terms`` (rdflib terms by default).

    Components used by the annotations are typed and labelled here too, so that each paper's triples
    stand alone in a stream (a store drops the repeats).
    """
    names = terms.names(_PAPER_TERMS)
    a_type, paper_class, arxiv_id, identifier, url, title, abstract, version = names[:8]
    date_, creator, category, component_class, label, activity_class, associated_with = names[8:]
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


def _annotation_triples(
    paper: Paper, link: Link, prop: URIRef, entity: Node, p: Node, m: Mention, config: Config, terms: Terms
) -> Iterator[Triple]:
    names = terms.names(_ANNOTATION_TERMS)
    a_type, annotation, motivated_by, identifying, has_body, has_target, field, role = names[:8]
    confidence, attributed_to, generated_by, sentence_, specific_resource, has_source, has_selector = names[8:15]
    position_selector, start, end, quote_selector, exact, prefix_, suffix_ = names[15:]
    iri, text_of, literal = terms.iri, terms.text, terms.literal
    a_text = _annotation_iri_text(paper.id, link.entity_id, link.role, m.field, m.start, m.end, config)
    a, target, position, quote_ = (
        iri(a_text),
        iri(a_text + "#target"),
        iri(a_text + "#position"),
        iri(a_text + "#quote"),
    )
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
    sentence = m.sentence or text[m.sentence_start : m.sentence_end]
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
    prefix, suffix = text[max(0, m.start - CONTEXT_LENGTH) : m.start], text[m.end : m.end + CONTEXT_LENGTH]
    if prefix:
        yield quote_, prefix_, text_of(prefix)
    if suffix:
        yield quote_, suffix_, text_of(suffix)


@lru_cache(maxsize=64)
def _field_literal(name: str) -> Literal:
    return _text(name)


_ENTITY_TERMS = (
    RDF.type,
    SKOS.prefLabel,
    KGO.paperCount,
    SKOS.definition,
    SKOS.inScheme,
    KGO.Vocabulary,
    KGO.vocabularyId,
    SKOS.broader,
    SKOS.altLabel,
    SKOSXL.prefLabel,
    SKOSXL.altLabel,
    SKOSXL.Label,
    SKOSXL.literalForm,
    KGO.mentionCount,
)


def entity_triples(
    entity: Entity, n_papers: int = 0, config: Config = Config(), terms: Terms = RDFLIB_TERMS
) -> Iterator[Triple]:
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
    (
        a_type,
        pref_label,
        paper_count,
        definition,
        in_scheme,
        vocabulary,
        vocabulary_id,
        broader_,
        alt_label,
        xl_pref_label,
        xl_alt_label,
        xl_label,
        literal_form,
        mention_count,
    ) = terms.names(_ENTITY_TERMS)
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


def ontology_header_triples(config: Config = Config()) -> Iterator[Triple]:
    """A ``void:Dataset`` node for the export and the curated vocabulary's concept scheme."""
    dataset = URIRef(_base(config))
    yield dataset, RDF.type, VOID.Dataset
    yield dataset, DCTERMS.conformsTo, ONTOLOGY
    yield dataset, VOID.vocabulary, URIRef(str(KGO._NS))
    yield KGO.Vocabulary, RDF.type, SKOS.ConceptScheme
    yield KGO.Vocabulary, SKOS.prefLabel, Literal("kg curated vocabulary", lang="en")


def iter_triples(
    papers: Iterable[Paper],
    entities: Iterable[Entity],
    links: Iterable[Link],
    config: Config = Config(),
    min_support: int | None = None,
) -> Iterator[Triple]:
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


def to_rdflib(papers: Iterable[Paper], entities: Iterable[Entity], links: Iterable[Link], *options: Any) -> Graph:
    """An rdflib graph of a build: ``iter_triples`` (``options``: its ``config`` and ``min_support``), with
    the kg prefixes bound."""
    graph = bind_prefixes(Graph())
    for triple in iter_triples(papers, entities, links, *options):
        graph.add(triple)
    return graph
