"""A named-entity recogniser that tags each token with a BILUO label, then joins the tags into spans.

spaCy's transition-based ``ner`` decides one token at a time and, from spaCy 3.8.7 on, takes and drops
the GIL at every step, which made it most of kg's extraction time. This component scores every token at
once (the shared ``tok2vec`` plus a small maxout layer and a softmax over ``O`` and ``B/I/L/U-<label>``)
and decodes the best tags with a few array operations, so its cost is a matrix product per batch. It is
trained as spaCy trains a tagger, from the same ``doc.ents`` annotations as ``ner`` (missing tokens stay
missing), and writes ``doc.ents`` like ``ner``.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> ner = nlp.add_pipe("kg_biluo_ner", name="ner")
>>> for label in ("METHOD", "TASK"):
...     _ = ner.add_label(label)
>>> ner.labels
('B-METHOD', 'B-TASK', 'I-METHOD', 'I-TASK', 'L-METHOD', 'L-TASK', 'O', 'U-METHOD', 'U-TASK')
>>> import numpy
>>> doc = nlp.make_doc("BERT for question answering")
>>> scores = numpy.zeros((4, 9), dtype="f")
>>> for i, tag in enumerate(["U-METHOD", "O", "B-TASK", "L-TASK"]):
...     scores[i, ner.labels.index(tag)] = 1.0
>>> ner.set_annotations([doc], [scores])
>>> [(e.text, e.label_) for e in doc.ents]
[('BERT', 'METHOD'), ('question answering', 'TASK')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline.tagger import Tagger
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example, validate_examples
from spacy.util import registry
from thinc.api import Config, Maxout, Model, Softmax, chain, with_array
from thinc.types import Floats2d

_KINDS = "BILUO"

default_model_config = """
[model]
@architectures = "kg.BiluoTagger.v1"
hidden_width = 64
maxout_pieces = 2

[model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 64
depth = 2
embed_size = 2000
window_size = 1
maxout_pieces = 2
subword_features = true
"""
DEFAULT_MODEL = Config().from_str(default_model_config)["model"]


@registry.architectures("kg.BiluoTagger.v1")
def build_biluo_tagger(tok2vec: Model, hidden_width: int = 64, maxout_pieces: int = 2, nO: int | None = None) -> Model:
    """Token vectors -> a maxout layer -> softmax over the BILUO labels (``hidden_width=0``: softmax only)."""
    head = (
        Softmax(nO=nO)
        if not hidden_width
        else chain(Maxout(nO=hidden_width, nP=maxout_pieces, normalize=True, dropout=0.0), Softmax(nO=nO))
    )
    model: Model = chain(tok2vec, with_array(head))
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("output_layer", head)
    return model


@Language.factory(
    "kg_biluo_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"model": DEFAULT_MODEL, "label_smoothing": 0.0},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_biluo_ner(nlp: Language, name: str, model: Model, label_smoothing: float) -> BiluoNER:
    return BiluoNER(nlp.vocab, model, name, label_smoothing=label_smoothing)


def _ner_score(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    return get_ner_prf(examples, **kwargs)


class BiluoNER(Tagger):
    """Token-level BILUO tagging decoded into ``doc.ents``; trained from ``doc.ents`` annotations."""

    def __init__(self, vocab, model: Model, name: str = "ner", *, label_smoothing: float = 0.0) -> None:
        super().__init__(vocab, model, name, overwrite=True, scorer=_ner_score, label_smoothing=label_smoothing)

    @property
    def entity_labels(self) -> tuple[str, ...]:
        """The entity types (``METHOD``...), without the BILUO prefixes."""
        return tuple(sorted({tag[2:] for tag in self.labels if tag != "O"}))

    def add_label(self, label: str) -> int:
        """Add an entity type: its four BILUO tags (and ``O``)."""
        added = 0
        for tag in ("O", *(f"{kind}-{label}" for kind in "BILU")):
            added += super().add_label(tag)
        self.cfg["labels"].sort()
        return int(added > 0)

    def predict(self, docs: Sequence[Doc]) -> list[Floats2d]:
        """The tag probabilities of each doc (tokens x labels); nothing is decided yet."""
        if not any(len(doc) for doc in docs):
            return [self.model.ops.alloc2f(0, len(self.labels)) for _ in docs]
        return list(self.model.predict(docs))

    def set_annotations(self, docs: Iterable[Doc], scores: Sequence[Floats2d]) -> None:
        """Decode each doc's best tags into entity spans and set them as ``doc.ents``."""
        tables = self._tag_tables()
        names = self.entity_labels
        for doc, raw in zip(docs, scores):
            doc_scores = numpy.asarray(raw.get() if hasattr(raw, "get") else raw)  # a cupy array has .get()
            spans = [Span(doc, a, b, label=names[t]) for a, b, t in decode(doc_scores, tables)]
            doc.set_ents(spans, default="outside")

    def _tag_tables(self) -> TagTables:
        """The decoding tables of the current labels (each label's BILUO kind, index in ``"BILUO"``, and
        entity type, index in ``entity_labels`` or -1 for O), made once per label set."""
        cached = getattr(self, "_tables", None)
        if cached is not None and cached[0] == self.labels:
            return cached[1]
        names = self.entity_labels
        kind = numpy.array([_KINDS.index(tag[0]) for tag in self.labels], dtype="i")
        typ = numpy.array([names.index(tag[2:]) if tag != "O" else -1 for tag in self.labels], dtype="i")
        tables = TagTables(kind, typ)
        self._tables = (self.labels, tables)
        return tables

    def get_loss(self, examples: Iterable[Example], scores: Sequence[Floats2d]) -> tuple[float, Any]:
        """Cross-entropy against the BILUO tags of each example's entities; missing tokens add no loss."""
        from thinc.api import SequenceCategoricalCrossentropy

        validate_examples(examples, "BiluoNER.get_loss")
        loss_func = SequenceCategoricalCrossentropy(
            names=self.labels, normalize=False, label_smoothing=self.cfg["label_smoothing"]
        )
        truths = [[tag if tag in self.labels else None for tag in eg.get_aligned_ner()] for eg in examples]
        # arg-type: a None tag is the loss's missing_value (its default), which thinc's annotation leaves out
        d_scores, loss = loss_func(scores, truths)  # type: ignore[arg-type]
        return float(loss), d_scores

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Language | None = None,
        labels: Iterable[str] | None = None,
    ) -> None:
        """Take the entity types from the examples (or ``labels``) and size the model."""
        if labels is None:
            labels = sorted({ent.label_ for eg in get_examples() for ent in eg.reference.ents})
        for label in labels:
            self.add_label(label)
        docs, truths = [], []
        for eg in islice(get_examples(), 10):
            docs.append(eg.x)
            tags = eg.get_aligned_ner()
            truths.append(self.model.ops.asarray2f([[float(t == tag) for t in self.labels] for tag in tags]))
        self.model.initialize(X=docs, Y=truths)


