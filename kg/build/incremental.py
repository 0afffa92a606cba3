"""Incremental resolution: an update resolves only what its papers touch, and gets what a full build gets.

A build that keeps its state saves its resolution next to its outputs (``build.state``): the resolver's counts, the
clusters with their ids, per entity its surface forms, papers and type, per key the papers that mention it,
and where each paper lies in the spool. ``update`` then changes that resolution in place:

1. the replaced papers' links and mentions are taken out of the counts, the new papers' mentions put in;
2. the neighbourhood of the keys whose counts changed is clustered again: every key that a join (same
   vocabulary term, same compact key, abbreviation and long form) reaches from them, and every key of
   their previous clusters, until nothing more is reached. ``resolve.cluster`` only joins keys that such
   an edge links, so clusters outside the neighbourhood are what a full build makes of them;
3. the new clusters are named, and every id clash they take part in (in or out of the neighbourhood) is
   settled again;
4. the papers that mention a key whose entity changed are read back from the spool and linked again;
5. the entities whose record may have changed are returned: those of the papers linked again, removed or
   added, and those whose broader entities may have changed (a version whose base key changed entity; a
   vocabulary term whose broader term appeared or went).

The tests compare an update with a full build of the same papers, file for file and triple for triple.
"""

from __future__ import annotations

import gc
import marshal
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kg.errors import StoreError
from kg.records import Link, PaperMentions
from kg.resolve import EntityTable, Key, Resolver, base_id, cluster, compact, settled_ids

if TYPE_CHECKING:
    from kg.vocabulary import Vocabulary

STATE_NAME = "build.state"
#: the first bytes of a state file of this format (3: parts marshalled one by one behind their lengths)
_MAGIC = b"kg-state-3\n"


def save_state(table: EntityTable, positions: dict[str, tuple[int, int]], path: str | Path) -> None:
    """Write a resolution (whose ``entities()`` were made) and the spool position of every paper to
    ``path``, less what ``load_state`` derives again (singleton clusters, empty lookups, members, types).

    Each part is marshalled on its own, behind its length: marshalling the whole tuple at once held a
    buffer of up to twice the file's size (about 170 MB on the corpus) at a build's largest.
    """
    resolver = table.resolver
    parts = (
        resolver.surfaces,
        resolver.vocabulary_seen,
        resolver.pairs,
        {k: v for k, v in table.lookups.items() if v},
        {k: r for k, r in table.root.items() if r != k},
        {r: v for r, v in table.cluster_vocab.items() if v},
        table.ambiguous,
        table.ids,
        {r: b for r, b in table.base_ids.items() if b != table.ids[r]},
        table.surfaces,
        table.papers,
        table.key_papers,
        {e: b for e, b in table.bases.items() if b},
        positions,
    )
    with open(path, "wb") as out:
        out.write(_MAGIC)
        for part in parts:
            data = marshal.dumps(part)
            out.write(len(data).to_bytes(8, "little"))
            out.write(data)
            del data


def _read_parts(data: bytes) -> Iterator[Any]:
    """The values ``save_state`` wrote into ``data`` (after its magic), in order."""
    view, at = memoryview(data), len(_MAGIC)
    while at < len(data):
        size = int.from_bytes(view[at : at + 8], "little")
        if size == 0 or at + 8 + size > len(data):
            raise ValueError(f"a part of {size} bytes at byte {at} runs past the end ({len(data)} bytes)")
        yield marshal.loads(view[at + 8 : at + 8 + size])
        at += 8 + size


def load_state(
    path: str | Path, vocabulary: object | None, specificity: bool = True
) -> tuple[EntityTable, dict[str, tuple[int, int]]] | None:
    """The resolution saved at ``path`` and the spool positions, or ``None`` when there is none (or of
    another format: the update then resolves every paper again)."""
    enabled = gc.isenabled()
    gc.disable()  # millions of small containers: the collector would walk them again and again while loading
    try:
        data = Path(path).read_bytes()
        if not data.startswith(_MAGIC):
            return None  # another format: the update resolves every paper again
        state = tuple(_read_parts(data))
        if len(state) != 14:
            raise ValueError(f"{len(state)} parts where there should be 14")
        (
            surfaces,
            vocabulary_seen,
            pairs,
            lookups,
            roots,
            cluster_vocab,
            ambiguous,
            ids,
            base_ids,
            entity_surfaces,
            papers,
            key_papers,
            bases,
            positions,
        ) = state
        resolver = Resolver(vocabulary, specificity)
        resolver.surfaces, resolver.vocabulary_seen, resolver.pairs = surfaces, vocabulary_seen, pairs
        table = EntityTable.__new__(EntityTable)
        table.resolver, table.lookups, table.ambiguous, table.ids = resolver, lookups, ambiguous, ids
        table._specific = {}
        table.root = {key: key for key in surfaces}
        table.root.update(roots)
        table.cluster_vocab = {r: cluster_vocab.get(r, "") for r in ids}
        table.members = defaultdict(list)
        for key, cluster_root in table.root.items():
            table.members[cluster_root].append(key)
        table.base_ids = {r: base_ids.get(r, i) for r, i in ids.items()}
        table.holders = defaultdict(list)
        for cluster_root, name in table.base_ids.items():
            table.holders[name].append(cluster_root)
        table.surfaces, table.papers, table.key_papers, table.bases = entity_surfaces, papers, key_papers, bases
        table.types = {e: e.partition("/")[0] for e in entity_surfaces}  # ids are "type/name"
        return table, positions
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as err:
        raise StoreError(f"{path}: damaged build state ({err}); rebuild without --update") from err
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Update:
    """What an update changed: every paper linked again or added, with its links, and the links of the
    papers linked again or replaced as they were; the entities whose record may have changed (present in
    the new build) and those gone."""

    links: dict[str, tuple[PaperMentions, tuple[Link, ...]]]
    old_links: dict[str, tuple[PaperMentions, tuple[Link, ...]]]  # what those papers were before
    entities: frozenset[str]
    removed_entities: frozenset[str]
    relinked: int


