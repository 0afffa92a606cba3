"""Resolution: one entity per real thing across papers.

Two passes so that any number of papers fits: ``observe`` every paper's mentions (counts only), ``finish``
to cluster surface forms into entities, then ``link`` each paper to entity ids and read ``entities()``.

Surface forms are compared by ``normalize`` (case, hyphens and spaces, Unicode variants, plural heads,
generic trailing words). Clusters are joined by vocabulary term, by abbreviation (long form = short form
when every long form seen for that short form agrees) and by the compact key (``Mask RCNN`` = ``MaskRCNN``).
Versions and subsets (``ImageNet-1k``) stay entities of their own, linked with ``broader``.

>>> from kg.records import Paper, Mention, PaperMentions, EntityType as T
>>> def pm(pid, *texts):
...     return PaperMentions(Paper(pid, 1, "t", "a"), tuple(Mention(T.DATASET, "abstract", 0, len(t), t) for t in texts))
>>> r = Resolver(vocabulary=None)
>>> for item in [pm("1", "CIFAR10"), pm("2", "CIFAR-10"), pm("3", "CIFAR 10 dataset")]:
...     r.observe(item)
>>> table = r.finish()
>>> {l.entity_id for p in ["1", "2", "3"] for l in table.link(pm(p, "CIFAR-10"))}
{'dataset/cifar10'}
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

from kg.records import Entity, EntityType, Link, Mention, PaperMentions, Role
from kg.slug import entity_id

_SEPARATORS = re.compile(r"[\s\-‐-―_/·]+")
_GENERIC_TAIL = {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "database", "data set", "challenge"}
#: generic heads after a method's name ("ResNet models", "deep learning methods")
_METHOD_HEADS = {"model", "models", "method", "methods", "approach", "approaches", "technique", "techniques",
                 "algorithm", "algorithms", "framework", "frameworks", "architecture", "architectures"}
_VERSION = re.compile(r"^(?P<base>.+?)\s?(?:v?\d+(?:\.\d+)*[km]?|\d{4}|[km]|tiny|small|base|large|xl|full|lite)$")
#: words that papers use interchangeably inside long forms ("Visual Language Models" and "Vision-Language
#: Models" both define VLMs); only used to compare long forms of one short form, never to merge names
_SYNONYMS = MappingProxyType({"visual": "vision", "optimisation": "optimization", "modelling": "modeling"})
_STRONG = {Role.PROPOSES: 2, Role.INTRODUCES: 2, Role.USES: 1, Role.ADDRESSES: 1}


def _singular(word: str) -> str:
    if len(word) < 4 or not word.endswith("s") or word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1]


def normalize(surface: str) -> str:
    """The comparison key of a surface form (see ``_normalize_once``), applied until it no longer changes
    so that ``normalize`` is idempotent.

    >>> [normalize(s) for s in ["CIFAR10", "CIFAR-10", "cifar 10", "the KITTI dataset", "Mask R-CNN", "CNNs"]]
    ['cifar10', 'cifar10', 'cifar10', 'kitti', 'mask rcnn', 'cnn']
    """
    key = _normalize_once(surface)
    for _ in range(10):
        again = _normalize_once(key)
        if again == key:
            break
        key = again
    return key


def _normalize_once(surface: str) -> str:
    """The comparison key of a surface form: NFKC, lowercase, one space between words, a single
    letter or a number joined to its neighbour (``R-CNN`` -> ``rcnn``, ``CIFAR 10`` -> ``cifar10``),
    a plural last word made singular, generic trailing words (``dataset``, ``benchmark``) removed.

    >>> [normalize(s) for s in ["CIFAR10", "CIFAR-10", "cifar 10", "the KITTI dataset", "Mask R-CNN", "CNNs"]]
    ['cifar10', 'cifar10', 'cifar10', 'kitti', 'mask rcnn', 'cnn']
    >>> normalize("convolutional neural networks") == normalize("Convolutional Neural Network")
    True
    >>> normalize("EPOS"), normalize("GANs")
    ('epos', 'gan')
    """
    original = unicodedata.normalize("NFKC", surface).strip()
    acronym_tail = bool(re.search(r"(?:^|[\s\-])[A-Z0-9]{2,}$", original))  # EPOS, CAOS: no plural to strip
    text = original.lower()
    text = re.sub(r"^(?:the|a|an)\s+", "", text)
    parts = [p.strip(" .,;:()[]'\"") for p in _SEPARATORS.split(text)]
    parts = [p for p in parts if p]
    # "Vision and Language Navigation" = "Vision-Language Navigation": an inner "and" is a joiner
    parts = [p for i, p in enumerate(parts) if p not in ("and", "&") or i in (0, len(parts) - 1)]
    while len(parts) > 1 and (parts[-1] in _GENERIC_TAIL or " ".join(parts[-2:]) in _GENERIC_TAIL):
        parts = parts[:-2] if " ".join(parts[-2:]) in _GENERIC_TAIL else parts[:-1]
    joined: list[str] = []
    pending = ""
    for i, part in enumerate(parts):
        if joined and not pending and re.fullmatch(r"\d+[km]?", part):
            joined[-1] += part  # CIFAR 10, ImageNet 1k
            continue
        part, pending = pending + part, ""
        if len(part) == 1 and i < len(parts) - 1:
            pending = part  # a single letter prefixes the next word: R-CNN, U-Net, t-SNE
        elif len(part) == 1 and joined:
            joined[-1] += part  # ... or suffixes the last one: Swin-T
        else:
            joined.append(part)
    if joined and re.search(r"[A-Z]{2,}s$", original):
        joined[-1] = joined[-1][:-1]  # CNNs, GANs: an acronym's plural
    elif joined and not acronym_tail and len(joined[-1]) >= 5:
        joined[-1] = _singular(joined[-1])
    return " ".join(joined)


def compact(key: str) -> str:
    """A key with no spaces: ``mask rcnn`` and ``maskrcnn`` meet here."""
    return key.replace(" ", "")


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
        run = next((other[i:i + len(word)] for i in range(len(other) - len(word) + 1)
                    if len(word) >= 2 and "".join(w[0] for w in other[i:i + len(word)]) == word), None)
        out.extend(run if run else [word])
    return out


@dataclass
class _Node:
    surfaces: Counter = field(default_factory=Counter)
    papers: int = 0
    vocabulary_id: str = ""


class Resolver:
    """Collects statistics over papers' mentions; ``finish()`` turns them into an ``EntityTable``."""

    def __init__(self, vocabulary: object | None = None) -> None:
        self.vocabulary = vocabulary
        self.nodes: dict[tuple[EntityType, str], _Node] = defaultdict(_Node)
        self.pairs: dict[tuple[EntityType, str], Counter] = defaultdict(Counter)  # short key -> long keys
        self._keys: dict[str, str] = {}  # normalize() of each surface seen: the same forms recur in every pass

    def key(self, surface: str) -> str:
        """``normalize(surface)``, computed once per distinct surface."""
        key = self._keys.get(surface)
        if key is None:
            key = self._keys[surface] = normalize(surface)
        return key

    def observe(self, item: PaperMentions) -> None:
        seen: set[tuple[EntityType, str]] = set()
        for mention in item.mentions:
            key = (mention.type, self.key(mention.text))
            if not key[1]:
                continue
            node = self.nodes[key]
            node.surfaces[mention.text] += 1
            if mention.vocabulary_id.startswith(mention.type.value + "/") and not node.vocabulary_id:
                node.vocabulary_id = mention.vocabulary_id
            if key not in seen:
                node.papers += 1
                seen.add(key)
            if mention.long_form:
                long_key = self.key(mention.long_form)
                if long_key and long_key != key[1]:
                    self.pairs[key][long_key] += 1

    def finish(self) -> "EntityTable":
        """Cluster the observed surface forms into entities."""
        vocab_ids = {key: node.vocabulary_id or self._lookup(key, node) for key, node in self.nodes.items()}
        parent = {key: key for key in self.nodes}

        def find(key):
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        cluster_vocab: dict[tuple, str] = {key: vid for key, vid in vocab_ids.items()}

        def union(a, b) -> None:
            ra, rb = find(a), find(b)
            if ra == rb:
                return
            va, vb = cluster_vocab.get(ra, ""), cluster_vocab.get(rb, "")
            if va and vb and va != vb:
                return  # never merge two different vocabulary terms
            low, high = sorted((ra, rb), key=lambda k: (k[0].value, k[1]))
            parent[high] = low
            cluster_vocab[low] = va or vb

        ordered = sorted(self.nodes, key=lambda k: (k[0].value, k[1]))
        first_of_term: dict[str, tuple] = {}
        for key in ordered:  # same vocabulary term: one cluster, rooted at the term's first key
            if vocab_ids[key]:
                union(first_of_term.setdefault(vocab_ids[key], key), key)
        by_compact: dict[tuple, tuple] = {}
        for key in ordered:
            ckey = (key[0], compact(key[1]))
            if ckey in by_compact:
                union(by_compact[ckey], key)
            else:
                by_compact[ckey] = key
        ambiguous: dict[tuple, list[str]] = {}
        for short, longs in sorted(self.pairs.items(), key=lambda kv: (kv[0][0].value, kv[0][1])):
            groups: list[list[str]] = []
            for long in sorted(l for l in longs if (short[0], l) in self.nodes):
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
        clusters: dict[tuple, list[tuple]] = defaultdict(list)
        for key in self.nodes:
            clusters[find(key)].append(key)
        return EntityTable(self, {key: find(key) for key in self.nodes}, clusters, cluster_vocab, ambiguous)

    def _lookup(self, key: tuple[EntityType, str], node: _Node) -> str:
        """The vocabulary term of a node's most common surfaces; for a method, also of the surface less
        a generic head ("deep learning models", "Transformer architecture" name the known method)."""
        if self.vocabulary is None:
            return ""
        for surface, _ in node.surfaces.most_common(3):
            candidates = [surface]
            head, _, last = surface.rpartition(" ")
            if key[0] is EntityType.METHOD and head and last.lower() in _METHOD_HEADS:
                candidates.append(head)
            for candidate in candidates:
                term = self.vocabulary.lookup(candidate, key[0])  # type: ignore[attr-defined]
                if term is not None:
                    return term.id
        return ""