def allowed_transitions(kind: numpy.ndarray, typ: numpy.ndarray) -> numpy.ndarray:
    """``[i, j]``: whether tag ``j`` may follow tag ``i`` (B/I go on with I/L of their type; O/L/U with O/B/U)."""
    inside = numpy.isin(kind, (0, 1))
    follows_inside = numpy.isin(kind, (1, 2)) & (typ[None, :] == typ[:, None])
    starts = numpy.isin(kind, (0, 3, 4))
    return numpy.where(inside[:, None], follows_inside, starts[None, :])


class TagTables:
    """What decoding needs to know of the labels, worked out once: each tag's BILUO kind and entity type,
    which tag may follow which, and which may start or end a sequence."""

    def __init__(self, kind: numpy.ndarray, typ: numpy.ndarray) -> None:
        self.kind, self.typ = kind.tolist(), typ.tolist()
        self.outside = self.kind.index(4)
        allowed = allowed_transitions(kind, typ)
        self.allowed = {(i, j) for i, j in zip(*numpy.nonzero(allowed))}
        self.log_allowed = numpy.where(allowed, 0.0, -1e9)
        self.can_start = numpy.where(numpy.isin(kind, (0, 3, 4)), 0.0, -1e9)
        self.can_end = numpy.where(numpy.isin(kind, (2, 3, 4)), 0.0, -1e9)
        self.starts = {i for i, k in enumerate(self.kind) if k in (0, 3, 4)}
        self.ends = {i for i, k in enumerate(self.kind) if k in (2, 3, 4)}


def decode(scores: numpy.ndarray, tables: TagTables, sure: float = 0.9) -> list[tuple[int, int, int]]:
    """(start, end, type) token spans from one doc's tag probabilities: the most probable valid BILUO
    sequence (Viterbi). Tokens whose ``O`` probability is at least ``sure`` are taken as ``O``; the search
    runs only over the stretches between them, so its cost follows the entities, not the text; where the
    most probable tags of a stretch already form valid spans they are taken as they are.

    >>> tables = TagTables(numpy.array([0, 1, 2, 4, 3]), numpy.array([0, 0, 0, -1, 0]))  # B I L O U of one type
    >>> probs = numpy.eye(5)[[3, 0, 1, 2, 4, 3]] * 0.9 + 0.02  # O B I L U O
    >>> decode(probs, tables)
    [(1, 4, 0), (4, 5, 0)]
    >>> probs[3] = [0.5, 0.0, 0.1, 0.4, 0.0]      # the L is unsure: B I B? -> still one valid span
    >>> decode(probs, tables)
    [(1, 4, 0), (4, 5, 0)]
    """
    unsure = numpy.flatnonzero(scores[:, tables.outside] < sure)
    if not len(unsure):
        return []
    cuts = numpy.flatnonzero(numpy.diff(unsure) > 1) + 1
    kind, typ = tables.kind, tables.typ
    spans: list[tuple[int, int, int]] = []
    for run in numpy.split(unsure, cuts):
        a, b = int(run[0]), int(run[-1]) + 1
        path = scores[a:b].argmax(axis=1).tolist()
        valid = (
            path[0] in tables.starts
            and path[-1] in tables.ends
            and all((i, j) in tables.allowed for i, j in zip(path, path[1:]))
        )
        if not valid:  # the most probable tags do not form spans: search the best sequence that does
            path = _viterbi(numpy.log(numpy.maximum(scores[a:b], 1e-9)), tables)
        open_at = -1
        for offset, tag in enumerate(path):
            k = kind[tag]
            if k == 0:
                open_at = a + offset
            elif k == 2 and open_at >= 0:
                spans.append((open_at, a + offset + 1, typ[tag]))
                open_at = -1
            elif k == 3:
                spans.append((a + offset, a + offset + 1, typ[tag]))
    return spans


def _viterbi(log_scores: numpy.ndarray, tables: TagTables) -> list[int]:
    """The most probable tag sequence under the transition constraints (log-space scores)."""
    log_allowed = tables.log_allowed
    best = log_scores[0] + tables.can_start
    back = []
    for t in range(1, len(log_scores)):
        total = best[:, None] + log_allowed
        back.append(total.argmax(axis=0))
        best = total.max(axis=0) + log_scores[t]
    tag = int((best + tables.can_end).argmax())
    path = [tag]
    for pointers in reversed(back):
        tag = int(pointers[tag])
        path.append(tag)
    path.reverse()
    return path
