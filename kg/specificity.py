"""Is an entity a specific, nameable dataset, method or task, or a generic phrase?

"ImageNet", "LoRA" and "pedestrian detection" are things a researcher looks up; "large language models",
"inference" and "unified framework" are not. The decision is a small logistic model over what the name
looks like (its words, its head word, capitals, digits, hyphens, a coined name) and what is known of it
(the source of its vocabulary term). Its weights are data
(``kg/data/specificity.json``), trained by ``scripts/train_specificity.py`` on names judged by hand
(``benchmarks/specificity/labels.jsonl``); see the model card beside the weights.

>>> model = SpecificityModel.load()
>>> model.is_specific("dataset", "ImageNet"), model.is_specific("method", "large language models")
(True, False)
>>> model.is_specific("task", "pedestrian detection"), model.is_specific("task", "inference")
(True, False)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

_WORD = re.compile(r"[A-Za-z]+|\d+")
_COINED = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]|[A-Za-z]\d|\d[A-Za-z]")  # SAANet, ResNet50, YOLOv3, 3DGS


def features(type_: str, name: str, *, vocabulary: str = "") -> Iterator[str]:
    """The binary features of a name of one type (``vocabulary``: the source of its vocabulary term, if any).

    >>> sorted(features("method", "SAANet"))[:4]
    ['method|bias', 'method|coined', 'method|first=saanet', 'method|head=saanet']
    """
    words = [w.lower() for w in _WORD.findall(name)]
    t = type_
    yield f"{t}|bias"
    yield f"{t}|n={min(len(words), 4)}"
    if not words:
        return
    yield f"{t}|head={words[-1]}"
    yield f"{t}|first={words[0]}"
    for w in sorted(set(words)):
        yield f"{t}|w={w}"
    if len(words[-1]) > 4:
        yield f"{t}|suffix={words[-1][-3:]}"
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.islower() for c in letters):
        yield f"{t}|lower"
    elif letters and all(c.isupper() for c in letters):
        yield f"{t}|caps"
    elif all(w[:1].isupper() for w in name.split() if w[:1].isalpha()):
        yield f"{t}|title"
    if _COINED.search(name):
        yield f"{t}|coined"
    if any(c.isdigit() for c in name):
        yield f"{t}|digit"
    if "-" in name:
        yield f"{t}|hyphen"
    if vocabulary:
        yield f"{t}|vocab={vocabulary}"


def read_weights(name: str, path: str | Path | None = None) -> dict:
    """A decision model's JSON: the shipped ``kg/data/NAME``, or the file at ``path``."""
    if path is None:
        return json.loads(resources.files("kg.data").joinpath(name).read_text(encoding="utf-8"))
    return json.loads(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SpecificityModel:
    """Logistic weights per feature and the decision threshold."""

    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5

    @classmethod
    def load(cls, path: str | Path | None = None) -> SpecificityModel:
        """The shipped weights, or those at ``path``."""
        data = read_weights("specificity.json", path)
        return cls(dict(data["weights"]), float(data["threshold"]))

    def log_odds(self, type_: str, name: str, *, vocabulary: str = "") -> float:
        """The model's log-odds that the name names a specific thing of that type."""
        return sum(self.weights.get(f, 0.0) for f in features(type_, name, vocabulary=vocabulary))

    def probability(self, type_: str, name: str, *, vocabulary: str = "") -> float:
        """The model's probability that the name names a specific thing of that type."""
        z = self.log_odds(type_, name, vocabulary=vocabulary)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def is_specific(self, type_: str, name: str, *, vocabulary: str = "") -> bool:
        """Whether the name is kept as a dataset, method or task."""
        return self.probability(type_, name, vocabulary=vocabulary) >= self.threshold


@lru_cache(maxsize=1)
def shipped_model() -> SpecificityModel:
    """The shipped model, loaded once per process."""
    return SpecificityModel.load()
