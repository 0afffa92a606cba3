"""Relation extraction scored against SciER-format gold (``kg eval --relations``).

Two gold formats are read, one sentence per :class:`RelSentence`:

* SciER's ``dev.jsonl``: ``doc_tokens``, ``sentences`` (token lists), per sentence ``ner``
  ``[start, end_inclusive, type]`` and ``relations`` ``[head_start, head_end, tail_start, tail_end, label]``
  (document token indices); a sentence's text is its tokens joined by single spaces;
* SciER's ``*.sentences.jsonl``: ``sentence``, ``ner`` ``[text, type]`` and ``rel_plus``
  ``["head:Type", "Label", "tail:Type"]`` (arguments found by their first occurrence in the sentence).

Labels are SciER's in lower case (``Used-For`` -> ``used-for``). A predicted relation counts

* **strict** when a gold relation has the same label and exactly the same head and tail spans and types;
* **relaxed** when a gold relation has the same label and types and its head and tail overlap the
  prediction's (a maximum one-to-one matching, :func:`kg.evaluate._max_matching`).

Two settings: **end to end** (the pipeline finds the entities too) and **gold entities** (the gold
spans are given to ``kg_relations``).

>>> gold = [RelSentence("s", "YOLO on COCO", (GoldSpan(0, 4, "method"), GoldSpan(8, 12, "dataset")),
...                     (("evaluated-with", (0, 4, "method"), (8, 12, "dataset")),))]
>>> s = score_relations(gold, [[("evaluated-with", (0, 4, "method"), (8, 11, "dataset"))]])
>>> s["evaluated-with"].strict.f1, s["evaluated-with"].relaxed.f1
(0.0, 1.0)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.evaluate import PRF, GoldSpan, Scores, _max_matching, format_table
from kg.extract.relations import LABELS

Arg = tuple[int, int, str]
Rel = tuple[str, Arg, Arg]


@dataclass(frozen=True, slots=True)
class RelSentence:
    """One gold sentence: its text, entity spans and relations (character offsets, end exclusive)."""

    id: str
    text: str
    entities: tuple[GoldSpan, ...]
    relations: tuple[Rel, ...]


def _label(name: str) -> str:
    return name.lower()


def _char_span(starts: list[int], tokens: list[str], offset: int, s: int, e: int) -> tuple[int, int]:
    """The characters of the document's tokens ``s..e`` in their sentence (``starts``: where each token
    of the sentence starts; ``offset``: the sentence's first token in the document)."""
    return starts[s - offset], starts[e - offset] + len(tokens[e - offset])


def _from_tokens(obj: dict) -> Iterator[RelSentence]:
    offset = 0
    for k, tokens in enumerate(obj["sentences"]):
        starts, pos = [], 0
        for tok in tokens:
            starts.append(pos)
            pos += len(tok) + 1
        span = functools.partial(_char_span, starts, tokens, offset)
        types = {(s, e): t.lower() for s, e, t in obj["ner"][k]}
        ents = tuple(GoldSpan(*a) for a in sorted((*span(s, e), t) for (s, e), t in types.items()))
        rels = tuple(
            sorted(
                (_label(lab), (*span(hs, he), types[(hs, he)]), (*span(ts, te), types[(ts, te)]))
                for hs, he, ts, te, lab in obj["relations"][k]
            )
        )
        yield RelSentence(f"{obj['doc_id']}/{k}", " ".join(tokens), ents, rels)
        offset += len(tokens)


def _from_sentence(obj: dict, n: int) -> RelSentence:
    text = obj["sentence"]
    found: dict[tuple[str, str], Arg] = {}
    for name, typ in obj["ner"]:
        i = text.find(name)
        if i >= 0:
            found[(name, typ)] = (i, i + len(name), typ.lower())
    rels = []
    for head, lab, tail in obj["rel_plus"]:
        h, t = tuple(head.rsplit(":", 1)), tuple(tail.rsplit(":", 1))
        if h in found and t in found:
            rels.append((_label(lab), found[h], found[t]))
    ents = tuple(GoldSpan(*a) for a in sorted(found.values()))
    return RelSentence(f"{obj.get('doc_id', '')}/{n}", text, ents, tuple(sorted(rels)))


def read_relation_gold(path: str | Path) -> list[RelSentence]:
    """The sentences of a SciER ``dev.jsonl`` or ``*.sentences.jsonl`` file, in file order.

    >>> import tempfile, os
    >>> line = {"doc_id": "d", "sentence": "BERT for QA", "ner": [["BERT", "Method"], ["QA", "Task"]],
    ...         "rel_plus": [["BERT:Method", "Used-For", "QA:Task"]]}
    >>> with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    ...     _ = f.write(json.dumps(line) + "\\n")
    >>> read_relation_gold(f.name)[0].relations
    (('used-for', (0, 4, 'method'), (9, 11, 'task')),)
    >>> os.remove(f.name)
    """
    out: list[RelSentence] = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                out.extend(_from_tokens(obj) if "doc_tokens" in obj else [_from_sentence(obj, n)])
            except (json.JSONDecodeError, KeyError, IndexError, TypeError, ValueError) as err:
                raise InputError(
                    f"not a SciER relation line: {err!r}",
                    source=str(path),
                    line=n,
                    hint="expected SciER dev.jsonl (doc_tokens, ner, relations) or "
                    "*.sentences.jsonl (sentence, ner, rel_plus)",
                ) from None
    return out


