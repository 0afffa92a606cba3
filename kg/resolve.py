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
>>> r = Resolver(vocabulary=None, specific_only=False)  # every mention linked: clustering alone
>>> for item in [pm("1", "CIFAR10"), pm("2", "CIFAR-10"), pm("3", "CIFAR 10 dataset")]:
...     _ = r.observe(item)
>>> table = r.finish()
>>> {l.entity_id for p in ["1", "2", "3"] for l in table.link(pm(p, "CIFAR-10"))}
{'dataset/cifar10'}
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from kg.names import is_coined
from kg.records import Entity, EntityType, Link, Mention, PaperMentions, Role
from kg.relevance import shipped_model as relevance_model
from kg.slug import entity_id
from kg.specificity import shipped_model as specificity_model

_SEPARATORS = re.compile(r"[\s\-‐-―_/·]+")
_GENERIC_TAIL = {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "database", "data set", "challenge"}
#: generic heads after a method's name ("ResNet models", "deep learning methods")
_METHOD_HEADS = {
    "model",
    "models",
    "method",
    "methods",
    "approach",
    "approaches",
    "technique",
    "techniques",
    "algorithm",
    "algorithms",
    "framework",
    "frameworks",
    "architecture",
    "architectures",
}
_VERSION = re.compile(r"^(?P<base>.+?)\s?(?:v?\d+(?:\.\d+)*[km]?|\d{4}|[km]|tiny|small|base|large|xl|full|lite)$")
#: words that papers use interchangeably inside long forms ("Visual Language Models" and "Vision-Language
#: Models" both define VLMs); only used to compare long forms of one short form, never to merge names
_SYNONYMS = MappingProxyType({"visual": "vision", "optimisation": "optimization", "modelling": "modeling"})
#: the specificity of a mention whose vocabulary term is marked generic: never linked
GENERIC = -30.0
_ACRONYM = re.compile(r"[A-Z][A-Z0-9-]*[A-Z0-9]s?")  # LMs, DNNs, CT, VQA-2; not coined names (NeRF, SAANet)
#: below this log-odds of specificity (a probability of 0.27) no context makes a link: "Existing benchmarks"
MIN_SPECIFICITY = -1.0
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


Key = tuple[str, str]  #: (entity type value, normalized surface): plain values, so a build can save them


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


