"""Names that are never a dataset, method or task, whatever the text around them.

The guidelines (``../shared/gold/paper-level/GUIDELINES.md``, "Never an entity of any type") name kinds of
things a graph node must not be: metrics, evaluation protocols, hardware, data kinds and records, diseases
and medical procedures, imaging modalities, phenomena, adjectives alone, title fragments, numbers and
sizes, text inside a URL. The NER and an acronym's definition find such names as often as real ones
("mAP@0.5", "5-fold cross-validation", "EHRs (Electronic Health Records)"); their shape or their last word
says what they are. Each kind is data (``kg/data/nonentities.json``): whole names, head words, first
words and patterns with ids. An acronym is judged by its long form too ("DR" defined as "Diabetic
Retinopathy").

>>> kind_of("mAP@0.5"), kind_of("5-fold cross-validation"), kind_of("Diabetic Retinopathy")
('metric', 'protocol', 'disease')
>>> kind_of("DR", long_form="Diabetic Retinopathy"), kind_of("ResNet-50"), kind_of("Swin Transformer")
('disease', '', '')
>>> inside_url("Code: https://github.com/x/Geo-R1.", 27, 33), inside_url("We use Geo-R1.", 7, 13)
(True, False)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_URL = re.compile(r"(?i)(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|io|net|ai|edu|co)/\S*")


@dataclass(frozen=True)
class Kind:
    """One kind of name that is never an entity (one entry of ``nonentities.json``)."""

    name: str
    names: frozenset[str] = frozenset()
    heads: frozenset[str] = frozenset()
    hyphen_suffixes: frozenset[str] = frozenset()
    first: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()
    types: frozenset[str] = frozenset({"method"})
    long_forms: bool = True
    examples: tuple[str, ...] = ()

    def matches(self, name: str) -> bool:
        """Whether ``name`` is of this kind (by its whole name, last word, hyphen suffix, first word or
        a pattern)."""
        return self.matches_shape(_Shape.of(name))

    def matches_shape(self, shape: _Shape) -> bool:
        """``matches`` for a name whose words are read already."""
        if shape.lower in self.names or (shape.plural_acronym and shape.lower[:-1] in self.names):
            return True
        if shape.last in self.heads or (shape.suffix and shape.suffix in self.hyphen_suffixes):
            return True
        if shape.first and shape.first in self.first:
            return True
        return any(p.search(shape.text) for p in self.patterns)


@dataclass(frozen=True)
class _Shape:
    """What the kinds look at in a name: read once, compared with every kind."""

    text: str
    lower: str
    plural_acronym: bool
    last: str
    suffix: str  # after the last hyphen of the last word
    first: str  # the first word of a name of two words or more

    @classmethod
    def of(cls, name: str) -> _Shape:
        text = " ".join(name.split())
        lower = text.lower()
        words = lower.split(" ")
        last = words[-1]
        return cls(
            text,
            lower,
            _plural_acronym(text),
            last,
            last.rsplit("-", 1)[1] if "-" in last else "",
            words[0] if len(words) > 1 else "",
        )


def _plural_acronym(text: str) -> bool:
    """ "EHRs", "GPUs": an acronym with a plural s."""
    return len(text) > 2 and text.endswith("s") and text[:-1].isupper()


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("kg.data").joinpath("nonentities.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def kinds() -> tuple[Kind, ...]:
    """The kinds of ``kg/data/nonentities.json``, read once per process."""
    data = _data()
    return tuple(
        Kind(
            name=name,
            names=frozenset(k.get("names", ())),
            heads=frozenset(k.get("heads", ())),
            hyphen_suffixes=frozenset(k.get("hyphen_suffixes", ())),
            first=frozenset(k.get("first", ())),
            patterns=tuple(re.compile(p["regex"]) for p in k.get("patterns", ())),
            types=frozenset(k.get("types", ("method",))),
            long_forms=bool(k.get("long_forms", True)),
            examples=tuple(k.get("examples", ())),
        )
        for name, k in data["kinds"].items()
    )


@lru_cache(maxsize=65536)
def kind_of(name: str, long_form: str = "", type_: str = "method") -> str:
    """The kind of non-entity ``name`` is ("metric", "disease", ...) as a name of type ``type_``, judged by
    its own text and by the long form it abbreviates; "" when it may be an entity (the first kind of
    the data that matches)."""
    found = _index(type_, False).positions(_Shape.of(name))
    if long_form:
        found += _index(type_, True).positions(_Shape.of(long_form))
    return kinds()[min(found)].name if found else ""


@dataclass(frozen=True)
class _Index:
    """Every kind's words in one table per field (word -> the first kind that has it): a name is looked
    up once, not once per kind."""

    names: dict[str, int]
    heads: dict[str, int]
    suffixes: dict[str, int]
    first: dict[str, int]
    patterns: tuple[tuple[int, re.Pattern[str]], ...]

    def positions(self, shape: _Shape) -> list[int]:
        """The positions of the kinds that match the name."""
        keys = [
            self.names.get(shape.lower),
            self.names.get(shape.lower[:-1]) if shape.plural_acronym else None,
            self.heads.get(shape.last),
            self.suffixes.get(shape.suffix) if shape.suffix else None,
            self.first.get(shape.first) if shape.first else None,
        ]
        found = [k for k in keys if k is not None]
        return found + [i for i, p in self.patterns if i not in found and p.search(shape.text)]


@lru_cache(maxsize=8)
def _index(type_: str, long_forms_only: bool) -> _Index:
    """The kinds judged for names of ``type_`` (only those that judge long forms), in one index."""
    names: dict[str, int] = {}
    heads: dict[str, int] = {}
    suffixes: dict[str, int] = {}
    first: dict[str, int] = {}
    patterns: list[tuple[int, re.Pattern[str]]] = []
    for i, kind in enumerate(kinds()):
        if type_ not in kind.types or (long_forms_only and not kind.long_forms):
            continue
        for table, words in (
            (names, kind.names),
            (heads, kind.heads),
            (suffixes, kind.hyphen_suffixes),
            (first, kind.first),
        ):
            for word in words:
                table.setdefault(word, i)
        patterns.extend((i, p) for p in kind.patterns)
    return _Index(names, heads, suffixes, first, tuple(patterns))


@lru_cache(maxsize=1)
def _tails() -> tuple[frozenset[str], frozenset[str]]:
    tails = _data()["tails"]
    return frozenset(tails["words"]), frozenset(tails["hyphen_suffixes"])


@lru_cache(maxsize=65536)
def core_name(name: str) -> str:
    """A method's name less the generic words after it ("Colorlaus module", "SegResNet models") and an
    adjective's suffix ("CLIP-based", "YOLO-based detector"): what names the thing. The name itself when
    nothing is left.

    >>> core_name("Colorlaus module"), core_name("YOLO-based detector"), core_name("unified framework")
    ('Colorlaus', 'YOLO', 'unified')
    >>> core_name("framework"), core_name("Mixture-of-Experts")
    ('framework', 'Mixture-of-Experts')
    """
    words, suffixes = _tails()
    parts = name.split()
    if not parts:
        return name
    n = len(parts)
    while len(parts) > 1 and parts[-1].lower() in words:
        parts.pop()
    base, _, suffix = parts[-1].rpartition("-")
    if base and suffix.lower() in suffixes:
        parts[-1] = base
    elif len(parts) == n:
        return name  # nothing dropped
    return " ".join(parts)


_NAMED = re.compile(r"[a-z][A-Z]|[A-Z]{2}|[A-Za-z]\d|\d[A-Za-z]")  # SegResNet, CLIP, YOLOv8, 3DGS


def looks_named(name: str) -> bool:
    """Whether a name is written as a name, not as English words: inner capitals, capitals in a row,
    letters with digits ("SegResNet", "CLIP", "YOLOv8"; not "Diffusion", "attention").

    >>> [looks_named(n) for n in ("SegResNet", "CLIP", "YOLOv8", "Diffusion", "sparse attention")]
    [True, True, True, False, False]
    """
    return bool(_NAMED.search(name))


def inside_url(sentence: str, start: int, end: int) -> bool:
    """Whether ``sentence[start:end]`` lies inside a URL written in the sentence (text that appears only
    inside a URL is no mention of anything)."""
    if "/" not in sentence and "www." not in sentence:
        return False  # no URL here (most sentences): no regular expression to run
    return any(a <= start and end <= b for a, b in _url_spans(sentence))


@lru_cache(maxsize=4096)
def _url_spans(sentence: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span() for m in _URL.finditer(sentence))
