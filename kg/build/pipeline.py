"""The one way through a build, as a short list of stages:

    prepare -> extract (pass 1: read, extract, spool, observe) -> resolve -> write (pass 2: link, sinks)
    -> files -> store -> manifest -> commit (all or nothing)

Every build takes it, a listing of fifty papers as a corpus of millions: the sinks asked for decide what is
written (``kg.build.job.Outputs``), and the in-memory ``Build`` of the Python API is one of them.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from kg.build import commit as commit_module
from kg.build import faults, incremental
from kg.build import lock as lock_module
from kg.build import manifest as manifest_module
from kg.build.extract import extract, new_items
from kg.build.job import ALL_FILES, GRAPH_FILES, Job, Outputs, sources_of
from kg.build.result import Build
from kg.build.signals import sigterm_as_interrupt
from kg.build.spool import SPOOL_NAME
from kg.build.write import Written, resolve, write, write_files, write_graph_files
from kg.config import Config


def outputs_for(
    out_dir: str | Path | None,
    *,
    html: bool | None = None,
    store: str | Path | None = None,
    update: bool = False,
    ntriples: bool | None = None,
    formats: Sequence[str] | None = None,
    state: bool | None = None,
    records: bool = False,
) -> Outputs:
    """The sinks of a build from the options of ``kg build``: by default ``graph.ttl`` and ``graph.html``
    (no graph file with a ``store``), ``graph.nt`` with ``ntriples``; the state ``--update`` needs with a
    store, an update or N-Triples. Without ``out_dir``, the records only.

    >>> outputs_for("out").formats, outputs_for("out", store="s").formats, outputs_for("out", ntriples=True).state
    (('ttl',), (), True)
    """
    if out_dir is None:
        return Outputs(formats=(), html=False, state=False, records=True, files=False)
    if formats is None:
        formats = ("nt",) if ntriples else () if store is not None else ("ttl",)
    formats = tuple(formats)
    html = ("ttl" in formats) if html is None else (html and "ttl" in formats)
    if state is None:
        state = bool(store is not None or update or "nt" in formats)
    return Outputs(formats, html, Path(store) if store is not None else None, state, records)


def build(
    inputs: Sequence[str | Path] | None = None,
    out_dir: str | Path | None = "outputs",
    config: Config = Config(),
    html: bool | None = None,
    *,
    store: str | Path | None = None,
    update: bool = False,
    engine: str | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    workers: int | None = None,
    ntriples: bool | None = None,
    formats: Sequence[str] | None = None,
    state: bool | None = None,
    records: bool = False,
    wait: float = 0.0,
    notify: Callable[[str], None] | None = None,
    extractor: Any = None,
) -> Build:
    """Read, extract, resolve and write what was asked for (``outputs_for``); the ``Build``.

    Pass 1 extracts in chunks on ``engine`` (``"local"``: ``workers`` processes, or ``extractor`` in this
    process; ``"dask"``: a cluster at ``scheduler``), spooling each paper's mentions to disk; pass 2 streams
    the spool and links each paper into the sinks, so memory does not grow with the papers unless records,
    Turtle, JSON-LD or HTML are asked for. Without ``out_dir`` nothing is written and the records are kept.

    With ``update``, the previous build's papers (``mentions.spool``) are kept, new papers and new versions
    extracted, and entities resolved over old and new papers together, as a full build would; onto the store
    that build wrote (and no graph file asked for), only what changed is written (``kg.build.delta``).

    The build holds the locks of ``out_dir`` and ``store`` (``kg.build.lock``: ``BusyError`` at once, or after
    waiting up to ``wait`` seconds), first sweeps what builds that died there left (``kg.build.commit``;
    ``notify`` is told), stages everything and moves it in at the end, all or none. A full disk, a folder it
    may not write or a store another program holds raise ``OutputError``, the previous outputs unchanged.

    >>> build(out_dir=tempfile.mkdtemp(), config=Config(use_model=False), html=False).swept.paths
    ()
    """
    outputs = outputs_for(
        out_dir, html=html, store=store, update=update, ntriples=ntriples, formats=formats, state=state, records=records
    )
    job = _job(inputs, out_dir, config, outputs, update, engine, scheduler, workers, progress, extractor)
    if job.out is None:
        with tempfile.TemporaryDirectory(prefix="kg-build-") as staging:
            job.staging = Path(staging)
            return _stream(job)
    with faults.converted(job.activity), lock_module.build_lock(job.out, store, wait=wait, notify=notify):
        swept = _sweep(job, notify)
        result = _staged(job)
        result.swept = swept
        result.stats["swept"] = {"finished": list(swept.finished), "paths": list(swept.paths), "bytes": swept.freed}
        return result


def _job(
    inputs: Sequence[str | Path] | None,
    out_dir: str | Path | None,
    config: Config,
    outputs: Outputs,
    update: bool,
    engine: str | None,
    scheduler: str | None,
    workers: int | None,
    progress: bool | None,
    extractor: Any,
) -> Job:
    """What ``build`` was asked for, as a ``Job``; an unknown engine fails here, before anything is locked or
    written."""
    from kg.build.parallel import get_engine

    engine = engine or config.engine
    engine_args: dict[str, object] = {"workers": workers}
    if engine == "dask":
        engine_args["scheduler"] = scheduler
    get_engine(engine)  # an unknown name fails before anything is locked or written
    return Job(
        sources_of(inputs),
        Path(out_dir) if out_dir is not None else None,
        config,
        outputs,
        faults.Activity(out_dir or "", "taking the lock on the output folder", out_dir or ""),
        update,
        engine,
        engine_args,
        config.progress if progress is None else progress,
        extractor,
    )


def run(inputs: Sequence[str | Path] | None = None, config: Config = Config(), extractor: Any = None) -> Build:
    """Read, extract and resolve: a ``Build`` with its records, nothing written.

    >>> len(run(config=Config(use_model=False)).papers)
    58
    """
    return build(inputs, None, config, extractor=extractor)


def _sweep(job: Job, notify: Callable[[str], None] | None) -> commit_module.Swept:
    """Finish or sweep what builds that died in the output folder left."""
    from kg import store as store_module

    store = job.outputs.store
    job.activity.now("sweeping what interrupted builds left", job.out)  # type: ignore[arg-type]
    swept = commit_module.recover(job.out, store)  # type: ignore[arg-type]
    if str(swept) and notify is not None:
        notify(str(swept))
    if store is not None:
        store_module.check_not_held(store, "opening the store", job.out)  # type: ignore[arg-type]
    return swept


def _staged(job: Job) -> Build:
    """The build in a staging folder inside the output folder, removed whatever happens."""
    out = job.out
    out.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
    _prepare(job)
    job.activity.now("creating the staging folder", out)  # type: ignore[arg-type]
    job.staging = Path(tempfile.mkdtemp(prefix=commit_module.STAGING_PREFIX, dir=out))
    try:
        return _stream(job)
    finally:
        shutil.rmtree(job.staging, ignore_errors=True)


def _prepare(job: Job) -> None:
    """An update: the previous build's manifest, papers and spool, and its index when its store takes a delta."""
    from kg.build.update import delta_base

    if not job.update:
        return
    job.activity.now("reading the previous build", job.out / manifest_module.MANIFEST)  # type: ignore[operator]
    manifest = manifest_module.read_manifest(job.out)  # type: ignore[arg-type]
    if manifest is None or not (job.out / SPOOL_NAME).is_file():  # type: ignore[operator]
        job.warnings.append(
            f"{job.out}: no previous build with its state (build.json, mentions.spool) to update; building from scratch"
        )
        return
    job.manifest = manifest
    job.check_fingerprint(manifest_module.fingerprint(job.config))
    job.previous = {pid: version or 0 for pid, version in manifest["papers"]}
    job.old_spool = job.out / SPOOL_NAME  # type: ignore[operator]
    whole = job.outputs.formats or job.outputs.html or job.outputs.records
    job.old_index = None if whole else delta_base(job.out, job.outputs.store, manifest)  # type: ignore[arg-type]


