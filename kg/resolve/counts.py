"""Plain counts of names: add or take back, and the most common ones in a stable order."""

from __future__ import annotations

import heapq
from collections.abc import Mapping


def _add(counts: dict[str, int], name: str, sign: int) -> None:
    """Add ``sign`` to a count; a count that falls to zero is removed (as if never seen)."""
    value = counts.get(name, 0) + sign
    if value:
        counts[name] = value
    else:
        del counts[name]


def _top(counts: Mapping[str, int], n: int) -> list[str]:
    """The ``n`` most common names, ties broken by name: the same whatever order they were counted in."""
    items = counts.items()
    ranked = (
        heapq.nsmallest(n, items, key=lambda kv: (-kv[1], kv[0]))
        if len(counts) > n
        else sorted(items, key=lambda kv: (-kv[1], kv[0]))
    )
    return [name for name, _ in ranked]
