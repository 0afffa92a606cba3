"""Pass 1 of a build: read the inputs, extract each new paper's mentions (one process, worker processes
or Dask, in chunks), spool them to disk and feed the resolver's counts; rejects go to ``rejects.jsonl``.
Then the papers the build keeps, read back from the spools in order."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kg.build.files import reject_line
from kg.build.job import Job
from kg.build.parallel import Progress, chunked, get_engine
from kg.build.spool import SpoolWriter, read_spool
from kg.ingest import dedupe, read_records
from kg.records import Paper, PaperMentions, Reject
from kg.resolve import Resolver


@dataclass
class Extracted:
    """What pass 1 leaves: the spool of this run's papers and where each record is in it, the version of
    each paper extracted (the last one wins), and a resolver that has seen them."""

    spool: Path
    resolver: Resolver
    vocabulary: Any
    latest: dict[str, int] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)  # in the order spooled
    positions: list[tuple[int, int]] = field(default_factory=list)


def read_papers(job: Job, rejects: IO[str] | None) -> Iterator[Paper]:
    """The papers of the inputs to extract: rejects are counted and written, a paper the previous build
    holds in the same or a later version is counted as unchanged and skipped."""
    counts = job.counts
    for record in dedupe(read_records(job.sources)):
        if isinstance(record, Reject):
            if rejects is not None:
                rejects.write(reject_line(record))
            job.keep_reject(record)
            if " superseded by " not in record.reason:  # a superseded paper was counted when it was read
                counts["read"] += 1
                job.seen[record.source] += 1
            continue
        counts["read"] += 1
        job.seen[record.source] += 1
        before = job.previous.get(record.id)
        if before is not None and (record.version or 0) <= before:
            counts["unchanged"] += 1  # already built in this version: not extracted again
            continue
        yield record


def _count_papers(job: Job) -> int | None:
    """How many records the inputs hold (one quick parse; only for the progress bar's ETA)."""
    if not job.show or any(str(s) == "-" for s in job.sources):
        return None
    return sum(1 for r in read_records(job.sources) if isinstance(r, Paper))


def _engine(job: Job) -> Any:
    factory = get_engine(job.engine)
    if job.extractor is not None and job.engine == "local":
        return factory(job.config.replace(engine=job.engine), extractor=job.extractor, **job.engine_args)
    return factory(job.config.replace(engine=job.engine), **job.engine_args)


def _rejects_file(job: Job) -> Any:
    """``rejects.jsonl`` in the staging folder (an update starts from the previous build's), or nothing."""
    if not job.outputs.files:
        return nullcontext()
    handle = open(job.staging / "rejects.jsonl", "w", encoding="utf-8", newline="\n")
    if job.old_spool is not None and job.out is not None and (job.out / "rejects.jsonl").is_file():
        with open(job.out / "rejects.jsonl", encoding="utf-8") as old:
            shutil.copyfileobj(old, handle)
    return handle


def extract(job: Job) -> Extracted:
    """Pass 1: read, extract, spool and observe every new paper."""
    from kg.vocabulary import shipped

    job.activity.now("reading, extracting and spooling the papers", job.staging / "new.spool")
    vocabulary = shipped()  # read once a process: the extractor's rulers and an update's resolution take it too
    done = Extracted(job.staging / "new.spool", Resolver(vocabulary, job.config.specific_only), vocabulary)
    bar = Progress(_count_papers(job), "extract", enabled=job.show)
    with _rejects_file(job) as rejects, _engine(job) as runner, SpoolWriter(done.spool) as spool:
        for chunk in runner.map_chunks(chunked(read_papers(job, rejects), job.config.chunk_size)):
            for item in chunk:
                spool.write(item)
                done.ids.append(item.paper.id)
                if item.paper.id in done.latest:
                    job.counts["superseded"] += 1
                done.latest[item.paper.id] = item.paper.version or 0
                done.resolver.observe(item)
            job.counts["extracted"] += len(chunk)
            bar.update(len(chunk))
    done.positions = spool.positions
    bar.close()
    job.warnings += [
        f"{name}: no papers found (empty input?)"
        for name in ("<stdin>" if str(s) == "-" else str(s) for s in job.sources)
        if not job.seen[name]
    ]
    job.lap("extract")
    return done


def old_items(job: Job, done: Extracted) -> Iterator[PaperMentions]:
    """The previous build's papers that stay (an updated spool also holds replaced versions)."""
    if job.old_spool is None:
        return
    emitted: set[str] = set()
    for item in read_spool(job.old_spool):
        pid = item.paper.id
        if pid not in done.latest and job.previous.get(pid) == (item.paper.version or 0) and pid not in emitted:
            emitted.add(pid)
            yield item


def new_items(done: Extracted) -> Iterator[PaperMentions]:
    """The papers extracted in this run (the last version of each)."""
    emitted: set[str] = set()
    for item in read_spool(done.spool):
        if done.latest[item.paper.id] == (item.paper.version or 0) and item.paper.id not in emitted:
            emitted.add(item.paper.id)
            yield item


def all_items(job: Job, done: Extracted) -> Iterator[PaperMentions]:
    """Old papers not replaced, then the new ones."""
    yield from old_items(job, done)
    yield from new_items(done)
