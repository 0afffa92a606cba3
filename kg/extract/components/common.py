"""What the components share: the labels, the priority of sources, and per-document facts read once
(the text, the sentence bounds, where the title ends)."""

import bisect

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

LABELS = ("DATASET", "METHOD", "TASK")
# lower wins when candidates overlap
PRIORITY = {"pattern": 0, "abbreviation": 1, "vocabulary": 2, "ner": 3}


def sentence_of(doc: Doc, i: int) -> tuple[int, int]:
    """(start, end) token indices of the sentence holding token ``i``. ``Span.sent`` walks the whole
    doc on every call; this walks it once per doc and bisects."""
    starts = doc.user_data.get("kg_sentence_starts")
    if starts is None:
        starts = numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist() or [0]
        if starts[0] != 0:
            starts.insert(0, 0)
        doc.user_data["kg_sentence_starts"] = starts
    k = bisect.bisect_right(starts, i) - 1
    return starts[k], starts[k + 1] if k + 1 < len(starts) else len(doc)


def doc_text(doc: Doc) -> str:
    """The document's text, joined once per doc (``Doc.text`` walks every token on each call)."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def find_whole(text: str, name: str) -> list[int]:
    """Start offsets of ``name`` in ``text`` where it is a whole word (no word character or hyphen on
    either side); plain ``str.find``: a regex per name and document would be compiled every time.

    >>> find_whole("GAN, GANs and cGAN use a GAN-like GAN", "GAN")
    [0, 34]
    """
    starts: list[int] = []
    size = len(name)
    i = text.find(name)
    while i >= 0:
        before = text[i - 1] if i else " "
        after = text[i + size] if i + size < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            starts.append(i)
        i = text.find(name, i + 1)
    return starts


def title_end(doc: Doc) -> int:
    """Character offset where the title ends (0 when the doc has no title part)."""
    return int(doc.user_data.get("kg_title_end", 0))


def _source(span: Span) -> str:
    if span.id_.startswith("pattern:"):
        return "pattern"
    return span.id_ if span.id_ == "abbreviation" else ("vocabulary" if span.id_ else "ner")


def add_mentions(doc: Doc, spans: list[Span], added: list[Span], confidence: float) -> None:
    """Set ``doc.spans["kg"]`` to ``spans`` and the ``added`` mentions, in document order, each added one
    with ``confidence`` (a rule component's mentions after ``kg_merge``)."""
    confidences = doc.user_data.setdefault("kg_confidence", {})
    for span in added:
        confidences[(span.start_char, span.end_char)] = confidence
    doc.spans["kg"] = sorted(spans + added, key=lambda s: (s.start, s.end))
