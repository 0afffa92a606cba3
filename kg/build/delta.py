"""Delta updates of a store: only the triples of what changed are taken out of a checkpoint of the previous
store and written in, instead of serialising and bulk-loading the whole graph again.

An update resolves every paper again (entities depend on all of them), so it knows each paper's links and
each entity's record. What changed since the previous build is found by comparing digests the previous
build kept (``build.index``): a paper's digest covers its text and its links, an entity's covers its record
and paper count. The graph is made of blocks that each belong to one of these:

* a paper: the paper node, its link triples and its evidence (annotations, targets, selectors); the
  extraction components its annotations name are shared between papers;
* an entity: the entity node (less its co-occurrence relations) and its SKOS-XL label nodes;
* a co-occurrence pair: the ``kgo:Cooccurrence`` node and the direct relation between the two entities;
  it is made of the papers that support it, which change only with the links of changed papers.

A changed paper's or entity's old block is read from the previous store; a pair's old and new blocks are
written from its supporting papers before and after. Triples in the old block and not in the new one
are taken out, triples in the new one and not in the old one put in (numbers compared by value, as the
store keeps them). So the new store holds exactly the triples a full build writes, as long as the
previous store held those of the previous build (it is the store that build wrote: ``kg-build-id``).

>>> from kg.build.index import Index
>>> old = Index({"2201.00001": b"a"}, {"method/gan": (b"x", "GAN")})
>>> new = Index({"2201.00001": b"b", "2201.00002": b"c"}, {"method/gan": (b"x", "GAN")})
>>> sorted(old.changed_papers(new)), sorted(old.removed_papers(new)), old.changed_entities(new)
(['2201.00001', '2201.00002'], [], set())
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal

from kg import rdf, relation_graph
from kg.config import Config
from kg.records import Entity, EntityType, Link, PaperMentions, Role


@dataclass
class Delta:
    """The triples to take out of the previous store and to put in (pyoxigraph quads), and the extraction
    components that may no longer be named by any annotation."""

    removed: list[Any] = field(default_factory=list)
    added: list[Any] = field(default_factory=list)
    components: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _ox() -> Any:
    import pyoxigraph

    return pyoxigraph


def _iri(value: str) -> Any:
    return _ox().NamedNode(value)


def _quads(store: Any, subject: Any, predicate: Any = None, object_: Any = None) -> list[Any]:
    return list(store.quads_for_pattern(subject, predicate, object_, _ox().DefaultGraph()))


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = frozenset(
    _XSD + t
    for t in (
        "integer nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger long int short byte"
        " unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
)


def _literal_key(datatype: str, lexical: str, language: str | None) -> tuple[Any, ...]:
    try:
        if datatype in _INTEGER_TYPES:
            return ("integer", int(lexical))
        if datatype == _XSD + "decimal":
            return ("decimal", Decimal(lexical))
    except (ValueError, ArithmeticError):
        pass
    return (datatype, lexical, language or None)


def triple_key(quad: Any) -> tuple[str, str, tuple[Any, ...]]:
    """A key equal for two triples the store holds as one. The store keeps numbers by value (it reads back
    ``"1.0"^^xsd:decimal`` as ``"1"``, ``"7"^^xsd:nonNegativeInteger`` as an ``xsd:integer``), so literals
    of those types are compared by value, everything else as written.

    >>> import pyoxigraph as ox
    >>> s, p, dec = ox.NamedNode("https://x/s"), ox.NamedNode("https://x/p"), ox.NamedNode(_XSD + "decimal")
    >>> triple_key(ox.Quad(s, p, ox.Literal("1.0", datatype=dec))) == triple_key(ox.Quad(s, p, ox.Literal("1", datatype=dec)))
    True
    """
    term = quad.object
    datatype = getattr(term, "datatype", None)
    if datatype is None:
        value: tuple[Any, ...] = ("blank" if type(term).__name__ == "BlankNode" else "iri", term.value)
    else:
        value = _literal_key(datatype.value, term.value, term.language)
    return quad.subject.value, quad.predicate.value, value


_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SURROGATES = re.compile("[\ud800-\udfff]")


def rdflib_key(triple: rdf.Triple) -> tuple[str, str, tuple[Any, ...]]:
    """``triple_key`` of the quad an rdflib triple becomes in the store (through ``rdf.term_text``), without
    making the quad: kg's blocks are compared with the store's before only what differs is converted.

    >>> import pyoxigraph as ox
    >>> from rdflib import Literal, URIRef
    >>> t = (URIRef("https://x/s"), URIRef("https://x/p"), Literal("0.90", datatype=URIRef(_XSD + "decimal")))
    >>> rdflib_key(t) == triple_key(to_quads([t])[0])
    True
    """
    s, p, o = triple
    if isinstance(o, Literal):
        datatype = _LANG_STRING if o.language else str(o.datatype or _XSD + "string")
        value = _literal_key(datatype, _SURROGATES.sub("\ufffd", str(o)), o.language)
    else:
        value = ("blank" if isinstance(o, BNode) else "iri", str(o))
    return str(s), str(p), value


def old_paper_quads(store: Any, paper_iri: str) -> tuple[list[Any], set[str]]:
    """Every triple of a paper's block in ``store`` (the paper node and its evidence: annotations found
    through their targets and selectors), and the entity IRIs the paper links."""
    paper = _iri(paper_iri)
    quads = _quads(store, paper)
    link_properties = {str(p) for p in rdf.ROLE_PROPERTY.values()} | {str(rdf.KGO.mentionsEntity)}
    linked = {q.object.value for q in quads if q.predicate.value in link_properties}
    for target_quad in _quads(store, None, _iri(str(rdf.OA.hasSource)), paper):
        target = target_quad.subject
        target_quads = _quads(store, target)
        quads += target_quads
        for q in target_quads:
            if q.predicate.value == str(rdf.OA.hasSelector):
                quads += _quads(store, q.object)
        # kg names a target after its annotation (rdf.annotation_iri + "#target"): one lookup fewer
        annotations = (
            [_iri(target.value[: -len("#target")])]
            if target.value.endswith("#target")
            else [a.subject for a in _quads(store, None, _iri(str(rdf.OA.hasTarget)), target)]
        )
        for annotation in annotations:
            quads += _quads(store, annotation)
    return quads, linked


def old_entity_quads(store: Any, entity_iri: str) -> list[Any]:
    """An entity's block in ``store``: its node (less the co-occurrence relations, which belong to pairs)
    and its SKOS-XL label nodes."""
    relations = {str(r) for r in rdf.RELATIONS.values()} | relation_graph.stated_properties()
    quads = [q for q in _quads(store, _iri(entity_iri)) if q.predicate.value not in relations]
    for q in list(quads):
        if q.predicate.value in (str(rdf.SKOSXL.prefLabel), str(rdf.SKOSXL.altLabel)):
            quads += _quads(store, q.object)
    return quads


def _type(entity_id: str, types: Mapping[str, EntityType]) -> EntityType | None:
    if entity_id in types:
        return types[entity_id]
    try:
        return EntityType(entity_id.split("/", 1)[0])
    except ValueError:
        return None


def _relation(a: str, b: str, types: Mapping[str, EntityType]) -> Any:
    return rdf.RELATIONS.get((_type(a, types), _type(b, types)))  # type: ignore[arg-type]


def pairs_of(entity_ids: Iterable[str], types: Mapping[str, EntityType]) -> set[tuple[str, str]]:
    """The co-occurrence pairs (subject, object) that a paper linking these entities supports.

    >>> sorted(pairs_of(["method/gan", "task/image-generation", "dataset/cifar-10"], {}))
    [('dataset/cifar-10', 'task/image-generation'), ('method/gan', 'dataset/cifar-10'), ('method/gan', 'task/image-generation')]
    """
    ids = set(entity_ids)
    return {(s, o) for s in ids for o in ids if _relation(s, o, types) is not None}


def pair_triples(
    subject: str, object_: str, papers: Iterable[str], types: Mapping[str, EntityType], config: Config
) -> list[rdf.Triple]:
    """The triples of one co-occurrence pair supported by ``papers`` (none when there are none), as
    ``rdf.cooccurrence_triples`` writes them in a full build."""
    links = [Link(p, e, Role.USES) for p in papers for e in (subject, object_)]
    node = rdf.cooccurrence_iri(subject, object_, config)
    s_iri, o_iri = rdf.entity_iri(subject, config), rdf.entity_iri(object_, config)
    return [
        t for t in rdf.cooccurrence_triples(links, types, config) if t[0] == node or (t[0] == s_iri and t[2] == o_iri)
    ]


def to_quads(triples: Iterable[rdf.Triple]) -> list[Any]:
    """pyoxigraph quads of rdflib triples, through the N-Triples text kg writes (so escaped the same way)."""
    text = "".join(f"{rdf.term_text(s)} {rdf.term_text(p)} {rdf.term_text(o)} .\n" for s, p, o in triples)
    return list(_ox().parse(text, format=_ox().RdfFormat.N_TRIPLES)) if text else []


def compute_delta(
    store: Any,
    changed: Mapping[str, tuple[PaperMentions, Sequence[Link]]],
    removed_papers: Iterable[str],
    entities: Mapping[str, tuple[Entity, int]],
    removed_entities: Iterable[str],
    types: Mapping[str, EntityType],
    config: Config,
    entity_papers: Mapping[str, AbstractSet[str]],
    previous: Container[str] | None = None,
    old_blocks: Mapping[str, tuple[PaperMentions, Sequence[Link]]] | None = None,
) -> Delta:
    """The delta from the graph in ``store`` (the previous build) to the new build, given the papers whose
    block changed or is new (with their new links), the papers gone, the entities whose block changed or
    is new (with their new record and paper count), the entities gone, and the papers that link each
    entity in the new build (``entity_papers``: the papers supporting a co-occurrence pair). With
    ``previous`` (the papers of the previous build), new papers are not looked for in the store; with
    ``old_blocks`` (a previous paper as read and its links in the previous build), its old block is
    written from them rather than read from the store (the store holds what the previous build wrote)."""
    work = _Blocks(store, config)
    gone = sorted(set(removed_papers) - set(changed))
    work.old_papers(list(changed) + gone, previous, old_blocks)
    work.lap("read_papers")
    for pid, (item, links) in changed.items():
        if pid in work.as_text:
            work.new_text |= work.lines(item, links)
        else:
            work.new += rdf.paper_triples(item.paper, links, config)
            work.new += relation_graph.paper_evidence(item, links, config)
    work.lap("write_papers")
    for eid in sorted(set(entities) | set(removed_entities)):
        work.old += old_entity_quads(store, str(rdf.entity_iri(eid, config)))
    for _, (entity, n_papers) in sorted(entities.items()):
        work.new += rdf.entity_triples(entity, n_papers, config)
    n_pairs = work.pairs(changed, set(changed) | set(gone), types, entity_papers)
    old_stated, new_stated, n_stated = relation_graph.delta_nodes(store, changed, gone, config)
    work.old, work.new = work.old + old_stated, work.new + new_stated
    work.lap("entities_and_pairs")
    delta = work.diff()
    work.lap("diff")
    delta.counts = {
        "papers": len(changed),
        "papers_removed": len(gone),
        "entities": len(entities),
        "entities_removed": len(set(removed_entities)),
        "pairs": n_pairs,
        "stated_relations": n_stated,
        "triples_removed": len(delta.removed),
        "triples_added": len(delta.added),
    }
    delta.seconds = work.seconds
    return delta


class _Blocks:
    """The old and new triples of the blocks a delta replaces, gathered by ``compute_delta``'s steps."""

    def __init__(self, store: Any, config: Config) -> None:
        self.store, self.config = store, config
        self.clock = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.old: list[Any] = []
        self.new: list[rdf.Triple] = []
        self.old_pairs: list[rdf.Triple] = []
        self.components: set[str] = set()
        self.old_links: dict[str, set[str]] = {}
        self.shared = str(rdf.component_iri("x", config))[:-1]
        # paper blocks known on both sides (a new paper; an old one given in old_blocks) are compared as the
        # N-Triples lines kg writes for them: the same triple is the same line
        self.terms = rdf.NTriplesTerms()
        self.old_text: set[str] = set()
        self.new_text: set[str] = set()
        self.as_text: set[str] = set()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self.clock, 2)
        self.clock = now

    def lines(self, item: PaperMentions, links: Sequence[Link]) -> set[str]:
        lines = {f"{s} {p} {o} .\n" for s, p, o in rdf.paper_triples(item.paper, links, self.config, self.terms)}
        text = rdf.term_text
        return lines | {
            f"{text(s)} {text(p)} {text(o)} .\n" for s, p, o in relation_graph.paper_evidence(item, links, self.config)
        }

    def old_papers(
        self,
        pids: Sequence[str],
        previous: Container[str] | None,
        old_blocks: Mapping[str, tuple[PaperMentions, Sequence[Link]]] | None,
    ) -> None:
        """The previous blocks of the changed and gone papers, with the entities each linked."""
        attributed = f" {rdf.term_text(rdf.PROV.wasAttributedTo)} "
        for pid in pids:
            if previous is not None and pid not in previous:
                self.as_text.add(pid)  # a new paper: nothing of it in the store
                continue
            if old_blocks is not None and pid in old_blocks:
                item, links = old_blocks[pid]
                block = self.lines(item, links)
                self.old_text |= {
                    line for line in block if not line.startswith("<" + self.shared)
                }  # components are shared
                self.components |= {line.split(" ", 3)[2][1:-1] for line in block if attributed in line}
                self.old_links[pid] = {link.entity_id for link in links}
                self.as_text.add(pid)
                continue
            quads, linked = old_paper_quads(self.store, str(rdf.paper_iri(pid, self.config)))
            self.old += quads
            self.components |= {q.object.value for q in quads if q.predicate.value == str(rdf.PROV.wasAttributedTo)}
            self.old_links[pid] = {_entity_id(iri, self.config) for iri in linked}

    def pairs(
        self,
        changed: Mapping[str, tuple[PaperMentions, Sequence[Link]]],
        changed_ids: set[str],
        types: Mapping[str, EntityType],
        entity_papers: Mapping[str, AbstractSet[str]],
    ) -> int:
        """Co-occurrence pairs: only those the changed papers support, before or after, can change. A pair's
        triples follow from the papers that support it: now, those linking both entities; before, the same
        less the changed papers, plus those of the changed papers whose previous links had both. Returns
        how many pairs changed."""
        new_links = {pid: {link.entity_id for link in links} for pid, (_, links) in changed.items()}
        touched: set[tuple[str, str]] = set()
        for ids in list(self.old_links.values()) + list(new_links.values()):
            touched |= pairs_of(ids, types)
        holders = {e: entity_papers.get(e, frozenset()) for pair in touched for e in pair}  # entity -> papers, now
        old_holders: dict[str, set[str]] = defaultdict(set)  # entity -> changed papers that linked it before
        for pid, ids in self.old_links.items():
            for e in ids:
                old_holders[e].add(pid)
        n_pairs = 0
        for s, o in sorted(touched):
            now = holders[s] & holders[o]
            before = (now - changed_ids) | (old_holders[s] & old_holders[o])
            if now != before:
                n_pairs += 1
                self.old_pairs += pair_triples(s, o, sorted(before), types, self.config)
                self.new += pair_triples(s, o, sorted(now), types, self.config)
        return n_pairs

    def diff(self) -> Delta:
        """Triples in the old blocks and not in the new ones out, those in the new and not the old in."""
        added: dict[tuple[str, str, tuple[Any, ...]], rdf.Triple] = {}
        for t in self.new:
            added.setdefault(rdflib_key(t), t)  # components come with every paper that uses them: once is enough
        old_keys = {triple_key(q) for q in self.old}
        removed = [q for q in self.old if triple_key(q) not in added]
        pair_keys = [rdflib_key(t) for t in self.old_pairs]
        old_keys.update(pair_keys)
        removed += to_quads([t for t, key in zip(self.old_pairs, pair_keys) if key not in added])
        removed += _parse(self.old_text - self.new_text)
        added_quads = to_quads([t for key, t in added.items() if key not in old_keys]) + _parse(
            self.new_text - self.old_text
        )
        return Delta(
            removed,
            [q for q in added_quads if not (q.subject.value.startswith(self.shared) and q in self.store)],
            self.components,
        )


def _parse(lines: Iterable[str]) -> list[Any]:
    text = "".join(sorted(lines))
    return list(_ox().parse(text, format=_ox().RdfFormat.N_TRIPLES)) if text else []


def _entity_id(iri: str, config: Config) -> str:
    base = str(rdf.entity_iri("", config))
    return iri[len(base) :] if iri.startswith(base) else iri


def apply_delta(store: Any, delta: Delta) -> None:
    """Take ``delta.removed`` out of a writable store and put ``delta.added`` in; then drop the extraction
    components that no annotation names any more (each paper's block names the components it uses)."""
    started = time.perf_counter()
    for quad in delta.removed:
        store.remove(quad)
    store.extend(delta.added)
    delta.seconds["apply"] = round(time.perf_counter() - started, 2)
    attributed = _iri(str(rdf.PROV.wasAttributedTo))
    for component in sorted(delta.components):
        if next(iter(store.quads_for_pattern(None, attributed, _iri(component), _ox().DefaultGraph())), None) is None:
            for subject in (component, component + "#extraction"):  # the component and its activity
                for quad in _quads(store, _iri(subject)):
                    store.remove(quad)
