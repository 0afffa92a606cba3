"""An update onto a previous build: ``mentions.jsonl`` and ``entities.csv`` merged from the previous ones, the
previous build's index when its store can take a delta, and the update whose previous build saved its
resolution (``kg.build.incremental``): only what the new papers touch is resolved, linked and written.
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.build import incremental
from kg.build.files import entities_csv_text, mention_line_id, paper_mention_record, relabel_line
from kg.build.index import INDEX_NAME, Index, entity_digest, paper_digest
from kg.build.job import Job
from kg.build.spool import SPOOL_NAME, SpoolWriter, read_spool
from kg.records import Entity, EntityType, Link, PaperMentions


def merge_mentions(
    old: Path,
    new: Path,
    keep: set[str],
    changed: Mapping[str, tuple[PaperMentions, Sequence[Link]]],
    appended: Sequence[str],
    relabelled: set[str],
    labels: Mapping[str, str],
) -> None:
    """``mentions.jsonl`` of an update from the previous one: the previous papers in ``keep`` in their
    order, a changed one written again and one that links a relabelled entity with its labels set again,
    the others copied as they are (as bytes: most of a large build's lines are copied, and decoding and
    encoding them was most of the cost); then the ``appended`` papers (new papers and new versions)."""

    def record(pid: str) -> bytes:
        item, links = changed[pid]
        return (json.dumps(paper_mention_record(item, links, labels), ensure_ascii=False) + "\n").encode("utf-8")

    with open(old, "rb") as src, open(new, "wb") as dst:
        for line in src:
            pid = mention_line_id(line)
            if pid not in keep:
                continue
            if pid in changed:
                dst.write(record(pid))
            elif pid in relabelled:
                dst.write(relabel_line(line.decode("utf-8"), labels).encode("utf-8"))
            else:
                dst.write(line)
        for pid in appended:
            dst.write(record(pid))


def delta_base(out: Path, store: str | Path | None, manifest: Mapping[str, object] | None) -> object | None:
    """The previous build's index when an update can be applied to its store as a delta: the store at
    ``store`` is the one that build wrote (its id matches) and the build kept its index."""
    from kg import store as store_module
    from kg.build import index as index_module

    if store is None or manifest is None or not store_module.is_store(store) or not (out / "mentions.jsonl").is_file():
        return None
    if not manifest.get("store_id") or store_module.read_store_id(store) != manifest.get("store_id"):
        return None
    return index_module.Index.load(out / index_module.INDEX_NAME)


def merge_entities_csv(old: Path, new: Path, rows: Mapping[str, tuple[Entity, int]], removed: Iterable[str]) -> None:
    """``entities.csv`` of an update from the previous one: its rows less those of ``removed`` entities,
    with the rows of ``rows`` (changed and new entities, with their paper counts) in id order."""
    fresh = list(
        csv.reader(io.StringIO(entities_csv_text((e for e, _ in rows.values()), {k: n for k, (_, n) in rows.items()})))
    )
    header, fresh = fresh[0], fresh[1:]
    dropped = set(removed) | set(rows)
    with open(old, encoding="utf-8", newline="") as src, open(new, "w", encoding="utf-8", newline="") as dst:
        reader = csv.reader(src)
        next(reader, None)
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(header)
        kept = (row for row in reader if row and row[0] not in dropped)
        merged = heapq.merge(kept, fresh, key=lambda row: row[0])
        writer.writerows(merged)


def update_in_place(job: Job, latest: Mapping[str, int], added: list[PaperMentions], state: tuple) -> dict[str, Any]:
    """The files of an update whose previous build saved its resolution (``kg.build.incremental``): only the
    papers and entities the new papers touch are resolved, linked and written again. Returns what the
    build summary and the store delta need."""
    from kg.build import delta as delta_module

    out, previous = job.out, job.previous
    assert out is not None, "an update has an output folder"
    table, positions = state
    read = incremental.read_papers(out / SPOOL_NAME, positions, dict(previous))
    replaced = {item.paper.id for item in added if item.paper.id in previous}
    result = incremental.update(table, list(read(replaced)) if replaced else [], added, read)
    job.lap("resolve")
    index = Index(dict(job.old_index.papers), dict(job.old_index.entities))
    changed = _relinked(index, result.links)
    job.lap("link")
    rows, relabelled = _entity_rows(index, table, result)
    job.lap("entities")
    spool_records = _respool(job, latest, added, positions)
    job.lap("spool")
    _merge_files(job, index, table, changed, rows, relabelled, result, latest, added, positions)
    job.lap("files")
    papers = [(pid, version) for pid, version in job.manifest["papers"] if pid not in latest]  # type: ignore[index]
    papers += [(item.paper.id, item.paper.version) for item in added]
    types = {eid: EntityType(t) for eid, t in table.types.items()}

    def store_delta(store: object) -> object:
        return delta_module.compute_delta(
            store,
            changed,
            (),
            rows,
            result.removed_entities,
            types,
            job.config,
            table.papers,
            previous,
            result.old_links,
        )

    return {
        "papers": papers,
        "per_type": Counter(table.types.values()),
        "links": sum(len(p) for p in table.papers.values()),
        "spool_records": spool_records,
        "store_delta": store_delta,
        "relinked": result.relinked,
    }


def _merge_files(
    job: Job,
    index: Index,
    table: Any,
    changed: dict[str, tuple[PaperMentions, tuple[Link, ...]]],
    rows: dict[str, tuple[Entity, int]],
    relabelled: set[str],
    result: Any,
    latest: Mapping[str, int],
    added: list[PaperMentions],
    positions: Any,
) -> None:
    """The files of an in-place update: ``mentions.jsonl`` and ``entities.csv`` merged with the previous
    ones, the index and the resolution state saved, all into the staging folder."""
    out, staging, previous = job.out, job.staging, job.previous
    assert out is not None, "an update has an output folder"
    labels = {eid: label for eid, (_, label) in index.entities.items()}
    refresh = set().union(*(table.papers.get(e, ()) for e in relabelled)) - changed.keys()
    keep = {pid for pid in previous if pid not in latest}
    merge_mentions(
        out / "mentions.jsonl",
        staging / "mentions.jsonl",
        keep,
        changed,
        [item.paper.id for item in added],
        refresh,
        labels,
    )
    merge_entities_csv(out / "entities.csv", staging / "entities.csv", rows, result.removed_entities)
    index.save(staging / INDEX_NAME)
    incremental.save_state(table, positions, staging / incremental.STATE_NAME)


def _relinked(
    index: Index, links: Mapping[str, tuple[PaperMentions, tuple[Link, ...]]]
) -> dict[str, tuple[PaperMentions, tuple[Link, ...]]]:
    """The relinked papers whose digest changed; ``index`` takes the new digests."""
    changed: dict[str, tuple[PaperMentions, tuple[Link, ...]]] = {}
    for pid, (item, paper_links) in links.items():
        digest = paper_digest(item, paper_links)
        if index.papers.get(pid) != digest:
            changed[pid] = (item, paper_links)
        index.papers[pid] = digest
    return changed


def _entity_rows(index: Index, table: Any, result: Any) -> tuple[dict[str, tuple[Entity, int]], set[str]]:
    """The entities whose digest changed, with their paper counts, and those whose label changed;
    ``index`` takes the new digests and loses the removed entities."""
    rows: dict[str, tuple[Entity, int]] = {}
    relabelled: set[str] = set()
    for eid in sorted(result.entities):
        entity, n = table.entity(eid), table.n_papers(eid)
        digest = entity_digest(entity, n)
        before = index.entities.get(eid)
        if before is None or before[0] != digest:
            rows[eid] = (entity, n)
            if before is not None and before[1] != entity.label:
                relabelled.add(eid)
        index.entities[eid] = (digest, entity.label)
    for eid in result.removed_entities:
        index.entities.pop(eid, None)
    return rows, relabelled


def _respool(job: Job, latest: Mapping[str, int], added: list[PaperMentions], positions: dict) -> int:
    """``mentions.spool`` of the update (the previous one with the new papers after it, or written again
    when half of it would be stale); ``positions`` updated. Returns the number of records in it."""
    old_spool, final_spool, previous = job.out / SPOOL_NAME, job.staging / SPOOL_NAME, job.previous  # type: ignore[operator]
    spool_records = int(job.manifest.get("spool_records") or len(previous))  # type: ignore[union-attr]
    if spool_records - len(previous) + len(latest) <= len(previous):  # the previous spool, this run's papers after it
        shutil.copyfile(old_spool, final_spool)
        with SpoolWriter(final_spool, append=True) as spool_out:
            spool_out.write_all(added)
        positions.update(zip([item.paper.id for item in added], spool_out.positions))
        return spool_records + spool_out.count
    written: list[str] = []
    remaining = {pid: version for pid, version in previous.items() if pid not in latest}
    with SpoolWriter(final_spool) as spool_out:
        for item in read_spool(old_spool):
            if remaining.get(item.paper.id) == (item.paper.version or 0):
                spool_out.write(item)
                written.append(item.paper.id)
                del remaining[item.paper.id]
        spool_out.write_all(added)
    positions.clear()
    positions.update(zip(written + [item.paper.id for item in added], spool_out.positions))
    return spool_out.count
