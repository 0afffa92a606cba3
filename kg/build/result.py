"""What a build hands back: ``Build``, its records in memory (when asked for) and its summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.build.commit import Swept
from kg.config import Config
from kg.records import Entity, EntityType, Link, Paper, PaperMentions, Reject


@dataclass
class Build:
    """One run of the build: papers, entities, links and mentions (kept when the build was asked for its
    records: ``kg.build``'s ``records``, ``run``), rejects, and the figures of ``summary()``."""

    papers: list[Paper]
    entities: list[Entity]
    links: list[Link]
    rejects: list[Reject]
    mentions: list[PaperMentions]
    read: int
    seconds: float = 0.0
    config: Config = field(default_factory=Config)
    warnings: list[str] = field(default_factory=list)
    swept: Swept = field(default_factory=Swept)
    stats: dict[str, object] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        """Counts of the build (read, papers, rejected, entities per type, links, seconds) and what the
        streaming stages measured (extracted, unchanged, triples, timings, ...)."""
        if self.stats:
            return dict(self.stats)
        per_type = Counter(e.type.value for e in self.entities)
        return {
            "read": self.read,
            "papers": len(self.papers),
            "rejected": len(self.rejects),
            "entities": {t.value: per_type.get(t.value, 0) for t in EntityType},
            "links": len(self.links),
            "seconds": round(self.seconds, 2),
        }
