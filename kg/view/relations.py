"""The relations papers state, for the details panel of the paper view and the map.

Each entity gets rows ``[relation, direction, other id, other label, papers, sentence]``: ``direction`` is
``"out"`` when the entity is the relation's subject (YOLO evaluated-with COCO, on YOLO) and ``"in"`` when
it is its object (on COCO); the most stating papers first, at most ``ROWS_PER_ENTITY``; the sentence is
the first of its sentences in code point order (the same whatever the source). They come from a
networkx graph's typed edges (``kg.relation_graph.add_edges``, ``KnowledgeGraph.to_networkx``) or from a
store's ``kgo:StatedRelation`` nodes (``kg.view.sources.StoreSource``). The paper view keeps them out of
its drawn links and layout: a stated relation is not a paper's link.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("method/yolo", label="YOLO"); g.add_node("dataset/coco", label="COCO")
>>> _ = g.add_edge("method/yolo", "dataset/coco", key="evaluated-with", relation="evaluated-with", support=2,
...                sentences=["We evaluate YOLO on COCO."])
>>> shown, rows = split(g)
>>> shown.number_of_edges(), rows["dataset/coco"]
(0, [['evaluated-with', 'in', 'method/yolo', 'YOLO', 2, 'We evaluate YOLO on COCO.']])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx

#: relations listed per entity (the most stating papers first), and how many of them quote a sentence
ROWS_PER_ENTITY = 8
SENTENCES_PER_ENTITY = 2
#: (subject, label, object, papers, sentence)
Stated = tuple[str, str, str, int, str]


def rows_of(stated: Iterable[Stated], label_of: Callable[[str], str], ids: Iterable[str] | None = None) -> dict:
    """Each entity's rows (of ``ids`` only, when given); only the first ``SENTENCES_PER_ENTITY`` rows keep
    their sentence, which keeps a map of thousands of entities small."""
    wanted = None if ids is None else set(ids)
    out: dict[str, list[list[Any]]] = {}
    for s, label, o, papers, sentence in sorted(set(stated)):
        for me, direction, other in ((s, "out", o), (o, "in", s)):
            if wanted is None or me in wanted:
                out.setdefault(me, []).append([label, direction, other, label_of(other), papers, sentence])
    for rows in out.values():
        rows.sort(key=lambda r: (-r[4], r[0], r[1], r[3], r[2]))
        del rows[ROWS_PER_ENTITY:]
        for row in rows[SENTENCES_PER_ENTITY:]:
            row[5] = ""
    return out


def graph_relations(graph: nx.MultiDiGraph) -> list[Stated]:
    """The stated relations of a networkx graph (its edges with a ``relation``)."""
    return [
        (u, str(d["relation"]), v, int(d.get("support") or len(d.get("papers") or ())), min(d.get("sentences") or [""]))
        for u, v, d in graph.edges(data=True)
        if "relation" in d
    ]


def split(graph: nx.MultiDiGraph) -> tuple[nx.MultiDiGraph, dict]:
    """The graph without its stated-relation edges (a view), and each entity's rows."""
    stated = graph_relations(graph)
    if not stated:
        return graph, {}
    rows = rows_of(stated, lambda e: str(graph.nodes[e].get("label") or e))
    return nx.subgraph_view(graph, filter_edge=lambda u, v, k: "relation" not in graph.edges[u, v, k]), rows


def source_relations(source: Any, ids: Sequence[str]) -> dict:
    """The rows of the map's entities ``ids`` from its source: a networkx graph or a store. A store is
    asked for the relations first and for the sentences of the rows that quote one only."""
    if hasattr(source, "graph"):  # kg.view.sources.GraphSource: its graph's relations, split off
        return {e: source.relations[e] for e in ids if e in source.relations}
    from kg.relation_graph import PROPERTIES
    from kg.view.sources import KGO

    found = source._values(
        """SELECT ?r ?s ?prop ?o ?n ?sl ?ol WHERE { VALUES ?e { %s }
        { ?r kgo:relationSubject ?e } UNION { ?r kgo:relationObject ?e }
        ?r kgo:relationSubject ?s ; kgo:relationProperty ?prop ; kgo:relationObject ?o ; kgo:statementCount ?n .
        ?s skos:prefLabel ?sl . ?o skos:prefLabel ?ol }""",
        [f"<{source.base}{e}>" for e in ids],
    )
    labels = {KGO + p: label for label, p in PROPERTIES.items()}
    names = {source._id(s): sl for _, s, _, _, _, sl, _ in found} | {source._id(o): ol for *_, o, _, _, ol in found}
    # the relation's IRI stands in the sentence's place until the rows that quote one are known
    stated = [(source._id(s), labels[p], source._id(o), int(n), r) for r, s, p, o, n, _, _ in found if p in labels]
    rows = rows_of(stated, lambda e: names.get(e, e), ids)
    quoted = sorted({row[5] for entity_rows in rows.values() for row in entity_rows if row[5]})
    sentences = dict(
        source._values(
            """SELECT ?r (MIN(?sen) AS ?sentence) WHERE { VALUES ?r { %s } ?a oa:hasBody ?r ; kgo:sentence ?sen }
            GROUP BY ?r""",
            [f"<{r}>" for r in quoted],
        )
    )
    for entity_rows in rows.values():
        for row in entity_rows:
            row[5] = sentences.get(row[5], "") if row[5] else ""
    return rows
