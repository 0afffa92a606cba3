"""Extraction rules as data: cue patterns (``ontologies/patterns.jsonl``) and word lists
(``ontologies/rules.json``), loaded once into a frozen object.

>>> rules = Rules.load()
>>> "detection" in rules.task_heads and rules.is_generic("our method")
True
>>> [is_name_like(w) for w in ["SAANet", "KITTI", "nuScenes", "ResNet-50", "method", "The", "3D"]]
[True, True, True, True, False, False, False]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kg.config import ontology_dir
from kg.errors import ConfigError

_NAME_LIKE = re.compile(r"^(?=.*[A-Za-z])(?:[A-Z]{2,}|.+[A-Z].*|[A-Za-z]+[\-_]?\d+[A-Za-z\d\-]*|\w*\d\w*[A-Z]\w*)$")


def is_name_like(word: str) -> bool:
    """A word that looks like a name rather than an English word: inner capitals (SAANet, nuScenes),
    all capitals (KITTI), letters with digits (ResNet-50, COCO2017)."""
    if len(word) < 2 or not word[0].isalnum():
        return False
    if word[1:].islower() or word.isdigit():
        return False
    if re.fullmatch(r"\d+[dD]", word):  # 2D, 3D: dimensions, not names
        return False
    return bool(_NAME_LIKE.match(word))


def literal_phrases(cue: tuple[dict, ...] | list[dict]) -> list[tuple[str, ...]] | None:
    """Every lower-case word sequence a cue pattern matches, when it only uses ``LOWER`` (a word or
    ``{"IN": [...]}``) and ``"OP": "?"``; None for any other pattern (it needs spaCy's ``Matcher``).

    >>> literal_phrases([{"LOWER": "we"}, {"LOWER": {"IN": ["propose", "present"]}}, {"LOWER": "a", "OP": "?"}])
    [('we', 'present'), ('we', 'present', 'a'), ('we', 'propose'), ('we', 'propose', 'a')]
    >>> literal_phrases([{"POS": "NOUN"}]) is None
    True
    """
    phrases: list[tuple[str, ...]] = [()]
    for token in cue:
        if set(token) - {"LOWER", "OP"} or token.get("OP", "?") != "?":
            return None
        value = token["LOWER"]
        if isinstance(value, str):
            words = [value]
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words = list(value["IN"])
        else:
            return None
        extended = [phrase + (word,) for phrase in phrases for word in words]
        phrases = phrases + extended if "OP" in token else extended
    return sorted(phrase for phrase in phrases if phrase)


@dataclass(frozen=True)
class CueRule:
    """A spaCy Matcher pattern for a cue and what to take around it."""

    id: str
    kind: str  # before_cue, after_cue, phrase_after_cue
    label: str  # DATASET, METHOD, TASK
    cue: tuple[dict, ...]
    confidence: float
    role: str = ""


@dataclass(frozen=True)
class Rules:
    cues: tuple[CueRule, ...]
    task_heads: frozenset[str]
    method_heads: frozenset[str]
    dataset_heads: frozenset[str]
    propose_cues: frozenset[str]
    introduce_dataset_cues: frozenset[str]
    generic_mentions: frozenset[str]
    stop_name_words: frozenset[str]
    task_modifier_stops: frozenset[str] = frozenset()  # words never taken into a task's name from the left
    task_modifier_hyphen_stops: frozenset[str] = frozenset()  # "-based", "-level": a compound that is no modifier
    break_words: frozenset[str] = frozenset()  # words that end a phrase after a cue ("... for X with Y")
    metric_heads: frozenset[str] = frozenset()  # last words of a metric's long form ("Inception score")
    trailing_generic: frozenset[str] = frozenset()  # generic last words of a method's name ("... architecture")

    @classmethod
    def load(cls, folder: Path | None = None) -> Rules:
        folder = folder or ontology_dir()
        cues = []
        path = folder / "patterns.jsonl"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                cues.append(
                    CueRule(
                        row["id"],
                        row["kind"],
                        row["label"],
                        tuple(row["cue"]),
                        float(row.get("confidence", 0.7)),
                        row.get("role", ""),
                    )
                )
            except (ValueError, KeyError, TypeError) as err:
                raise ConfigError(f"{path}:{number}: bad pattern row: {err}") from err
        try:
            words = json.loads((folder / "rules.json").read_text(encoding="utf-8"))
            lists = {
                name: frozenset(words[name])
                for name in (
                    "task_heads",
                    "method_heads",
                    "dataset_heads",
                    "propose_cues",
                    "introduce_dataset_cues",
                    "generic_mentions",
                    "stop_name_words",
                    "task_modifier_stops",
                    "task_modifier_hyphen_stops",
                    "break_words",
                    "metric_heads",
                    "trailing_generic",
                )
            }
        except (OSError, ValueError, KeyError) as err:
            raise ConfigError(f"{folder / 'rules.json'}: cannot read rule word lists: {err}") from err
        return cls(cues=tuple(cues), **lists)

    def is_generic(self, text: str) -> bool:
        """A mention that names nothing in particular ("our method", "this task")."""
        return text.lower().strip() in self.generic_mentions

    def head_type(self, phrase: str) -> str:
        """DATASET/METHOD/TASK from the last word of a phrase, or "" when it says nothing."""
        words = phrase.lower().replace("-", " ").split()
        if not words:
            return ""
        last = phrase.lower().split()[-1]
        for head in (last, words[-1]):
            if head in self.dataset_heads:
                return "DATASET"
            if head in self.task_heads:
                return "TASK"
            if head in self.method_heads:
                return "METHOD"
        return ""
