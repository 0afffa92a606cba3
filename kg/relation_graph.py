"""Relations stated in text, in the graph: aggregated per (subject, property, object) with the papers
that state them, each sentence a Web Annotation; a build's sinks write them paper by paper (``stated_in``,
``evidence_triples``) then per relation (``RelationCounter``), an update's delta only those that changed
(``delta_nodes``); typed networkx edges. The questions asked of them are in ``kg.query.relations``.

IRIs (``base`` as in :mod:`kg.rdf`):

================  ===========================================================================================
stated relation   ``base + "relation/" + subject id + "/" + label + "/" + object id``
annotation        ``base + "annotation/" + arXiv id + "/rel-" + sha1("label|head span|tail span")[:12]``,
                  its target and selectors at ``#target``, ``#position`` (the sentence), ``#quote``
================  ===========================================================================================

Only relations whose two mentions are linked to entities, at ``Config.relation_min_confidence`` or
more, and between two different entities, are stated.

>>> from kg.records import EntityType, Link, Mention, PaperMentions, Paper, Relation, Role
>>> s = "We evaluate YOLO on COCO."
>>> h = Mention(EntityType.METHOD, "abstract", 12, 16, "YOLO", s, 0, len(s), source="vocabulary")
>>> t = Mention(EntityType.DATASET, "abstract", 20, 24, "COCO", s, 0, len(s), source="vocabulary")
>>> item = PaperMentions(Paper("2201.00001", 1, "T", s), (h, t), (Relation("evaluated-with", h, t, 0.85, "pattern:x"),))
>>> links = [Link("2201.00001", "method/yolo", Role.USES, (h,)), Link("2201.00001", "dataset/coco", Role.USES, (t,))]
>>> [(r.subject, r.label, r.object, r.papers) for r in aggregate([item], links)]
[('method/yolo', 'evaluated-with', 'dataset/coco', ('2201.00001',))]
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

from kg.config import Config
from kg.records import Link, PaperMentions, Relation

#: SciER label -> the ontology property it is stated with
PROPERTIES: Mapping[str, str] = {
    "used-for": "usedFor",
    "evaluated-with": "evaluatedWith",
    "benchmark-for": "benchmarkFor",
    "trained-with": "trainedWith",
    "compare-with": "comparedWith",
    "part-of": "partOf",
    "subclass-of": "subclassOf",
    "subtask-of": "subtaskOf",
    "synonym-of": "synonymOf",
}


@dataclass(frozen=True, slots=True)
class StatedRelation:
    """One (subject, label, object) with the papers and the relations (evidence) that state it."""

    subject: str
    label: str
    object: str
    papers: tuple[str, ...]
    evidence: tuple[tuple[str, Relation], ...]  # (paper id, relation), in paper then text order


def floors(config: Config) -> dict[str, float]:
    """The confidence each label needs to be stated in the graph (``Config.relation_min_confidence``,
    stricter for the labels of ``Config.relation_label_floors``: part-of was right in 14 of 35 by-hand
    verdicts at 0.5, benchmarks/relations_verdicts.jsonl).

    >>> floors(Config())["part-of"], floors(Config())["used-for"]
    (0.9, 0.5)
    """
    out = {label: config.relation_min_confidence for label in PROPERTIES}
    out.update(dict(config.relation_label_floors))
    return out


def stated_of(build: Any) -> list[StatedRelation]:
    """The relations a build states in its graph (a build's records: ``mentions``, ``links``, ``config``);
    none unless ``Config.relations``."""
    if not build.config.relations:
        return []
    return aggregate(build.mentions, build.links, floors(build.config))


def aggregate(
    items: Iterable[PaperMentions], links: Iterable[Link], min_confidence: float | Mapping[str, float] = 0.0
) -> list[StatedRelation]:
    """The relations of a build grouped by (subject entity, label, object entity), sorted; those below
    ``min_confidence`` (one number, or one per label) are left out."""
    entity_of = {id(m): link.entity_id for link in links for m in link.mentions}
    floor = min_confidence if isinstance(min_confidence, Mapping) else {label: min_confidence for label in PROPERTIES}
    grouped: dict[tuple[str, str, str], list[tuple[str, Relation]]] = defaultdict(list)
    for item in items:
        for r in item.relations:
            s, o = entity_of.get(id(r.head)), entity_of.get(id(r.tail))
            if s and o and s != o and r.confidence >= floor.get(r.type, 0.0):
                grouped[(s, r.type, o)].append((item.paper.id, r))
    out = []
    for (s, label, o), evidence in sorted(grouped.items()):
        evidence.sort(key=lambda e: (e[0], e[1].head.field, e[1].head.start, e[1].tail.start))
        out.append(StatedRelation(s, label, o, tuple(sorted({p for p, _ in evidence})), tuple(evidence)))
    return out


def relation_iri(subject: str, label: str, object_: str, config: Config = Config()) -> URIRef:
    """The IRI of a stated relation.

    >>> str(relation_iri("method/yolo", "evaluated-with", "dataset/coco"))
    'https://w3id.org/kg/relation/method/yolo/evaluated-with/dataset/coco'
    """
    from kg.rdf.iris import _iri

    return _iri(config, "relation/", subject, "/", label, "/", object_)


def _annotation_iri(paper_id: str, r: Relation, config: Config) -> str:
    from kg.rdf.iris import _iri

    key = f"{r.type}|{r.head.field}|{r.head.start}|{r.head.end}|{r.tail.field}|{r.tail.start}|{r.tail.end}"
    return str(_iri(config, "annotation/", paper_id, "/rel-")) + hashlib.sha1(key.encode()).hexdigest()[:12]


def stated_in(item: PaperMentions, links: Iterable[Link], floor: Mapping[str, float]) -> list[tuple[str, Relation]]:
    """The relations one paper states in the graph, each with its key ``subject|label|object``: both
    mentions linked, to two different entities, at the label's floor or more; in text order.

    >>> from kg.records import EntityType, Link, Mention, PaperMentions, Paper, Relation, Role
    >>> s = "We evaluate YOLO on COCO."
    >>> h = Mention(EntityType.METHOD, "abstract", 12, 16, "YOLO", s, 0, len(s))
    >>> t = Mention(EntityType.DATASET, "abstract", 20, 24, "COCO", s, 0, len(s))
    >>> item = PaperMentions(Paper("p1", 1, "T", s), (h, t), (Relation("evaluated-with", h, t, 0.85, "x"),))
    >>> links = [Link("p1", "method/yolo", Role.USES, (h,)), Link("p1", "dataset/coco", Role.USES, (t,))]
    >>> [key for key, _ in stated_in(item, links, {"evaluated-with": 0.5})]
    ['method/yolo|evaluated-with|dataset/coco']
    """
    if not item.relations:
        return []
    entity_of = {id(m): link.entity_id for link in links for m in link.mentions}
    out = []
    for r in item.relations:
        s, o = entity_of.get(id(r.head)), entity_of.get(id(r.tail))
        if s and o and s != o and r.confidence >= floor.get(r.type, 0.0):
            out.append((f"{s}|{r.type}|{o}", r))
    return sorted(out, key=lambda e: (e[1].head.field, e[1].head.start, e[1].tail.start, e[0]))


def evidence_triples(
    paper_id: str, stated: Iterable[tuple[str, Relation]], config: Config = Config()
) -> Iterator[tuple[Any, Any, Any]]:
    """A paper's share of the stated relations (``stated_in``): one ``oa:Annotation`` per sentence, with the
    components that found them, so that a paper's triples stand alone in a stream (as its links' do)."""
    from kg.rdf import KGO, activity_iri, component_iri

    sources = set()
    for key, r in stated:
        s, label, o = key.split("|")
        yield from _evidence_triples(
            paper_id, r, relation_iri(s, label, o, config), getattr(KGO, PROPERTIES[label]), config
        )
        sources.add(r.source)
    for source in sorted(sources):
        c = component_iri(source, config)
        yield c, RDF.type, KGO.Component
        yield c, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(source)
        yield activity_iri(source, config), RDF.type, PROV.Activity
        yield activity_iri(source, config), PROV.wasAssociatedWith, c


def node_triples(
    subject: str, label: str, object_: str, papers: Iterable[str], config: Config = Config()
) -> Iterator[tuple[Any, Any, Any]]:
    """The triples of one stated relation stated by ``papers``: the direct ``subject kgo:<property> object``
    and the ``kgo:StatedRelation`` node with its count and papers (none without papers)."""
    from kg.rdf import KGO, entity_iri, paper_iri

    papers = sorted(set(papers))
    if not papers:
        return
    prop = getattr(KGO, PROPERTIES[label])
    node = relation_iri(subject, label, object_, config)
    s, o = entity_iri(subject, config), entity_iri(object_, config)
    yield s, prop, o
    yield node, RDF.type, KGO.StatedRelation
    yield node, KGO.relationProperty, prop
    yield node, KGO.relationSubject, s
    yield node, KGO.relationObject, o
    yield node, KGO.statementCount, Literal(len(papers))
    for paper_id in papers:
        yield node, KGO.statedIn, paper_iri(paper_id, config)


class RelationCounter:
    """The papers that state each relation, gathered paper by paper in a build's write pass.

    >>> counter = RelationCounter()
    >>> counter.add("p2", ["method/yolo|evaluated-with|dataset/coco"])
    >>> counter.add("p1", ["method/yolo|evaluated-with|dataset/coco"])
    >>> list(counter.stated())
    [('method/yolo', 'evaluated-with', 'dataset/coco', ['p1', 'p2'])]
    """

    def __init__(self) -> None:
        self._papers: dict[str, list[str]] = defaultdict(list)

    def add(self, paper_id: str, keys: Iterable[str]) -> None:
        for key in sorted(set(keys)):
            self._papers[key].append(paper_id)

    def stated(self) -> Iterator[tuple[str, str, str, list[str]]]:
        for key in sorted(self._papers):
            s, label, o = key.split("|")
            yield s, label, o, sorted(set(self._papers[key]))

    def triples(self, config: Config = Config()) -> Iterator[tuple[Any, Any, Any]]:
        """Every stated relation's node triples (``node_triples``)."""
        for s, label, o, papers in self.stated():
            yield from node_triples(s, label, o, papers, config)


