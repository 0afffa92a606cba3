"""Long forms of one short form: whether two of them name the same thing (``_compatible``)."""

from __future__ import annotations

from types import MappingProxyType

from kg.resolve.keys import compact

#: words that papers use interchangeably inside long forms ("Visual Language Models" and "Vision-Language
#: Models" both define VLMs); only used to compare long forms of one short form, never to merge names
_SYNONYMS = MappingProxyType({"visual": "vision", "optimisation": "optimization", "modelling": "modeling"})


def _compatible(a: str, b: str) -> bool:
    """Two long forms of one short form name the same thing: equal, the words of one among the other's,
    or nearly the same words (compared on their first six letters: ``optimization`` = ``optimisation``).

    >>> _compatible("computer aided design", "computer aided diagnosis")
    False
    >>> _compatible("group relative policy optimization", "group relative policy optimisation")
    True
    >>> _compatible("knowledge based vqa", "knowledge based visual question answering")
    True
    >>> _compatible("visual language model", "vision language model"), _compatible("video language model", "vision language model")
    (True, False)
    """
    if compact(a) == compact(b):
        return True
    words_a, words_b = _expand(a.split(), b.split()), _expand(b.split(), a.split())
    wa, wb = ({_SYNONYMS.get(w, w)[:6] for w in words} for words in (words_a, words_b))
    return wa <= wb or wb <= wa or len(wa & wb) / len(wa | wb) >= 0.75


def _expand(words: list[str], other: list[str]) -> list[str]:
    """Words of one long form with acronyms spelled out from the other: ``knowledge based vqa`` against
    ``knowledge based visual question answering`` gives the same words."""
    out: list[str] = []
    for word in words:
        run = next(
            (
                other[i : i + len(word)]
                for i in range(len(other) - len(word) + 1)
                if len(word) >= 2 and "".join(w[0] for w in other[i : i + len(word)]) == word
            ),
            None,
        )
        out.extend(run if run else [word])
    return out