def update(
    table: EntityTable,
    removed: Sequence[PaperMentions],
    added: Sequence[PaperMentions],
    read: Callable[[set[str]], Iterable[PaperMentions]],
) -> Update:
    """Take the ``removed`` papers out of a resolution and put the ``added`` ones in (see the module
    docstring); ``read`` gives back the kept papers of a set of ids, to link again."""
    existed: dict[str, bool] = {}  # entity -> whether it was linked before the update
    touched_entities: set[str] = set()
    old_links: dict[str, tuple[PaperMentions, tuple[Link, ...]]] = {}

    def counted(item: PaperMentions, links: tuple[Link, ...], sign: int) -> None:
        for link in links:
            existed.setdefault(link.entity_id, link.entity_id in table.surfaces)
        touched_entities.update(table.count(item, links, sign))
        if sign < 0:
            old_links[item.paper.id] = (item, links)

    for item in removed:
        counted(item, table.links_of(item), -1)
    touched = _observed(table, removed, added)
    reached = _neighbourhood(table, touched)
    clusters = _Clusters(table, reached)
    changed = clusters.changed_keys()
    relink = set().union(*(table.key_papers.get(k, ()) for k in changed)) - {item.paper.id for item in added}
    kept = list(read(relink)) if relink else []
    for item in kept:
        counted(item, table.links_of(item), -1)
    clusters.replace()
    links: dict[str, tuple[PaperMentions, tuple[Link, ...]]] = {}
    for item in [*kept, *added]:
        item_links = table.links_of(item)
        counted(item, item_links, 1)
        links[item.paper.id] = (item, item_links)
    came_or_went = {e for e, before in existed.items() if before != (e in table.surfaces)}
    again = touched_entities | _broader_dependents(table, reached | changed, came_or_went)
    gone = frozenset(e for e in again if e not in table.surfaces)
    for entity in gone:  # (the others' bases are set again when their records are made)
        table.bases.pop(entity, None)
    return Update(links, old_links, frozenset(again) - gone, gone, len(kept))


def _observed(table: EntityTable, removed: Sequence[PaperMentions], added: Sequence[PaperMentions]) -> set[Key]:
    """The resolver's counts less the removed papers and plus the added ones; the keys whose counts
    changed (their lookups are made again)."""
    resolver = table.resolver
    touched: set[Key] = set()
    for item in removed:
        touched |= resolver.observe(item, -1)
    for item in added:
        touched |= resolver.observe(item, 1)
    for key in touched:
        if key in resolver.surfaces:
            table.lookups[key] = resolver.lookup(key)
        else:
            table.lookups.pop(key, None)
    return touched