def paper_evidence(item: PaperMentions, links: Iterable[Link], config: Config = Config()) -> list[tuple[Any, Any, Any]]:
    """A paper's evidence triples as a build writes them (none unless ``Config.relations``): what an update
    writes again for a paper that changed."""
    if not config.relations or not item.relations:
        return []
    return list(evidence_triples(item.paper.id, stated_in(item, links, floors(config)), config))


def stated_properties() -> frozenset[str]:
    """The IRIs of the properties relations are stated with (an entity's block in a store leaves them out:
    they belong to the stated relation)."""
    from kg.rdf import KGO

    return frozenset(str(getattr(KGO, p)) for p in PROPERTIES.values())


def delta_nodes(
    store: Any, changed: Mapping[str, tuple[PaperMentions, Any]], gone: Iterable[str], config: Config = Config()
) -> tuple[list[Any], list[tuple[Any, Any, Any]], int]:
    """An update onto a store: the stated relations the changed (or new) and gone papers state, before
    (in ``store``: the nodes whose ``kgo:statedIn`` names one of them) or now (``changed``'s links). Their
    old quads, their new triples (papers: the previous ones less the changed and gone, plus the changed
    that state it now) and how many changed."""
    import pyoxigraph as ox

    from kg.rdf import KGO, paper_iri

    if not config.relations:
        return [], [], 0
    floor, now_of = floors(config), defaultdict(set)
    for pid, (item, links) in changed.items():
        for key, _ in stated_in(item, links, floor):
            now_of[key].add(pid)
    changed_ids = set(changed) | set(gone)
    nodes = {str(relation_iri(*_parts(key), config)) for key in now_of}
    for pid in sorted(changed_ids):
        hits = store.quads_for_pattern(None, ox.NamedNode(str(KGO.statedIn)), ox.NamedNode(str(paper_iri(pid, config))))
        nodes |= {hit.subject.value for hit in hits}
    before = dict(_stored(store, node, config) for node in sorted(nodes))
    old: list[Any] = []
    new: list[tuple[Any, Any, Any]] = []
    n = 0
    for key in sorted(set(before) | set(now_of)):
        papers, quads = before.get(key, (set(), []))
        now = (papers - changed_ids) | now_of.get(key, set())
        if now != papers:
            n += 1
            old += quads
            new += node_triples(*_parts(key), now, config)
    return old, new, n


