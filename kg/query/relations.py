"""The questions between two entities: relations papers state in text (``kgo:StatedRelation``, written by
``kg.relation_graph``) and co-occurrence (``kgo:Cooccurrence``: papers that name both), kept apart.

``KnowledgeGraph.stated_relations`` answers which datasets a method is evaluated on, which methods are used
for a task, which datasets are benchmarks for it, what a method is compared with, each with its papers
and sentences; ``cooccurrence`` and ``relations`` count the papers that link two entities.

>>> from kg import KnowledgeGraph
>>> KnowledgeGraph.example().stated_relations(label="used-for")  # the example graph states none
[]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from kg.errors import KGError, unknown_name
from kg.query.rows import Pair, Rows
from kg.query.sparql import CLASSES, PREDICATES, VALUES_HERE
from kg.relation_graph import PROPERTIES

if TYPE_CHECKING:
    from kg.config import Config


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


def add_stated_edges(graph: Any, kg_graph: Any) -> Any:
    """Add the relations ``kg_graph`` (a ``KnowledgeGraph``) states to ``graph``, a networkx
    ``MultiDiGraph`` of its entities, as typed edges ``subject -> object`` keyed by the relation's label,
    with ``support`` (papers), ``papers`` and ``sentences``: as a build's ``kg.relation_graph.add_edges``
    adds them. Co-occurrence is never an edge here: it is not a relation a paper states.

    >>> import networkx as nx
    >>> from kg import KnowledgeGraph
    >>> add_stated_edges(nx.MultiDiGraph(), KnowledgeGraph.example()).number_of_edges()  # it states none
    0
    """
    for row in kg_graph.stated_relations():
        graph.add_edge(
            row.subject,
            row.object,
            key=row.relation,
            relation=row.relation,
            support=row.papers,
            papers=sorted({p for p, _ in row.evidence}),
            sentences=[s for _, s in row.evidence],
        )
    return graph


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
    label, argument, side = QUERY_PRESETS[name]
    if not entity:
        raise KGError(f"the {name} preset needs --{argument}")
    return stated_relations(graph, entity, label, side)


class RelationPresets:
    """The questions between two entities, mixed into ``KnowledgeGraph`` (through ``Presets``)."""

    # what KnowledgeGraph provides (declared for the type checker)
    config: Config
    _backend: Any

    if TYPE_CHECKING:

        def sparql(self, query: str, **bindings: Any) -> Rows: ...
        def entity_iri(self, entity: str, type: str | None = None) -> str: ...
        def _id(self, iri: str) -> str: ...

    def cooccurrence(self, type_a: str, type_b: str) -> Rows:
        """Pairs of entities of two types linked by the same papers, with counts (e.g. dataset x task).

        >>> from kg import KnowledgeGraph
        >>> [(p.a_label, p.b_label, p.count) for p in KnowledgeGraph.example().cooccurrence("dataset", "task")]
        [('CIFAR-10', 'Image Generation', 1)]
        """
        for t in (type_a, type_b):
            if t not in CLASSES:
                raise unknown_name("entity type", t, list(CLASSES))
        va = " ".join(f"kgo:{p}" for p in PREDICATES[type_a])
        vb = " ".join(f"kgo:{p}" for p in PREDICATES[type_b])
        rows = self.sparql(f"""SELECT ?a ?al ?b ?bl (COUNT(DISTINCT ?p) AS ?n) WHERE {{
            ?p ?ra ?a . VALUES ?ra {{ {va} }} ?p ?rb ?b . VALUES ?rb {{ {vb} }}
            ?a skos:prefLabel ?al . ?b skos:prefLabel ?bl . FILTER(?a != ?b)
        }} GROUP BY ?a ?al ?b ?bl""")
        out = [Pair(self._id(r["a"]), r["al"], self._id(r["b"]), r["bl"], int(r["n"])) for r in rows]
        return Rows(sorted(out, key=lambda p: (-p.count, p.a_label.lower(), p.b_label.lower())))

    def stated_relations(self, entity: str | None = None, label: str | None = None, side: str = "any") -> Rows:
        """Relations papers state in text (a build with ``Config.relations``), of ``entity`` as ``subject``,
        ``object`` or ``any``, of one ``label`` (``evaluated-with``, ``used-for``, ...), with papers and
        sentences (:func:`stated_relations`): the questions of ``kg query evaluated-on``, ``methods-for``,
        ``benchmarks`` and ``compared-with`` (:data:`QUERY_PRESETS`).

        >>> from kg.query import KnowledgeGraph
        >>> KnowledgeGraph.example().stated_relations("GAN")  # the example graph states none
        []
        """
        return Rows(stated_relations(self, entity, label, side))

    def relations(self, type_a: str, type_b: str, n: int = 10) -> Rows:
        """The ``n`` strongest co-occurrence links from one type to another (``kgo:Cooccurrence``: papers
        that name both a dataset and a task, a method and a task, a method and a dataset, for pairs with
        ``cooccurrence_min_support`` shared papers or more; not a relation a paper states, for which see
        :meth:`stated_relations`), most supporting papers first, then by labels: the answer of query 7 of
        docs/rdf.md for any of the three pairs of types.

        On a large store this reads only the strongest pairs' entities and labels: the query that joins
        every co-occurrence with its entities and labels before sorting took 13-16 s on a million papers.

        >>> from kg import KnowledgeGraph
        >>> [(p.a_label, p.b_label, p.count) for p in KnowledgeGraph.example().relations("method", "dataset")]
        [('Generative Adversarial Network', 'CIFAR-10', 2)]
        """
        from kg.rdf import RELATIONS, term_text

        kinds = {(a.value, b.value): str(role) for (a, b), role in RELATIONS.items()}
        if (type_a, type_b) not in kinds:
            raise unknown_name("relation (type pair)", f"{type_a} {type_b}", [f"{a} {b}" for a, b in sorted(kinds)])
        if n <= 0:
            return Rows([])
        role = f"<{kinds[type_a, type_b]}>"
        # 1. the n-th largest support of the relation. The subquery is evaluated on its own, so that a
        #    store hash-joins its rows with the role's (a nested loop reads each node's role in turn: 5 s
        #    on a million papers' 519,000 co-occurrences, against 1 s)
        top = self.sparql(f"""SELECT ?support WHERE {{
            {{ SELECT ?c ?support WHERE {{ ?c kgo:supportCount ?support }} LIMIT 1000000000000 }}
            ?c kgo:role {role} .
        }} ORDER BY DESC(?support) LIMIT {int(n)}""")
        if not top:
            return Rows([])
        floor = min(int(r["support"]) for r in top)
        # 2. every co-occurrence at least that strong (of any relation: one index scan), then the entities
        #    and labels of those of this relation only, a batch at a time
        strong = [
            str(r["c"])
            for r in self.sparql(f"SELECT ?c WHERE {{ ?c kgo:supportCount ?support . FILTER(?support >= {floor}) }}")
        ]
        out: list[Pair] = []
        for start in range(0, len(strong), 500):
            values = " ".join(term_text(URIRef(c)) for c in strong[start : start + 500])
            out.extend(
                Pair(self._id(r["a"]), r["al"], self._id(r["b"]), r["bl"], int(r["support"]))
                for r in self.sparql(
                    f"""SELECT ?a ?al ?b ?bl ?support WHERE {{ VALUES ?c {{ {values} }}
                    ?c kgo:role {role} ; kgo:supportCount ?support ; kgo:subjectEntity ?a ; kgo:objectEntity ?b .
                    ?a skos:prefLabel ?al . ?b skos:prefLabel ?bl . }}"""
                )
            )
        # SPARQL's ORDER BY DESC(?support) ?a_label ?b_label: labels in code point order
        return Rows(sorted(out, key=lambda p: (-p.count, p.a_label, p.b_label, p.a, p.b))[:n])