class Resolver:
    """Counts papers' mentions per comparison key; ``finish()`` turns the counts into an ``EntityTable``.

    Every count is a plain dict of plain values and can be taken back (``observe(item, -1)``), so that an
    update can remove a replaced paper and a build can save the counts for the next update.
    """

    def __init__(self, vocabulary: object | None = None, specific_only: bool = True) -> None:
        self.vocabulary = vocabulary
        # the shipped models decide which links belong in the graph; without them every mention is linked
        self.specificity = specificity_model() if specific_only else None
        self.relevance = relevance_model() if specific_only else None
        self.surfaces: dict[Key, dict[str, int]] = {}  # key -> surface form -> mentions
        self.vocabulary_seen: dict[Key, dict[str, int]] = {}  # key -> vocabulary id the extractor gave -> mentions
        self.pairs: dict[Key, dict[str, int]] = {}  # short key -> long form keys -> definitions
        self._keys: dict[str, str] = {}  # normalize() of each surface seen: the same forms recur in every pass

    def key(self, surface: str) -> str:
        """``normalize(surface)``, computed once per distinct surface."""
        key = self._keys.get(surface)
        if key is None:
            key = self._keys[surface] = normalize(surface)
        return key

    def observe(self, item: PaperMentions, sign: int = 1) -> set[Key]:
        """Count a paper's mentions (``sign=-1``: take them back); returns the keys whose counts changed."""
        touched: set[Key] = set()
        for mention in item.mentions:
            text_key = self.key(mention.text)
            if not text_key:
                continue
            key = (mention.type.value, text_key)
            touched.add(key)
            _add(self.surfaces.setdefault(key, {}), mention.text, sign)
            if mention.vocabulary_id.startswith(key[0] + "/"):
                _add(self.vocabulary_seen.setdefault(key, {}), mention.vocabulary_id, sign)
            if mention.long_form:
                long_key = self.key(mention.long_form)
                if long_key and long_key != text_key:
                    _add(self.pairs.setdefault(key, {}), long_key, sign)
        for key in touched:
            for table in (self.surfaces, self.vocabulary_seen, self.pairs):
                if key in table and not table[key]:
                    del table[key]
        return touched

    def lookup(self, key: Key) -> str:
        """The vocabulary term of a key: the one the extractor gave its mentions most often, else the term
        of its most common surfaces (for a method, also of the surface less a generic head: "deep learning
        models", "Transformer architecture" name the known method)."""
        seen = self.vocabulary_seen.get(key)
        if seen:
            return _top(seen, 1)[0]
        if self.vocabulary is None:
            return ""
        for surface in _top(self.surfaces[key], 3):
            candidates = [surface]
            head, _, last = surface.rpartition(" ")
            if key[0] == EntityType.METHOD.value and head and last.lower() in _METHOD_HEADS:
                candidates.append(head)
            for candidate in candidates:
                term = self.vocabulary.lookup(candidate, key[0])  # type: ignore[attr-defined]
                if term is not None:
                    return term.id
        return ""

    def finish(self) -> EntityTable:
        """Cluster the observed surface forms into entities."""
        lookups = {key: self.lookup(key) for key in self.surfaces}
        return EntityTable(self, lookups, *cluster(self.surfaces, lookups, self.pairs))


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
    present = set(ordered)
    parent = {key: key for key in ordered}
    cluster_vocab = {key: lookups.get(key, "") for key in ordered}

    def find(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: Key, b: Key) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        va, vb = cluster_vocab[ra], cluster_vocab[rb]
        if va and vb and va != vb:
            return  # never merge two different vocabulary terms
        low, high = sorted((ra, rb))
        parent[high] = low
        cluster_vocab[low] = va or vb

    first_of_term: dict[str, Key] = {}
    for key in ordered:  # same vocabulary term: one cluster, rooted at the term's first key
        if cluster_vocab[key]:
            union(first_of_term.setdefault(cluster_vocab[key], key), key)
    by_compact: dict[Key, Key] = {}
    for key in ordered:
        ckey = (key[0], compact(key[1]))
        if ckey in by_compact:
            union(by_compact[ckey], key)
        else:
            by_compact[ckey] = key
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
    root = {key: find(key) for key in ordered}
    return root, {r: cluster_vocab[r] for r in set(root.values())}, ambiguous


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


