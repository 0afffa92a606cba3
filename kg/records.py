"""Plain frozen records that cross stage boundaries: ingest -> extract -> resolve -> graph.

>>> p = Paper(id="2112.15589", version=1, title="T", abstract="A.")
>>> p.iri_id
'2112.15589'
>>> Mention(type=EntityType.DATASET, field="title", start=0, end=1, text="T").key[0]
'dataset'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class EntityType(str, Enum):
    """What an entity is."""

    DATASET = "dataset"
    METHOD = "method"
    TASK = "task"

    def __str__(self) -> str:
        return self.value


class Role(str, Enum):
    """What a paper does with an entity."""

    PROPOSES = "proposes"  # method
    USES = "uses"  # method or dataset
    INTRODUCES = "introduces"  # dataset
    ADDRESSES = "addresses"  # task

    def __str__(self) -> str:
        return self.value


class _Record:
    """Base of the records: pickled as a call of the class with the field values (a spool of a large
    build holds millions of records; restoring frozen dataclasses field by field took a third of reading
    one back)."""

    __slots__: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return type(self), tuple([getattr(self, name) for name in self.__slots__])


#: which roles are possible for which type, the first being the default
ROLES_BY_TYPE: dict[EntityType, tuple[Role, ...]] = {
    EntityType.METHOD: (Role.USES, Role.PROPOSES),
    EntityType.DATASET: (Role.USES, Role.INTRODUCES),
    EntityType.TASK: (Role.ADDRESSES,),
}

FIELDS = ("title", "abstract")


@dataclass(frozen=True, slots=True)
class Paper(_Record):
    """One paper as read: text kept exactly as in the input so that offsets stay valid."""

    id: str  # arXiv id without version, e.g. "2112.15589"
    version: int | None
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    date: str | None = None  # ISO date of the listing or of publication
    source: str = ""  # file it came from
    line: int = 0  # 1-based line where the record starts

    @property
    def iri_id(self) -> str:
        """The id used in IRIs (no version: a new version replaces the old one)."""
        return self.id

    def text(self, field_name: str) -> str:
        """The text of ``title`` or ``abstract``."""
        return self.title if field_name == "title" else self.abstract


@dataclass(frozen=True, slots=True)
class Mention(_Record):
    """One span of a title or abstract that names a dataset, method or task."""

    type: EntityType
    field: str  # "title" or "abstract"
    start: int  # character offsets into that field, end exclusive
    end: int
    text: str
    sentence: str = ""
    sentence_start: int = 0
    sentence_end: int = 0
    role: Role = Role.USES
    confidence: float = 1.0
    source: str = ""  # component that found it: "vocabulary", "ner", "pattern:...", "abbreviation"
    vocabulary_id: str = ""  # id in ontologies/vocabulary when the vocabulary knows it
    long_form: str = ""  # for an abbreviation, the long form defined in the same paper
    short_form: str = ""  # for a long form, the abbreviation defined in the same paper

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.type.value, self.field, self.start, self.end)


@dataclass(frozen=True, slots=True)
class Relation(_Record):
    """A typed relation stated in one sentence between two of a paper's mentions (``kg.extract.relations``):
    ``type`` is a lower-case SciER label such as ``used-for``; ``source`` names the pattern or model."""

    type: str
    head: Mention
    tail: Mention
    confidence: float = 1.0
    source: str = ""

    @property
    def evidence(self) -> Mention:
        """The argument whose sentence states the relation: the abstract's one when the other is the
        title's method that the sentence refers back to ("our method")."""
        return self.tail if self.head.field == "title" and self.tail.field != "title" else self.head


@dataclass(frozen=True, slots=True)
class PaperMentions(_Record):
    """A paper and what extraction found in it (relations only when asked for: ``Config.relations``)."""

    paper: Paper
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity(_Record):
    """One node per real thing, across papers."""

    id: str  # stable slug: "dataset/imagenet", "method/saanet"
    type: EntityType
    label: str
    aliases: tuple[tuple[str, int], ...] = ()  # (surface form, count), sorted
    vocabulary_id: str = ""
    broader: tuple[str, ...] = ()  # entity ids of broader entities (ImageNet-1k -> ImageNet)
    description: str = ""


@dataclass(frozen=True, slots=True)
class Link(_Record):
    """A paper -> entity edge with the mentions that support it."""

    paper_id: str
    entity_id: str
    role: Role
    mentions: tuple[Mention, ...] = field(default_factory=tuple)

    @property
    def confidence(self) -> float:
        return max((m.confidence for m in self.mentions), default=0.0)


@dataclass(frozen=True, slots=True)
class Reject(_Record):
    """A record that could not be read, and why."""

    source: str
    line: int
    reason: str
    hint: str = ""
    id: str = ""
    excerpt: str = ""
