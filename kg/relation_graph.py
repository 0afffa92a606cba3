"""Relations stated in text, in the graph: aggregated per (subject, property, object) with the papers
that state them, each sentence a Web Annotation; typed networkx edges; the questions asked of them.

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


def relation_triples(stated: Iterable[StatedRelation], config: Config = Config()) -> Iterator[tuple[Any, Any, Any]]:
    """Triples of the stated relations: the direct ``subject kgo:<property> object``, the
    ``kgo:StatedRelation`` node with its count and papers, and one ``oa:Annotation`` per sentence."""
    from kg.rdf import KGO, activity_iri, component_iri, entity_iri, paper_iri

    for st in stated:
        prop = getattr(KGO, PROPERTIES[st.label])
        node = relation_iri(st.subject, st.label, st.object, config)
        subject, object_ = entity_iri(st.subject, config), entity_iri(st.object, config)
        yield subject, prop, object_
        yield node, RDF.type, KGO.StatedRelation
        yield node, KGO.relationProperty, prop
        yield node, KGO.relationSubject, subject
        yield node, KGO.relationObject, object_
        yield node, KGO.statementCount, Literal(len(st.papers))
        for paper_id in st.papers:
            yield node, KGO.statedIn, paper_iri(paper_id, config)
        for paper_id, r in st.evidence:
            yield from _evidence_triples(paper_id, r, node, prop, config)
        for source in sorted({r.source for _, r in st.evidence}):
            c = component_iri(source, config)
            yield c, RDF.type, KGO.Component
            yield c, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(source)
            yield activity_iri(source, config), RDF.type, PROV.Activity
            yield activity_iri(source, config), PROV.wasAssociatedWith, c


def _evidence_triples(paper_id: str, r: Relation, node: URIRef, prop: URIRef, config: Config) -> Iterator[tuple]:
    from kg.rdf import KGO, OA, XSD, activity_iri, component_iri, paper_iri

    a = _annotation_iri(paper_id, r, config)
    ann, target, position, quote = URIRef(a), URIRef(a + "#target"), URIRef(a + "#position"), URIRef(a + "#quote")
    yield ann, RDF.type, OA.Annotation
    yield ann, OA.motivatedBy, OA.describing
    yield ann, OA.hasBody, node
    yield ann, OA.hasTarget, target
    yield ann, KGO.field, Literal(r.evidence.field)
    yield ann, KGO.role, prop
    yield ann, KGO.confidence, Literal(f"{r.confidence:.3f}", datatype=XSD.decimal)
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


@dataclass(frozen=True, slots=True)
class RelationRow:
    """One stated relation as a query answers it: subject, relation label, object, the number of papers
    that state it, and (paper id, sentence) evidence."""

    subject: str
    subject_label: str
    relation: str
    object: str
    object_label: str
    papers: int
    evidence: tuple[tuple[str, str], ...]


#: ``kg query`` presets answered from stated relations: name -> (label, the argument, its side)
QUERY_PRESETS: Mapping[str, tuple[str, str, str]] = {
    "evaluated-on": ("evaluated-with", "method", "subject"),
    "methods-for": ("used-for", "task", "object"),
    "benchmarks": ("benchmark-for", "task", "object"),
    "compared-with": ("compare-with", "method", "subject"),
}


def stated_relations(
    graph: Any, entity: str | None = None, label: str | None = None, side: str = "any"
) -> list[RelationRow]:
    """Stated relations of a ``KnowledgeGraph``, optionally of one ``entity`` (as the relation's
    ``subject``, ``object`` or ``any``) and one ``label``, most stating papers first, with their evidence."""
    from kg.errors import unknown_name
    from kg.query import VALUES_HERE
    from kg.rdf import KGO, term_text

    if label is not None and label not in PROPERTIES:
        raise unknown_name("relation", label, list(PROPERTIES))
    if side not in ("subject", "object", "any"):
        raise unknown_name("side", side, ["subject", "object", "any"])
    query = f"""SELECT ?r ?s ?sl ?prop ?o ?ol ?n WHERE {{ {VALUES_HERE}
        ?r kgo:relationSubject ?s ; kgo:relationObject ?o ; kgo:relationProperty ?prop ; kgo:statementCount ?n .
        ?s skos:prefLabel ?sl . ?o skos:prefLabel ?ol . }}"""
    bindings: dict[str, Any] = {} if label is None else {"prop": getattr(KGO, PROPERTIES[label])}
    rows = []
    if entity is None:
        rows = graph.sparql(query, **bindings)
    else:
        iri = URIRef(graph.entity_iri(entity))
        for var in ("s",) if side == "subject" else ("o",) if side == "object" else ("s", "o"):
            rows += graph.sparql(query, **bindings, **{var: iri})
    labels = {str(getattr(KGO, p)): lab for lab, p in PROPERTIES.items()}
    evidence: dict[str, list[tuple[str, str]]] = defaultdict(list)
    nodes = sorted({str(r["r"]) for r in rows})
    for start in range(0, len(nodes), 200):
        values = " ".join(term_text(URIRef(n)) for n in nodes[start : start + 200])
        for e in graph.sparql(f"""SELECT ?r ?p ?sentence WHERE {{ VALUES ?r {{ {values} }}
                ?a oa:hasBody ?r ; kgo:sentence ?sentence ; oa:hasTarget ?t . ?t oa:hasSource ?p . }}"""):
            evidence[str(e["r"])].append((str(e["p"]).rsplit("/paper/", 1)[-1], e["sentence"]))
    out = {
        str(r["r"]): RelationRow(
            graph._id(str(r["s"])),
            r["sl"],
            labels.get(str(r["prop"]), str(r["prop"])),
            graph._id(str(r["o"])),
            r["ol"],
            int(r["n"]),
            tuple(sorted(set(evidence[str(r["r"])]))),
        )
        for r in rows
    }
    return sorted(out.values(), key=lambda r: (-r.papers, r.relation, r.subject_label, r.object_label))


def preset(graph: Any, name: str, entity: str | None) -> list[RelationRow]:
    """A ``kg query`` preset of :data:`QUERY_PRESETS` for ``entity``."""
    from kg.errors import KGError

    label, argument, side = QUERY_PRESETS[name]
    if not entity:
        raise KGError(f"the {name} preset needs --{argument}")
    return stated_relations(graph, entity, label, side)