def _stream(job: Job) -> Build:
    """The stages, in order."""
    pending: dict[str, Any] = {}  # a store loader or a new store folder, until the commit takes it
    with sigterm_as_interrupt(), ExitStack() as stack:
        stack.callback(_clean_up, pending)
        done = extract(job)
        state = (
            incremental.load_state(job.out / incremental.STATE_NAME, done.vocabulary, job.config.specific_only)
            if job.delta_mode and job.out is not None
            else None
        )
        if state is not None:
            return _in_place(job, done, state, pending)
        table = resolve(job, done)
        pending["loader"] = _loader(job)
        written = write(job, done, table, pending["loader"])
        write_files(job, table, written)
        write_graph_files(job, written)
        summary = _summary(job, written)
        if job.outputs.store is not None:
            if not job.delta_mode:  # the resolution is saved: dropped before the bulk load adds its memory
                written.release()
                table = None
            _store(job, pending, written, table, summary)
        del table
        _finish(job, summary, written.spool_records, written.papers, pending)
        return _result(job, summary, written)


def _clean_up(pending: dict[str, Any]) -> None:
    """Stop a store loader and remove a new store folder the commit did not take."""
    if pending.get("loader") is not None:
        pending.pop("loader").abort()
    if pending.get("store") is not None:
        shutil.rmtree(pending.pop("store"), ignore_errors=True)


def _in_place(job: Job, done: Any, state: tuple, pending: dict[str, Any]) -> Build:
    """An update whose previous build saved its resolution: only what the new papers touch is redone."""
    from kg import store as store_module
    from kg.build.update import update_in_place

    outcome = update_in_place(job, done.latest, list(new_items(done)), state)
    done.spool.unlink(missing_ok=True)
    summary = _summary(job, None, outcome)
    summary["relinked"] = outcome["relinked"]
    if job.outputs.store is not None:
        job.activity.now("writing the store", job.outputs.store)
        pending["store"], summary["delta"] = store_module.update_store(job.outputs.store, outcome["store_delta"])
        job.lap("store")
    _finish(job, summary, outcome["spool_records"], outcome["papers"], pending)
    return _result(job, summary, None)


