"""Resolve and pass 2 of a build: the entities resolved over every kept paper, then each paper linked, a
chunk at a time, and handed to the sinks (``kg.build.sinks``); then the entities and co-occurrence pairs,
and the files that need every label (``mentions.jsonl``, ``entities.csv``, ``build.index``, ``build.state``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from kg.build import incremental
from kg.build import sinks as sink_module
from kg.build.extract import Extracted, all_items
from kg.build.files import relabel_line, write_entities_rows
from kg.build.job import Job
from kg.build.parallel import Progress, chunked
from kg.build.spool import SPOOL_NAME
from kg.records import Entity, EntityType, Link, Paper
from kg.resolve import Resolver

#: chunks between two trims of the heap in the write pass (``kg.store.trim_heap``)
TRIM_EVERY = 32


def resolve(job: Job, done: Extracted) -> Any:
    """The entity table over the papers the build keeps (pass 1's resolver when it saw exactly those)."""
    resolver = done.resolver
    if job.old_spool is not None or job.counts["superseded"]:
        resolver = Resolver(done.vocabulary, job.config.specific_only)  # observe exactly the papers that are kept
        for item in all_items(job, done):
            resolver.observe(item)
    table = resolver.finish()
    done.resolver = None  # type: ignore[assignment]
    job.lap("resolve")
    return table


@dataclass
class Written:
    """What the write pass leaves for the files, the store and the summary."""

    papers: list[tuple[str, int | None]] = field(default_factory=list)  # (id, version) in written order
    appended: list[str] = field(default_factory=list)  # this run's papers, in order
    entities: list[Entity] = field(default_factory=list)
    n_papers: dict[str, int] = field(default_factory=dict)
    types: dict[str, EntityType] = field(default_factory=dict)
    triples: int = 0
    spool_records: int = 0
    graph: Any = None  # the rdflib graph (Turtle, JSON-LD)
    records: Any = None  # a sinks.RecordsSink
    index: Any = None  # a sinks.IndexSink
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def release(self) -> None:
        """Drop what only the files and a delta need (a large build's entities, counts and digests)."""
        self.types, self.n_papers, self.index, self.positions = {}, {}, None, {}
        if self.records is None:
            self.entities = []


def _open_sinks(job: Job, stack: ExitStack, loader: Any) -> dict[str, Any]:
    """The sinks this build asked for, opened in ``stack``."""
    out, staging = job.outputs, job.staging
    opened: dict[str, Any] = {}
    text_path = staging / "graph.nt" if "nt" in out.formats else None
    text = sink_module.open_text(stack, text_path, loader)
    if text is not None or out.rdflib:
        opened["graph"] = sink_module.GraphSink(job.config, text, out.rdflib)
    if out.files and not job.delta_mode:
        opened["mentions"] = sink_module.MentionsSink(staging / "mentions.partial")
        stack.callback(opened["mentions"].close)
    if out.records or out.html:
        opened["records"] = sink_module.RecordsSink()
    if out.state or job.delta_mode:
        opened["index"] = sink_module.IndexSink(job.old_index)
    if out.state and (job.old_spool is not None or job.counts["superseded"]):
        opened["spool"] = sink_module.SpoolSink(staging / SPOOL_NAME)
        stack.callback(opened["spool"].close)
    return opened


def write(job: Job, done: Extracted, table: Any, loader: Any) -> Written:
    """Pass 2: every kept paper linked and handed to the sinks, then the entities and pairs."""
    from kg import store as store_module

    written = Written()
    with ExitStack() as stack:
        opened = _open_sinks(job, stack, loader)
        bar = Progress(None, "link" if job.delta_mode else "write", enabled=job.show)
        for n_chunk, chunk in enumerate(chunked(all_items(job, done), job.config.chunk_size), start=1):
            if n_chunk % TRIM_EVERY == 0:
                store_module.trim_heap()
            batch = [(item, table.link(item)) for item in chunk]
            for sink in opened.values():
                sink.papers(batch)
            for item, _ in batch:
                written.papers.append((item.paper.id, item.paper.version))
                if item.paper.id in done.latest:
                    written.appended.append(item.paper.id)
            bar.update(len(batch))
        job.lap("link" if job.delta_mode else "write")
        store_module.trim_heap()
        _entities(job, table, written, opened)
        bar.close()
    _spool(job, done, written, opened.get("spool"))
    written.records, written.index = opened.get("records"), opened.get("index")
    return written


def _entities(job: Job, table: Any, written: Written, opened: dict[str, Any]) -> None:
    """The entities and their paper counts into the sinks, then the co-occurrence pairs."""
    written.entities = table.entities()
    for entity in written.entities:
        written.types[entity.id] = entity.type
        written.n_papers[entity.id] = table.n_papers(entity.id)
    for name in ("graph", "index"):
        if name in opened:
            opened[name].entities(written.entities, written.n_papers)
    job.lap("entities")
    graph = opened.get("graph")
    if graph is not None:
        graph.cooccurrences(written.types)
        written.triples, written.graph = graph.count(), graph.graph
        job.lap("pairs")


def _spool(job: Job, done: Extracted, written: Written, spool: Any) -> None:
    """``mentions.spool`` of the build: pass 1's spool, or the one the write pass compacted."""
    if not job.outputs.state:
        done.spool.unlink(missing_ok=True)
        return
    if spool is not None:
        written.positions = dict(zip(spool.ids, spool.spool.positions))
        written.spool_records = spool.spool.count
    else:
        os.replace(done.spool, job.staging / SPOOL_NAME)
        written.spool_records = len(written.papers)
        written.positions = dict(zip(done.ids, done.positions))
    done.spool.unlink(missing_ok=True)
    job.lap("spool")


def write_files(job: Job, table: Any, written: Written) -> None:
    """The files that need every entity's label: ``mentions.jsonl`` and ``entities.csv``; ``build.index``
    and ``build.state`` when the build keeps its state."""
    from kg.build.update import merge_mentions

    staging = job.staging
    labels = {e.id: e.label for e in written.entities}
    if job.delta_mode:
        relabelled = job.old_index.relabelled(written.index.index)
        changed = written.index.changed
        refresh = set().union(*(table.papers.get(e, ()) for e in relabelled)) - changed.keys()
        keep = {pid for pid in job.previous if pid not in written.appended}
        assert job.out is not None, "an update has an output folder"
        merge_mentions(
            job.out / "mentions.jsonl", staging / "mentions.jsonl", keep, changed, written.appended, refresh, labels
        )
    elif job.outputs.files:
        with (
            open(staging / "mentions.partial", encoding="utf-8") as partial,
            open(staging / "mentions.jsonl", "w", encoding="utf-8", newline="\n") as final,
        ):
            for line in partial:
                final.write(relabel_line(line, labels))
        (staging / "mentions.partial").unlink()
    if job.outputs.files:
        with open(staging / "entities.csv", "w", encoding="utf-8", newline="\n") as table_out:
            write_entities_rows(written.entities, written.n_papers, table_out)
    if job.outputs.state:
        from kg.build.index import INDEX_NAME

        written.index.index.save(staging / INDEX_NAME)
        incremental.save_state(table, written.positions, staging / incremental.STATE_NAME)
    job.lap("files")


def write_graph_files(job: Job, written: Written) -> None:
    """``graph.ttl`` and ``graph.jsonld`` from the rdflib graph, ``graph.html`` and the reports from the records."""
    from kg import rdf

    if written.graph is not None:
        for name, writer in (("ttl", rdf.write_turtle), ("jsonld", rdf.write_jsonld)):
            if name in job.outputs.formats:
                job.activity.now(f"writing graph.{name}", job.staging / f"graph.{name}")
                writer(written.graph, job.staging / f"graph.{name}")
        written.graph = None
    if job.outputs.html and written.records is not None:
        from kg.graph import build_graph
        from kg.view import write_html

        job.activity.now("writing graph.html", job.staging / "graph.html")
        records = written.records
        graph = build_graph(records.papers_, written.entities, records.links)
        stated = stated_relations(job, written)
        if stated:
            from kg.relation_graph import add_edges

            graph = add_edges(graph, stated)
        write_html(graph, job.staging / "graph.html", title="kg")
        write_reports(job, records.papers_, written.entities, records.links)
    job.lap("graph files")


def stated_relations(job: Job, written: Written) -> list[Any]:
    """The relations the graph states (``Config.relations``), aggregated per entity pair from the records
    (``kg.relation_graph``) for ``graph.html``; every sink gets their triples from ``sinks.GraphSink``."""
    if not job.config.relations or written.records is None:
        return []
    from kg.relation_graph import aggregate, floors

    return aggregate(written.records.mentions, written.records.links, floors(job.config))


def write_reports(job: Job, papers: Sequence[Paper], entities: Sequence[Entity], links: Sequence[Link]) -> None:
    """``report.html`` and ``report.md``: what the papers brought (``kg.report``), beside ``graph.html``."""
    from kg.report import report_text
    from kg.view.page import write_page

    job.activity.now("writing report.html and report.md", job.staging / "report.html")
    for fmt in ("html", "md"):
        write_page(report_text(papers, entities, links, fmt=fmt), job.staging / f"report.{fmt}")
