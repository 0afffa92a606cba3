"""``kg_abbreviations``: ``long form (SHORT)`` pairs and every later use of SHORT, into
``doc.spans["kg_abbreviations"]``."""

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.abbreviations import find_abbreviations
from kg.extract.components.common import LABELS, PRIORITY, _source, doc_text, find_whole
from kg.extract.rules import Rules


@Language.factory("kg_abbreviations")
def make_abbreviations(nlp: Language, name: str) -> "Abbreviations":
    """``long form (SHORT)``: both forms, and every later use of SHORT, become candidates of one type."""
    return Abbreviations(Rules.load())


class Abbreviations:
    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        known = [*doc.spans.get("kg_patterns", []), *doc.spans.get("kg_vocabulary", []), *doc.ents]
        spans: list[Span] = []
        pairs: dict[str, str] = {}
        text = doc_text(doc)
        for abbr in find_abbreviations(text):
            long_span = doc.char_span(abbr.long_start, abbr.long_end, alignment_mode="expand")
            short_span = doc.char_span(abbr.short_start, abbr.short_end, alignment_mode="expand")
            if long_span is None or short_span is None:
                continue
            label = self._label(long_span, short_span, known)
            if not label:
                continue
            pairs[abbr.short] = abbr.long
            spans.append(Span(doc, long_span.start, long_span.end, label=label, span_id="abbreviation"))
            spans.append(Span(doc, short_span.start, short_span.end, label=label, span_id="abbreviation"))
            for start in find_whole(text, abbr.short):
                if start != abbr.short_start:
                    use = doc.char_span(start, start + len(abbr.short))
                    if use is not None:
                        spans.append(Span(doc, use.start, use.end, label=label, span_id="abbreviation"))
        doc.spans["kg_abbreviations"] = spans
        doc.user_data["kg_abbreviation_pairs"] = pairs
        return doc

    def _label(self, long_span: Span, short_span: Span, known: list[Span]) -> str:
        if long_span.text.lower().split()[-1] in self.rules.metric_heads:
            return ""  # "Inception score (IS)", "mean average precision (mAP)": metrics are not entities

        def overlapping(target: Span) -> list[Span]:
            return [s for s in known if s.label_ in LABELS and s.start < target.end and target.start < s.end]

        head = self.rules.head_type(long_span.text)
        if head:  # "Region Proposal Network (RPN)": the head word says what the long form is
            return head
        for target in (long_span, short_span):
            hits = overlapping(target)
            if hits:
                best = min(hits, key=lambda s: (PRIORITY.get(_source(s), 9), -(s.end - s.start)))
                return best.label_
        return ""