def _relaxed(gold: Rel, pred: Rel) -> bool:
    return (
        gold[0] == pred[0]
        and gold[1][2] == pred[1][2]
        and gold[2][2] == pred[2][2]
        and pred[1][0] < gold[1][1]
        and gold[1][0] < pred[1][1]
        and pred[2][0] < gold[2][1]
        and gold[2][0] < pred[2][1]
    )


def score_relations(
    gold: Sequence[RelSentence], predicted: Sequence[Iterable[Rel]], labels: Sequence[str] = LABELS
) -> dict[str, Scores]:
    """Strict and relaxed P/R/F1 per label and micro-averaged over ``labels`` (key ``"all"``);
    predictions of other labels are ignored, duplicates count once."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predictions")
    strict = {lab: PRF() for lab in labels}
    relaxed = {lab: PRF() for lab in labels}
    for sent, preds in zip(gold, predicted):
        pred_set = set(preds)
        for lab in labels:
            g = sorted(r for r in sent.relations if r[0] == lab)
            p = sorted(r for r in pred_set if r[0] == lab)
            strict[lab] += PRF(len(set(g) & set(p)), len(p), len(g))
            relaxed[lab] += PRF(_max_matching(g, p, _relaxed), len(p), len(g))
    out = {lab: Scores(strict[lab], relaxed[lab]) for lab in labels}
    out["all"] = Scores(sum(strict.values(), PRF()), sum(relaxed.values(), PRF()))
    return out


def predict(gold: Sequence[RelSentence], nlp, gold_entities: bool) -> list[list[Rel]]:
    """Relations the pipeline ``nlp`` (with ``kg_relations``) finds in each gold sentence; with
    ``gold_entities`` the gold spans replace the pipeline's mentions."""
    docs = prepared_docs(gold, nlp, gold_entities)
    return relations_found(gold, docs, nlp.get_pipe("kg_relations"), gold_entities)


def prepared_docs(gold: Sequence[RelSentence], nlp, gold_entities: bool) -> list:
    """One doc per gold sentence, its mentions found (by the pipeline, or the gold spans given) but no
    relations yet: what :func:`relations_found` runs the relation component on (again and again when
    thresholds are tuned). Each doc is one sentence to ``kg_relations``, as the gold says: SciER's
    tokenised text ("3 4 . 4 % on COCO") would otherwise be cut at the spaced-out full stops of numbers."""
    if not gold_entities:
        with nlp.select_pipes(disable=["kg_relations"]):
            docs = list(nlp.pipe((s.text for s in gold), batch_size=64))
    else:
        docs = []
        for sent in gold:
            doc = nlp.make_doc(sent.text)
            spans = [
                doc.char_span(e.start, e.end, label=e.type.upper(), alignment_mode="expand") for e in sent.entities
            ]
            doc.spans["kg"] = [s for s in spans if s is not None]
            doc.user_data["kg_confidence"] = {(s.start_char, s.end_char): 1.0 for s in doc.spans["kg"]}  # given
            docs.append(doc)
    for doc in docs:
        doc.user_data["kg_sentence_starts"] = [0]  # read by kg.extract.components.sentence_of
    return docs


def relations_found(gold: Sequence[RelSentence], docs: Sequence, component, gold_entities: bool) -> list[list[Rel]]:
    """The relations ``component`` (a ``kg_relations``) finds in the prepared docs of the gold sentences."""
    out = []
    for sent, doc in zip(gold, docs):
        found = component(doc)._.kg_relations or ()
        if gold_entities:
            out.append(
                [
                    (f.label, (*_gold_offsets(f.head, sent), f.head[2]), (*_gold_offsets(f.tail, sent), f.tail[2]))
                    for f in found
                ]
            )
        else:
            out.append([(f.label, f.head, f.tail) for f in found])
    return out


def _gold_offsets(arg: Arg, sent: RelSentence) -> tuple[int, int]:
    """A span expanded to whole tokens maps back to the gold span it came from."""
    for e in sent.entities:
        if e.start >= arg[0] and e.end <= arg[1] and e.type == arg[2]:
            return e.start, e.end
    return arg[0], arg[1]


def format_relation_table(scores: Mapping[str, Scores]) -> str:
    """One row per label, strict then relaxed P/R/F1.

    >>> from kg.evaluate import PRF, Scores
    >>> print(format_relation_table({"all": Scores(PRF(1, 2, 2), PRF(2, 2, 2))}))
    label             gold  pred | strict P     R    F1 | relaxed P     R    F1
    all                  2     2 |   0.500 0.500 0.500 |    1.000 1.000 1.000
    """
    return format_table(scores, column="label", width=15)
