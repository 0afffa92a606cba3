"""Clustering of comparison keys into entities: by vocabulary term, compact key and abbreviation; the
entity id of each cluster."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from kg.resolve.keys import Key, compact
from kg.resolve.longforms import _compatible
from kg.slug import entity_id


def cluster(
    keys: Iterable[Key], lookups: Mapping[Key, str], pairs: Mapping[Key, Mapping[str, int]]
) -> tuple[dict[Key, Key], dict[Key, str], dict[Key, list[str]]]:
    """Cluster keys: the root of every key, the vocabulary term of every root, and the ambiguous short
    forms with the long forms they stand for. Keys are joined by vocabulary term, by compact key and by
    abbreviation; two clusters of different terms are never joined. Only keys given take part, so that a
    set closed under those joins (``kg.incremental``) clusters as it would among all keys.

    >>> root, _, _ = cluster([("dataset", "cifar10"), ("dataset", "cifar 10")], {}, {})
    >>> root[("dataset", "cifar10")]
    ('dataset', 'cifar 10')
    """
    ordered = sorted(keys)
    clusters = _UnionFind(ordered, lookups)
    first_of_term: dict[str, Key] = {}
    for key in ordered:  # same vocabulary term: one cluster, rooted at the term's first key
        if clusters.vocab[key]:
            clusters.union(first_of_term.setdefault(clusters.vocab[key], key), key)
    by_compact: dict[Key, Key] = {}
    for key in ordered:
        ckey = (key[0], compact(key[1]))
        if ckey in by_compact:
            clusters.union(by_compact[ckey], key)
        else:
            by_compact[ckey] = key
    ambiguous = _join_abbreviations(clusters, ordered, pairs)
    root = {key: clusters.find(key) for key in ordered}
    return root, {r: clusters.vocab[r] for r in set(root.values())}, ambiguous


class _UnionFind:
    """Clusters of keys, each rooted at its smallest key, with the vocabulary term of each root."""

    def __init__(self, ordered: Sequence[Key], lookups: Mapping[Key, str]) -> None:
        self.parent = {key: key for key in ordered}
        self.vocab = {key: lookups.get(key, "") for key in ordered}

    def find(self, key: Key) -> Key:
        parent = self.parent
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(self, a: Key, b: Key) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        va, vb = self.vocab[ra], self.vocab[rb]
        if va and vb and va != vb:
            return  # never merge two different vocabulary terms
        low, high = sorted((ra, rb))
        self.parent[high] = low
        self.vocab[low] = va or vb


def _join_abbreviations(
    clusters: _UnionFind, ordered: Sequence[Key], pairs: Mapping[Key, Mapping[str, int]]
) -> dict[Key, list[str]]:
    """Join each short form with its long forms (the compatible ones with each other); returns the
    ambiguous short forms with the first long form of each meaning."""
    present = clusters.parent
    union = clusters.union
    ambiguous: dict[Key, list[str]] = {}
    for short in ordered:
        longs = pairs.get(short)
        if not longs:
            continue
        groups: list[list[str]] = []
        for long in sorted(l for l in longs if (short[0], l) in present):
            home = next((g for g in groups if _compatible(g[0], long)), None)
            (home.append(long) if home is not None else groups.append([long]))
        for group in groups:
            for long in group[1:]:
                union((short[0], group[0]), (short[0], long))
        if len(groups) == 1:
            union(short, (short[0], groups[0][0]))
        elif len(groups) > 1:
            ambiguous[short] = [g[0] for g in groups]
            # the short form alone means what most papers define it as, when one meaning dominates
            weight = sorted(((sum(longs[l] for l in g), g[0]) for g in groups), reverse=True)
            if weight[0][0] > sum(w for w, _ in weight[1:]):  # a strict majority of the definitions
                union(short, (short[0], weight[0][1]))
    return ambiguous


def base_id(members: Iterable[Key], vocabulary_id: str, shorts: Mapping[Key, object]) -> str:
    """A cluster's entity id before clashes are settled: its vocabulary term, else minted from its first
    short form (a key that abbreviates a long form), else from its first key."""
    if vocabulary_id:
        return vocabulary_id
    members = list(members)
    named = sorted(k[1] for k in members if k in shorts)
    # an ambiguous short form's other meanings live in clusters of their long forms, named by them
    return entity_id(members[0][0], named[0] if named else min(k[1] for k in members))


def settled_ids(
    roots: Iterable[Key],
    base_ids: Mapping[Key, str],
    vocabulary: Mapping[Key, str],
    members: Mapping[Key, Sequence[Key]],
) -> dict[Key, str]:
    """The final ids of clusters that share one base id: a minted id that clashes gets a qualifier made
    of the cluster's keys (a vocabulary term keeps its id)."""
    roots = list(roots)
    if len(roots) < 2:
        return {r: base_ids[r] for r in roots}
    return {
        r: base_ids[r] if vocabulary[r] else entity_id(r[0], " ".join(sorted(k[1] for k in members[r]))) for r in roots
    }
