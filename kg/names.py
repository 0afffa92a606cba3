"""A paper's coined name and the long name it is built from are one thing.

Papers often name their method twice without a parenthesis between the two: the title spells it out
("Scene-Adaptive Attention Network for Crowd Counting") and the abstract uses the short name ("SAANet
achieves ..."). The short name is built from the starts of the long name's words, in order: SAANet =
**S**cene-**A**daptive **A**ttention **Net**work, PiFeNet = **Pi**llar-**Fe**ature **Net**work. Such a
pair is linked like an abbreviation defined in parentheses (``Mention.long_form``/``short_form``), so
resolution makes one entity of them.

>>> spells("SAANet", "Scene-Adaptive Attention Network"), spells("PiFeNet", "Pillar-Feature Network")
(True, True)
>>> spells("ResNet", "Scene-Adaptive Attention Network"), spells("GAN", "generative model")
(False, False)
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import cache, lru_cache

from kg.records import EntityType, Mention

_SPLIT = re.compile(r"[\s\-‐/]+")
_SKIP = frozenset({"a", "an", "the", "of", "for", "and", "with", "in", "on", "to", "via", "by", "from"})
_COINED = re.compile(r"^(?=.*[A-Z].*[A-Z]|.*\d)[A-Za-z][A-Za-z0-9+]*$")  # SAANet, PiFeNet, FS2K; not "Transformer"


def is_coined(name: str) -> bool:
    """A made-up name written as one word with inner capitals or digits, and some lower case: SAANet,
    PiFeNet, FS2K-like names with lower case; not an all-caps acronym ("CNN") nor a plain word.

    >>> [is_coined(n) for n in ("SAANet", "PiFeNet", "CNN", "Transformer", "YOLOv3")]
    [True, True, False, False, True]
    """
    return bool(_COINED.match(name)) and any(c.islower() for c in name)


#: words a long name may end with that its short name leaves out ("MoP" of "Mixture-of-Personas Language Models")
_GENERIC_TAIL = frozenset({"model", "models", "language", "network", "networks", "framework", "method", "approach"})


@lru_cache(maxsize=4096)
def spells(short: str, long: str) -> bool:
    """Whether the coined ``short`` name is the starts of the words of ``long`` (at least two of them),
    each content word giving at least one character, in order; small words may give none, and so may one
    content word after the first (TopoLiDM = Topology-Aware LiDAR Diffusion Models) and generic words at
    the end ("MoP" of "Mixture-of-Personas Language Models").

    >>> spells("TopoLiDM", "Topology-Aware LiDAR Diffusion Models"), spells("MoP", "Mixture-of-Personas Language Models")
    (True, True)
    >>> spells("DiMo", "Discrete Diffusion Modeling"), spells("DiMo", "Diffusion")
    (True, False)
    """
    target = re.sub(r"[^a-z0-9]", "", short.lower())
    words = [w.lower() for w in _SPLIT.split(long) if w]
    if len(target) < 3 or len([w for w in words if w not in _SKIP]) < 2 or not _COINED.match(short):
        return False

    @cache
    def match(i: int, j: int, skips: int, used: int) -> bool:
        if j == len(target):
            return used >= 2 and all(w in _SKIP or w in _GENERIC_TAIL for w in words[i:])
        if i == len(words):
            return False
        word = words[i]
        if word in _SKIP and match(i + 1, j, skips, used):
            return True
        if skips and i > 0 and word not in _SKIP and match(i + 1, j, skips - 1, used):
            return True
        return any(
            target.startswith(word[:k], j) and match(i + 1, j + k, skips, used + 1) for k in range(len(word), 0, -1)
        )

    return match(0, 0, 1, 0)


def join_coined_names(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions of one paper, with each coined method or dataset name that spells a longer name of
    the same type in the paper given it as ``long_form`` (and the long name the short one as
    ``short_form``). Names already paired by a parenthesis keep their pair.

    >>> m = [Mention(EntityType.METHOD, "title", 0, 32, "Scene-Adaptive Attention Network"),
    ...      Mention(EntityType.METHOD, "abstract", 10, 16, "SAANet")]
    >>> [(x.text, x.long_form, x.short_form) for x in join_coined_names(m)]
    [('Scene-Adaptive Attention Network', '', 'SAANet'), ('SAANet', 'Scene-Adaptive Attention Network', '')]
    """
    longs = {
        m.text: m.type
        for m in mentions
        if m.type in (EntityType.METHOD, EntityType.DATASET) and (" " in m.text.strip() or "-" in m.text)
    }
    pairs: dict[str, str] = {}
    for m in mentions:
        if m.long_form or m.type not in (EntityType.METHOD, EntityType.DATASET) or m.text in pairs:
            continue
        if not _COINED.match(m.text):
            continue  # what ``spells`` asks first, asked once per mention rather than per long name
        found = sorted(
            long for long, type_ in longs.items() if type_ is m.type and long != m.text and spells(m.text, long)
        )
        if found and len({" ".join(_SPLIT.split(f.lower())) for f in found}) == 1:  # one name, in any case
            pairs[m.text] = found[0]
    if not pairs:
        return list(mentions)
    shorts = {long: short for short, long in pairs.items()}
    out = []
    for m in mentions:
        if m.text in pairs and not m.long_form:
            m = dataclasses.replace(m, long_form=pairs[m.text])
        elif m.text in shorts and not m.short_form:
            m = dataclasses.replace(m, short_form=shorts[m.text])
        out.append(m)
    return out
