"""Paper-level scoring: the set of datasets, methods and tasks a paper is about, as a user sees it.

A gold paper (JSON Lines, one paper a line) carries its text and its entities::

    {"id": "2201.00001", "title": "PiFeNet: ...", "abstract": "...",
     "entities": [{"type": "method", "name": "PiFeNet", "surfaces": ["PiFeNet"], "role": "proposes"}]}

``surfaces`` are exact substrings of the title or abstract that name the entity. A predicted entity of a
paper is what the graph links to it: its type, its role, and the mentions behind the link. One gold and
one predicted entity of the same type match

* **exactly** when a predicted mention's text equals a gold surface (case and spacing ignored);
* **relaxed** when a predicted mention overlaps an occurrence of a gold surface in the text.

Each gold and each predicted entity is matched at most once (a maximum one-to-one matching per paper and
type). Precision, recall and F1 are micro-averaged over papers. Role accuracy is measured on the gold
entities with a paper-own role (``proposes``, ``introduces``) that were matched (relaxed): the share whose
predicted role agrees.

>>> gold = [PaperGold("p", "SAANet for counting", "We use ImageNet.", (
...     GoldEntity("method", "SAANet", ("SAANet",), "proposes"), GoldEntity("dataset", "ImageNet", ("ImageNet",), "uses")))]
>>> pred = {"p": [PredEntity("method", "method/saanet", "proposes", (("title", 0, 6, "SAANet"),)),
...               PredEntity("task", "task/counting", "addresses", (("title", 11, 19, "counting"),))]}
>>> s = score_papers(gold, pred)
>>> s.types["method"].exact.f1, s.types["dataset"].exact.recall, s.types["task"].exact.precision
(1.0, 0.0, 0.0)
>>> s.roles["proposes"]
(1, 1)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from kg.errors import InputError
from kg.evaluate import PRF, TYPES

#: roles that say the paper itself made the thing
OWN_ROLES = ("proposes", "introduces")


@dataclass(frozen=True, slots=True)
class GoldEntity:
    """One annotated entity of a paper."""

    type: str
    name: str
    surfaces: tuple[str, ...]
    role: str


@dataclass(frozen=True, slots=True)
class PaperGold:
    """One annotated paper: its text and its entity set."""

    id: str
    title: str
    abstract: str
    entities: tuple[GoldEntity, ...] = ()


@dataclass(frozen=True, slots=True)
class PredEntity:
    """One entity the graph links to a paper, with the mentions behind the link ``(field, start, end, text)``."""

    type: str
    entity: str
    role: str
    mentions: tuple[tuple[str, int, int, str], ...]


@dataclass(frozen=True, slots=True)
class TypeScores:
    """Exact and relaxed precision/recall/F1 of one type."""

    exact: PRF
    relaxed: PRF


@dataclass(frozen=True)
class PaperScores:
    """Scores per type (and ``all``), and role agreement per own role: (correct, matched gold)."""

    types: dict[str, TypeScores]
    roles: dict[str, tuple[int, int]] = field(default_factory=dict)


def read_paper_gold(path: str | Path) -> Iterator[PaperGold]:
    """Gold papers from a JSON Lines file; a malformed line raises :class:`InputError` naming it."""
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                entities = tuple(
                    GoldEntity(e["type"], e["name"], tuple(e["surfaces"]), e.get("role", "uses"))
                    for e in rec.get("entities", ())
                )
                yield PaperGold(str(rec["id"]), rec["title"], rec["abstract"], entities)
            except (ValueError, KeyError, TypeError) as err:
                raise InputError(
                    f"{path}:{n}: not a paper-level gold record ({err}); "
                    "each line needs id, title, abstract and entities with type, name, surfaces"
                ) from err


def predicted_entities(records: Iterable[Mapping[str, object]]) -> dict[str, list[PredEntity]]:
    """Per paper id, the entities of the extract contract's records (``kg extract`` lines), in graph only."""
    out: dict[str, list[PredEntity]] = {}
    for rec in records:
        by_entity: dict[str, list[Mapping[str, Any]]] = {}
        for m in cast("list[Mapping[str, Any]]", rec.get("mentions", ())):  # a JSON list of objects
            if m.get("in_graph", True) and m.get("entity"):
                by_entity.setdefault(m["entity"], []).append(m)
        out[str(rec["id"])] = [
            PredEntity(
                ms[0]["type"],
                entity,
                ms[0].get("link_role", ms[0]["role"]),
                tuple((m["field"], m["start"], m["end"], m["text"]) for m in ms),
            )
            for entity, ms in sorted(by_entity.items())
        ]
    return out


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


