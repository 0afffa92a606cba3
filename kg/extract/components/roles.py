"""``kg_roles``: what the paper does with each mention, into ``doc.user_data["kg_roles"]``."""

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.components.common import doc_text, sentence_of, title_end
from kg.extract.rules import Rules

#: words after a title's opening name that say the name is what the paper brings ("X for Y", "X via Y")
TITLE_LINKS = frozenset({"for", "via", "with", "towards", "toward", "through", "as"})


#: verbs that list the parts of a method ("X consists of A and B", "it integrates A")
COMPONENT_VERBS = frozenset(
    "consists comprises composed integrates incorporates includes contains features equipped".split()
)
#: words that say the method whose parts are listed is the paper's own
OWN_WORDS = frozenset("our it its proposed framework".split())


def _named_part(span: Span) -> bool:
    """A name written as a name: two words or more with capitals ("Modality Prior Decoder"), or a coined
    word ("TDFusion")."""
    words = [t.text for t in span if t.is_alpha and len(t.text) > 3]
    return len(words) >= 2 and all(w[:1].isupper() for w in words)


class Roles:
    """What the paper does with each mention (the ``kg_roles`` component)."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        roles: dict[tuple[int, int], str] = {}
        proposed: set[str] = set()
        introduced: set[str] = set()
        pairs = doc.user_data.get("kg_abbreviation_pairs", {})
        text = doc_text(doc)
        spans = list(doc.spans.get("kg", []))
        keys = [text[span.start_char : span.end_char].lower() for span in spans]
        for span, key in zip(spans, keys):
            if span.label_ == "METHOD" and self._proposes(span):
                proposed.add(key)
            elif span.label_ == "DATASET" and self._introduces(span):
                introduced.add(key)
        for short, long in pairs.items():  # a proposed long form makes its short form proposed and back
            for group in (proposed, introduced):
                if short.lower() in group or long.lower() in group:
                    group.update({short.lower(), long.lower()})
        for span, key in zip(spans, keys):
            offsets = (span.start_char, span.end_char)
            if span.label_ == "TASK":
                roles[offsets] = "addresses"
            elif span.label_ == "METHOD":
                roles[offsets] = "proposes" if key in proposed else "uses"
            else:
                roles[offsets] = "introduces" if key in introduced else "uses"
        doc.user_data["kg_roles"] = roles
        return doc

    def _proposes(self, span: Span) -> bool:
        if span.id_ in ("pattern:title-colon", "pattern:method-naming", "pattern:method-we-propose-name"):
            return True
        sent_start, _ = sentence_of(span.doc, span.start)
        before = [t.lower_ for t in span.doc[max(sent_start, span.start - 3) : span.start]]
        if any(w in ("our", "novel", "proposed", "new") for w in before):
            return True
        if span.kb_id_:  # a known method (ResNet, Transformer) is used, unless the paper says "our"
            return False
        if self._opens_title(span):
            return True
        sentence_words = {t.lower_ for t in span.doc[sent_start : span.start]}
        if bool(sentence_words & self.rules.propose_cues) and "we" in sentence_words:
            return True
        return _named_part(span) and bool(sentence_words & COMPONENT_VERBS) and bool(sentence_words & OWN_WORDS)

    @staticmethod
    def _opens_title(span: Span) -> bool:
        """A name no vocabulary knows that opens the title before "for"/"via"/...: "Multipole Attention
        for Efficient Long Context Reasoning" is the paper's own method."""
        doc = span.doc
        if span.end_char >= title_end(doc) or any(not t.is_space for t in doc[: span.start]):
            return False
        return span.end < len(doc) and doc[span.end].lower_ in TITLE_LINKS

    def _introduces(self, span: Span) -> bool:
        if span.id_ == "pattern:title-colon":
            return True
        sent_start, sent_end = sentence_of(span.doc, span.start)
        words = {t.lower_ for t in span.doc[sent_start:sent_end]}
        before = [t.lower_ for t in span.doc[max(sent_start, span.start - 3) : span.start]]
        if any(w in ("our", "new", "novel", "proposed") for w in before):
            return True
        has_head = bool(words & self.rules.dataset_heads)
        verbs = self.rules.introduce_dataset_cues - {"our", "new", "novel", "proposed"}  # a verb must say it
        has_cue = bool(words & verbs) and bool(words & {"we", "our", "this"})
        return has_head and has_cue and not span.kb_id_


@Language.factory("kg_roles")
def make_roles(nlp: Language, name: str) -> Roles:
    """What the paper does with each mention: proposes/uses a method, introduces/uses a dataset, addresses a task."""
    return Roles(Rules.load())
