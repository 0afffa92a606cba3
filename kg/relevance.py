"""Does a paper's link to an entity belong in the graph?

A researcher expects a paper's entities to be what the paper proposes, introduces, uses or addresses,
each a specific thing. Two kinds of mention fail that: generic phrases ("large language models",
"inference"), and specific things named only in passing ("... has been applied to image classification,
object detection and segmentation"). The decision is a small logistic model per (paper, entity) link over
how specific the names are (:mod:`kg.specificity`'s log-odds), where and how often the paper names the
entity (title, first or last sentence, a list of examples, "existing"/"previous" work, "we"/"our"), what
found it (vocabulary, NER, a cue pattern, an abbreviation) and its role. Weights are data
(``kg/data/relevance.json``), trained by ``scripts/train_relevance.py`` on papers annotated by hand
(``benchmarks/paper_level/train.jsonl``; the development set scores it, never trains it).

>>> from kg.records import EntityType, Mention, Role
>>> m = Mention(EntityType.TASK, "abstract", 28, 48, "image classification",
...             sentence="It has been applied to image classification, detection and more.", sentence_start=5)
>>> sorted(f for f, _ in link_features([m], 1.0))[:3]
['task|bias', 'task|cue=enumeration', 'task|cue=motivation']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from kg.records import Mention
from kg.specificity import read_weights

T = TypeVar("T")

_CUES = {
    "list": re.compile(r"\b(such as|e\.g\.|including|like|i\.e\.|for example|for instance|ranging from)\b", re.I),
    "prior": re.compile(
        r"\b(existing|previous|prior|traditional|conventional|recent|current|state-of-the-art|"
        r"popular|widely used|standard)\b",
        re.I,
    ),
    "ours": re.compile(r"\b(we|our|this paper|this work|this study|here)\b", re.I),
    "evaluate": re.compile(
        r"\b(experiments?|evaluat\w*|benchmarks?|outperform\w*|results|achiev\w*|surpass\w*)\b", re.I
    ),
    "motivation": re.compile(
        r"\b(has|have) (been|become|shown)|\b(are|is) (widely|increasingly|commonly)|"
        r"\bremains?\b|\bchalleng\w*|\bcrucial\b|\bessential\b|\bimportant\b",
        re.I,
    ),
}


def _sentence_cues(m: Mention) -> Iterator[str]:
    at = max(0, m.start - m.sentence_start)
    before = m.sentence[:at]
    after = m.sentence[max(0, m.end - m.sentence_start) :]
    if any(at - 60 <= end <= at for end in _list_cue_ends(m.sentence)):
        yield "list"
    if after.startswith((",", " and ", " or ", "/")) or before.endswith((", ", " and ", " or ", "/")):
        yield "enumeration"
    yield from _sentence_cues_of(m.sentence)


@lru_cache(maxsize=4096)
def _list_cue_ends(sentence: str) -> tuple[int, ...]:
    """Where each "such as", "e.g." ... of a sentence ends."""
    return tuple(match.end() for match in _CUES["list"].finditer(sentence))


@lru_cache(maxsize=4096)
def _sentence_cues_of(sentence: str) -> tuple[str, ...]:
    """The cues of a whole sentence, worked out once for all the mentions in it."""
    return tuple(name for name in ("prior", "ours", "evaluate", "motivation") if _CUES[name].search(sentence))


_TOKEN = re.compile(r"[a-z0-9]+")
_FUNCTION_WORDS = frozenset("a an and as at by for from in into of on or the to via with".split())


@lru_cache(maxsize=16384)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(
        w.rstrip("s") if len(w) > 3 else w for w in _TOKEN.findall(text.lower()) if w not in _FUNCTION_WORDS
    )


def _title_overlap(mentions: Sequence[Mention], title: str) -> float:
    """The largest share of a mention's content words that the title also has (1.0 for a title mention)."""
    if any(m.field == "title" for m in mentions):
        return 1.0
    title_words = _content_words(title)
    shares = [
        len(words & title_words) / len(words) for words in map(_content_words, (m.text for m in mentions)) if words
    ]
    return max(shares, default=0.0)


