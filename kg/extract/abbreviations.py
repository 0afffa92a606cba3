"""Schwartz-Hearst abbreviation detection: ``long form (SHORT)`` pairs in plain text.

A pure, spaCy-free module so that it can be tested (and reused) on strings.

>>> find_abbreviations("We propose a Scene-Adaptive Attention Network (SAANet) for counting.")
[Abbreviation(short='SAANet', short_start=47, long='Scene-Adaptive Attention Network', long_start=13)]
>>> find_abbreviations("results (e.g. accuracy) improve (2019)")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(\s*([^()\s][^()]{0,14}?)\s*\)")
_SENTENCE_BREAK = re.compile(r"[.;:!?]\s|\n")
_LATEX = re.compile(r"\\[A-Za-z]+\{")


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A short form and the long form it abbreviates, with their character offsets."""

    short: str
    short_start: int
    long: str
    long_start: int

    @property
    def short_end(self) -> int:
        return self.short_start + len(self.short)

    @property
    def long_end(self) -> int:
        return self.long_start + len(self.long)


def is_short_form(text: str) -> bool:
    """Plausible abbreviation: 2-10 characters, at most two words, starts alphanumeric, has an uppercase
    letter, is not a year or a citation.

    >>> [is_short_form(s) for s in ["CNN", "SAANet", "e.g.", "2019", "ours", "3D-CNNs", "i"]]
    [True, True, False, False, False, True, False]
    """
    if not 2 <= len(text) <= 10 or len(text.split()) > 2:
        return False
    if not text[0].isalnum() or not any(c.isupper() for c in text):
        return False
    return any(c.isalpha() for c in text) and not text.lower().startswith(("e.g", "i.e", "fig", "eq", "see", "et al"))


def best_long_form(short: str, candidate: str) -> str | None:
    """The shortest tail of ``candidate`` whose characters spell ``short`` in order, the first letter of
    ``short`` starting a word (Schwartz and Hearst, 2003).

    >>> best_long_form("CNN", "we use a convolutional neural network")
    'convolutional neural network'
    >>> best_long_form("XYZ", "no match here") is None
    True
    """
    s_idx, l_idx = len(short) - 1, len(candidate) - 1
    while s_idx >= 0:
        char = short[s_idx].lower()
        if not char.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and (
            candidate[l_idx].lower() != char or (s_idx == 0 and l_idx > 0 and candidate[l_idx - 1].isalnum())
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start = max(candidate.rfind(" ", 0, l_idx + 1), candidate.rfind("\n", 0, l_idx + 1)) + 1
    return candidate[start:]


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Every ``long form (SHORT)`` definition in ``text``, in order."""
    found = []
    for match in _PAREN.finditer(text):
        short = match.group(1).strip()
        # "(SHORT, ...)" or "(SHORT; ...)": the abbreviation is what comes before the separator
        short = re.split(r"[,;]\s", short)[0].strip()
        if not is_short_form(short):
            continue
        before = text[: match.start()].rstrip()
        breaks = list(_SENTENCE_BREAK.finditer(before))
        window_start = breaks[-1].end() if breaks else 0
        words = before[window_start:].split(" ")
        max_words = min(len(short) + 5, len(short) * 2)
        window = " ".join(words[-max_words:])
        long = best_long_form(short, window)
        if not long or len(long) <= len(short) or long.lower() == short.lower():
            continue
        long_start = len(before) - len(long)
        markup = _LATEX.match(long)  # "\emph{Draft-Conditioned Decoding" (DCCD): the name is inside the markup
        if markup:
            long, long_start = long[markup.end() :], long_start + markup.end()
        long = long.rstrip("}")
        if len(long.split()) < 2 and "-" not in long and not any(c.isupper() for c in long[1:]):
            continue  # a single plain word does not abbreviate to several letters
        found.append(Abbreviation(short, match.start(1) + match.group(1).index(short), long, long_start))
    return found
