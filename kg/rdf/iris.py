"""The IRIs kg mints: papers, entities, annotations, components, activities, co-occurrences and labels
(``kg.rdf`` lists them); all deterministic, no blank nodes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef

from kg.config import Config
from kg.rdf.namespace import _IRI_SAFE, KGO, ROLE_PROPERTY
from kg.records import EntityType, Mention, Role


# ---------------------------------------------------------------------------------------------- IRIs
def _base(config: Config) -> str:
    base = config.base_iri
    return base if base.endswith(("/", "#")) else base + "/"


def _iri(config: Config, *parts: str) -> URIRef:
    return URIRef(_base(config) + "".join(quote(p, safe=_IRI_SAFE) for p in parts))


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


@lru_cache(maxsize=1 << 16)  # IRIs repeat across a paper's triples and entities across papers
def paper_iri(paper_id: str, config: Config = Config()) -> URIRef:
    """The IRI of a paper.

    >>> str(paper_iri("hep-th/9901001"))
    'https://w3id.org/kg/paper/hep-th/9901001'
    """
    return _iri(config, "paper/", paper_id)


@lru_cache(maxsize=1 << 16)
def entity_iri(entity_id: str, config: Config = Config()) -> URIRef:
    """The IRI of an entity: the base plus its id.

    >>> str(entity_iri("method/saanet", Config(base_iri="http://example.org/kg")))
    'http://example.org/kg/method/saanet'
    """
    return _iri(config, entity_id)


def annotation_iri(
    paper_id: str, entity_id: str, role: Role | str, field: str, start: int, end: int, config: Config = Config()
) -> URIRef:
    """The IRI of the evidence for one mention of a link; stable across runs.

    >>> str(annotation_iri("2201.00001", "dataset/imagenet", Role.USES, "title", 0, 8))
    'https://w3id.org/kg/annotation/2201.00001/039094006939'
    """
    return URIRef(_annotation_iri_text(paper_id, entity_id, role, field, start, end, config))


def _annotation_iri_text(
    paper_id: str, entity_id: str, role: Role | str, field: str, start: int, end: int, config: Config
) -> str:
    key = f"{entity_id}|{Role(role).value}|{field}|{start}|{end}"
    return _base(config) + "annotation/" + _quoted(paper_id) + "/" + _hash(key)


@lru_cache(maxsize=1 << 12)  # a paper's id is quoted once for all its annotations
def _quoted(part: str) -> str:
    return quote(part, safe=_IRI_SAFE)


@lru_cache(maxsize=1024)
def component_iri(name: str, config: Config = Config()) -> URIRef:
    """The IRI of an extraction component.

    >>> str(component_iri("pattern:title-colon"))
    'https://w3id.org/kg/component/pattern:title-colon'
    >>> str(component_iri("my rule/2"))
    'https://w3id.org/kg/component/my%20rule%2F2'
    """
    return URIRef(_base(config) + "component/" + quote(name or "unknown", safe=_IRI_SAFE[1:]))


@lru_cache(maxsize=1024)
def activity_iri(name: str, config: Config = Config()) -> URIRef:
    """The IRI of the extraction activity that a component performs (what ``prov:wasGeneratedBy`` names).

    >>> str(activity_iri("ner"))
    'https://w3id.org/kg/component/ner#extraction'
    """
    return URIRef(component_iri(name, config) + "#extraction")


def cooccurrence_iri(subject_id: str, object_id: str, config: Config = Config()) -> URIRef:
    """The IRI of the co-occurrence statistics of two entities."""
    return _iri(config, "cooccurrence/", subject_id, "/", object_id)


def label_iri(entity_id: str, form: str, config: Config = Config()) -> URIRef:
    """The IRI of the ``skosxl:Label`` of one surface form of an entity."""
    return URIRef(_label_iri_text(str(entity_iri(entity_id, config)), form))


def _label_iri_text(entity: str, form: str) -> str:
    return f"{entity}#label-{_hash(form)}"


def role_property(entity_type: EntityType | None, role: Role) -> URIRef:
    """The paper -> entity property for a role; ``kgo:mentionsEntity`` when the pair makes no sense.

    >>> role_property(EntityType.METHOD, Role.PROPOSES) == KGO.proposesMethod
    True
    """
    return ROLE_PROPERTY.get((entity_type, role), KGO.mentionsEntity)  # type: ignore[arg-type]


def _type_of(entity_id: str, mentions: Sequence[Mention] = ()) -> EntityType | None:
    try:
        return EntityType(entity_id.split("/", 1)[0])
    except ValueError:
        return mentions[0].type if mentions else None
