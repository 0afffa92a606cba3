"""What the map reads: the top entities, their papers, and the titles, dates and sentences of a few.

Two sources answer the same five questions: ``GraphSource`` over a networkx graph (a listing's build,
evidence included) and ``StoreSource`` over a pyoxigraph store (a ``kg build --store`` folder, opened
read-only, or a graph file loaded into memory). A store is asked only about the entities shown and the
papers embedded: reading the whole corpus store into networkx took 232 s and 2 GB.

>>> from kg.query import KnowledgeGraph
>>> source = GraphSource(KnowledgeGraph.example().to_networkx())
>>> [(e.id, e.papers) for e in source.entities(2)]
[('dataset/cifar-10', 2), ('method/gan', 2)]
>>> source.links(["method/gan"])
{'method/gan': [('2201.00001', 'uses'), ('2201.00002', 'uses')]}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import networkx as nx

from kg.config import Config
from kg.errors import StoreError, unknown_name
from kg.graph import PAPER_PREFIX
from kg.query.sparql import PREDICATES  # link predicates by entity type, and the role each states
from kg.query.sparql import ROLE_OF as ROLES
from kg.view.select import neighbours

KGO = "https://w3id.org/kg/ontology#"
PREFIXES = (
    f"PREFIX kgo: <{KGO}>\nPREFIX oa: <http://www.w3.org/ns/oa#>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX skosxl: <http://www.w3.org/2008/05/skos-xl#>\n"
)
BATCH = 5000  # values a query: one query per batch of entities, papers or links


@dataclass(frozen=True)
class MapEntity:
    """One entity of the map: id, type, label, how many papers link it, its other names (form, count)."""

    id: str
    kind: str
    label: str
    papers: int
    aliases: tuple[tuple[str, int], ...] = ()


def _ranked(entities: Iterable[MapEntity], top: int) -> list[MapEntity]:
    return sorted(entities, key=lambda e: (-e.papers, e.id))[: max(0, top)]


def other_names(forms: Iterable[tuple[str, int]], label: str) -> tuple[tuple[str, int], ...]:
    """An entity's surface forms other than its label, counts summed, most mentioned first (ties by form).

    >>> other_names([("IN", 1), ("ImageNet", 3), ("ILSVRC", 1), ("IN", 1)], "ImageNet")
    (('IN', 2), ('ILSVRC', 1))
    """
    counts: Counter[str] = Counter()
    for form, n in forms:
        counts[str(form)] += int(n)
    counts.pop(label, None)
    return tuple(sorted(counts.items(), key=lambda a: (-a[1], a[0])))


def in_text(field: str, start: int) -> tuple[bool, int]:
    """Where a mention sits in its paper, to sort by: the title first, then the abstract by offset (two
    mentions that start together are in the same sentence)."""
    return field != "title", start


def recency(paper_id: str) -> tuple[str, str]:
    """A sort key of arXiv ids by submission month, then number (old-style ids too); other ids sort first.

    >>> sorted(["2201.00002", "hep-th/9901001", "0704.0001", "2112.15589"], key=recency, reverse=True)
    ['2201.00002', '2112.15589', '0704.0001', 'hep-th/9901001']
    """
    if paper_id[4:5] == ".":  # YYMM.NNNNN, from April 2007: the id sorts as it is
        return "20" + paper_id, paper_id
    number = paper_id.rpartition("/")[2]  # archive/YYMMNNN, before
    if len(number) == 7 and number.isdigit():
        return ("19" if number >= "91" else "20") + number, paper_id
    return "", paper_id


class GraphSource:
    """The map's questions answered from a networkx graph (``kg.graph.build_graph``, ``to_networkx``)."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        from kg.view.relations import split

        self.graph, self.relations = split(graph)  # stated relations apart (kg.view.relations): not links

    def count_papers(self) -> int:
        return sum(1 for _, kind in self.graph.nodes(data="kind") if kind == "paper")

    def entities(self, top: int) -> list[MapEntity]:
        """The ``top`` entities with most papers (ties by id)."""
        g = self.graph
        return _ranked(
            (
                MapEntity(
                    node,
                    str(attrs.get("kind")),
                    str(attrs.get("label") or node),
                    len(neighbours(g, node)),
                    other_names(attrs.get("aliases") or (), str(attrs.get("label") or node)),
                )
                for node, attrs in g.nodes(data=True)
                if attrs.get("kind") != "paper"
            ),
            top,
        )

    def links(self, ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """Each entity's (paper id, role) pairs, sorted."""
        return {
            e: sorted((str(u)[len(PAPER_PREFIX) :], str(k)) for u, _, k in self.graph.in_edges(e, keys=True))
            for e in ids
        }

    def papers(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Title and date of each paper id."""
        nodes = self.graph.nodes
        return {
            p: (
                str(nodes[PAPER_PREFIX + p].get("title") or nodes[PAPER_PREFIX + p].get("label") or p),
                str(nodes[PAPER_PREFIX + p].get("date") or ""),
            )
            for p in ids
        }

    def sentences(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
        """The sentences behind each (paper id, entity id) link, in text order (``in_text``), without repeats."""
        out: dict[tuple[str, str], list[str]] = {}
        for paper, entity in pairs:
            found = [
                (in_text(str(ev.get("field")), int(ev.get("start", 0))), str(ev["sentence"]))
                for attrs in (self.graph.get_edge_data(PAPER_PREFIX + paper, entity) or {}).values()
                for ev in attrs.get("evidence") or ()
                if ev.get("sentence")
            ]
            out[paper, entity] = _once(sentence for _, sentence in sorted(found))
        return out


def _once(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


class StoreSource:
    """The map's questions answered by SPARQL on a pyoxigraph store, a batch of values at a time.

    Each question is one or a few queries that start from the values asked about (the top entities, the
    papers embedded), so that the store is never scanned: 5,000 entities of a 75,000-paper store read in
    a few seconds.
    """

    def __init__(self, store: Any, config: Config = Config()) -> None:
        self.store = store
        self.base = config.base_iri

    @classmethod
    def open(cls, path: str | Path, config: Config = Config()) -> StoreSource:
        """A store folder (read-only) or a graph file (``.ttl``, ``.nt``) loaded into memory."""
        import pyoxigraph as ox

        from kg.store import is_store, open_store

        path = Path(path)
        if is_store(path):
            return cls(open_store(path), config)
        formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
        if path.suffix not in formats:
            raise unknown_name("graph file extension", path.suffix, list(formats))
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=formats[path.suffix])
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"{path}: cannot read graph: {err}") from err
        return cls(store, config)

    def _select(self, query: str) -> list[tuple[str, ...]]:
        """The rows of a SELECT as tuples of strings (an unbound value is "")."""
        return [
            tuple(term.value if term is not None else "" for term in row) for row in self.store.query(PREFIXES + query)
        ]

    def _values(self, query: str, values: Sequence[str]) -> list[tuple[str, ...]]:
        """``query`` with ``%s`` replaced by each batch of ``values`` (already written as RDF terms)."""
        rows: list[tuple[str, ...]] = []
        for start in range(0, len(values), BATCH):
            rows.extend(self._select(query % " ".join(values[start : start + BATCH])))
        return rows

    def count_papers(self) -> int:
        return int(self._select("SELECT (COUNT(?p) AS ?n) WHERE { ?p a kgo:Paper }")[0][0])

    def entities(self, top: int) -> list[MapEntity]:
        """The ``top`` entities by their stored paper count (``kgo:paperCount``; ties by id), with their
        other names (``skosxl:altLabel`` labels and their ``kgo:mentionCount``)."""
        if top <= 0:
            return []
        last = self._select(f"SELECT ?n WHERE {{ ?e kgo:paperCount ?n }} ORDER BY DESC(?n) LIMIT {int(top)}")
        if not last:
            return []
        rows = self._select(f"""SELECT ?e ?n ?label ?cls WHERE {{
            ?e kgo:paperCount ?n FILTER(?n >= {max(1, int(last[-1][0]))})
            ?e skos:prefLabel ?label ; a ?cls FILTER(?cls IN (kgo:Dataset, kgo:Method, kgo:Task)) }}""")
        chosen = _ranked(
            (MapEntity(self._id(e), cls.rsplit("#", 1)[-1].lower(), label, int(n)) for e, n, label, cls in rows), top
        )
        forms: dict[str, list[tuple[str, int]]] = {}
        for e, form, n in self._values(
            """SELECT ?e ?form ?n WHERE { VALUES ?e { %s }
            ?e skosxl:altLabel ?l . ?l skosxl:literalForm ?form ; kgo:mentionCount ?n }""",
            [f"<{self.base}{e.id}>" for e in chosen],
        ):
            forms.setdefault(self._id(e), []).append((form, int(n)))
        return [replace(e, aliases=other_names(forms.get(e.id, ()), e.label)) for e in chosen]

    def links(self, ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """Each entity's (paper id, role) pairs, sorted: a row per entity and predicate, its papers' ids
        joined (the store spells each entity once, not once a paper)."""
        out: dict[str, list[tuple[str, str]]] = {e: [] for e in ids}
        by_type: dict[str, list[str]] = {}
        for e in ids:
            by_type.setdefault(e.split("/", 1)[0], []).append(f"<{self.base}{e}>")
        for kind, values in sorted(by_type.items()):
            for predicate in PREDICATES.get(kind, ()):
                role = ROLES[predicate]
                for e, papers in self._values(
                    f"""SELECT ?e (GROUP_CONCAT(STRAFTER(STR(?p), "{self.base}{PAPER_PREFIX}")) AS ?ps)
                    WHERE {{ VALUES ?e {{ %s }} ?p kgo:{predicate} ?e }} GROUP BY ?e""",
                    values,
                ):
                    out[self._id(e)].extend((p, role) for p in papers.split())
        return {e: sorted(pairs) for e, pairs in out.items()}

    def papers(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Title and date of each paper id."""
        values = [f"<{self.base}{PAPER_PREFIX}{p}>" for p in sorted(set(ids))]
        rows = self._values(
            """SELECT ?p ?title ?date WHERE { VALUES ?p { %s } ?p dcterms:title ?title .
            OPTIONAL { ?p dcterms:date ?date } }""",
            values,
        )
        return {self._paper_id(p): (title, date) for p, title, date in rows}

    def sentences(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
        """The sentences behind each (paper id, entity id) link (its annotations' ``kgo:sentence``), in
        text order (``in_text``), asked of the store only for the links with more than one sentence."""
        values = [f"(<{self.base}paper/{p}> <{self.base}{e}>)" for p, e in sorted(set(pairs))]
        found: dict[tuple[str, str], dict[str, str]] = {}
        for p, e, a, sentence in self._values(
            """SELECT ?p ?e ?a ?s WHERE { VALUES (?p ?e) { %s }
            ?t oa:hasSource ?p . ?a oa:hasTarget ?t ; oa:hasBody ?e ; kgo:sentence ?s }""",
            values,
        ):
            found.setdefault((self._paper_id(p), self._id(e)), {})[a] = sentence
        where = self._places(sorted(a for said in found.values() if len(set(said.values())) > 1 for a in said))
        return {
            pair: _once(s for _, _, s in sorted((where.get(a, (True, -1)), a, s) for a, s in said.items()))
            for pair, said in found.items()
        }

    def _places(self, annotations: Sequence[str]) -> dict[str, tuple[bool, int]]:
        """Where each annotation sits in its paper (``in_text``): its field and its ``#position`` start."""
        rows = self._values(
            "SELECT ?a ?f ?start WHERE { VALUES (?a ?x) { %s } ?a kgo:field ?f . ?x oa:start ?start }",
            [f"(<{a}> <{a}#position>)" for a in annotations],
        )
        return {a: in_text(field, int(start)) for a, field, start in rows}

    def _id(self, iri: str) -> str:
        return iri[len(self.base) :] if iri.startswith(self.base) else iri

    def _paper_id(self, iri: str) -> str:
        return self._id(iri)[len(PAPER_PREFIX) :]