def _loader(job: Job) -> Any:
    """The store's bulk loader, loading while the write pass goes on (a thread; pyoxigraph frees the GIL)."""
    from kg import store as store_module

    if job.outputs.store is None or job.delta_mode:
        return None
    return store_module.StoreLoader(job.outputs.store, job.config.store_load_triples, lenient=True)


def _store(job: Job, pending: dict[str, Any], written: Written, table: Any, summary: dict[str, object]) -> None:
    """The new store folder: the bulk load, or the previous store with the delta of what changed."""
    from kg import store as store_module
    from kg.build import delta as delta_module

    store_dir = job.outputs.store
    assert store_dir is not None, "called only for a build into a store"
    job.activity.now("writing the store", store_dir)
    if not job.delta_mode:
        store_module.release_memory()
        loader, pending["loader"] = pending["loader"], None
        pending["store"] = loader.close()
    else:
        old, new = job.old_index, written.index.index
        by_id = {e.id: e for e in written.entities}
        rows = {eid: (by_id[eid], written.n_papers[eid]) for eid in old.changed_entities(new)}
        pending["store"], summary["delta"] = store_module.update_store(
            store_dir,
            lambda store: delta_module.compute_delta(
                store,
                written.index.changed,
                old.removed_papers(new),
                rows,
                old.removed_entities(new),
                written.types,
                job.config,
                table.papers,
                job.previous,
            ),
        )
    job.lap("store")


def _summary(job: Job, written: Written | None, outcome: dict[str, Any] | None = None) -> dict[str, object]:
    """The build's figures (``build.json``'s ``summary``, ``kg build``'s report)."""
    from collections import Counter

    from kg.records import EntityType

    if written is not None:
        per_type = Counter(e.type.value for e in written.entities)
        papers, links = len(written.papers), sum(written.n_papers.values())
    else:
        per_type, papers, links = outcome["per_type"], len(outcome["papers"]), outcome["links"]  # type: ignore[index]
    return {
        "read": job.counts["read"],
        "papers": papers,
        "rejected": job.counts["rejected"],
        "entities": {t.value: per_type.get(t.value, 0) for t in EntityType},
        "links": links,
        "extracted": job.counts["extracted"],
        "unchanged": job.counts["unchanged"],
        "triples": written.triples
        if written is not None and (job.outputs.formats or job.outputs.store) and not job.delta_mode
        else None,
        "engine": job.engine,
        "store": str(job.outputs.store) if job.outputs.store else None,
        "mode": "delta" if job.delta_mode else "full",
    }


def _finish(job: Job, summary: dict[str, object], spool_records: int, papers: list, pending: dict[str, Any]) -> None:
    """``build.json`` written and everything moved into the output folder at once."""
    import time

    store = pending.get("store")
    summary["timings"], summary["memory_mb"] = job.timings, job.memory
    summary["seconds"] = round(time.perf_counter() - job.started, 2)
    if job.out is None:
        return
    store_id = uuid.uuid4().hex if store is not None else None
    if store is not None:
        from kg import store as store_module

        store_module.write_store_id(store, store_id)  # type: ignore[arg-type]
    if job.outputs.state:
        job.activity.now("writing build.json", job.staging / manifest_module.MANIFEST)
        manifest_module.write_manifest(job.staging, job.config, summary, store_id, spool_records, papers)
    _commit(job, job.out, store, store_id)
    pending["store"] = None
    summary["seconds"] = round(time.perf_counter() - job.started, 2)


def _commit(job: Job, out: Path, store: Path | None, store_id: str | None) -> None:
    from kg import store as store_module

    job.activity.now("moving the outputs into place", out)
    swap = None
    if store is not None:  # a program may have opened it for writing while this build ran
        assert job.outputs.store is not None and store_id is not None, "a new store comes with its target and id"
        store_module.check_not_held(job.outputs.store, "swapping the new store in", out)
        swap = commit_module.StoreSwap(store, job.outputs.store, store_id)
    written = [name for name in ALL_FILES if (job.staging / name).exists()]
    # a file this build does not write (graph.nt, kept only on request) is removed: no stale copy stays
    commit_module.commit(job.staging, out, written, [name for name in ALL_FILES if name not in written], swap)


def _result(job: Job, summary: dict[str, object], written: Written | None) -> Build:
    """The ``Build`` handed back: the records when they were kept, the summary always."""
    records = written.records if written is not None else None
    entities = written.entities if written is not None and records is not None else []
    build = Build(
        records.papers_ if records else [],
        entities,
        records.links if records else [],
        job.rejects,
        records.mentions if records else [],
        job.counts["read"],
        float(summary["seconds"]),  # type: ignore[arg-type]
        job.config,
        job.warnings,
        stats=summary,
    )
    return build


__all__ = ["GRAPH_FILES", "Outputs", "build", "outputs_for", "run"]
