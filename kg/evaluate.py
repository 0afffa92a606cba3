"""Gold annotations of datasets, methods and tasks, and how extraction is scored against them.

The gold format is JSON Lines, one document a line::

    {"id": "p1", "text": "We train BERT on SQuAD.",
     "spans": [{"start": 9, "end": 13, "type": "method"}, {"start": 17, "end": 22, "type": "dataset"}]}

Offsets are character offsets into ``text``, end exclusive; ``type`` is one of ``dataset``, ``method``
and ``task``. Predictions are, per document, a sequence of ``(start, end, type)`` tuples in the same
convention.

Two matchings are scored, per type and micro-averaged over all types (``"all"``):

* **strict**: a predicted span counts when a gold span has exactly the same offsets and type;
* **relaxed**: a predicted span counts when it overlaps a gold span of the same type; each gold and each
  predicted span is matched at most once (a maximum one-to-one matching), so one long prediction
  covering two gold spans earns one hit, not two.

>>> gold = [GoldDoc("d", "We train BERT on SQuAD.", (GoldSpan(9, 13, "method"), GoldSpan(17, 22, "dataset")))]
>>> s = score(gold, [[(9, 13, "method"), (17, 20, "dataset")]])
>>> (s["method"].strict.f1, s["dataset"].strict.f1, s["dataset"].relaxed.f1)
(1.0, 0.0, 1.0)
>>> round(s["all"].strict.f1, 2)
0.5
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError

#: the entity types scored, in table order
TYPES: tuple[str, ...] = ("dataset", "method", "task")

Prediction = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One annotated span: character offsets into the document text (end exclusive) and its type."""

    start: int
    end: int
    type: str


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One annotated document."""

    id: str
    text: str
    spans: tuple[GoldSpan, ...] = ()

    def to_json(self) -> str:
        """The document as one gold JSONL line (without the newline).

        >>> GoldDoc("a", "BERT", (GoldSpan(0, 4, "method"),)).to_json()
        '{"id": "a", "text": "BERT", "spans": [{"start": 0, "end": 4, "type": "method"}]}'
        """
        return json.dumps(
            {
                "id": self.id,
                "text": self.text,
                "spans": [{"start": s.start, "end": s.end, "type": s.type} for s in self.spans],
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True, slots=True)
class PRF:
    """Counts and the precision, recall and F1 they give (0.0 where undefined)."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.n_pred + other.n_pred, self.n_gold + other.n_gold)


@dataclass(frozen=True, slots=True)
class Scores:
    """Strict and relaxed scores of one type (or of all types together)."""

    strict: PRF
    relaxed: PRF


def _bad(message: str, path: str, line: int, hint: str) -> InputError:
    return InputError(message, source=path, line=line, hint=hint)


def parse_gold_line(line: str, *, source: str = "", line_no: int = 0) -> GoldDoc:
    """One gold JSONL line as a :class:`GoldDoc`, checked.

    >>> parse_gold_line('{"id": "x", "text": "on COCO", "spans": [{"start": 3, "end": 7, "type": "dataset"}]}')
    GoldDoc(id='x', text='on COCO', spans=(GoldSpan(start=3, end=7, type='dataset'),))
    >>> parse_gold_line('{"id": "x", "text": "ab", "spans": [{"start": 1, "end": 5, "type": "task"}]}',
    ...                 source="g.jsonl", line_no=4)
    Traceback (most recent call last):
    ...
    kg.errors.InputError: g.jsonl:4: span 0 [1, 5) is outside the text of length 2 (offsets are characters, end exclusive)
    """
    hint_format = 'expected {"id": str, "text": str, "spans": [{"start": int, "end": int, "type": ...}]}'
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise _bad(f"not valid JSON: {e.msg}", source, line_no, hint_format) from None
    if not isinstance(obj, dict):
        raise _bad("a gold line must be a JSON object", source, line_no, hint_format)
    doc_id, text, spans = obj.get("id"), obj.get("text"), obj.get("spans", [])
    if not isinstance(doc_id, str) or not isinstance(text, str) or not isinstance(spans, list):
        raise _bad("'id' and 'text' must be strings and 'spans' a list", source, line_no, hint_format)
    out: list[GoldSpan] = []
    for i, sp in enumerate(spans):
        if not isinstance(sp, dict):
            raise _bad(f"span {i} is not an object", source, line_no, hint_format)
        start, end, typ = sp.get("start"), sp.get("end"), sp.get("type")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            raise _bad(f"span {i}: 'start' and 'end' must be integers", source, line_no, hint_format)
        if typ not in TYPES:
            raise _bad(f"span {i}: unknown type {typ!r}", source, line_no, f"valid: {', '.join(TYPES)}")
        if not 0 <= start < end <= len(text):
            raise _bad(
                f"span {i} [{start}, {end}) is outside the text of length {len(text)}",
                source,
                line_no,
                "offsets are characters, end exclusive",
            )
        out.append(GoldSpan(start, end, typ))
    return GoldDoc(doc_id, text, tuple(sorted(out, key=lambda s: (s.start, s.end, s.type))))