class _Clusters:
    """The keys ``reached`` clustered again, their ids settled with the clusters that share a base id."""

    def __init__(self, table: EntityTable, reached: set[Key]) -> None:
        resolver = table.resolver
        self.table, self.reached = table, reached
        present = [k for k in reached if k in resolver.surfaces]
        self.root, self.cluster_vocab, self.ambiguous = cluster(present, table.lookups, resolver.pairs)
        self.members: dict[Key, list[Key]] = defaultdict(list)
        for key, cluster_root in self.root.items():
            self.members[cluster_root].append(key)
        self.base_ids = {r: base_id(keys, self.cluster_vocab[r], resolver.pairs) for r, keys in self.members.items()}
        self.old_roots = {table.root[k] for k in reached if k in table.root}
        self.ids = self._settled()

    def _settled(self) -> dict[Key, str]:
        """Every base id the old or new clusters hold: the clusters holding it now settle their ids again."""
        table = self.table
        names = {table.base_ids[r] for r in self.old_roots} | set(self.base_ids.values())
        holders = {name: [r for r in table.holders.get(name, ()) if r not in self.old_roots] for name in names}
        for cluster_root, name in self.base_ids.items():
            holders[name].append(cluster_root)
        ids: dict[Key, str] = {}
        for roots in holders.values():
            vocab = {
                r: self.cluster_vocab[r] if r in self.cluster_vocab else table.cluster_vocab.get(r, "") for r in roots
            }
            keys = {r: self.members[r] if r in self.members else table.members[r] for r in roots}
            ids.update(
                settled_ids(roots, {**{r: table.base_ids.get(r, "") for r in roots}, **self.base_ids}, vocab, keys)
            )
        return ids

    def changed_keys(self) -> set[Key]:
        """Keys whose entity changes: in the neighbourhood, or in an untouched cluster whose id was settled anew."""
        table, root, ids = self.table, self.root, self.ids
        changed = {
            k
            for k in self.reached
            if table.entity_of(k) != (ids[root[k]] if k in root else None)
            or (k in table.ambiguous) != (k in self.ambiguous)
        }
        for cluster_root, new_id in ids.items():
            if cluster_root not in self.members and table.ids[cluster_root] != new_id:
                changed.update(table.members[cluster_root])
        return changed

    def replace(self) -> None:
        """The new clusters replace the old ones in the table."""
        table = self.table
        for cluster_root in self.old_roots:
            del table.members[cluster_root], table.ids[cluster_root]
            table.cluster_vocab.pop(cluster_root, None)
            name = table.base_ids.pop(cluster_root)
            table.holders[name].remove(cluster_root)
            if not table.holders[name]:
                del table.holders[name]
        for key in self.reached:
            table.root.pop(key, None)
            table.ambiguous.pop(key, None)
        table.root.update(self.root)
        table.ambiguous.update(self.ambiguous)
        table.members.update(self.members)
        table.cluster_vocab.update(self.cluster_vocab)
        table.base_ids.update(self.base_ids)
        for cluster_root, name in self.base_ids.items():
            table.holders.setdefault(name, []).append(cluster_root)
        table.ids.update(self.ids)


def _neighbourhood(table: EntityTable, touched: set[Key]) -> set[Key]:
    """The keys a join reaches from ``touched`` (in the new counts), with the keys of their old clusters."""
    resolver = table.resolver
    by_term: dict[str, list[Key]] = defaultdict(list)
    for key, term in table.lookups.items():
        if term:
            by_term[term].append(key)
    by_compact: dict[Key, list[Key]] = defaultdict(list)
    for key in resolver.surfaces:
        by_compact[(key[0], compact(key[1]))].append(key)
    shorts_of: dict[Key, list[Key]] = defaultdict(list)
    for short, longs in resolver.pairs.items():
        for long in longs:
            shorts_of[(short[0], long)].append(short)
    reached = set(touched)
    todo = list(touched)
    while todo:
        key = todo.pop()
        key_root = table.root.get(key)
        near: list[Key] = list(table.members.get(key_root, ())) if key_root is not None else []
        if key in resolver.surfaces:
            key_term = table.lookups.get(key)
            near += by_term[key_term] if key_term else []
            near += by_compact[(key[0], compact(key[1]))]
            near += [(key[0], long) for long in resolver.pairs.get(key, ())]
            near += shorts_of.get(key, [])
        for other in near:
            if other not in reached:
                reached.add(other)
                todo.append(other)
    return reached


def _broader_dependents(table: EntityTable, keys: set[Key], came_or_went: set[str]) -> set[str]:
    """Entities whose broader entities may have changed: a version of a key whose entity changed (or of a
    key of an entity that appeared or went), or a vocabulary term narrower than an entity that appeared
    or went."""
    bases = set(keys)
    for key, cluster_root in table.root.items() if came_or_went else ():
        if table.ids[cluster_root] in came_or_went:
            bases.add(key)
    out = {e for e, entity_bases in table.bases.items() if not bases.isdisjoint(entity_bases)}
    vocabulary = cast("Vocabulary | None", table.resolver.vocabulary)  # kg.resolve keeps it as an object
    if vocabulary is not None and came_or_went:
        out |= {
            term.id for term in vocabulary if term.id in table.surfaces and not came_or_went.isdisjoint(term.broader)
        }
    return out


def read_papers(
    spool: Path, positions: dict[str, tuple[int, int]], versions: dict[str, int]
) -> Callable[[set[str]], Iterator[PaperMentions]]:
    """A ``read`` for ``update``: the kept version of each paper asked for, from its chunk of ``spool``."""
    from kg.build.spool import read_spool_at

    def read(ids: set[str]) -> Iterator[PaperMentions]:
        missing = ids - positions.keys()
        if missing:
            raise StoreError(
                f"{spool}: the build state names no place for {len(missing)} papers "
                f"(e.g. {min(missing)}); rebuild without --update"
            )
        for item in read_spool_at(spool, [positions[pid] for pid in ids]):
            if item.paper.id in ids and (item.paper.version or 0) == versions.get(item.paper.id):
                yield item

    return read
