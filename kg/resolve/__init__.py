"""Resolution: one entity per real thing across papers.

Two passes so that any number of papers fits: ``observe`` every paper's mentions (counts only), ``finish``
to cluster surface forms into entities, then ``link`` each paper to entity ids and read ``entities()``.

Surface forms are compared by ``normalize`` (case, hyphens and spaces, Unicode variants, plural heads,
generic trailing words). Clusters are joined by vocabulary term, by abbreviation (long form = short form
when every long form seen for that short form agrees) and by the compact key (``Mask RCNN`` = ``MaskRCNN``).
Versions and subsets (``ImageNet-1k``) stay entities of their own, linked with ``broader``.

Flows in: ``PaperMentions`` records (and the vocabulary); flows out: ``Entity`` and ``Link`` records. The
modules: ``keys`` (``normalize``, ``compact``), ``resolver`` (the first pass, counts), ``cluster`` (keys into
entities and their ids), ``longforms`` (which long forms of a short form agree), ``table`` (the second pass,
``EntityTable``: links and entity records), ``tasks`` (a paper's tasks at their most specific),
``variants`` (a method named with a modifier joins the method it names), ``counts``.

>>> from kg.records import Paper, Mention, PaperMentions, EntityType as T
>>> def pm(pid, *texts):
...     return PaperMentions(Paper(pid, 1, "t", "a"), tuple(Mention(T.DATASET, "abstract", 0, len(t), t) for t in texts))
>>> r = Resolver(vocabulary=None, specific_only=False)  # every mention linked: clustering alone
>>> for item in [pm("1", "CIFAR10"), pm("2", "CIFAR-10"), pm("3", "CIFAR 10 dataset")]:
...     _ = r.observe(item)
>>> table = r.finish()
>>> {l.entity_id for p in ["1", "2", "3"] for l in table.link(pm(p, "CIFAR-10"))}
{'dataset/cifar10'}
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.records import Entity, Link, PaperMentions
from kg.resolve.cluster import base_id, cluster, settled_ids
from kg.resolve.keys import Key, compact, normalize
from kg.resolve.resolver import Resolver
from kg.resolve.table import GENERIC, MIN_SPECIFICITY, EntityTable
from kg.resolve.tasks import most_specific_tasks

__all__ = [
    "GENERIC",
    "MIN_SPECIFICITY",
    "EntityTable",
    "Key",
    "Resolver",
    "base_id",
    "cluster",
    "compact",
    "most_specific_tasks",
    "normalize",
    "resolve",
    "settled_ids",
]


def resolve(
    items: Iterable[PaperMentions], vocabulary: object | None = None, specific_only: bool = True
) -> tuple[list[Entity], list[Link]]:
    """Both passes over an in-memory list: the entities and every paper's links (``specific_only=False``:
    every mention linked, none judged by ``kg.relevance``)."""
    items = list(items)
    resolver = Resolver(vocabulary, specific_only)
    for item in items:
        resolver.observe(item)
    table = resolver.finish()
    links = [link for item in items for link in table.link(item)]
    return table.entities(), links