def link_features(mentions: Sequence[Mention], specificity: float, title: str = "") -> Iterator[tuple[str, float]]:
    """(feature, value) pairs of one paper's link to one entity: its mentions, the log-odds that its
    names are specific (the highest of its mentions') and how much of its name the paper's title has."""
    t = mentions[0].type.value
    yield f"{t}|title_overlap", _title_overlap(mentions, title)
    yield f"{t}|bias", 1.0
    yield f"{t}|specificity", max(-6.0, min(6.0, specificity)) / 3.0
    yield f"{t}|n={min(len(mentions), 3)}", 1.0
    fields = {m.field for m in mentions}
    for name in sorted(fields):
        yield f"{t}|field={name}", 1.0
    roles = {m.role.value for m in mentions}
    for role in sorted(roles):
        yield f"{t}|role={role}", 1.0
    for source in sorted({m.source.split(":")[0] for m in mentions}):
        yield f"{t}|source={source}", 1.0
    if any(m.long_form or m.short_form for m in mentions):
        yield f"{t}|abbreviation", 1.0
    if all(m.field == "abstract" and m.sentence_start == 0 for m in mentions):
        yield f"{t}|only_first_sentence", 1.0
    cues = [set(_sentence_cues(m)) for m in mentions if m.field == "abstract"]
    for cue in sorted(set().union(*cues) if cues else ()):
        share = sum(cue in c for c in cues) / len(cues)
        yield f"{t}|cue={cue}", share


@dataclass(frozen=True)
class RelevanceModel:
    """Logistic weights per feature, the decision threshold of each type, and how many links of a type
    one paper keeps at most, unless a link is at least so probable (an abstract addresses a task or two;
    the third most probable task is most often one it names in passing)."""

    weights: dict[str, float] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)  # type -> threshold (0.5 when absent)
    most_per_paper: dict[str, tuple[int, float]] = field(default_factory=dict)  # type -> (count, unless p >=)

    @classmethod
    def load(cls, path: str | Path | None = None) -> RelevanceModel:
        """The shipped weights, or those at ``path``."""
        data = read_weights("relevance.json", path)
        most = {t: (int(n), float(p)) for t, (n, p) in data.get("most_per_paper", {}).items()}
        return cls(dict(data["weights"]), {t: float(v) for t, v in data["thresholds"].items()}, most)

    def probability(self, mentions: Sequence[Mention], specificity: float, title: str = "") -> float:
        """The probability that the link belongs in the graph."""
        return self.probability_of(link_features(mentions, specificity, title))

    def probability_of(self, features: Iterable[tuple[str, float]]) -> float:
        """The probability for a link's features (:func:`link_features`)."""
        z = sum(self.weights.get(f, 0.0) * v for f, v in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def keeps(self, mentions: Sequence[Mention], specificity: float, title: str = "") -> bool:
        """Whether the link is kept, before :meth:`within_paper_limits`."""
        return self.probability(mentions, specificity, title) >= self.thresholds.get(mentions[0].type.value, 0.5)

    def within_paper_limits(self, kept: Sequence[tuple[T, str, float, str]]) -> list[T]:
        """Of one paper's kept links, given as (link, type, probability, entity id), those within
        ``most_per_paper``: the most probable of each type, ties broken by entity id, and any as probable
        as the limit's own threshold. The order of ``kept`` is kept.

        >>> model = RelevanceModel(most_per_paper={"task": (1, 0.9)})
        >>> model.within_paper_limits([("a", "task", 0.3, "task/a"), ("b", "task", 0.5, "task/b"),
        ...                            ("c", "method", 0.2, "method/c")])
        ['b', 'c']
        """
        dropped: set[int] = set()
        for type_, (count, confident) in self.most_per_paper.items():
            ranked = sorted(
                (i for i, (_, t, _, _) in enumerate(kept) if t == type_), key=lambda i: (-kept[i][2], kept[i][3])
            )
            dropped.update(i for rank, i in enumerate(ranked) if rank >= count and kept[i][2] < confident)
        return [link for i, (link, _, _, _) in enumerate(kept) if i not in dropped]


@lru_cache(maxsize=1)
def shipped_model() -> RelevanceModel:
    """The shipped model, loaded once per process."""
    return RelevanceModel.load()
