"""The second pass of resolution: ``EntityTable`` links each paper's mentions to entity ids, decides
which links belong in the graph and keeps the entities' records."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from kg.names import is_coined
from kg.nonentities import core_name, inside_url, kind_of, looks_named
from kg.records import Entity, EntityType, Link, Mention, PaperMentions, Role
from kg.resolve.cluster import base_id, settled_ids
from kg.resolve.counts import _add
from kg.resolve.keys import Key, compact
from kg.resolve.tasks import is_research_phrase, mention_name, most_specific_tasks, names_a_task
from kg.resolve.variants import fold_method_variants
from kg.slug import entity_id

if TYPE_CHECKING:
    from kg.relevance import RelevanceModel
    from kg.resolve.resolver import Resolver

_VERSION = re.compile(r"^(?P<base>.+?)\s?(?:v?\d+(?:\.\d+)*[km]?|\d{4}|[km]|tiny|small|base|large|xl|full|lite)$")
#: the specificity of a mention whose vocabulary term is marked generic: never linked
GENERIC = -30.0
_ACRONYM = re.compile(r"[A-Z][A-Z0-9-]*[A-Z0-9]s?")  # LMs, DNNs, CT, VQA-2; not coined names (NeRF, SAANet)
#: below this log-odds of specificity (a probability of 0.27) no context makes a link: "Existing benchmarks"
MIN_SPECIFICITY = -1.0
#: a task the title names may be worded less like a name ("Eyelid Measurements", "Decision Support")
TITLE_TASK_MIN_SPECIFICITY = -2.0
_STRONG = {Role.PROPOSES: 2, Role.INTRODUCES: 2, Role.USES: 1, Role.ADDRESSES: 1}
_OWN = (Role.PROPOSES, Role.INTRODUCES)


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
        key = (mention.type.value, self.resolver.key(mention_name(mention)))
        if mention.long_form and key in self.ambiguous:
            found = self.entity_of((key[0], self.resolver.key(mention.long_form)))
            if found is not None:
                return found
        found = self.entity_of(key)
        return found if found is not None else entity_id(key[0], key[1] or mention.text)

    def specificity(self, mention: Mention) -> float:
        """The log-odds that a mention names a specific dataset, method or task (``kg.specificity``),
        from its words and the vocabulary term its text names (a term marked generic, a kind of name that
        is never an entity (``kg.nonentities``), text inside a URL: never). A method is judged by its core
        name too ("Colorlaus module": "Colorlaus"). It depends on the mention alone, so an update decides
        as a fresh build does."""
        at = mention.start - mention.sentence_start
        if inside_url(mention.sentence, at, at + len(mention.text)):
            return GENERIC  # text inside a URL names nothing
        type_ = mention.type
        if type_ is EntityType.TASK and is_research_phrase(mention.text):
            return GENERIC  # "Investigating Pose Representations": the research, not a task
        found = self._name_specificity(type_, mention_name(mention), mention.vocabulary_id, mention.long_form)
        if type_ is EntityType.METHOD and found > GENERIC:
            core = core_name(mention.text)
            if core != mention.text and looks_named(core):
                found = max(found, self._name_specificity(type_, core, "", mention.long_form))
        return found

    def _name_specificity(self, type_: EntityType, text: str, vocabulary_id: str, long_form: str) -> float:
        """``specificity`` of one name of a type (the vocabulary id the extractor gave it, the long form
        it abbreviates), computed once per build."""
        cache_key = (type_.value, text, vocabulary_id, long_form)
        found = self._specific.get(cache_key)
        if found is None:
            vocabulary = self.resolver.vocabulary
            term = None
            if vocabulary is not None:
                term = vocabulary.get(vocabulary_id) if vocabulary_id else None  # type: ignore[attr-defined]
                if term is None or term.type is not type_:
                    term = vocabulary.lookup(text, type_)  # type: ignore[attr-defined]
            if (
                (term is not None and term.generic)
                or not any(c.isalpha() for c in text)
                or (term is None and vocabulary is not None and _generic_whatever_its_type(vocabulary, text))
                or kind_of(text, long_form, type_.value)
            ):
                found = GENERIC  # a vocabulary term that is not a thing, a bare number ("10"), a metric ...
            else:
                source = term.source.split("+")[0] if term is not None else ""
                found = self.resolver.specificity.log_odds(type_.value, text, vocabulary=source)  # type: ignore[union-attr]
                if long_form and _ACRONYM.fullmatch(text) and term is None:
                    # an acronym's letters say little; the words it stands for say more ("LMs": language models)
                    long_form_odds = self.resolver.specificity.log_odds(type_.value, long_form)  # type: ignore[union-attr]
                    found = (found + long_form_odds) / 2
            self._specific[cache_key] = found
        return found

    def candidate_links(self, item: PaperMentions) -> tuple[Link, ...]:
        """One link per (entity, strongest role) for a paper, with every mention as evidence."""
        by_entity: dict[str, list[Mention]] = defaultdict(list)
        for mention in item.mentions:
            if self.resolver.key(mention_name(mention)):
                by_entity[self.entity_for(mention)].append(mention)
        links = []
        for entity, mentions in sorted(by_entity.items()):
            role = max((m.role for m in mentions), key=lambda r: _STRONG[r])
            links.append(Link(item.paper.id, entity, role, tuple(mentions)))
        return tuple(links)

    def links_of(self, item: PaperMentions, relevance: RelevanceModel | None = None) -> tuple[Link, ...]:
        """The candidate links that belong in the graph (``kg.relevance``: a specific thing the paper is
        about; a paper's tasks at their most specific; a method's variants on the method's link,
        ``kg.resolve.variants``); the mentions of the others are reported by ``kg extract`` but not linked. ``relevance``
        replaces the resolver's model (``scripts/train_relevance.py`` tries thresholds with it)."""
        links = self.candidate_links(item)
        relevance = relevance or self.resolver.relevance
        if self.resolver.specificity is None or relevance is None:
            return links
        kept = []
        for link in links:
            specificity = max(self.specificity(m) for m in link.mentions)
            if specificity > _floor(link) or (specificity > GENERIC and _named_as_own(link)):
                type_ = link.mentions[0].type.value
                p = relevance.probability(link.mentions, specificity, item.paper.title)
                if p >= relevance.thresholds.get(type_, 0.5):
                    kept.append((link, type_, p, link.entity_id))
        linked = most_specific_tasks(relevance.within_paper_limits(kept))
        return tuple(fold_method_variants(linked, self._is_term))

    def _is_term(self, entity: str) -> bool:
        """Whether an entity id is a vocabulary term's."""
        vocabulary = self.resolver.vocabulary
        return vocabulary is not None and vocabulary.get(entity) is not None  # type: ignore[attr-defined]

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
                _add(surfaces, mention_name(mention), sign)
            if sign > 0:
                self.papers.setdefault(entity, set()).add(pid)
                self.types[entity] = link.mentions[0].type.value
            else:
                self.papers[entity].discard(pid)
            if not surfaces:
                del self.surfaces[entity], self.papers[entity], self.types[entity]
        keys = {
            (m.type.value, self.resolver.key(text))
            for m in item.mentions
            for text in (mention_name(m), m.long_form)
            if text
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
        ("SAANet" for Scene-Adaptive Attention Network), since that is what readers call it; a task goes by
        the words an acronym stands for ("facial sketch synthesis" for FSS), since a task's acronym is
        rarely known outside the papers that define it."""
        type_ = self.types[entity]
        if type_ == "task":
            keys = {self.resolver.key(s) for s in surfaces}
            long_keys = {k for key in keys for k in self.resolver.pairs.get((type_, key), {})}
            spelled = {s: n for s, n in surfaces.items() if self.resolver.key(s) in long_keys}
            if spelled:
                return min(spelled.items(), key=_most_used)[0]
        top = min(surfaces.items(), key=_most_used)[0]
        top_key = self.resolver.key(top)
        # only the long form yields to its coined name: "SFT" is not relabelled "SfT", nor "GPT-4o" "GPT4o"
        coined = {
            s: n
            for s, n in surfaces.items()
            if is_coined(s)
            and compact(self.resolver.key(s)) != compact(top_key)  # "GPT-4o (GPT4o)" defines nothing
            and top_key in self.resolver.pairs.get((type_, self.resolver.key(s)), {})
        }
        return min(coined.items(), key=_most_used)[0] if coined else top

    def n_papers(self, entity: str) -> int:
        return len(self.papers.get(entity, ()))


def _most_used(surface_count: tuple[str, int]) -> tuple[int, int, str]:
    """Sort key of a surface form: the most used first, then the longest, then alphabetical."""
    surface, count = surface_count
    return (-count, -len(surface), surface)


def _floor(link: Link) -> float:
    """The specificity below which no context makes the link: lower for a task its paper's title names
    by a task's head word ("... for Gait Measurements"; not "... of Semantic and Visual Representations")."""
    if link.mentions[0].type is EntityType.TASK and any(
        m.field == "title" and names_a_task(mention_name(m).split()) for m in link.mentions
    ):
        return TITLE_TASK_MIN_SPECIFICITY
    return MIN_SPECIFICITY


def _named_as_own(link: Link) -> bool:
    """Whether the paper names the entity as its own with a cue ("we propose Endoshare", "LLM-Sieve:" in
    the title): a coined name whose words look generic ("LLM-Sieve") is still the paper's contribution."""
    return any(m.source.startswith("pattern:") and m.role in _OWN for m in link.mentions)


def _generic_whatever_its_type(vocabulary: object, text: str) -> bool:
    """Whether the vocabulary knows ``text`` only as terms that are not things ("NLP", "MRI"): such a name
    is no dataset, method or task whatever the NER typed it."""
    known = vocabulary.terms_named(text).values()  # type: ignore[attr-defined]
    return bool(known) and all(t.generic for t in known)