def occurrences(paper: PaperGold, surface: str) -> list[tuple[str, int, int]]:
    spans = []
    for name, text in (("title", paper.title), ("abstract", paper.abstract)):
        i = text.find(surface)
        while i >= 0:
            spans.append((name, i, i + len(surface)))
            i = text.find(surface, i + 1)
    return spans


def _matches(paper: PaperGold, g: GoldEntity, p: PredEntity, relaxed: bool) -> bool:
    if not relaxed:
        surfaces = {_norm(s) for s in g.surfaces} | {_norm(g.name)}
        return any(_norm(text) in surfaces for _, _, _, text in p.mentions)
    spans = [o for s in g.surfaces for o in occurrences(paper, s)]
    return any(f == gf and a < ge and gs < b for f, a, b, _ in p.mentions for gf, gs, ge in spans)


def matching(
    paper: PaperGold, gold: Sequence[GoldEntity], pred: Sequence[PredEntity], relaxed: bool
) -> list[tuple[int, int]]:
    """The pairs of a maximum one-to-one matching between gold and predicted entities."""
    edges = [(i, j) for i, g in enumerate(gold) for j, p in enumerate(pred) if _matches(paper, g, p, relaxed)]
    match_of_pred: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for gi, pj in edges:
            if gi == i and pj not in seen:
                seen.add(pj)
                if pj not in match_of_pred or augment(match_of_pred[pj], seen):
                    match_of_pred[pj] = i
                    return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in match_of_pred.items())


def score_papers(gold: Sequence[PaperGold], predicted: Mapping[str, Sequence[PredEntity]]) -> PaperScores:
    """Paper-level P/R/F1 per type and overall, exact and relaxed, and own-role agreement."""
    counts = {t: {"exact": PRF(0, 0, 0), "relaxed": PRF(0, 0, 0)} for t in (*TYPES, "all")}
    roles: dict[str, tuple[int, int]] = {r: (0, 0) for r in OWN_ROLES}
    for paper in gold:
        preds = predicted.get(paper.id, ())
        for type_ in TYPES:
            g = [e for e in paper.entities if e.type == type_]
            p = [e for e in preds if e.type == type_]
            for mode in ("exact", "relaxed"):
                pairs = matching(paper, g, p, mode == "relaxed")
                prf = PRF(len(pairs), len(p), len(g))
                counts[type_][mode] = counts[type_][mode] + prf
                counts["all"][mode] = counts["all"][mode] + prf
                if mode == "relaxed":
                    for i, j in pairs:
                        if g[i].role in roles:
                            ok, n = roles[g[i].role]
                            roles[g[i].role] = (ok + (p[j].role == g[i].role), n + 1)
    types = {t: TypeScores(c["exact"], c["relaxed"]) for t, c in counts.items()}
    return PaperScores(types, roles)


def format_paper_table(scores: PaperScores) -> str:
    """A plain-text table of the scores, one row per type, then the role agreement."""
    rows = ["type       gold  pred | exact P     R    F1 | relaxed P     R    F1"]
    for t, s in scores.types.items():
        e, r = s.exact, s.relaxed
        rows.append(
            f"{t:<9} {e.n_gold:>5} {e.n_pred:>5} |   {e.precision:.3f} {e.recall:.3f} {e.f1:.3f} |"
            f"     {r.precision:.3f} {r.recall:.3f} {r.f1:.3f}"
        )
    for role, (ok, n) in scores.roles.items():
        rows.append(f"role {role}: {ok}/{n} = {ok / n:.3f}" if n else f"role {role}: no matched gold entity")
    return "\n".join(rows)


def papers_jsonl(gold: Iterable[PaperGold]) -> Iterator[str]:
    """The gold papers as kg input lines (JSON Lines: id, title, abstract), for extraction."""
    for paper in gold:
        yield json.dumps({"id": paper.id, "title": paper.title, "abstract": paper.abstract}, ensure_ascii=False)
