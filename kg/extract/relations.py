"""Typed relations between the entities of a sentence: cue patterns (data, with ids) and a trained
pair classifier, as the spaCy component ``kg_relations`` run after the mentions are final.

The labels and their directions are SciER's (head -> tail): a method is *used-for* a task, a method is
*evaluated-with* or *trained-with* a dataset, a dataset is a *benchmark-for* a task, a method is
*compare-with* another (the one named first is the head), a part is *part-of* its whole, a kind is
*subclass-of* its family, a task is *subtask-of* a broader one, an abbreviation is *synonym-of* its long form.

Candidates are the ordered pairs of ``doc.spans["kg"]`` in one sentence whose types a label allows
(:data:`SIGNATURES`). Each is scored by the label's logistic regression (``kg/data/relations.json``, trained by
``scripts/train_relations.py``) and by the patterns (``relation_patterns.jsonl``); the best label of a
pair is kept when its score reaches the label's threshold and, where no pattern states it, the
structural checks of :mod:`kg.extract.relation_gate` pass. Found relations go to ``doc._.kg_relations``
as :class:`Found` tuples.

>>> words = "we evaluate YOLO on COCO".split()
>>> [(f.label, f.pattern) for f in match_patterns(words, (2, 3, "method"), (4, 5, "dataset"))]
[('evaluated-with', 'evaluated-with/on')]
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import relation_gate, relation_title
from kg.extract.components import sentence_of
from kg.extract.relation_patterns import LABELS, SIGNATURES, Arg, Pattern, _length, load_patterns, match_patterns

__all__ = [
    "LABELS",
    "SIGNATURES",
    "Found",
    "Model",
    "Relations",
    "classify",
    "load_patterns",
    "match_patterns",
    "pair_features",
]
from kg.records import Mention, Relation

_TYPES = {"DATASET": "dataset", "METHOD": "method", "TASK": "task"}
_LIST_WORDS = {",", "and", "or", ", and", ", or", "as well as"}
_THINGS = frozenset(
    "model models agent agents system systems graph graphs chain chains workflow workflows data dataset datasets "
    "network networks framework frameworks tool tools platform platforms".split()
)
_TITLE_LINKS = frozenset(
    "for with using via in on of to and or from by through based under without towards toward into across at as "
    "the a an beyond over against versus vs meets when where while within is are".split()
)
_OWN = frozenset({"our", "proposed", "novel", "new", "we"})
MAX_DISTANCE = 40  # tokens between the two arguments of a candidate


class Found(NamedTuple):
    """A relation on a spaCy doc: character offsets of head and tail, the label, score and source."""

    label: str
    head: tuple[int, int, str]  # start_char, end_char, type
    tail: tuple[int, int, str]
    confidence: float
    source: str


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-6" if n < 7 else "7-12" if n < 13 else "13+"


def pair_features(words: list[str], head: Arg, tail: Arg, others: int = 0, rivals: int = 0) -> list[str]:
    """Features of an ordered candidate pair for the classifier: the types, the order, the distance,
    the words between (all, first, last), the word before the pair, the last word of each argument,
    how many other entities lie between and how many other pairs of the same types the sentence has.

    >>> pair_features("YOLO on COCO".split(), (0, 1, "method"), (2, 3, "dataset"))[:5]
    ['sig=method>dataset', 'order=hf', 'dist=1', 'sig_order=method>dataset:hf', 'w=on']
    """
    head_first = head[0] < tail[0]
    first, second = (head, tail) if head_first else (tail, head)
    order = "hf" if head_first else "tf"
    between = [w.lower() for w in words[first[1] : second[0]]]
    sig = f"{head[2]}>{tail[2]}"
    feats = [f"sig={sig}", f"order={order}", f"dist={_bucket(len(between))}", f"sig_order={sig}:{order}"]
    feats += sorted({f"w={w}" for w in between[:8]} | {f"w={w}" for w in between[-4:]})
    if between:
        feats += [f"first={order}:{between[0]}", f"last={order}:{between[-1]}"]
        if len(between) > 1:
            feats.append(f"first2={order}:{between[0]} {between[1]}")
            feats.append(f"last2={order}:{between[-2]} {between[-1]}")
    else:
        feats.append(f"adjacent={order}")
    before = words[first[0] - 1].lower() if first[0] > 0 else "<s>"
    after = words[second[1]].lower() if second[1] < len(words) else "</s>"
    feats += [f"before={before}", f"after={after}", f"around={order}:{before}|{after}"]
    feats.append(f"h_last={words[head[1] - 1].lower()}")
    feats.append(f"t_last={words[tail[1] - 1].lower()}")
    feats.append(f"h_first={words[head[0]].lower()}")
    feats.append(f"t_first={words[tail[0]].lower()}")
    feats += [f"bi={a} {b}" for a, b in zip(between[:6], between[1:6])]
    own = {w.lower() for w in words[max(0, head[0] - 3) : head[0]]} & _OWN
    if own:
        feats.append(f"own_head={sig}")
    feats.append(f"others={min(others, 3)}")
    feats.append(f"rivals={sig}:{min(rivals, 3)}")
    return feats


@dataclass(frozen=True)
class Model:
    """Per label: feature weights of a logistic regression and the threshold a relation needs."""

    weights: dict[str, dict[str, float]]
    thresholds: dict[str, float]

    @classmethod
    def load(cls, path: str = "") -> Model:
        file = Path(path or Path(str(resources.files("kg.data"))) / "relations.json")
        if not file.is_file():
            return cls({}, {})
        data = json.loads(file.read_text(encoding="utf-8"))
        return cls(data["weights"], data["thresholds"])

    def probability(self, label: str, feats: list[str]) -> float:
        weights = self.weights.get(label)
        if not weights:
            return 0.0
        z = weights.get("bias", 0.0) + sum(map(weights.get, feats, repeat(0.0)))  # map: no Python loop per feature
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def candidates(spans: list[Arg]) -> Iterator[tuple[Arg, Arg, int, int]]:
    """Ordered (head, tail, entities between, other pairs of the same types) pairs of sentence spans
    whose types some label allows."""
    spans = sorted(spans)
    kinds = Counter(s[2] for s in spans)
    for i, a in enumerate(spans):
        for j in range(i + 1, len(spans)):
            b = spans[j]
            if b[0] < a[1]:
                continue  # overlapping spans
            if b[0] - a[1] > MAX_DISTANCE:
                break
            others = sum(1 for s in spans[i + 1 : j] if s[0] >= a[1] and s[1] <= b[0])
            for head, tail in ((a, b), (b, a)):
                if (head[2], tail[2]) in SIGNATURES:
                    same = head[2] == tail[2]
                    pairs = kinds[head[2]] * (kinds[head[2]] - 1) // 2 if same else kinds[head[2]] * kinds[tail[2]]
                    yield head, tail, others, pairs - 1


def classify(
    words: list[str],
    spans: list[Arg],
    model: Model,
    patterns: tuple[Pattern, ...],
    default_threshold: float = 0.5,
    title: bool = False,
    sure: dict[Arg, float] | None = None,
) -> list[tuple[str, Arg, Arg, float, str]]:
    """Relations of one sentence: (label, head, tail, confidence, source), at most one per pair; one
    the classifier alone finds must pass :func:`kg.extract.relation_gate.passes` (``sure``: the
    spans' mention confidences).

    >>> classify("Experiments on KITTI show that PointPillars is fast".split(),
    ...          [(2, 3, "dataset"), (5, 6, "method")], Model({}, {}), load_patterns())
    [('evaluated-with', (5, 6, 'method'), (2, 3, 'dataset'), 0.8, 'pattern:evaluated-with/experiments-show')]
    """
    best: dict[tuple[Arg, Arg], tuple[float, str, Arg, Arg, str]] = {}
    starts = {s[0] for s in spans}
    for head, tail, others, rivals in candidates(spans):
        if title and (_cut(words, head, starts) or _cut(words, tail, starts)) or _thing(words, head, tail):
            continue
        hits = match_patterns(words, head, tail, patterns, title) if others == 0 or head[2] != tail[2] else []
        feats: list[str] | None = None  # worked out for the first label that passes the gate
        pattern_score = {h.label: h for h in sorted(hits, key=lambda h: h.confidence)}  # the surest last
        for label in SIGNATURES[(head[2], tail[2])]:
            if label == "synonym-of" and not _abbreviates(words, head, tail):
                continue  # SciER's direction: the abbreviation is the head
            hit = pattern_score.get(label)
            if not hit and not relation_gate.passes(label, words, head, tail, spans, sure, rivals):
                continue
            if label == "evaluated-with" and relation_gate.pretraining(words, head, tail):
                continue
            if feats is None:
                feats = pair_features(words, head, tail, others, rivals) if model.weights else []
            p = model.probability(label, feats) if feats else 0.0
            score, source = (max(hit.confidence, p), f"pattern:{hit.pattern}") if hit else (p, "classifier")
            if hit and p and model.weights.get(label):
                score = round(0.5 * hit.confidence + 0.5 * max(p, hit.confidence * 0.8), 4)
            if score < model.thresholds.get(label, default_threshold):
                continue
            key = (min(head, tail), max(head, tail))
            if key not in best or score > best[key][0]:
                best[key] = (round(score, 4), label, head, tail, source)
    found = [(label, head, tail, score, source) for score, label, head, tail, source in best.values()]
    return sorted(found + _conjuncts(words, spans, found), key=lambda r: (r[1], r[2], r[0]))


def _abbreviates(words: list[str], head: Arg, tail: Arg) -> bool:
    """Whether ``head`` may abbreviate ``tail``: at most three words ("I 3 D" in tokenised text), shorter,
    and starting with the letter the long form starts with ("MOO-GA" and "Multi-objective Genetic Algorithm"; not "EVA02" and "vision transformers").

    >>> words = "Multi-objective Genetic Algorithm ( MOO-GA ) and vision transformers ( EVA02 )".split()
    >>> _abbreviates(words, (4, 5, "method"), (0, 3, "method")), _abbreviates(words, (10, 11, "method"), (7, 9, "method"))
    (True, False)
    """
    short, long = words[head[0] : head[1]], words[tail[0] : tail[1]]
    return (
        len(short) <= 3 and _length(words, head) < _length(words, tail) and short[0][:1].lower() == long[0][:1].lower()
    )


def _thing(words: list[str], head: Arg, tail: Arg) -> bool:
    """Whether a task argument names a thing, not a task ("text-to-video models", "dialogue agents")."""
    return any(arg[2] == "task" and words[arg[1] - 1].lower() in _THINGS for arg in (head, tail))


def _cut(words: list[str], arg: Arg, starts: set[int]) -> bool:
    """In a title in title case, a name that a capitalised word other than a linking word follows was
    likely cut short by the NER ("Long-Term Conversational" of "... Conversational Agents").

    >>> words = "HiGMem : A Memory System for Long-Term Conversational Agents".split()
    >>> _cut(words, (6, 8, "task"), set()), _cut(words, (0, 1, "method"), set())
    (True, False)
    """
    if arg[1] >= len(words) or arg[1] in starts:
        return False
    after = words[arg[1]]
    return after[:1].isupper() and after.lower() not in _TITLE_LINKS


def _conjuncts(
    words: list[str], spans: list[Arg], found: list[tuple[str, Arg, Arg, float, str]]
) -> list[tuple[str, Arg, Arg, float, str]]:
    """A pattern relation to one member of a list ("on KITTI, nuScenes and Waymo") holds for the others."""
    spans = sorted(spans)
    taken = {(h, t) for _, h, t, _, _ in found} | {(t, h) for _, h, t, _, _ in found}
    extra = []
    for label, head, tail, score, source in found:
        if not source.startswith("pattern:") or label == "synonym-of":  # a name has one long form
            continue
        for side in ("head", "tail"):
            arg, other = (head, tail) if side == "head" else (tail, head)
            i = spans.index(arg)
            for step in (1, -1):
                j, prev = i + step, arg
                while 0 <= j < len(spans) and spans[j][2] == arg[2] and spans[j] != other:
                    gap = words[prev[1] : spans[j][0]] if step == 1 else words[spans[j][1] : prev[0]]
                    if " ".join(gap).lower() not in _LIST_WORDS:
                        break
                    pair = (spans[j], other) if side == "head" else (other, spans[j])
                    if pair not in taken:
                        taken.add(pair)
                        extra.append((label, pair[0], pair[1], round(score * 0.95, 4), source + "+list"))
                    prev, j = spans[j], j + step
    return extra


def to_records(found: Iterable[Found], mentions: Iterable[Mention], abstract_start: int) -> tuple[Relation, ...]:
    """The relations of a doc as records between the paper's final mentions (those both of whose
    arguments survived extraction), in text order.

    >>> from kg.records import EntityType
    >>> m = [Mention(EntityType.METHOD, "abstract", 3, 7, "YOLO"), Mention(EntityType.DATASET, "abstract", 11, 15, "COCO")]
    >>> r = to_records([Found("evaluated-with", (8, 12, "method"), (16, 20, "dataset"), 0.7, "pattern:x")], m, 5)
    >>> r[0].type, r[0].head.text, r[0].tail.text
    ('evaluated-with', 'YOLO', 'COCO')
    """
    at = {
        (
            m.start + (0 if m.field == "title" else abstract_start),
            m.end + (0 if m.field == "title" else abstract_start),
        ): m
        for m in mentions
    }
    out = []
    for f in found:
        head, tail = at.get(f.head[:2]), at.get(f.tail[:2])
        if head is not None and tail is not None:
            out.append(Relation(f.label, head, tail, f.confidence, f.source))
    order = {"title": 0, "abstract": 1}
    return tuple(
        sorted(
            out,
            key=lambda r: (order[r.head.field], min(r.head.start, r.tail.start), r.head.start, r.tail.start, r.type),
        )
    )


class Relations:
    """The ``kg_relations`` component: relations between the final mentions of each sentence."""

    def __init__(
        self, patterns_path: str = "", model_path: str = "", min_mention_confidence: float = 0.5, threshold: float = 0.5
    ) -> None:
        self.patterns = load_patterns(patterns_path)
        self.model = Model.load(model_path)
        self.min_mention_confidence = min_mention_confidence
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        confidence = doc.user_data.get("kg_confidence", {})
        by_sentence: dict[tuple[int, int], list] = {}
        for span in doc.spans.get("kg", []):
            if _sureness(confidence, span) >= self.min_mention_confidence:
                by_sentence.setdefault(sentence_of(doc, span.start), []).append(span)
        title_end = int(doc.user_data.get("kg_title_end", 0))
        own = None
        if title_end:
            kept = [s for spans in by_sentence.values() for s in spans]
            own = relation_title.title_method(doc, kept, title_end, doc.user_data.get("kg_roles", {}))
        found: list[Found] = []
        for (start, end), spans in sorted(by_sentence.items()):
            words = [t.text for t in doc[start:end]]
            sure = {(s.start - start, s.end - start, _TYPES[s.label_]): _sureness(confidence, s) for s in spans}
            args = [(s.start - start, s.end - start, _TYPES[s.label_]) for s in spans if s.end <= end]
            in_title = doc[start].idx < title_end
            if len(args) >= 2:
                for label, head, tail, score, source in classify(
                    words, args, self.model, self.patterns, self.threshold, in_title, sure
                ):
                    found.append(Found(label, _chars(doc, start, head), _chars(doc, start, tail), score, source))
            if own is not None and not in_title:
                found += self._through_title(doc, start, words, args, own, sure)
        doc._.kg_relations = found
        return doc

    def _through_title(
        self, doc: Doc, start: int, words: list[str], args: list[Arg], own, sure: dict[Arg, float]
    ) -> list[Found]:
        """Relations of an abstract sentence whose one argument refers back to the title's method."""
        refs = relation_title.references(words, args, own.text)
        out = []
        if refs and args:
            title_arg = (own.start_char, own.end_char, "method")
            for relation in classify(words, args + refs, self.model, self.patterns, self.threshold, sure=sure):
                via = relation_title.through_reference(relation, refs)
                if via is not None and doc[via[2][0] + start : via[2][1] + start].text != own.text:
                    label, title_is_head, other, score, source = via
                    pair = (title_arg, _chars(doc, start, other))
                    head, tail = pair if title_is_head else pair[::-1]
                    out.append(Found(label, head, tail, score, source))
        return out


def _sureness(confidence: dict, span) -> float:
    """A mention's confidence (the merge component's, 0.7 where it gave none)."""
    return float(confidence.get((span.start_char, span.end_char), 0.7))


def _chars(doc: Doc, start: int, arg: Arg) -> tuple[int, int, str]:
    span = doc[arg[0] + start : arg[1] + start]
    return span.start_char, span.end_char, arg[2]


if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=None)


@Language.factory(
    "kg_relations",
    default_config={"patterns_path": "", "model_path": "", "min_mention_confidence": 0.5, "threshold": 0.5},
)
def make_relations(
    nlp: Language, name: str, patterns_path: str, model_path: str, min_mention_confidence: float, threshold: float
) -> Relations:
    """Typed relations between the mentions of a sentence (see the module docstring)."""
    return Relations(patterns_path, model_path, min_mention_confidence, threshold)
