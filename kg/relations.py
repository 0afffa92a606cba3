"""Relations after extraction: the ``kg extract --relations`` contract and ``kg eval --relations``.

Each relation of a paper's record is::

    {"type": "evaluated-with",
     "head": {"field": "abstract", "start": 10, "end": 14, "text": "YOLO", "entity": "method/yolo"},
     "tail": {"field": "abstract", "start": 18, "end": 22, "text": "COCO", "entity": "dataset/coco"},
     "confidence": 0.85, "sentence": "...", "source": "pattern:evaluated-with/on"}

``entity`` is ``null`` where the mention is not linked in the graph (docs/relations.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path

from kg.config import Config
from kg.records import Mention, Relation


def _argument(m: Mention, entity: str | None) -> dict[str, object]:
    return {"field": m.field, "start": m.start, "end": m.end, "text": m.text, "entity": entity}


def relation_records(relations: Iterable[Relation], entity_of: Mapping[int, str]) -> list[dict[str, object]]:
    """The JSON objects of a paper's relations; ``entity_of`` maps ``id(mention)`` to its entity id.

    >>> from kg.records import EntityType
    >>> h = Mention(EntityType.METHOD, "abstract", 0, 4, "YOLO", sentence="YOLO on COCO")
    >>> t = Mention(EntityType.DATASET, "abstract", 8, 12, "COCO", sentence="YOLO on COCO")
    >>> r = relation_records([Relation("evaluated-with", h, t, 0.7, "pattern:evaluated-with/on")], {id(t): "dataset/coco"})
    >>> r[0]["head"]["entity"], r[0]["tail"]["entity"], r[0]["sentence"]
    (None, 'dataset/coco', 'YOLO on COCO')
    """
    return [
        {
            "type": r.type,
            "head": _argument(r.head, entity_of.get(id(r.head))),
            "tail": _argument(r.tail, entity_of.get(id(r.tail))),
            "confidence": r.confidence,
            "sentence": r.evidence.sentence,
            "source": r.source,
        }
        for r in relations
    ]


def eval_relations(gold_path: str | Path, config: Config = Config(), fmt: str = "table") -> str:
    """``kg eval --relations``: SciER-format gold scored end to end and with the gold entities given."""
    from kg.extract.pipeline import make_nlp
    from kg.relation_eval import format_relation_table, predict, read_relation_gold, score_relations

    gold = read_relation_gold(gold_path)
    nlp = make_nlp(config.replace(relations=True))
    results = {
        name: score_relations(gold, predict(gold, nlp, gold_entities))
        for name, gold_entities in (("end-to-end", False), ("gold-entities", True))
    }
    if fmt == "json":
        return json.dumps(
            {name: {label: asdict(s) for label, s in scores.items()} for name, scores in results.items()}, indent=2
        )
    return "\n\n".join(
        f"{name} ({len(gold)} sentences)\n{format_relation_table(scores)}" for name, scores in results.items()
    )
