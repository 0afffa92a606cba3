"""The first pass of resolution: ``Resolver`` counts every paper's mentions per comparison key."""

from __future__ import annotations

from kg.data import word_set
from kg.records import EntityType, PaperMentions
from kg.relevance import shipped_model as relevance_model
from kg.resolve.cluster import cluster
from kg.resolve.counts import _add, _top
from kg.resolve.keys import Key, normalize
from kg.resolve.table import EntityTable
from kg.resolve.tasks import mention_name
from kg.specificity import shipped_model as specificity_model

#: generic heads after a method's name ("ResNet models", "deep learning methods")
_METHOD_HEADS = word_set("method_heads")


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
            name = mention_name(mention)
            text_key = self.key(name)
            if not text_key:
                continue
            key = (mention.type.value, text_key)
            touched.add(key)
            _add(self.surfaces.setdefault(key, {}), name, sign)
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