def read_gold(path: str | Path) -> Iterator[GoldDoc]:
    """The documents of a gold JSONL file, in file order; blank lines are skipped.

    Raises :class:`kg.errors.InputError` naming the file and the 1-based line of the first bad line.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    ...     _ = f.write('{"id": "a", "text": "BERT", "spans": [{"start": 0, "end": 4, "type": "method"}]}\\n')
    >>> [d.id for d in read_gold(f.name)]
    ['a']
    >>> os.remove(f.name)
    """
    source = str(path)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if line.strip():
                yield parse_gold_line(line, source=source, line_no=n)


def write_gold(path: str | Path, docs: Iterable[GoldDoc]) -> int:
    """Write documents as gold JSONL; returns how many were written."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(d.to_json() + "\n")
            n += 1
    return n


def _overlap(gold: tuple[int, int], pred: tuple[int, int]) -> bool:
    return pred[0] < gold[1] and gold[0] < pred[1]


def _max_matching(gold: Sequence, pred: Sequence, adjacent: Callable[[Any, Any], bool] = _overlap) -> int:
    """Size of a maximum one-to-one matching of gold and predicted items that are ``adjacent`` (by
    default: spans that overlap), by Kuhn's augmenting paths.

    >>> _max_matching([(0, 5), (6, 9)], [(0, 9)])
    1
    >>> _max_matching([(0, 5), (6, 9)], [(4, 7), (0, 2)])
    2
    """
    adj = [[j for j, p in enumerate(pred) if adjacent(g, p)] for g in gold]
    owner: list[int] = [-1] * len(pred)

    def augment(g: int, seen: list[bool]) -> bool:
        for p in adj[g]:
            if not seen[p]:
                seen[p] = True
                if owner[p] == -1 or augment(owner[p], seen):
                    owner[p] = g
                    return True
        return False

    return sum(augment(g, [False] * len(pred)) for g in range(len(gold)) if adj[g])


def score(
    gold: Sequence[GoldDoc],
    predicted: Sequence[Sequence[Prediction]],
    types: Sequence[str] = TYPES,
) -> dict[str, Scores]:
    """Strict and relaxed precision/recall/F1 per type and micro over all types (key ``"all"``).

    ``predicted[i]`` are the spans predicted for ``gold[i]``. Duplicate predictions count once;
    predictions of a type not in ``types`` are ignored.

    >>> g = [GoldDoc("d", "deep residual networks for image classification",
    ...              (GoldSpan(0, 22, "method"), GoldSpan(27, 47, "task")))]
    >>> s = score(g, [[(5, 22, "method"), (27, 47, "task"), (27, 32, "method")]])
    >>> s["method"].strict, s["method"].relaxed
    (PRF(tp=0, n_pred=2, n_gold=1), PRF(tp=1, n_pred=2, n_gold=1))
    >>> s["all"].relaxed.recall
    1.0
    >>> score([], [])["all"].strict.f1
    0.0
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predictions")
    strict = {t: PRF() for t in types}
    relaxed = {t: PRF() for t in types}
    for doc, preds in zip(gold, predicted):
        for t in types:
            g = sorted({(s.start, s.end) for s in doc.spans if s.type == t})
            p = sorted({(int(a), int(b)) for a, b, ty in preds if ty == t})
            exact = len(set(g) & set(p))
            strict[t] = strict[t] + PRF(exact, len(p), len(g))
            relaxed[t] = relaxed[t] + PRF(_max_matching(g, p), len(p), len(g))
    out = {t: Scores(strict[t], relaxed[t]) for t in types}
    out["all"] = Scores(sum(strict.values(), PRF()), sum(relaxed.values(), PRF()))
    return out


def format_table(scores: Mapping[str, Scores], column: str = "type", width: int = 8) -> str:
    """A plain-text table of the scores: one row per type (or per ``column``, ``width`` wide: a relation
    label), strict then relaxed P/R/F1.

    >>> g = [GoldDoc("d", "BERT", (GoldSpan(0, 4, "method"),))]
    >>> print(format_table(score(g, [[(0, 4, "method")]], types=("method",))))
    type       gold  pred | strict P     R    F1 | relaxed P     R    F1
    method        1     1 |   1.000 1.000 1.000 |    1.000 1.000 1.000
    all           1     1 |   1.000 1.000 1.000 |    1.000 1.000 1.000
    """
    lines = [f"{column:<{width}} {'gold':>6} {'pred':>5} | strict P     R    F1 | relaxed P     R    F1"]
    for t, s in scores.items():
        st, rl = s.strict, s.relaxed
        lines.append(
            f"{t:<{width}} {st.n_gold:>6} {st.n_pred:>5} | "
            f"  {st.precision:.3f} {st.recall:.3f} {st.f1:.3f} | "
            f"   {rl.precision:.3f} {rl.recall:.3f} {rl.f1:.3f}"
        )
    return "\n".join(lines)