def _parts(key: str) -> tuple[str, str, str]:
    s, label, o = key.split("|")
    return s, label, o


def _stored(store: Any, node: str, config: Config) -> tuple[str, tuple[set[str], list[Any]]]:
    """A stated relation's key, papers and quads (its node and the direct triple) in ``store``; no papers
    and no quads when the store does not state it."""
    import pyoxigraph as ox

    from kg.rdf import KGO, entity_iri, paper_iri

    quads = list(store.quads_for_pattern(ox.NamedNode(node), None, None, ox.DefaultGraph()))
    part = {q.predicate.value: q.object for q in quads}
    if not quads:
        return node_key(node, config), (set(), [])
    s, prop, o = part[str(KGO.relationSubject)], part[str(KGO.relationProperty)], part[str(KGO.relationObject)]
    quads += store.quads_for_pattern(s, prop, o, ox.DefaultGraph())
    paper_base, entity_base = len(str(paper_iri("", config))), len(str(entity_iri("", config)))
    labels = {str(getattr(KGO, p)): label for label, p in PROPERTIES.items()}
    papers = {q.object.value[paper_base:] for q in quads if q.predicate.value == str(KGO.statedIn)}
    return f"{s.value[entity_base:]}|{labels[prop.value]}|{o.value[entity_base:]}", (papers, quads)


