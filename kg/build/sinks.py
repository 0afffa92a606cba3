"""The sinks of a build's write pass. Each takes the linked papers a chunk at a time (``papers``), then the
entities (``entities``), then ``close``: the graph as N-Triples text (``graph.nt`` and the store's bulk load)
and as an rdflib graph (``graph.ttl``, ``graph.jsonld``), the lines of ``mentions.jsonl``, the records of the
Python API and ``graph.html``, the compacted spool and each paper's digest (``build.index``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg import rdf, relation_graph
from kg.build.files import Tee, paper_mention_record
from kg.build.index import Index, entity_digest, paper_digest
from kg.build.spool import SpoolWriter
from kg.config import Config
from kg.records import Entity, EntityType, Link, PaperMentions

Batch = Sequence[tuple[PaperMentions, Sequence[Link]]]


class GraphSink:
    """The triples of a build, as N-Triples text into ``graph.nt`` and a store loader (``text``) and as
    rdflib terms into a graph (``graph``); co-occurrence pairs counted on the way."""

    def __init__(self, config: Config, text: Any = None, rdflib: bool = False) -> None:
        self.config = config
        self.writer = rdf.NTriplesWriter(text) if text is not None else None
        self.graph = rdf.bind_prefixes(Graph()) if rdflib else None
        self.pairs = rdf.PairCounter({})  # entity types come from the ids (the table's types are not ready)
        self.stated = relation_graph.RelationCounter() if config.relations else None
        self.floors = relation_graph.floors(config)
        self.triples = 0
        self._add(rdf.ontology_header_triples(config))

    def _add(self, triples: Any) -> None:
        if self.writer is not None and self.graph is not None:
            triples = list(triples)
        if self.writer is not None:
            self.triples += self.writer.write(triples)
        if self.graph is not None:
            for triple in triples:
                self.graph.add(triple)

    def papers(self, batch: Batch) -> None:
        for item, links in batch:
            if self.writer is not None:
                made = rdf.paper_triples(item.paper, links, self.config, self.writer.terms)
                self.triples += self.writer.write_made(made)  # type: ignore[arg-type]  # N-Triples text terms
            if self.graph is not None:
                for triple in rdf.paper_triples(item.paper, links, self.config):
                    self.graph.add(triple)
            self.pairs.add(item.paper.id, [link.entity_id for link in links])
            if self.stated is not None and item.relations:  # relations stated in text, their evidence now
                stated = relation_graph.stated_in(item, links, self.floors)
                self._add(relation_graph.evidence_triples(item.paper.id, stated, self.config))
                self.stated.add(item.paper.id, [key for key, _ in stated])

    def entities(self, entities: Sequence[Entity], n_papers: Mapping[str, int]) -> None:
        for entity in entities:
            if self.writer is not None:
                made = rdf.entity_triples(entity, n_papers[entity.id], self.config, self.writer.terms)
                self.triples += self.writer.write_made(made)  # type: ignore[arg-type]  # N-Triples text terms
            if self.graph is not None:
                for triple in rdf.entity_triples(entity, n_papers[entity.id], self.config):
                    self.graph.add(triple)

    def cooccurrences(self, types: Mapping[str, EntityType]) -> None:
        self._add(rdf.cooccurrence_triples((), types, self.config, counter=self.pairs))
        del self.pairs
        if self.stated is not None:  # each stated relation with its papers (kg.relation_graph)
            self._add(self.stated.triples(self.config))
            self.stated = None

    def count(self) -> int:
        """The triples written (those of the rdflib graph when no text is written)."""
        return self.triples if self.writer is not None else len(self.graph or ())


class MentionsSink:
    """Each paper's ``mentions.jsonl`` line, labels not yet set (``kg.build.files.relabel_line`` sets them
    once every entity is known), into ``mentions.partial``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = open(path, "w", encoding="utf-8", newline="\n")

    def papers(self, batch: Batch) -> None:
        self.file.writelines(
            json.dumps(paper_mention_record(item, links, None), ensure_ascii=False) + "\n" for item, links in batch
        )

    def close(self) -> None:
        self.file.close()


class RecordsSink:
    """The papers, links and mentions of a build in memory: what the Python API and ``graph.html`` get."""

    def __init__(self) -> None:
        self.papers_: list = []
        self.links: list[Link] = []
        self.mentions: list[PaperMentions] = []

    def papers(self, batch: Batch) -> None:
        for item, links in batch:
            self.papers_.append(item.paper)
            self.mentions.append(item)
            self.links.extend(links)


class IndexSink:
    """Each paper's and entity's digest (``build.index``); with ``old``, the papers whose digest changed."""

    def __init__(self, old: Index | None = None) -> None:
        self.index = Index()
        self.old = old
        self.changed: dict[str, tuple[PaperMentions, Sequence[Link]]] = {}

    def papers(self, batch: Batch) -> None:
        for item, links in batch:
            digest = self.index.papers[item.paper.id] = paper_digest(item, links)
            if self.old is not None and self.old.papers.get(item.paper.id) != digest:
                self.changed[item.paper.id] = (item, links)

    def entities(self, entities: Sequence[Entity], n_papers: Mapping[str, int]) -> None:
        for entity in entities:
            self.index.entities[entity.id] = (entity_digest(entity, n_papers[entity.id]), entity.label)


class SpoolSink:
    """The kept papers written again into one spool, so that the place of each is known (an update, or a
    build that read replaced versions)."""

    def __init__(self, path: Path) -> None:
        self.spool = SpoolWriter(path).__enter__()
        self.ids: list[str] = []

    def papers(self, batch: Batch) -> None:
        for item, _ in batch:
            self.spool.write(item)
            self.ids.append(item.paper.id)

    def close(self) -> None:
        self.spool.__exit__(None, None, None)


def open_text(stack: ExitStack, path: Path | None, loader: Any) -> Any:
    """Where the N-Triples text goes: ``path`` (when given) and the store ``loader`` (when given), or ``None``."""
    nt_file = stack.enter_context(open(path, "w", encoding="utf-8", newline="\n")) if path is not None else None
    return Tee.of(nt_file, loader)
