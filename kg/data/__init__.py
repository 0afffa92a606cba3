"""Data shipped with kg: trained weights, the bundled listing, and the word lists of ``words.json``."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _words() -> dict[str, list[str]]:
    text = resources.files("kg.data").joinpath("words.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def word_set(name: str) -> frozenset[str]:
    """One word list of ``kg/data/words.json``, read once per process.

    >>> sorted(word_set("method_heads"))[:3]
    ['algorithm', 'algorithms', 'approach']
    """
    return frozenset(_words()[name])