def node_key(node: str, config: Config = Config()) -> str:
    """The key ``subject|label|object`` of a stated relation's IRI (entity ids are ``type/slug``).

    >>> node_key("https://w3id.org/kg/relation/method/yolo/evaluated-with/dataset/coco")
    'method/yolo|evaluated-with|dataset/coco'
    """
    rest = node[len(str(relation_iri("", "", "", config))) - 2 :].split("/")
    return f"{rest[0]}/{rest[1]}|{rest[2]}|{rest[3]}/{rest[4]}"


def relation_triples(stated: Iterable[StatedRelation], config: Config = Config()) -> Iterator[tuple[Any, Any, Any]]:
    """Triples of the stated relations: the direct ``subject kgo:<property> object``, the
    ``kgo:StatedRelation`` node with its count and papers, and one ``oa:Annotation`` per sentence (the
    triples a build's sinks write paper by paper, ``evidence_triples``, then ``node_triples``)."""
    for st in stated:
        yield from node_triples(st.subject, st.label, st.object, st.papers, config)
        key = f"{st.subject}|{st.label}|{st.object}"
        for paper_id, r in st.evidence:
            yield from evidence_triples(paper_id, [(key, r)], config)


def _evidence_triples(paper_id: str, r: Relation, node: URIRef, prop: URIRef, config: Config) -> Iterator[tuple]:
    from kg.rdf import KGO, OA, XSD, activity_iri, component_iri, paper_iri
    from kg.rdf.terms import _decimal

    a = _annotation_iri(paper_id, r, config)
    ann, target, position, quote = URIRef(a), URIRef(a + "#target"), URIRef(a + "#position"), URIRef(a + "#quote")
    yield ann, RDF.type, OA.Annotation
    yield ann, OA.motivatedBy, OA.describing
    yield ann, OA.hasBody, node
    yield ann, OA.hasTarget, target
    yield ann, KGO.field, Literal(r.evidence.field)
    yield ann, KGO.role, prop
    yield ann, KGO.confidence, _decimal(r.confidence)  # as a link's: the lexical form a store gives back
    yield ann, PROV.wasAttributedTo, component_iri(r.source, config)
    yield ann, PROV.wasGeneratedBy, activity_iri(r.source, config)
    yield ann, KGO.sentence, Literal(r.evidence.sentence)
    yield target, RDF.type, OA.SpecificResource
    yield target, OA.hasSource, paper_iri(paper_id, config)
    yield target, OA.hasSelector, position
    yield target, OA.hasSelector, quote
    yield position, RDF.type, OA.TextPositionSelector
    yield position, OA.start, Literal(r.evidence.sentence_start, datatype=XSD.nonNegativeInteger)
    yield position, OA.end, Literal(r.evidence.sentence_end, datatype=XSD.nonNegativeInteger)
    yield quote, RDF.type, OA.TextQuoteSelector
    yield quote, OA.exact, Literal(r.evidence.sentence)


def add_edges(graph: Any, stated: Iterable[StatedRelation]) -> Any:
    """Add each stated relation to a networkx ``MultiDiGraph`` of entities as a typed edge
    ``subject -> object`` keyed by its label, with ``support`` (papers), ``papers`` and ``sentences``.

    >>> import networkx as nx
    >>> g = add_edges(nx.MultiDiGraph(), [StatedRelation("method/yolo", "evaluated-with", "dataset/coco", ("p1",), ())])
    >>> g["method/yolo"]["dataset/coco"]["evaluated-with"]["support"]
    1
    """
    for st in stated:
        graph.add_edge(
            st.subject,
            st.object,
            key=st.label,
            relation=st.label,
            support=len(st.papers),
            papers=list(st.papers),
            sentences=[r.evidence.sentence for _, r in st.evidence],
        )
    return graph
