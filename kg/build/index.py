"""The digests a build keeps of each paper and entity (``build.index``): what an update compares to find
what changed (``kg.build.delta``, ``kg.build.update``).
"""

from __future__ import annotations

import gzip
import hashlib
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import StoreError
from kg.records import Entity, Link, PaperMentions

INDEX_NAME = "build.index"
_INDEX_FORMAT = 1


# ------------------------------------------------------------------------------------------- digests
def paper_digest(item: PaperMentions, links: Sequence[Link]) -> bytes:
    """A digest of everything a paper's triples are made of: the paper as read and its links (entity,
    role and which of its mentions support each). Equal digests give equal triples (for one config).

    >>> from kg.records import Paper
    >>> item = PaperMentions(Paper("2201.00001", 1, "T", "A"), ())
    >>> paper_digest(item, ()) == paper_digest(item, ()), len(paper_digest(item, ()))
    (True, 16)
    """
    # the mentions are named by their place in the paper's record: the record (id, version, text) is the
    # same spooled one from build to build, and its mentions with it (the extraction settings are fixed)
    position = {id(m): i for i, m in enumerate(item.mentions)}
    links_part = [(l.entity_id, l.role.value, [position.get(id(m), repr(m)) for m in l.mentions]) for l in links]
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((item.paper, len(item.mentions), links_part)).encode("utf-8", "surrogatepass"))
    return digest.digest()


def entity_digest(entity: Entity, n_papers: int) -> bytes:
    """A digest of an entity's record and paper count: what its triples are made of.

    >>> from kg.records import EntityType
    >>> e = Entity("method/gan", EntityType.METHOD, "GAN")
    >>> entity_digest(e, 2) == entity_digest(e, 2) != entity_digest(e, 3)
    True
    """
    return hashlib.blake2b(repr((entity, n_papers)).encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass
class Index:
    """What a build keeps for the next update: a digest per paper and per entity (with its label, which
    ``mentions.jsonl`` repeats on every mention)."""

    papers: dict[str, bytes] = field(default_factory=dict)
    entities: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    def save(self, path: str | Path) -> None:
        with gzip.open(Path(path), "wb", compresslevel=1) as out:
            pickle.dump(
                {"format": _INDEX_FORMAT, "papers": self.papers, "entities": self.entities},
                out,
                protocol=pickle.HIGHEST_PROTOCOL,
            )

    @classmethod
    def load(cls, path: str | Path) -> Index | None:
        """The index at ``path``, or ``None`` when there is none (or of another format)."""
        try:
            with gzip.open(Path(path), "rb") as handle:
                data = pickle.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, EOFError, pickle.UnpicklingError) as err:
            raise StoreError(f"{path}: damaged build index ({err}); rebuild without --update") from err
        if not isinstance(data, dict) or data.get("format") != _INDEX_FORMAT:
            return None
        return cls(data["papers"], data["entities"])

    def changed_papers(self, new: Index) -> set[str]:
        """Papers of ``new`` that are not in this index with the same digest."""
        return {pid for pid, digest in new.papers.items() if self.papers.get(pid) != digest}

    def removed_papers(self, new: Index) -> set[str]:
        return set(self.papers) - set(new.papers)

    def changed_entities(self, new: Index) -> set[str]:
        """Entities of ``new`` that are new or whose record or paper count changed."""
        return {eid for eid, (digest, _) in new.entities.items() if self.entities.get(eid, (None,))[0] != digest}

    def removed_entities(self, new: Index) -> set[str]:
        return set(self.entities) - set(new.entities)

    def relabelled(self, new: Index) -> set[str]:
        """Entities present in both whose label changed."""
        return {
            eid for eid, (_, label) in new.entities.items() if eid in self.entities and self.entities[eid][1] != label
        }


# ---------------------------------------------------------------------------------------- the delta
