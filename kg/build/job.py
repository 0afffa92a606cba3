"""What a build is asked for (``Outputs``, ``Job``) and what it keeps while it runs: the staging folder,
counts, warnings, and the seconds and memory of each stage."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.build import faults
from kg.build.files import resident_mb
from kg.config import Config, bundled_sample
from kg.errors import ConfigError
from kg.records import Reject

#: graph files a build can write, by ``--format`` name
GRAPH_FILES = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld"}
#: every file a build may leave in its output folder; those a build does not write are removed
ALL_FILES = (
    "graph.ttl",
    "graph.nt",
    "graph.jsonld",
    "graph.html",
    "report.html",
    "report.md",
    "mentions.jsonl",
    "entities.csv",
    "rejects.jsonl",
    "build.json",
    "mentions.spool",
    "build.index",
    "build.state",
)
#: what a build does after each stage of its summary's ``timings`` (for ``kg.build.faults.Activity``)
NEXT_STEP = {
    "extract": "resolving the entities",
    "resolve": "writing the papers' triples and mentions",
    "write": "writing the entities",
    "link": "writing the entities",
    "entities": "writing the co-occurrence pairs",
    "pairs": "writing the spool",
    "spool": "writing mentions.jsonl, entities.csv, build.index and build.state",
}


@dataclass(frozen=True)
class Outputs:
    """The sinks of a build. ``formats``: graph files (``GRAPH_FILES``); ``html``: ``graph.html``;
    ``store``: a pyoxigraph store folder; ``state``: ``build.json``, ``mentions.spool``, ``build.index`` and
    ``build.state`` (what ``--update`` needs); ``records``: the ``Build``'s records in memory; ``files``:
    ``mentions.jsonl``, ``entities.csv`` and ``rejects.jsonl`` (all files need an output folder).

    >>> Outputs(formats=("xml",))
    Traceback (most recent call last):
    kg.errors.ConfigError: unknown graph format 'xml'; valid: jsonld, nt, ttl
    """

    formats: tuple[str, ...] = ("ttl",)
    html: bool = True
    store: Path | None = None
    state: bool = False
    records: bool = False
    files: bool = True

    def __post_init__(self) -> None:
        from kg.errors import unknown_name

        for name in self.formats:
            if name not in GRAPH_FILES:
                raise unknown_name("graph format", name, sorted(GRAPH_FILES))

    @property
    def rdflib(self) -> bool:
        """Whether the graph is made of rdflib terms (Turtle and JSON-LD are written from an rdflib graph)."""
        return "ttl" in self.formats or "jsonld" in self.formats

    @property
    def text(self) -> bool:
        """Whether the graph is written as N-Triples text (``graph.nt``, the store's bulk load)."""
        return "nt" in self.formats or self.store is not None


@dataclass
class Job:
    """One build while it runs: what it was asked for and what it has done so far."""

    sources: list[Any]
    out: Path | None
    config: Config
    outputs: Outputs
    activity: faults.Activity
    update: bool = False
    engine: str = "local"
    engine_args: dict[str, object] = field(default_factory=dict)
    show: bool = False
    extractor: Any = None
    staging: Path = Path(".")
    started: float = field(default_factory=time.perf_counter)
    timings: dict[str, float] = field(default_factory=dict)
    memory: dict[str, int] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    seen: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    previous: dict[str, int] = field(default_factory=dict)  # id -> version of the previous build's papers
    manifest: dict[str, Any] | None = None  # JSON, as read
    old_spool: Path | None = None
    old_index: Any = None  # the previous build's kg.build.index.Index when its store takes a delta
    _clock: float = 0.0

    @property
    def delta_mode(self) -> bool:
        """An update written as a delta onto the previous build's store (no whole graph is written)."""
        return self.old_index is not None

    def lap(self, name: str) -> None:
        """Seconds since the last lap, under ``name`` in the summary's ``timings``, and the resident
        memory at its end (MiB, where the system says) under ``name`` in ``memory``."""
        now = time.perf_counter()
        self.timings[name] = round(now - (self._clock or self.started), 2)
        self._clock = now
        rss = resident_mb()
        if rss is not None:
            self.memory[name] = rss
        if name in NEXT_STEP:
            self.activity.now(NEXT_STEP[name], self.staging)

    def keep_reject(self, reject: Reject) -> None:
        """Count a reject; keep it for the summary (all of them when records are kept, else the first 1000)."""
        self.counts["rejected"] += 1
        if self.outputs.records or len(self.rejects) < 1000:
            self.rejects.append(reject)

    def check_fingerprint(self, fingerprint: dict[str, object]) -> None:
        if self.manifest is not None and self.manifest.get("fingerprint") != fingerprint:
            raise ConfigError(
                f"{self.out}: the previous build used other settings {self.manifest.get('fingerprint')}; "
                "rebuild without --update"
            )


def sources_of(inputs: Any) -> list[Any]:
    """The inputs of a build; the bundled listing when none are given."""
    return list(inputs) if inputs else [bundled_sample()]
