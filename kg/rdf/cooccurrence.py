"""Co-occurrence: the papers of each pair of related entities, counted compactly, and the relation
triples of the pairs with enough support.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from rdflib.namespace import RDF

from kg.config import Config
from kg.rdf.iris import _type_of, cooccurrence_iri, entity_iri, paper_iri
from kg.rdf.namespace import KGO, RELATIONS, Triple
from kg.rdf.terms import _count
from kg.records import EntityType, Link


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
        for start, end in zip(
            starts[ends - starts >= min_support].tolist(), ends[ends - starts >= min_support].tolist()
        ):
            key = int(ranked[start])
            yield (
                by_rank[key >> self._SHIFT],
                by_rank[key & mask],
                [papers_by_rank[p] for p in papers[start:end].tolist()],
            )


def cooccurrence_triples(
    links: Iterable[Link],
    entity_types: Mapping[str, EntityType],
    config: Config = Config(),
    min_support: int | None = None,
    counter: PairCounter | None = None,
) -> Iterator[Triple]:
    """Entity -> entity relations (``RELATIONS``) for pairs linked by at least ``min_support`` papers
    (by default ``config.cooccurrence_min_support``: a pair seen in one paper only is left to queries
    over the links; in a large build it is most pairs, and mostly chance).

    Each relation is stated directly and described by a ``kgo:Cooccurrence`` node with the count and
    the supporting papers. Roles do not matter: any two links of one paper co-occur. A build
    passes a ``counter`` it filled paper by paper instead of ``links``.

    >>> from kg.records import Link, Role; from kg.rdf import KGO, entity_iri; from rdflib import Graph
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
        RDF.type,
        KGO.Cooccurrence,
        KGO.role,
        KGO.subjectEntity,
        KGO.objectEntity,
        KGO.supportCount,
        KGO.supportingPaper,
    )
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
