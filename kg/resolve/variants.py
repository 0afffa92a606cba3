"""A method a paper names once with a modifier is, in that paper, the method it names plainly.

Abstracts vary a name as they go: "diffusion models" and "generative diffusion models", "k-means" and
"k-means solutions", "VLMs" and "closed-source VLMs". A reader, and an annotator, counts one method; two
links make the paper look as if it used two. :func:`fold_method_variants` moves the mentions of such a
variant onto the link of the method whose name it holds, so they stay the paper's evidence and point at
one entity.

A variant is kept as a link of its own when the paper proposes it ("Regularized K-means" in a paper
that proposes it), when it is a version ("V-JEPA 2" beside "V-JEPA": versions are entities of their own),
when the vocabulary knows it as a term ("latent diffusion models" is not any diffusion model), or when the
names of two other methods lie inside it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from kg.records import EntityType, Link, Role
from kg.resolve.tasks import mention_name

#: the fewest characters a name must have to be looked for inside another ("AI" is inside too much)
MIN_HOST_CHARS = 3


def fold_method_variants(links: Sequence[Link], is_term: Callable[[str], bool] = lambda _: False) -> list[Link]:
    """A paper's links with each method variant's mentions moved onto the one method link whose name
    every mention of the variant holds as whole words (``is_term``: whether an entity id is a
    vocabulary term, which stays a link of its own). The order of the links is kept.

    >>> from kg.records import Mention, Role, EntityType as T
    >>> def link(e, *texts):
    ...     return Link("p", e, Role.USES, tuple(Mention(T.METHOD, "abstract", 0, len(t), t) for t in texts))
    >>> links = [link("method/diffusion-model", "diffusion models"), link("method/gdm", "generative diffusion models"),
    ...          link("method/tacq", "TaCQ"), link("method/tacq-based-quantization", "TaCQ-based quantization")]
    >>> [(l.entity_id, len(l.mentions)) for l in fold_method_variants(links)]
    [('method/diffusion-model', 2), ('method/tacq', 1), ('method/tacq-based-quantization', 1)]
    """
    methods = [link for link in links if link.mentions[0].type is EntityType.METHOD]
    names = {id(link): {mention_name(m) for m in link.mentions} for link in methods}
    host_of: dict[int, Link] = {}
    for link in methods:
        if link.role is Role.PROPOSES or is_term(link.entity_id):
            continue
        hosts = [
            other
            for other in methods
            if other is not link and all(_holds(name, names[id(other)]) for name in names[id(link)])
        ]
        if len(hosts) == 1 and not _a_version(names[id(link)], names[id(hosts[0])]):
            host_of[id(link)] = hosts[0]
    if not host_of:
        return list(links)
    folded: dict[int, list] = {}
    for link in methods:
        host = host_of.get(id(link))
        while host is not None and id(host) in host_of:  # a variant of a variant: the plainest name
            host = host_of[id(host)]
        if host is not None:
            folded.setdefault(id(host), []).extend(link.mentions)
    return [
        dataclasses.replace(link, mentions=link.mentions + tuple(folded[id(link)])) if id(link) in folded else link
        for link in links
        if id(link) not in host_of
    ]


def _holds(name: str, hosts: set[str]) -> bool:
    """Whether ``name`` holds one of ``hosts`` as whole words, and more ("closed-source VLMs" holds "VLMs";
    "TaCQ-based" does not hold "TaCQ": the hyphen makes one word)."""
    lowered = name.lower()
    return any(MIN_HOST_CHARS <= len(host) < len(name) and _whole_word_in(host.lower(), lowered) for host in hosts)


def _whole_word_in(part: str, text: str) -> bool:
    """Whether ``part`` occurs in ``text`` with no letter, digit, underscore or hyphen on either side (a
    plain ``str.find``: a regex per pair of names would be compiled for every paper)."""
    i = text.find(part)
    while i >= 0:
        before = text[i - 1] if i else " "
        after = text[i + len(part)] if i + len(part) < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            return True
        i = text.find(part, i + 1)
    return False


#: what a version adds after a name: "2", "v3", "1.5", "7B", "Large", "Instruct" ("V-JEPA 2", "Qwen Large")
_VERSION_TAIL = re.compile(
    r"[\s_]*(?:v?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)?[kmbt]|tiny|small|base|large|xl|lite|mini|pro|plus|instruct|chat)",
    re.IGNORECASE,
)


def _a_version(names: set[str], hosts: set[str]) -> bool:
    """Whether a name is a version of a host name ("V-JEPA 2" of "V-JEPA"): an entity of its own."""
    return any(
        name.lower().startswith(host.lower()) and _VERSION_TAIL.fullmatch(name[len(host) :]) is not None
        for name in names
        for host in hosts
    )
