"""Relations between a title's method and the abstract's entities, where the abstract refers back to it.

An abstract names the method of its title again as "our method", "the proposed approach", "this
framework" or by the title's own name (the name before the title's colon). Such a reference is given to
the relation classifier as one more method of its sentence; a relation it takes part in is stated for the
title's method (``+title`` in its source, the confidence a little lower).

>>> words = "On the REDS validation set , the proposed model achieves 27.79 dB".split()
>>> references(words, [(2, 3, "dataset")], "RepNet-VSR")
[(8, 9, 'method')]
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

Arg = tuple[int, int, str]

#: the words that open a reference to the paper's own method, and those that may follow them
OPENERS: dict[tuple[str, ...], int] = {("our",): 1, ("the", "proposed"): 2, ("the", "presented"): 2, ("this",): 1}
MODIFIERS = frozenset({"proposed", "new", "novel", "overall", "full", "resulting", "final", "unified", "presented"})
NOUNS = frozenset(
    {
        "method",
        "approach",
        "model",
        "framework",
        "network",
        "architecture",
        "system",
        "algorithm",
        "technique",
        "pipeline",
        "scheme",
        "solution",
        "detector",
        "estimator",
        "strategy",
    }
)
#: the words after which a title names a tool its method uses, not the method
TOOL_WORDS = frozenset({"with", "using", "via", "through", "by", "from", "leveraging", "on"})
#: the labels a reference may carry (the title's method is their head)
LABELS = frozenset({"used-for", "evaluated-with", "trained-with", "compare-with"})
FACTOR = 0.9  # a relation through a reference is a little less sure than one between two names


def title_method(doc: Doc, spans: list[Span], title_end: int, roles: dict) -> Span | None:
    """The method the title proposes: the first title method the roles mark as proposed, else the
    first method of the title not named as a tool ("... Alignment with Vision-Language Models"), else
    the first; ``None`` when the title names no method."""
    methods = sorted((s for s in spans if s.end_char <= title_end and s.label_ == "METHOD"), key=lambda s: s.start)
    proposed = [s for s in methods if roles.get((s.start_char, s.end_char)) == "proposes"]
    own = [s for s in methods if s.start == 0 or doc[s.start - 1].lower_ not in TOOL_WORDS]
    return (proposed or own or methods)[0] if methods else None


def _reference_at(lower: list[str], i: int) -> int:
    """Where the noun of a reference opened at word ``i`` ("our proposed method") is, or -1 when none
    is: the noun alone is the reference, its opener stays among the words the patterns read."""
    for opener, n in OPENERS.items():
        if tuple(lower[i : i + n]) == opener:
            j = i + n
            while j < len(lower) and lower[j] in MODIFIERS and j - i < 4:
                j += 1
            if j < len(lower) and lower[j] in NOUNS and (j + 1 == len(lower) or lower[j + 1] not in NOUNS):
                return j
    return -1


def references(words: list[str], args: list[Arg], name: str) -> list[Arg]:
    """Token spans of ``words`` that refer back to the title's method (named ``name``), none inside
    a mention of ``args``."""
    lower = [w.lower() for w in words]
    taken = [False] * (len(words) + 1)
    for start, end, _ in args:
        for k in range(start, end):
            taken[k] = True
    out: list[Arg] = []
    i = 0
    while i < len(words):
        noun = _reference_at(lower, i)
        if noun < 0 and words[i] == name:
            noun = i
        if noun >= 0 and not any(taken[i : noun + 1]):
            out.append((noun, noun + 1, "method"))
            i = noun + 1
        else:
            i += 1
    return out


def through_reference(
    relation: tuple[str, Arg, Arg, float, str], refs: list[Arg]
) -> tuple[str, bool, Arg, float, str] | None:
    """A relation found with a reference, as (label, whether the reference is the head, the other
    argument, confidence, source); ``None`` when it does not hold for the title's method."""
    label, head, tail, score, source = relation
    if (head in refs) == (tail in refs) or label not in LABELS:
        return None
    return label, head in refs, tail if head in refs else head, round(score * FACTOR, 4), source + "+title"