class EntityTable:
    """The clusters of one build: maps each paper's mentions to entity ids and keeps per-entity counts."""

    def __init__(self, resolver: Resolver, root: dict, clusters: dict, cluster_vocab: dict, ambiguous: dict) -> None:
        self.resolver = resolver
        self.root = root
        self.clusters = clusters
        self.ambiguous = ambiguous
        self.ids: dict[tuple, str] = {}
        self.vocabulary_ids: dict[tuple, str] = {}
        taken: dict[str, list[tuple]] = defaultdict(list)
        for cluster_root, keys in clusters.items():
            vid = cluster_vocab.get(cluster_root, "")
            self.vocabulary_ids[cluster_root] = vid
            if vid:
                self.ids[cluster_root] = vid
            else:
                shorts = sorted((k for k in keys if k in resolver.pairs), key=lambda k: k[1])
                name = shorts[0][1] if shorts else min(k[1] for k in keys)
                # an ambiguous short form's other meanings live in clusters of their long forms, named by them
                self.ids[cluster_root] = entity_id(cluster_root[0].value, name)
            taken[self.ids[cluster_root]].append(cluster_root)
        for entity, roots in taken.items():  # a minted id that clashes gets a qualifier from its keys
            if len(roots) > 1:
                for cluster_root in roots:
                    if not self.vocabulary_ids[cluster_root]:
                        self.ids[cluster_root] = entity_id(cluster_root[0].value, " ".join(sorted(k[1] for k in clusters[cluster_root])))
        self.surfaces: dict[str, Counter] = defaultdict(Counter)
        self.papers: dict[str, set[str]] = defaultdict(set)
        self.types: dict[str, EntityType] = {}

    def entity_for(self, mention: Mention) -> str:
        """The entity id of one mention (its paper's own abbreviation definitions win)."""
        key = (mention.type, self.resolver.key(mention.text))
        if mention.long_form and key in self.ambiguous:
            long_key = (mention.type, self.resolver.key(mention.long_form))
            if long_key in self.root:
                return self.ids[self.root[long_key]]
        if key not in self.root:
            return entity_id(mention.type.value, key[1] or mention.text)
        return self.ids[self.root[key]]

    def link(self, item: PaperMentions) -> tuple[Link, ...]:
        """One link per (entity, strongest role) for a paper, with its mentions as evidence."""
        by_entity: dict[str, list[Mention]] = defaultdict(list)
        for mention in item.mentions:
            if not self.resolver.key(mention.text):
                continue
            entity = self.entity_for(mention)
            by_entity[entity].append(mention)
            self.surfaces[entity][mention.text] += 1
            self.papers[entity].add(item.paper.id)
            self.types[entity] = mention.type
        links = []
        for entity, mentions in sorted(by_entity.items()):
            role = max((m.role for m in mentions), key=lambda r: _STRONG[r])
            links.append(Link(item.paper.id, entity, role, tuple(mentions)))
        return tuple(links)

    def entities(self) -> list[Entity]:
        """Every linked entity with its label, aliases (surface forms with counts) and broader entities."""
        vocabulary = self.resolver.vocabulary
        out = []
        keys_of = {entity: self._norm_keys(entity) for entity in self.surfaces}
        key_owner = {key: entity for entity, keys in keys_of.items() for key in keys}
        for entity, surfaces in sorted(self.surfaces.items()):
            type_ = self.types[entity]
            term = vocabulary.get(entity) if vocabulary is not None else None  # type: ignore[attr-defined]
            label = term.label if term is not None else sorted(surfaces.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
            broader = set()
            if term is not None:
                broader.update(b for b in term.broader if b in self.surfaces)
            for _, key in keys_of[entity]:
                match = _VERSION.match(key)
                if match:
                    owner = key_owner.get((type_, match.group("base").strip()))
                    if owner and owner != entity:
                        broader.add(owner)
            out.append(Entity(
                id=entity, type=type_, label=label, aliases=tuple(sorted(surfaces.items())),
                vocabulary_id=term.id if term is not None else "", broader=tuple(sorted(broader)),
            ))
        return out

    def n_papers(self, entity: str) -> int:
        return len(self.papers.get(entity, ()))

    def _norm_keys(self, entity: str) -> set[tuple]:
        type_ = self.types[entity]
        return {(type_, self.resolver.key(s)) for s in self.surfaces[entity]}


def resolve(items: Iterable[PaperMentions], vocabulary: object | None = None) -> tuple[list[Entity], list[Link]]:
    """Both passes over an in-memory list: the entities and every paper's links."""
    items = list(items)
    resolver = Resolver(vocabulary)
    for item in items:
        resolver.observe(item)
    table = resolver.finish()
    links = [link for item in items for link in table.link(item)]
    return table.entities(), links
