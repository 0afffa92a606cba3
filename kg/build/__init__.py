"""The build: inputs in, a graph and its files out, one way for a listing of fifty papers and a corpus of
millions.

Flows in: listings, Atom feeds or JSON Lines files (``kg.ingest``), a ``Config`` and the outputs asked for
(``Outputs``). Flows out: into a staging folder, moved into the output folder all or none, the sinks asked
for (``graph.ttl``, ``graph.nt``, ``graph.jsonld``, ``graph.html``, a pyoxigraph store, ``mentions.jsonl``,
``entities.csv``, ``rejects.jsonl``, and ``build.json``, ``mentions.spool``, ``build.index`` and
``build.state`` for the next ``--update``); and a ``Build`` (records when asked for, and a summary).

    pipeline     the stages in order: prepare -> extract -> resolve -> write -> files -> store -> commit
    job          what a build is asked for (Outputs) and keeps while it runs (Job)
    extract      pass 1: read, extract (parallel: one process, workers or Dask), spool, observe
    write        resolve, then pass 2: link each paper into the sinks; files that need every label
    sinks        graph text and rdflib graph, mentions lines, records, digests, compacted spool
    files        mentions.jsonl, entities.csv, rejects.jsonl lines; atomic writes
    manifest     build.json
    update       an update onto a previous build (merges, incremental resolution)
    index        per-paper and per-entity digests (build.index); delta: a store's delta from them
    incremental  the saved resolution (build.state) and its update
    spool        the extracted mentions on disk; parallel: the extraction engines and progress bar
    commit       all-or-nothing moves and recovery; lock: one build per folder; faults: OSError messages
    signals      SIGTERM as KeyboardInterrupt; result: Build

``kg.build`` (the function of the top-level package) shadows this package as an attribute of ``kg``: import
its modules with ``from kg.build import pipeline`` or ``from kg.build.pipeline import build``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Build", "Outputs", "build", "outputs_for", "run"]
_HOME = {"Build": "result", "Outputs": "job", "build": "pipeline", "outputs_for": "pipeline", "run": "pipeline"}


def __getattr__(name: str) -> Any:
    """The package's API, imported when first used (``import kg`` stays light: it imports this package)."""
    if name not in _HOME:
        raise AttributeError(f"module 'kg.build' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"kg.build.{_HOME[name]}"), name)