class EntityTable:
    """The clusters of one build: maps each paper's mentions to entity ids, and keeps per entity its
    surface forms, papers and type, and per key the papers that mention it (for ``kg.incremental``)."""

    def __init__(
        self,
        resolver: Resolver,
        lookups: dict[Key, str],
        root: dict[Key, Key],
        cluster_vocab: dict[Key, str],
        ambiguous: dict[Key, list[str]],
    ) -> None:
        self.resolver = resolver
        self.lookups = lookups
        self.root = root
        self.cluster_vocab = cluster_vocab
        self.ambiguous = ambiguous
        self.members: dict[Key, list[Key]] = defaultdict(list)
        for key, cluster_root in root.items():
            self.members[cluster_root].append(key)
        self.base_ids = {r: base_id(keys, cluster_vocab[r], resolver.pairs) for r, keys in self.members.items()}
        self.holders: dict[str, list[Key]] = defaultdict(list)  # base id -> roots
        for cluster_root, name in self.base_ids.items():
            self.holders[name].append(cluster_root)
        self.ids: dict[Key, str] = {}
        for roots in self.holders.values():
            self.ids.update(settled_ids(roots, self.base_ids, cluster_vocab, self.members))
        self.surfaces: dict[str, dict[str, int]] = {}
        self.papers: dict[str, set[str]] = {}
        self.types: dict[str, str] = {}
        self.key_papers: dict[Key, list[str] | set[str]] = {}  # key (of a mention or a long form) -> papers
        self.bases: dict[str, tuple[Key, ...]] = {}  # entity -> its version bases, as its record last had them
        self._specific: dict[tuple[str, str, str, str], float] = {}

    def entity_of(self, key: Key) -> str | None:
        cluster_root = self.root.get(key)
        return None if cluster_root is None else self.ids[cluster_root]

    def entity_for(self, mention: Mention) -> str:
        """The entity id of one mention (its paper's own abbreviation definitions win)."""
        key = (mention.type.value, self.resolver.key(mention.text))
        if mention.long_form and key in self.ambiguous:
            found = self.entity_of((key[0], self.resolver.key(mention.long_form)))
            if found is not None:
                return found
        found = self.entity_of(key)
        return found if found is not None else entity_id(key[0], key[1] or mention.text)

    def specificity(self, mention: Mention) -> float:
        """The log-odds that a mention names a specific dataset, method or task (``kg.specificity``),
        from its words and the vocabulary term its text names (a term marked generic: never). It depends
        on the mention alone, so an update decides as a fresh build does."""
        cache_key = (mention.type.value, mention.text, mention.vocabulary_id, mention.long_form)
        found = self._specific.get(cache_key)
        if found is None:
            vocabulary = self.resolver.vocabulary
            term = None
            if vocabulary is not None:
                term = vocabulary.get(mention.vocabulary_id) if mention.vocabulary_id else None  # type: ignore[attr-defined]
                if term is None or term.type is not mention.type:
                    term = vocabulary.lookup(mention.text, mention.type)  # type: ignore[attr-defined]
            if (
                (term is not None and term.generic)
                or not any(c.isalpha() for c in mention.text)
                or (term is None and vocabulary is not None and _generic_whatever_its_type(vocabulary, mention.text))
            ):
                found = GENERIC  # a vocabulary term that is not a thing, or a bare number ("10")
            else:
                source = term.source.split("+")[0] if term is not None else ""
                found = self.resolver.specificity.log_odds(mention.type.value, mention.text, vocabulary=source)  # type: ignore[union-attr]
                if mention.long_form and _ACRONYM.fullmatch(mention.text) and term is None:
                    # an acronym's letters say little; the words it stands for say more ("LMs": language models)
                    long_form = self.resolver.specificity.log_odds(mention.type.value, mention.long_form)  # type: ignore[union-attr]
                    found = (found + long_form) / 2
            self._specific[cache_key] = found
        return found

    def candidate_links(self, item: PaperMentions) -> tuple[Link, ...]:
        """One link per (entity, strongest role) for a paper, with every mention as evidence."""
        by_entity: dict[str, list[Mention]] = defaultdict(list)
        for mention in item.mentions:
            if self.resolver.key(mention.text):
                by_entity[self.entity_for(mention)].append(mention)
        links = []
        for entity, mentions in sorted(by_entity.items()):
            role = max((m.role for m in mentions), key=lambda r: _STRONG[r])
            links.append(Link(item.paper.id, entity, role, tuple(mentions)))
        return tuple(links)

    def links_of(self, item: PaperMentions) -> tuple[Link, ...]:
        """The candidate links that belong in the graph (``kg.relevance``: a specific thing the paper is
        about); the mentions of the others are reported by ``kg extract`` but not linked."""
        links = self.candidate_links(item)
        if self.resolver.specificity is None or self.resolver.relevance is None:
            return links
        relevance = self.resolver.relevance
        kept = []
        for link in links:
            specificity = max(self.specificity(m) for m in link.mentions)
            if specificity > MIN_SPECIFICITY and relevance.keeps(link.mentions, specificity, item.paper.title):
                kept.append(link)
        return tuple(most_specific_tasks(kept))

    def count(self, item: PaperMentions, links: Iterable[Link], sign: int = 1) -> set[str]:
        """Add a paper's links to the per-entity and per-key counts (``sign=-1``: take them out); returns
        the entities whose counts changed."""
        pid = item.paper.id
        touched = set()
        for link in links:
            entity = link.entity_id
            touched.add(entity)
            surfaces = self.surfaces.setdefault(entity, {})
            for mention in link.mentions:
                _add(surfaces, mention.text, sign)
            if sign > 0:
                self.papers.setdefault(entity, set()).add(pid)
                self.types[entity] = link.mentions[0].type.value
            else:
                self.papers[entity].discard(pid)
            if not surfaces:
                del self.surfaces[entity], self.papers[entity], self.types[entity]
        keys = {
            (m.type.value, self.resolver.key(text)) for m in item.mentions for text in (m.text, m.long_form) if text
        }
        for key in keys:
            if not key[1]:
                continue
            holders = self.key_papers.get(key)
            if sign > 0:  # a list while only added to (a build: less memory), a set once taken from (an update)
                if holders is None:
                    self.key_papers[key] = [pid]
                else:
                    holders.append(pid) if isinstance(holders, list) else holders.add(pid)
            else:
                holders = self.key_papers[key] = set(holders)  # type: ignore[arg-type]
                holders.discard(pid)
                if not holders:
                    del self.key_papers[key]
        return touched

    def link(self, item: PaperMentions) -> tuple[Link, ...]:
        """``links_of`` a paper, counted."""
        links = self.links_of(item)
        self.count(item, links)
        return links

    def entities(self) -> list[Entity]:
        """Every linked entity with its label, aliases (surface forms with counts) and broader entities."""
        return [self.entity(e) for e in sorted(self.surfaces)]

    def version_bases(self, entity: str) -> set[Key]:
        """The keys an entity's keys are versions or subsets of (``imagenet`` for ``ImageNet-1k``)."""
        type_ = self.types[entity]
        out = set()
        for surface in self.surfaces[entity]:
            match = _VERSION.match(self.resolver.key(surface))
            if match:
                out.add((type_, match.group("base").strip()))
        return out

    def entity(self, entity: str) -> Entity:
        """One linked entity's record."""
        vocabulary = self.resolver.vocabulary
        surfaces = self.surfaces[entity]
        term = vocabulary.get(entity) if vocabulary is not None else None  # type: ignore[attr-defined]
        label = term.label if term is not None else self._label(entity, surfaces)
        broader: set[str] = set()
        if term is not None:
            broader.update(b for b in term.broader if b in self.surfaces)
        bases = self.bases[entity] = tuple(sorted(self.version_bases(entity)))
        for base in bases:
            owner = self.entity_of(base)  # the entity its base key resolves to
            if owner is not None and owner != entity and owner in self.surfaces:
                broader.add(owner)
        return Entity(
            id=entity,
            type=EntityType(self.types[entity]),
            label=label,
            aliases=tuple(sorted(surfaces.items())),
            vocabulary_id=term.id if term is not None else "",
            broader=tuple(sorted(broader)),
        )

    def _label(self, entity: str, surfaces: Mapping[str, int]) -> str:
        """The most used surface form; a coined name the papers define for a longer one comes first
        ("SAANet" for Scene-Adaptive Attention Network), since that is what readers call it."""
        type_ = self.types[entity]
        coined = {
            s: n for s, n in surfaces.items() if (type_, self.resolver.key(s)) in self.resolver.pairs and is_coined(s)
        }
        return min((coined or surfaces).items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]

    def n_papers(self, entity: str) -> int:
        return len(self.papers.get(entity, ()))


def _generic_whatever_its_type(vocabulary: object, text: str) -> bool:
    """Whether the vocabulary knows ``text`` only as terms that are not things ("NLP", "MRI"): such a name
    is no dataset, method or task whatever the NER typed it."""
    known = vocabulary.terms_named(text).values()  # type: ignore[attr-defined]
    return bool(known) and all(t.generic for t in known)


def _words(text: str) -> frozenset[str]:
    return frozenset(_singular(w) for w in _SEPARATORS.split(text.lower()) if w)


def most_specific_tasks(links: Sequence[Link]) -> list[Link]:
    """A paper's links less each task whose names all lie within a more specific task of the paper with
    the same head word ("weakly supervised segmentation" within "weakly supervised histopathological
    image segmentation"): the text names one task, at its most specific.

    >>> from kg.records import Paper, Mention, EntityType as T
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
