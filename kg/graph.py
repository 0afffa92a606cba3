"""The networkx view of a build: paper nodes, entity nodes, paper -> entity edges typed by role.

Node ids are the record ids: ``paper/<arXiv id>`` for papers, the entity id (``dataset/imagenet``) for
entities. Every node has ``kind`` (``paper``, ``dataset``, ``method``, ``task``) and ``label``.

>>> from kg.records import Paper, Entity, Link, EntityType, Role
>>> p = Paper(id="2201.00001", version=1, title="T", abstract="We use ImageNet.")
>>> e = Entity(id="dataset/imagenet", type=EntityType.DATASET, label="ImageNet")
>>> g = build_graph([p], [e], [Link("2201.00001", "dataset/imagenet", Role.USES)])
>>> sorted(g.nodes)
['dataset/imagenet', 'paper/2201.00001']
>>> [(u, v, k) for u, v, k in g.edges(keys=True)]
[('paper/2201.00001', 'dataset/imagenet', 'uses')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import networkx as nx

from kg.records import Entity, Link, Paper

# node attribute names
KIND = "kind"
LABEL = "label"
PAPER_PREFIX = "paper/"


def paper_node(paper_id: str) -> str:
    """The node id of a paper.

    >>> paper_node("2112.15589")
    'paper/2112.15589'
    """
    return PAPER_PREFIX + paper_id


def arxiv_url(paper_id: str) -> str:
    """The arXiv abstract page of a paper id."""
    return f"https://arxiv.org/abs/{paper_id}"


def paper_attributes(paper: Paper) -> dict[str, object]:
    """Node attributes of a paper: plain JSON-able values."""
    return {
        KIND: "paper",
        LABEL: paper.title,
        "title": paper.title,
        "abstract": paper.abstract,
        "arxiv_id": paper.id,
        "version": paper.version,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "date": paper.date or "",
        "url": arxiv_url(paper.id),
    }


def entity_attributes(entity: Entity, n_papers: int = 0) -> dict[str, object]:
    """Node attributes of an entity: plain JSON-able values."""
    return {
        KIND: entity.type.value,
        LABEL: entity.label,
        "aliases": [[form, count] for form, count in entity.aliases],
        "vocabulary_id": entity.vocabulary_id,
        "broader": list(entity.broader),
        "n_papers": n_papers,
    }


def evidence_attributes(link: Link) -> list[dict[str, object]]:
    """The mentions behind a link, as plain dicts sorted by position."""
    return [
        {
            "field": m.field,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "sentence": m.sentence,
            "source": m.source,
            "confidence": round(m.confidence, 3),
        }
        for m in sorted(link.mentions, key=lambda m: (m.field != "title", m.start, m.end))
    ]


def build_graph(papers: Iterable[Paper], entities: Iterable[Entity], links: Iterable[Link]) -> nx.MultiDiGraph:
    """A MultiDiGraph of papers and entities; one edge per (paper, entity, role), keyed by role.

    Nodes and edges are added in sorted order so that the graph iterates the same way every run.
    """
    links = sorted(links, key=lambda l: (l.paper_id, l.entity_id, l.role.value))
    n_papers = Counter(entity_id for _, entity_id in {(l.paper_id, l.entity_id) for l in links})
    graph = nx.MultiDiGraph()
    for paper in sorted(papers, key=lambda p: p.id):
        graph.add_node(paper_node(paper.id), **paper_attributes(paper))
    for entity in sorted(entities, key=lambda e: e.id):
        graph.add_node(entity.id, **entity_attributes(entity, n_papers.get(entity.id, 0)))
    for link in links:
        graph.add_edge(
            paper_node(link.paper_id),
            link.entity_id,
            key=link.role.value,
            role=link.role.value,
            confidence=round(link.confidence, 3),
            evidence=evidence_attributes(link),
        )
    return graph
