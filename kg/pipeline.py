"""Ties the stages together: what the CLI and the Python API call.

    read_papers -> Extractor.extract -> Resolver (two passes) -> graph / RDF / view / files
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager, nullcontext
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kg import commit as commit_module, faults, lock as lock_module
from kg.commit import STAGING_PREFIX
from kg.config import Config, bundled_sample
from kg.errors import ConfigError, InputError, StoreError
from kg.extract import Extractor
from kg.ingest import dedupe, read_records
from kg.records import Entity, EntityType, Link, Paper, PaperMentions, Reject
from kg.resolve import Resolver

OUTPUT_FILES = ("graph.ttl", "graph.html", "mentions.jsonl", "entities.csv", "rejects.jsonl", "report.html", "report.md")


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
    swept: "commit_module.Swept" = field(default_factory=lambda: commit_module.Swept())

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

    resolver = Resolver(Vocabulary.load(), config.specific_only)
    for item in mentions:
        resolver.observe(item)
    table = resolver.finish()
    links = [link for item in mentions for link in table.link(item)]
    entities = table.entities()
    return Build(papers, entities, links, rejects, mentions, read, time.perf_counter() - started, config, warnings)


# ---------------------------------------------------------------------------------------------- files

def paper_mention_record(item: PaperMentions, links: Iterable[Link], labels: Mapping[str, str] | None) -> dict[str, object]:
    """One line of ``mentions.jsonl``: a paper and its linked mentions in text order. Without ``labels``
    the ``label`` fields are ``None`` (the streaming build fills them in once every paper is linked)."""
    linked = [(m, link) for link in links for m in link.mentions]
    in_graph = {id(m) for m, _ in linked}
    rows = sorted(linked + [(m, None) for m in item.mentions if id(m) not in in_graph],
                  key=lambda ml: (ml[0].field != "title", ml[0].start, ml[0].end))
    record = {
        "id": item.paper.id,
        "version": item.paper.version,
        "title": item.paper.title,
        "mentions": [
            {
                "type": m.type.value, "field": m.field, "start": m.start, "end": m.end, "text": m.text,
                "label": labels.get(link.entity_id, m.text) if labels is not None and link else None,
                "entity": link.entity_id if link else None, "role": m.role.value,
                "link_role": link.role.value if link else None, "confidence": m.confidence, "source": m.source,
                "sentence": m.sentence, "in_graph": link is not None,
            }
            for m, link in rows
        ],
    }
    if item.relations:
        from kg.relations import relation_records

        record["relations"] = relation_records(item.relations, {id(m): link.entity_id for m, link in linked})
    return record


def render_papers(batch: Sequence[tuple[PaperMentions, Sequence[Link]]], config: Config = Config(),
                  ntriples: bool = True, mentions: bool = True) -> tuple[list[bytes], str, int, list[str]]:
    """What the streaming build writes for a batch of linked papers: each paper's digest (``kg.delta``),
    the N-Triples of the batch and how many triples that is, and each paper's ``mentions.jsonl`` line
    (labels not yet filled in); what is not asked for is left empty. Run by worker processes, so it takes
    and returns plain values only.

    >>> item = PaperMentions(Paper("2201.00001", 1, "FooGAN", "We train on CIFAR-10."), ())
    >>> digests, text, n, lines = render_papers([(item, ())])
    >>> len(digests[0]), n == text.count("\\n"), json.loads(lines[0])["id"]
    (16, True, '2201.00001')
    """
    from kg import delta, rdf

    text = io.StringIO()
    writer = rdf.NTriplesWriter(text)
    n = 0
    for item, links in batch:
        if ntriples:
            n += writer.write_made(rdf.paper_triples(item.paper, links, config, writer.terms))  # type: ignore[arg-type]
    lines = [json.dumps(paper_mention_record(item, links, None), ensure_ascii=False) + "\n"
             for item, links in batch] if mentions else []
    return [delta.paper_digest(item, links) for item, links in batch], text.getvalue(), n, lines


def mention_records(build: Build) -> Iterator[dict[str, object]]:
    """The ``kg extract`` contract: one object per paper, mentions with offsets into title or abstract."""
    labels = {e.id: e.label for e in build.entities}
    by_paper: dict[str, list[Link]] = {}
    for link in build.links:
        by_paper.setdefault(link.paper_id, []).append(link)
    for item in build.mentions:
        yield paper_mention_record(item, by_paper.get(item.paper.id, []), labels)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temp file in the same folder, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; outputs are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_mentions(build: Build, path: Path) -> None:
    atomic_write(path, "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in mention_records(build)))


def write_entities_rows(entities: Iterable[Entity], n_papers: Mapping[str, int], out: TextIO) -> None:
    """Write ``entities.csv`` to ``out``: one row per entity, sorted by id, with the number of papers
    linking it (row by row: a streaming build's table is written without its text held in memory)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "type", "label", "aliases", "papers", "vocabulary"])
    for entity in sorted(entities, key=lambda e: e.id):
        aliases = "|".join(f"{form}:{count}" for form, count in entity.aliases)
        writer.writerow([entity.id, entity.type.value, entity.label, aliases, n_papers.get(entity.id, 0), entity.vocabulary_id])


def entities_csv_text(entities: Iterable[Entity], n_papers: Mapping[str, int]) -> str:
    """``entities.csv`` as text (``write_entities_rows``)."""
    buffer = io.StringIO()
    write_entities_rows(entities, n_papers, buffer)
    return buffer.getvalue()


def write_entities_csv(build: Build, path: Path) -> None:
    n_papers = Counter(entity for _, entity in {(l.paper_id, l.entity_id) for l in build.links})
    atomic_write(path, entities_csv_text(build.entities, n_papers))


def reject_line(r: Reject) -> str:
    """One line of ``rejects.jsonl``."""
    return json.dumps({"source": r.source, "line": r.line, "id": r.id, "reason": r.reason, "hint": r.hint,
                       "excerpt": r.excerpt}, ensure_ascii=False) + "\n"


def write_rejects(rejects: Sequence[Reject], path: Path) -> None:
    atomic_write(path, "".join(reject_line(r) for r in rejects))


def stated_relations(build: Build) -> list:
    """The relations a build states in its graph (none unless ``Config.relations``: ``kg.relation_graph``)."""
    if not build.config.relations:
        return []
    from kg import relation_graph

    return relation_graph.aggregate(build.mentions, build.links, relation_graph.floors(build.config))


def write_outputs(build: Build, out_dir: str | Path, *, html: bool = True,
                  activity: faults.Activity | None = None) -> list[Path]:
    """Every output of a build into ``out_dir``. Files are written to a staging folder and moved in at
    the end, all or none (``kg.commit``), so an interrupted build leaves the previous outputs as they
    were. ``activity`` is told each step, for the message of an ``OSError`` (``kg.faults``)."""
    from kg import rdf, relation_graph
    from kg.graph import build_graph

    activity = activity or faults.Activity(out_dir)
    out = Path(out_dir)
    activity.now("creating the staging folder", out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        activity.now("making the graph")
        graph = rdf.to_rdflib(build.papers, build.entities, build.links, build.config)
        stated = stated_relations(build)
        for triple in relation_graph.relation_triples(stated, build.config):
            graph.add(triple)
        activity.now("writing graph.ttl", staging / "graph.ttl")
        rdf.write_turtle(graph, staging / "graph.ttl")
        activity.now("writing mentions.jsonl", staging / "mentions.jsonl")
        write_mentions(build, staging / "mentions.jsonl")
        activity.now("writing entities.csv", staging / "entities.csv")
        write_entities_csv(build, staging / "entities.csv")
        activity.now("writing rejects.jsonl", staging / "rejects.jsonl")
        write_rejects(build.rejects, staging / "rejects.jsonl")
        if html:
            from kg.view import write_html

            activity.now("writing graph.html", staging / "graph.html")
            write_html(relation_graph.add_edges(build_graph(build.papers, build.entities, build.links), stated),
                       staging / "graph.html", title="kg")
        from kg.report import write_report

        activity.now("writing report.html and report.md", staging / "report.html")
        write_report(build, staging / "report.html")
        write_report(build, staging / "report.md")
        activity.now("moving the outputs into place", out)
        return commit_module.commit(staging, out, sorted(p.name for p in staging.iterdir() if p.name in OUTPUT_FILES))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build(inputs: Sequence[str | Path] | None = None, out_dir: str | Path | None = "outputs",
          config: Config = Config(), html: bool = True, *, wait: float = 0.0,
          notify: Callable[[str], None] | None = None) -> Build:
    """Read, extract, resolve and (when ``out_dir`` is given) write every output file.

    With ``out_dir``, the build holds the lock of that folder for its whole run (``kg.lock``: another
    build there raises ``BusyError`` at once, or after waiting up to ``wait`` seconds), first finishes or
    sweeps what builds that died there left (``kg.commit.recover``; ``notify`` is told, and the
    ``Build``'s ``swept`` says what), and raises ``OutputError`` for a full disk or a folder it may not
    write, the previous outputs unchanged.

    >>> import tempfile
    >>> build(out_dir=tempfile.mkdtemp(), config=Config(use_model=False), html=False).swept.paths
    ()
    """
    if out_dir is None:
        return run(inputs, config)
    activity = faults.Activity(out_dir, "taking the lock on the output folder", out_dir)
    with faults.converted(activity), lock_module.build_lock(out_dir, wait=wait, notify=notify):
        activity.now("sweeping what interrupted builds left", out_dir)
        swept = commit_module.recover(out_dir)
        if str(swept) and notify is not None:
            notify(str(swept))
        activity.now("reading the inputs and extracting")
        result = run(inputs, config)
        result.swept = swept
        write_outputs(result, out_dir, html=html, activity=activity)
    return result


# ---------------------------------------------------------------------------------------- streaming

STREAM_FILES = ("graph.nt", "mentions.jsonl", "entities.csv", "rejects.jsonl", "build.json", "mentions.spool",
                "build.index", "build.state")
MANIFEST = "build.json"
#: Config fields whose change invalidates the extracted mentions or the written triples of a build
_FINGERPRINT = ("use_model", "model_dir", "min_confidence", "ner_confidence", "max_abstract_chars", "base_iri",
                "cooccurrence_min_support")


def _fingerprint(config: Config) -> dict[str, object]:
    return {name: getattr(config, name) for name in _FINGERPRINT}


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises ``KeyboardInterrupt`` (as Ctrl-C does) so that cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def read_manifest(out_dir: str | Path) -> dict[str, object] | None:
    """The ``build.json`` of a streaming build in ``out_dir``, or ``None`` when there is none."""
    path = Path(out_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"{path}: cannot read the build manifest: {err}; rebuild without --update") from err


def _count_papers(sources: Sequence[str | Path]) -> int | None:
    """How many records the inputs hold (one quick parse; only for the progress bar's ETA)."""
    if any(str(s) == "-" for s in sources):
        return None
    return sum(1 for r in read_records(sources) if isinstance(r, Paper))


def mention_line_id(line: str | bytes) -> str:
    """The paper id of a ``mentions.jsonl`` line, text or bytes (its first key), without parsing the whole line.

    >>> mention_line_id('{"id": "2112.15509", "version": null, "mentions": []}')
    '2112.15509'
    >>> mention_line_id(b'{"id": "hep-th/9901001", "mentions": []}')
    'hep-th/9901001'
    """
    raw = line.encode("utf-8") if isinstance(line, str) else line
    if raw.startswith(b'{"id": "'):
        end = raw.find(b'"', 8)
        if end > 8 and b"\\" not in raw[8:end]:
            return raw[8:end].decode("utf-8")
    return str(json.loads(raw)["id"])


_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
# a mention's text, label and entity, in the order paper_mention_record writes them; every quote inside a JSON
# string is escaped, so the keys cannot match inside a value
_MENTION_LABEL = re.compile(f'"text": ({_JSON_STRING}), "label": (?:null|{_JSON_STRING}), "entity": ({_JSON_STRING})')


def relabel_line(line: str, labels: Mapping[str, str]) -> str:
    r"""A ``mentions.jsonl`` line with each mention's ``label`` set from ``labels`` (entity id -> label; the
    mention's text when the entity has none). Rewrites the three fields in place instead of parsing the
    line: the streaming build relabels every line of a large build.

    >>> line = '{"id": "1", "mentions": [{"text": "a \\"b\\"", "label": null, "entity": "method/b", "role": "uses"}]}'
    >>> relabel_line(line, {"method/b": "B é"}) == line.replace("null", '"B é"') + "\n"
    True
    >>> json.loads(relabel_line(line, {}))["mentions"][0]["label"]
    'a "b"'
    """
    def label(match: re.Match[str]) -> str:
        text, entity = match.group(1), match.group(2)
        found = labels.get(json.loads(entity) if "\\" in entity else entity[1:-1])
        value = text if found is None else json.dumps(found, ensure_ascii=False)
        return f'"text": {text}, "label": {value}, "entity": {entity}'

    return _MENTION_LABEL.sub(label, line.rstrip("\n")) + "\n"


def merge_mentions(old: Path, new: Path, keep: set[str], changed: Mapping[str, tuple[PaperMentions, Sequence[Link]]],
                   appended: Sequence[str], relabelled: set[str], labels: Mapping[str, str]) -> None:
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


def _delta_base(out: Path, store: str | Path | None, manifest: Mapping[str, object] | None) -> object | None:
    """The previous build's index when an update can be applied to its store as a delta: the store at
    ``store`` is the one that build wrote (its id matches) and the build kept its index."""
    from kg import delta, store as store_module

    if store is None or manifest is None or not store_module.is_store(store) or not (out / "mentions.jsonl").is_file():
        return None
    if not manifest.get("store_id") or store_module.read_store_id(store) != manifest.get("store_id"):
        return None
    return delta.Index.load(out / delta.INDEX_NAME)


def merge_entities_csv(old: Path, new: Path, rows: Mapping[str, tuple[Entity, int]], removed: Iterable[str]) -> None:
    """``entities.csv`` of an update from the previous one: its rows less those of ``removed`` entities,
    with the rows of ``rows`` (changed and new entities, with their paper counts) in id order."""
    import heapq

    fresh = list(csv.reader(io.StringIO(entities_csv_text((e for e, _ in rows.values()), {k: n for k, (_, n) in rows.items()}))))
    header, fresh = fresh[0], fresh[1:]
    dropped = set(removed) | set(rows)
    with open(old, encoding="utf-8", newline="") as src, open(new, "w", encoding="utf-8", newline="") as dst:
        reader = csv.reader(src)
        next(reader, None)
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(header)
        kept = (row for row in reader if row and row[0] not in dropped)
        writer.writerows(heapq.merge(kept, fresh, key=lambda row: row[0]))


def _update_in_place(out: Path, staging: Path, config: Config, manifest: Mapping[str, object],
                     previous: Mapping[str, int], latest: Mapping[str, int], added: list[PaperMentions],
                     old_index: object, state: tuple, lap: object) -> dict[str, object]:
    """The files of an update whose previous build saved its resolution (``kg.incremental``): only the
    papers and entities the new papers touch are resolved, linked and written again. Returns what the
    build summary and the store delta need."""
    from kg import delta as delta_module, incremental
    from kg.spool import SPOOL_NAME, SpoolWriter, read_spool

    table, positions = state
    old_spool = out / SPOOL_NAME
    read = incremental.read_papers(old_spool, positions, dict(previous))
    replaced = {item.paper.id for item in added if item.paper.id in previous}
    removed = list(read(replaced)) if replaced else []
    result = incremental.update(table, removed, added, read)
    lap("resolve")  # type: ignore[operator]

    index = delta_module.Index(dict(old_index.papers), dict(old_index.entities))  # type: ignore[attr-defined]
    changed: dict[str, tuple[PaperMentions, tuple[Link, ...]]] = {}
    for pid, (item, links) in result.links.items():
        digest = delta_module.paper_digest(item, links)
        if index.papers.get(pid) != digest:
            changed[pid] = (item, links)
        index.papers[pid] = digest
    lap("link")  # type: ignore[operator]
    rows: dict[str, tuple[Entity, int]] = {}
    relabelled: set[str] = set()
    for eid in sorted(result.entities):
        entity, n = table.entity(eid), table.n_papers(eid)
        digest = delta_module.entity_digest(entity, n)
        before = index.entities.get(eid)
        if before is None or before[0] != digest:
            rows[eid] = (entity, n)
            if before is not None and before[1] != entity.label:
                relabelled.add(eid)
        index.entities[eid] = (digest, entity.label)
    for eid in result.removed_entities:
        index.entities.pop(eid, None)
    lap("entities")  # type: ignore[operator]

    final_spool = staging / SPOOL_NAME
    kept = {pid: version for pid, version in previous.items() if pid not in latest}
    spool_records = int(manifest.get("spool_records") or len(previous))  # type: ignore[arg-type]
    if spool_records - len(previous) + len(latest) > len(previous):  # half the spool would be stale: write it again
        written: list[str] = []
        remaining = dict(kept)
        with SpoolWriter(final_spool) as spool_out:
            for item in read_spool(old_spool):
                if remaining.get(item.paper.id) == (item.paper.version or 0):
                    spool_out.write(item)
                    written.append(item.paper.id)
                    del remaining[item.paper.id]
            spool_out.write_all(added)
        positions.clear()
        positions.update(zip(written + [item.paper.id for item in added], spool_out.positions))
        spool_records = spool_out.count
    else:  # the previous spool, with this run's papers after it
        shutil.copyfile(old_spool, final_spool)
        with SpoolWriter(final_spool, append=True) as spool_out:
            spool_out.write_all(added)
        positions.update(zip([item.paper.id for item in added], spool_out.positions))
        spool_records += spool_out.count
    lap("spool")  # type: ignore[operator]

    labels = {eid: label for eid, (_, label) in index.entities.items()}
    refresh = set().union(*(table.papers.get(e, ()) for e in relabelled)) - changed.keys()
    keep = {pid for pid in previous if pid not in latest}
    appended = [item.paper.id for item in added]
    merge_mentions(out / "mentions.jsonl", staging / "mentions.jsonl", keep, changed, appended, refresh, labels)
    merge_entities_csv(out / "entities.csv", staging / "entities.csv", rows, result.removed_entities)
    index.save(staging / delta_module.INDEX_NAME)
    incremental.save_state(table, positions, staging / incremental.STATE_NAME)
    lap("files")  # type: ignore[operator]
    papers = [(pid, version) for pid, version in manifest["papers"] if pid not in latest]  # type: ignore[union-attr]
    papers += [(item.paper.id, item.paper.version) for item in added]
    types = {eid: EntityType(t) for eid, t in table.types.items()}

    def store_delta(store: object) -> object:
        return delta_module.compute_delta(store, changed, (), rows, result.removed_entities, types, config,
                                          table.papers, previous, result.old_links)

    return {"papers": papers, "per_type": Counter(table.types.values()), "links": sum(len(p) for p in table.papers.values()),
            "spool_records": spool_records, "store_delta": store_delta, "relinked": result.relinked}


class Tee:
    """Text written to every one of several outputs.

    >>> import io
    >>> a, b = io.StringIO(), io.StringIO()
    >>> Tee.of(a, None, b).write("x"); a.getvalue() + b.getvalue()
    'xx'
    >>> Tee.of(None, a) is a, Tee.of(None, None)
    (True, None)
    """

    def __init__(self, *outputs: Any) -> None:
        self.outputs = outputs

    @classmethod
    def of(cls, *outputs: Any) -> Any:
        """The outputs that are not ``None``: none, the one, or a ``Tee`` of them."""
        present = [out for out in outputs if out is not None]
        return None if not present else present[0] if len(present) == 1 else cls(*present)

    def write(self, text: str) -> None:
        for out in self.outputs:
            out.write(text)


def resident_mb() -> int | None:
    """This process's resident memory now, in MiB (Linux's ``/proc/self/statm``; ``None`` elsewhere).

    >>> isinstance(resident_mb(), (int, type(None)))
    True
    """
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") // 2**20


#: chunks between two trims of the heap in a streaming build's write pass (``kg.store.trim_heap``)
TRIM_EVERY = 32
#: what a streaming build does after each stage of its summary's ``timings`` (for ``kg.faults.Activity``)
_NEXT_STEP = {"extract": "resolving the entities", "resolve": "writing the papers' triples and mentions",
              "write": "writing the entities", "link": "writing the entities",
              "entities": "writing the co-occurrence pairs", "pairs": "writing the spool",
              "spool": "writing mentions.jsonl, entities.csv, build.index and build.state"}


def build_streaming(inputs: Sequence[str | Path] | None, out_dir: str | Path, config: Config = Config(), *,
                    store: str | Path | None = None, update: bool = False, engine: str | None = None,
                    scheduler: str | None = None, progress: bool | None = None,
                    workers: int | None = None, ntriples: bool | None = None, wait: float = 0.0,
                    notify: Callable[[str], None] | None = None) -> dict[str, object]:
    """A build whose memory does not grow with the number of papers; returns a summary dict.

    Pass 1 reads the inputs and extracts in chunks on ``engine`` (``"local"``: ``workers`` processes;
    ``"dask"``: a cluster at ``scheduler``), spooling each paper's ``PaperMentions`` to disk and feeding
    the resolver's counts. Pass 2 streams the spool and links each paper. Writes ``mentions.jsonl``,
    ``entities.csv``, ``rejects.jsonl``, ``build.json``, ``build.index`` and ``mentions.spool`` into
    ``out_dir``, the graph as ``graph.nt`` (``ntriples``; by default only when there is no ``store``) and,
    with ``store``, into a pyoxigraph store folder. Everything is staged and moved in at the end: an
    interrupted build leaves the previous outputs and store as they were.

    With ``update``, the papers of the previous build (``mentions.spool``) are kept, new papers and new
    versions are extracted (a new version replaces the old one's links; a paper already present in the
    same or a later version is skipped, not extracted), and resolution runs over old and new papers
    together, so entities are resolved exactly as a full build would. When the previous build wrote the
    store at ``store`` (and ``graph.nt`` is not asked for), only what changed is written: the triples of
    papers, entities and co-occurrence pairs whose digest changed are replaced in a checkpoint of the
    previous store (``kg.delta``), and unchanged lines of ``mentions.jsonl`` are copied.

    The build holds the locks of ``out_dir`` and ``store`` for its whole run (``kg.lock``): another build
    there raises ``BusyError`` at once, or after waiting up to ``wait`` seconds (``notify`` is told that it
    waits). Holding them, it first finishes or sweeps what builds that died there left (``kg.commit``;
    ``notify`` is told, and the summary's ``swept`` says what). A full disk, a folder it may not write or a
    store another program holds open raise ``OutputError``, the previous outputs unchanged.
    """
    from kg import store as store_module
    from kg.parallel import get_engine

    get_engine(engine or config.engine)  # an unknown name fails before anything is locked or written
    activity = faults.Activity(out_dir, "taking the lock on the output folder", out_dir)
    with faults.converted(activity), lock_module.build_lock(out_dir, store, wait=wait, notify=notify):
        activity.now("sweeping what interrupted builds left", out_dir)
        swept = commit_module.recover(out_dir, store)
        if str(swept) and notify is not None:
            notify(str(swept))
        if store is not None:
            store_module.check_not_held(store, "opening the store", out_dir)
        summary = _stream(inputs, out_dir, config, store=store, update=update, engine=engine, scheduler=scheduler,
                          progress=progress, workers=workers, ntriples=ntriples, activity=activity)
        summary["swept"] = {"finished": list(swept.finished), "paths": list(swept.paths), "bytes": swept.freed}
        return summary


def _stream(inputs: Sequence[str | Path] | None, out_dir: str | Path, config: Config, *, store: str | Path | None,
            update: bool, engine: str | None, scheduler: str | None, progress: bool | None, workers: int | None,
            ntriples: bool | None, activity: faults.Activity) -> dict[str, object]:
    """The work of ``build_streaming``, under its locks; tells ``activity`` each step."""
    from kg import delta as delta_module, incremental, rdf, store as store_module
    from kg.parallel import Progress, chunked, get_engine
    from kg.spool import SPOOL_NAME, SpoolWriter, read_spool
    from kg.vocabulary import Vocabulary

    started = time.perf_counter()
    timings: dict[str, float] = {}
    memory: dict[str, int] = {}
    clock = [started]

    def lap(name: str) -> None:
        """Seconds since the last lap, under ``name`` in the summary's ``timings``, and the resident
        memory at its end (MiB, where the system says) under ``name`` in ``memory``."""
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 2)
        clock[0] = now
        rss = resident_mb()
        if rss is not None:
            memory[name] = rss
        if name in _NEXT_STEP:
            activity.now(_NEXT_STEP[name], staging)

    engine = engine or config.engine
    engine_factory = get_engine(engine)  # an unknown name fails before any work
    show = config.progress if progress is None else progress
    write_nt = (store is None) if ntriples is None else (ntriples or store is None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sources = _inputs(inputs)
    warnings: list[str] = []
    previous: dict[str, int] = {}
    old_spool: Path | None = None
    activity.now("reading the previous build", out / MANIFEST)
    manifest = read_manifest(out) if update else None
    if update:
        if manifest is None or not (out / SPOOL_NAME).is_file():
            warnings.append(f"{out}: no previous streaming build to update; building from scratch")
            manifest = None
        else:
            if manifest.get("fingerprint") != _fingerprint(config):
                raise ConfigError(f"{out}: the previous build used other settings {manifest.get('fingerprint')}; "
                                  "rebuild without --update")
            previous = {pid: version or 0 for pid, version in manifest["papers"]}  # type: ignore[union-attr]
            old_spool = out / SPOOL_NAME
    old_index = _delta_base(out, store, manifest) if old_spool is not None and not write_nt else None
    delta_mode = old_index is not None
    activity.now("creating the staging folder", out)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    new_store: Path | None = None
    loader: object | None = None   # a store_module.StoreLoader while a full build loads its store
    try:
        with sigterm_as_interrupt():
            # ------------------------------------------------------------------ pass 1: read + extract
            activity.now("reading, extracting and spooling the papers", staging / "new.spool")
            rejects_file = open(staging / "rejects.jsonl", "w", encoding="utf-8", newline="\n")
            with rejects_file:
                if old_spool is not None and (out / "rejects.jsonl").is_file():
                    with open(out / "rejects.jsonl", encoding="utf-8") as old_rejects:
                        shutil.copyfileobj(old_rejects, rejects_file)
                counts = Counter()
                seen_sources: Counter = Counter()
                rejects: list[Reject] = []

                def papers_to_extract() -> Iterator[Paper]:
                    for record in dedupe(read_records(sources)):
                        if isinstance(record, Reject):
                            rejects_file.write(reject_line(record))
                            rejects.append(record) if len(rejects) < 1000 else None
                            counts["rejected"] += 1
                            if " superseded by " not in record.reason:
                                counts["read"] += 1
                                seen_sources[record.source] += 1
                            continue
                        counts["read"] += 1
                        seen_sources[record.source] += 1
                        before = previous.get(record.id)
                        if before is not None and (record.version or 0) <= before:
                            counts["unchanged"] += 1  # already built in this version: not extracted again
                            continue
                        yield record

                latest: dict[str, int] = {}  # id -> version of every paper extracted in this run
                extracted_ids: list[str] = []  # in the order spooled
                new_spool = staging / "new.spool"
                bar = Progress(_count_papers(sources) if show else None, "extract", enabled=show)
                vocabulary = Vocabulary.load()  # read once: an update's resolution state takes it too
                resolver = Resolver(vocabulary, config.specific_only)
                with engine_factory(config.replace(engine=engine), **_engine_args(engine, scheduler, workers)) as runner, \
                        SpoolWriter(new_spool) as spool:
                    for chunk in runner.map_chunks(chunked(papers_to_extract(), config.chunk_size)):
                        for item in chunk:
                            spool.write(item)
                            extracted_ids.append(item.paper.id)
                            if item.paper.id in latest:
                                counts["superseded"] += 1
                            latest[item.paper.id] = item.paper.version or 0
                            resolver.observe(item)
                        counts["extracted"] += len(chunk)
                        bar.update(len(chunk))
                bar.close()
            warnings += [f"{name}: no papers found (empty input?)" for name in
                         ("<stdin>" if str(s) == "-" else str(s) for s in sources) if not seen_sources[name]]
            lap("extract")

            def old_items() -> Iterator[PaperMentions]:
                """The previous build's papers that stay (an updated spool also holds replaced versions)."""
                if old_spool is None:
                    return
                emitted: set[str] = set()
                for item in read_spool(old_spool):
                    pid = item.paper.id
                    if pid not in latest and previous.get(pid) == (item.paper.version or 0) and pid not in emitted:
                        emitted.add(pid)
                        yield item

            def new_items() -> Iterator[PaperMentions]:
                """The papers extracted in this run (the last version of each)."""
                emitted: set[str] = set()
                for item in read_spool(new_spool):
                    if latest[item.paper.id] == (item.paper.version or 0) and item.paper.id not in emitted:
                        emitted.add(item.paper.id)
                        yield item

            def all_items() -> Iterator[PaperMentions]:
                """Old papers not replaced, then the new ones."""
                yield from old_items()
                yield from new_items()

            state = incremental.load_state(out / incremental.STATE_NAME, vocabulary, config.specific_only) if delta_mode else None
            if state is not None:
                outcome = _update_in_place(out, staging, config, manifest, previous, latest,  # type: ignore[arg-type]
                                           list(new_items()), old_index, state, lap)
                papers, per_type = outcome["papers"], outcome["per_type"]  # type: ignore[assignment]
                n_links, spool_records, n_triples = outcome["links"], outcome["spool_records"], 0  # type: ignore[assignment]
                new_spool.unlink(missing_ok=True)
            else:
                outcome = None
                if old_spool is not None or counts["superseded"]:
                    resolver = Resolver(vocabulary, config.specific_only)  # observe exactly the papers that are kept
                    for item in all_items():
                        resolver.observe(item)
                table = resolver.finish()
                lap("resolve")

                # ------------------------------------------------------------------ pass 2: link (+ write)
                pair_counter = rdf.PairCounter({})  # entity types come from the ids (the table's types are not ready)
                papers: list[tuple[str, int | None]] = []
                index = delta_module.Index()
                changed: dict[str, tuple[PaperMentions, tuple[Link, ...]]] = {}
                appended: list[str] = []
                n_triples = 0
                bar = Progress(None, "link" if delta_mode else "write", enabled=show)
                final_spool = staging / SPOOL_NAME
                spool_records = 0
                # an update (without a saved resolution) or a build with replaced versions writes the spool again,
                # so that the place of every paper in it is known
                compact = old_spool is not None or bool(counts["superseded"])
                spool_ids: list[str] = []
                if store is not None and not delta_mode:
                    # the store is loaded while the write pass goes on (a thread; pyoxigraph frees the GIL)
                    loader = store_module.StoreLoader(store, config.store_load_triples, lenient=True)
                with (open(staging / "graph.nt", "w", encoding="utf-8", newline="\n") if write_nt
                      else nullcontext()) as nt_file, \
                        (open(staging / "mentions.partial", "w", encoding="utf-8", newline="\n") if not delta_mode
                         else nullcontext()) as partial, \
                        (SpoolWriter(final_spool) if compact else nullcontext()) as spool_out:
                    nt = Tee.of(nt_file, loader)
                    writer = rdf.NTriplesWriter(nt) if nt is not None else None
                    if writer is not None:
                        n_triples = writer.write(rdf.ontology_header_triples(config))
                    # one process: on 2 cores, handing batches to worker processes cost more (pickling the
                    # papers and their links, and the text back) than the rendering it moved
                    for n_chunk, chunk in enumerate(chunked(all_items(), config.chunk_size), start=1):
                        if n_chunk % TRIM_EVERY == 0:
                            store_module.trim_heap()
                        batch = [(item, table.link(item)) for item in chunk]
                        digests, block, n_block, lines = render_papers(
                            batch, config, ntriples=writer is not None, mentions=partial is not None)
                        if writer is not None:
                            nt.write(block)
                            n_triples += n_block
                        if partial is not None:
                            partial.writelines(lines)
                        for (item, links), digest in zip(batch, digests):
                            pid = item.paper.id
                            index.papers[pid] = digest
                            papers.append((pid, item.paper.version))
                            if pid in latest:
                                appended.append(pid)
                            if writer is not None:
                                pair_counter.add(pid, [link.entity_id for link in links])
                            if partial is None and old_index.papers.get(pid) != digest:  # type: ignore[union-attr]
                                changed[pid] = (item, links)
                            if spool_out is not None:
                                spool_out.write(item)
                                spool_ids.append(pid)
                        bar.update(len(batch))
                    lap("link" if delta_mode else "write")
                    store_module.trim_heap()
                    entities = table.entities()
                    types = {}
                    n_papers = {}
                    for entity in entities:
                        types[entity.id] = entity.type
                        n_papers[entity.id] = n = table.n_papers(entity.id)
                        index.entities[entity.id] = (delta_module.entity_digest(entity, n), entity.label)
                        if writer is not None:
                            n_triples += writer.write_made(rdf.entity_triples(entity, n, config, writer.terms))  # type: ignore[arg-type]
                    lap("entities")
                    store_module.trim_heap()
                    if writer is not None:
                        n_triples += writer.write(rdf.cooccurrence_triples((), types, config, counter=pair_counter))
                        lap("pairs")
                    if spool_out is not None:
                        spool_records = spool_out.count
                bar.close()
                del pair_counter
                if compact:
                    positions = dict(zip(spool_ids, spool_out.positions))  # type: ignore[union-attr]
                else:
                    os.replace(new_spool, final_spool)
                    spool_records = len(papers)
                    positions = dict(zip(extracted_ids, spool.positions))
                new_spool.unlink(missing_ok=True)
                lap("spool")

                # ------------------------------------------------------------------ the other files
                labels = {e.id: e.label for e in entities}
                if delta_mode:
                    relabelled = old_index.relabelled(index)  # type: ignore[union-attr]
                    refresh = set().union(*(table.papers.get(e, ()) for e in relabelled)) - changed.keys()
                    keep = {pid for pid in previous if pid not in latest}
                    merge_mentions(out / "mentions.jsonl", staging / "mentions.jsonl", keep, changed, appended, refresh, labels)
                else:
                    with open(staging / "mentions.partial", encoding="utf-8") as partial, \
                            open(staging / "mentions.jsonl", "w", encoding="utf-8", newline="\n") as final:
                        for line in partial:
                            final.write(relabel_line(line, labels))
                    (staging / "mentions.partial").unlink()
                with open(staging / "entities.csv", "w", encoding="utf-8", newline="\n") as table_out:
                    write_entities_rows(entities, n_papers, table_out)
                index.save(staging / delta_module.INDEX_NAME)
                incremental.save_state(table, positions, staging / incremental.STATE_NAME)
                lap("files")
                per_type = Counter(e.type.value for e in entities)
                n_links = sum(n_papers.values())
                if not delta_mode:
                    # the resolution is saved: drop it before the bulk load, whose memory would add to it
                    del resolver, table, entities, types, n_papers, labels, index
                    if store is not None:
                        store_module.release_memory()
            summary: dict[str, object] = {
                "read": counts["read"],
                "papers": len(papers),
                "rejected": counts["rejected"],
                "entities": {t.value: per_type.get(t.value, 0) for t in EntityType},
                "links": n_links,
                "extracted": counts["extracted"],
                "unchanged": counts["unchanged"],
                "triples": n_triples if write_nt or not delta_mode else None,
                "engine": engine,
                "store": str(store) if store else None,
                "mode": "delta" if delta_mode else "full",
            }
            if outcome is not None:
                summary["relinked"] = outcome["relinked"]
            store_id = None
            if store is not None:
                activity.now("writing the store", store)
                store_id = uuid.uuid4().hex
                if outcome is not None:
                    new_store, counts_delta = store_module.update_store(store, outcome["store_delta"])  # type: ignore[arg-type]
                    summary["delta"] = counts_delta
                elif delta_mode:
                    changed_entities = old_index.changed_entities(index)  # type: ignore[union-attr]
                    by_id = {e.id: e for e in entities}
                    new_store, counts_delta = store_module.update_store(
                        store, lambda old: delta_module.compute_delta(
                            old, changed, old_index.removed_papers(index),  # type: ignore[union-attr]
                            {eid: (by_id[eid], n_papers[eid]) for eid in changed_entities},
                            old_index.removed_entities(index), types, config, table.papers, previous))  # type: ignore[union-attr]
                    summary["delta"] = counts_delta
                else:
                    new_store, loader = loader.close(), None  # type: ignore[union-attr]
                store_module.write_store_id(new_store, store_id)
                lap("store")
            if not write_nt:
                (staging / "graph.nt").unlink(missing_ok=True)
            summary["seconds"] = round(time.perf_counter() - started, 2)
            summary["timings"] = timings
            summary["memory_mb"] = memory
            activity.now("writing build.json", staging / MANIFEST)
            (staging / MANIFEST).write_text(json.dumps({
                "format": 1, "fingerprint": _fingerprint(config), "summary": summary, "store_id": store_id,
                "spool_records": spool_records, "papers": [[pid, version] for pid, version in papers],
            }, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n")
            # ------------------------------------------------------------------ swap in
            activity.now("moving the outputs into place", out)
            if store is not None:  # a program may have opened it for writing while this build ran
                store_module.check_not_held(store, "swapping the new store in", out)
            written = [name for name in STREAM_FILES if (staging / name).exists()]
            # a file this build does not write (graph.nt, kept only on request) is removed: no stale copy stays
            commit_module.commit(staging, out, written, [name for name in STREAM_FILES if name not in written],
                                 None if new_store is None else
                                 commit_module.StoreSwap(new_store, Path(store), store_id))  # type: ignore[arg-type]
            new_store = None
            summary["seconds"] = round(time.perf_counter() - started, 2)
            summary["warnings"] = warnings
            summary["rejects"] = rejects
            return summary
    finally:
        if loader is not None:
            loader.abort()  # type: ignore[attr-defined]
        if new_store is not None:
            shutil.rmtree(new_store, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def _engine_args(engine: str, scheduler: str | None, workers: int | None) -> dict[str, object]:
    args: dict[str, object] = {"workers": workers}
    if engine == "dask":
        args["scheduler"] = scheduler
    return args
