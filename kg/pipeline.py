"""Ties the stages together: what the CLI and the Python API call.

    read_papers -> Extractor.extract -> Resolver (two passes) -> graph / RDF / view / files
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.config import Config, bundled_sample
from kg.errors import InputError
from kg.extract import Extractor
from kg.ingest import dedupe, read_records
from kg.records import Entity, EntityType, Link, Paper, PaperMentions, Reject
from kg.resolve import Resolver

OUTPUT_FILES = ("graph.ttl", "graph.html", "mentions.jsonl", "entities.csv", "rejects.jsonl")


@dataclass
class Build:
    """Everything one run produced, in memory: papers, entities, links and rejects."""

    papers: list[Paper]
    entities: list[Entity]
    links: list[Link]
    rejects: list[Reject]
    mentions: list[PaperMentions]
    read: int
    seconds: float = 0.0
    config: Config = field(default_factory=Config)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        per_type = Counter(e.type.value for e in self.entities)
        return {
            "read": self.read,
            "papers": len(self.papers),
            "rejected": len(self.rejects),
            "entities": {t.value: per_type.get(t.value, 0) for t in EntityType},
            "links": len(self.links),
            "seconds": round(self.seconds, 2),
        }


def _inputs(inputs: Sequence[str | Path] | None) -> list[str | Path]:
    return list(inputs) if inputs else [bundled_sample()]


def collect(records: Iterable, rejects: list[Reject]) -> tuple[list[Paper], int]:
    """The last version of every paper, in first-seen order; rejects appended. Returns (papers, read)."""
    papers: dict[str, Paper] = {}
    read = 0
    for record in dedupe(records):
        if isinstance(record, Reject):
            rejects.append(record)
            if " superseded by " not in record.reason:  # a superseded paper was counted when it was read
                read += 1
        else:
            papers[record.id] = record
            read += 1
    return list(papers.values()), read


def run(inputs: Sequence[str | Path] | None = None, config: Config = Config(), extractor: Extractor | None = None) -> Build:
    """Read, extract and resolve: a ``Build`` in memory (nothing written)."""
    started = time.perf_counter()
    rejects: list[Reject] = []
    sources = _inputs(inputs)
    seen: Counter = Counter()

    def counted(records: Iterable) -> Iterator:
        for record in records:
            seen[record.source] += 1
            yield record

    papers, read = collect(counted(read_records(sources)), rejects)
    warnings = [f"{name}: no papers found (empty input?)" for name in
                ("<stdin>" if str(s) == "-" else str(s) for s in sources) if not seen[name]]
    extractor = extractor or Extractor(config)
    mentions = list(extractor.extract(papers))
    from kg.vocabulary import Vocabulary

    resolver = Resolver(Vocabulary.load())
    for item in mentions:
        resolver.observe(item)
    table = resolver.finish()
    links = [link for item in mentions for link in table.link(item)]
    entities = table.entities()
    return Build(papers, entities, links, rejects, mentions, read, time.perf_counter() - started, config, warnings)


# ---------------------------------------------------------------------------------------------- files

def mention_records(build: Build) -> Iterator[dict[str, object]]:
    """The ``kg extract`` contract: one object per paper, mentions with offsets into title or abstract."""
    labels = {e.id: e.label for e in build.entities}
    by_paper: dict[str, list[tuple[object, Link]]] = {}
    for link in build.links:
        for mention in link.mentions:
            by_paper.setdefault(link.paper_id, []).append((mention, link))
    for item in build.mentions:
        rows = sorted(by_paper.get(item.paper.id, []), key=lambda ml: (ml[0].field != "title", ml[0].start, ml[0].end))
        yield {
            "id": item.paper.id,
            "version": item.paper.version,
            "title": item.paper.title,
            "mentions": [
                {
                    "type": m.type.value, "field": m.field, "start": m.start, "end": m.end, "text": m.text,
                    "label": labels.get(link.entity_id, m.text), "entity": link.entity_id, "role": m.role.value,
                    "link_role": link.role.value, "confidence": m.confidence, "source": m.source,
                    "sentence": m.sentence,
                }
                for m, link in rows
            ],
        }


def atomic_write(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temp file in the same folder, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_mentions(build: Build, path: Path) -> None:
    atomic_write(path, "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in mention_records(build)))


def write_entities_csv(build: Build, path: Path) -> None:
    n_papers = Counter(entity for _, entity in {(l.paper_id, l.entity_id) for l in build.links})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "type", "label", "aliases", "papers", "vocabulary"])
    for entity in sorted(build.entities, key=lambda e: e.id):
        aliases = "|".join(f"{form}:{count}" for form, count in entity.aliases)
        writer.writerow([entity.id, entity.type.value, entity.label, aliases, n_papers.get(entity.id, 0), entity.vocabulary_id])
    atomic_write(path, buffer.getvalue())


def write_rejects(rejects: Sequence[Reject], path: Path) -> None:
    atomic_write(path, "".join(json.dumps({
        "source": r.source, "line": r.line, "id": r.id, "reason": r.reason, "hint": r.hint, "excerpt": r.excerpt,
    }, ensure_ascii=False) + "\n" for r in rejects))


def write_outputs(build: Build, out_dir: str | Path, *, html: bool = True) -> list[Path]:
    """Every output of a build into ``out_dir``. Files are staged in a temporary folder and moved in at
    the end, so an interrupted build leaves the previous outputs as they were."""
    from kg import rdf
    from kg.graph import build_graph

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-staging-", dir=out))
    try:
        graph = rdf.to_rdflib(build.papers, build.entities, build.links, build.config)
        rdf.write_turtle(graph, staging / "graph.ttl")
        write_mentions(build, staging / "mentions.jsonl")
        write_entities_csv(build, staging / "entities.csv")
        write_rejects(build.rejects, staging / "rejects.jsonl")
        if html:
            from kg.view import write_html

            write_html(build_graph(build.papers, build.entities, build.links), staging / "graph.html", title="kg")
        written = []
        for item in sorted(staging.iterdir()):
            os.replace(item, out / item.name)
            written.append(out / item.name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build(inputs: Sequence[str | Path] | None = None, out_dir: str | Path | None = "outputs",
          config: Config = Config(), html: bool = True) -> Build:
    """Read, extract, resolve and (when ``out_dir`` is given) write every output file."""
    result = run(inputs, config)
    if out_dir is not None:
        write_outputs(result, out_dir, html=html)
    return result
