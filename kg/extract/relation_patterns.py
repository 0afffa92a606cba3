"""The cue patterns of ``kg_relations``: data with ids (``relation_patterns.jsonl``), each the words that
must lie between a head and a tail of given types for a label to hold (SciER's labels and directions).

>>> words = "we evaluate YOLO on COCO".split()
>>> [(h.label, h.pattern) for h in match_patterns(words, (2, 3, "method"), (4, 5, "dataset"))]
[('evaluated-with', 'evaluated-with/on')]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

LABELS: tuple[str, ...] = (
    "used-for",
    "evaluated-with",
    "benchmark-for",
    "trained-with",
    "compare-with",
    "part-of",
    "subclass-of",
    "subtask-of",
    "synonym-of",
)

#: (head type, tail type) -> the labels such a pair may take
SIGNATURES: dict[tuple[str, str], tuple[str, ...]] = {
    ("method", "task"): ("used-for",),
    ("method", "dataset"): ("evaluated-with", "trained-with"),
    ("dataset", "task"): ("benchmark-for",),
    ("method", "method"): ("compare-with", "part-of", "subclass-of", "synonym-of"),
    ("task", "task"): ("subtask-of", "synonym-of"),
    ("dataset", "dataset"): ("subclass-of", "synonym-of"),
}

Arg = tuple[int, int, str]  # token start, token end (exclusive) within the sentence, type


@dataclass(frozen=True)
class Pattern:
    """One cue pattern: the words between head and tail (lower case, one space apart) must match
    ``between`` in full, with head and tail of the given types and in the given order."""

    id: str
    label: str
    head: str
    tail: str
    order: str  # "head-first" or "tail-first"
    between: re.Pattern
    confidence: float
    shorter_head: bool = False  # the head is the shorter name (an abbreviation)
    same_type: bool = False
    no_task: bool = False
    title_only: bool = False  # only in a title ("PointPillars: fast encoders for object detection")
    before: re.Pattern | None = None  # must match the end of the (up to two) words before the first argument

    def matches(self, words: list[str], head: Arg, tail: Arg) -> bool:
        if (self.head != "*" and head[2] != self.head) or (self.tail != "*" and tail[2] != self.tail):
            return False
        if self.same_type and head[2] != tail[2] or self.no_task and head[2] == "task":
            return False
        if self.shorter_head and _length(words, head) >= _length(words, tail):
            return False
        first, second = (head, tail) if self.order == "head-first" else (tail, head)
        if first[1] > second[0]:
            return False
        if self.before is not None and not self.before.search(" ".join(words[max(0, first[0] - 2) : first[0]]).lower()):
            return False
        return self.between.fullmatch(" ".join(words[first[1] : second[0]]).lower()) is not None


class Hit(NamedTuple):
    label: str
    pattern: str
    confidence: float


def _length(words: list[str], arg: Arg) -> int:
    return sum(len(w) for w in words[arg[0] : arg[1]])


def _data_path(name: str) -> Path:
    return Path(str(resources.files("kg.extract"))) / name


@lru_cache(maxsize=4)
def load_patterns(path: str = "") -> tuple[Pattern, ...]:
    """The cue patterns, in file order (the shipped ``relation_patterns.jsonl`` by default).

    >>> patterns = load_patterns()
    >>> sorted({p.label for p in patterns}) == sorted(LABELS)
    True
    """
    out = []
    for line in Path(path or _data_path("relation_patterns.jsonl")).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(
                Pattern(
                    d["id"],
                    d["label"],
                    d["head"],
                    d["tail"],
                    d["order"],
                    re.compile(d["between"]),
                    float(d["confidence"]),
                    d.get("shorter_head", False),
                    d.get("same_type", False),
                    d.get("no_task", False),
                    d.get("title_only", False),
                    re.compile(d["before"]) if "before" in d else None,
                )
            )
    return tuple(out)


def match_patterns(
    words: list[str], head: Arg, tail: Arg, patterns: Iterable[Pattern] = (), title: bool = False
) -> list[Hit]:
    """The patterns that state a relation from ``head`` to ``tail`` (token spans of ``words``; ``title``:
    the words are a title, where the title-only patterns apply too)."""
    labels = SIGNATURES.get((head[2], tail[2]), ())
    return [
        Hit(p.label, p.id, p.confidence)
        for p in (patterns or load_patterns())
        if p.label in labels and (title or not p.title_only) and p.matches(words, head, tail)
    ]
