"""The tasks of one paper at their most specific."""

from __future__ import annotations

from collections.abc import Sequence

from kg.records import EntityType, Link
from kg.resolve.keys import _SEPARATORS, _singular


def _words(text: str) -> frozenset[str]:
    return frozenset(_singular(w) for w in _SEPARATORS.split(text.lower()) if w)


def most_specific_tasks(links: Sequence[Link]) -> list[Link]:
    """A paper's links less each task whose names all lie within a more specific task of the paper with
    the same head word ("weakly supervised segmentation" within "weakly supervised histopathological
    image segmentation"): the text names one task, at its most specific.

    >>> from kg.records import Mention, Role, EntityType as T
    >>> def link(e, text):
    ...     return Link("p", e, Role.ADDRESSES, (Mention(T.TASK, "abstract", 0, len(text), text),))
    >>> [l.entity_id for l in most_specific_tasks([link("task/a", "image segmentation"),
    ...                                            link("task/b", "medical image segmentation"),
    ...                                            link("task/c", "image generation")])]
    ['task/b', 'task/c']
    """
    names = {id(link): [_words(m.text) for m in link.mentions] for link in links}
    heads = {
        id(link): {_singular(m.text.lower().split()[-1]) for m in link.mentions if m.text.split()} for link in links
    }
    tasks = [link for link in links if link.mentions[0].type is EntityType.TASK]

    def within(small: Link, large: Link) -> bool:
        return (
            small is not large
            and bool(heads[id(small)] & heads[id(large)])
            and all(any(words < other for other in names[id(large)]) for words in names[id(small)])
        )

    return [link for link in links if link not in tasks or not any(within(link, other) for other in tasks)]
