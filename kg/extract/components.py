"""spaCy components of kg's extraction pipeline, registered with ``@Language.factory``.

Candidates are collected in span groups, one per source, and ``kg_merge`` picks the final mentions:

    doc.spans["kg_vocabulary"]     vocabulary SpanRuler (span.id_ = vocabulary id)
    doc.ents                       trained NER
    doc.spans["kg_patterns"]       cue patterns and title rules (span.id_ = "pattern:<rule id>")
    doc.spans["kg_abbreviations"]  long and short forms of abbreviations defined in the text
    doc.spans["kg"]                the merged mentions (span.id_ = source; kb_id_ = vocabulary id)

Roles are written to ``doc.user_data["kg_roles"]`` keyed by (start_char, end_char).
"""

import bisect
import re

import numpy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from kg.extract.abbreviations import find_abbreviations
from kg.extract.rules import Rules, is_name_like, literal_phrases

LABELS = ("DATASET", "METHOD", "TASK")
# lower wins when candidates overlap
PRIORITY = {"pattern": 0, "abbreviation": 1, "vocabulary": 2, "ner": 3}
_BREAK_WORDS = {
    "and",
    "or",
    "with",
    "using",
    "via",
    "by",
    "in",
    "on",
    "for",
    "from",
    "to",
    "that",
    "which",
    "is",
    "are",
    "was",
    "were",
    "based",
    "under",
    "through",
    "as",
    "at",
    "into",
    "while",
    "where",
}


_METRIC_HEADS = {
    "score",
    "scores",
    "accuracy",
    "error",
    "rate",
    "distance",
    "precision",
    "recall",
    "ratio",
    "index",
    "coefficient",
    "metric",
    "measure",
    "similarity",
    "divergence",
    "f1",
    "auc",
    "iou",
}


_TASK_TAIL = {"task", "tasks", "problem", "problems", "challenge", "challenges", "setting", "settings"}
_TRAILING_GENERIC = {
    "architecture",
    "architectures",
    "method",
    "methods",
    "approach",
    "approaches",
    "framework",
    "frameworks",
    "technique",
    "techniques",
    "algorithm",
    "algorithms",
    "models",
    "model",
    "strategy",
    "strategies",
    "system",
    "systems",
}


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


@Language.factory("kg_paragraphs")
def make_paragraphs(nlp: Language, name: str) -> "Paragraphs":
    """A sentence starts after every blank line (the title/abstract seam among them)."""
    return Paragraphs()


class Paragraphs:
    def __call__(self, doc: Doc) -> Doc:
        doc_text(doc)  # the first kg component: later ones read the cached text
        for i in numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist():
            if i + 1 < len(doc) and "\n\n" in doc[i].text:
                doc[i + 1].is_sent_start = True
        return doc


@Language.factory("kg_cues", default_config={"confidence_floor": 0.0})
def make_cues(nlp: Language, name: str, confidence_floor: float) -> "CuePatterns":
    """Cue patterns from ``ontologies/patterns.jsonl`` plus the title rules (``Name: ...``, ``... for TASK``)."""
    return CuePatterns(nlp, Rules.load())


class CuePatterns:
    def __init__(self, nlp: Language, rules: Rules) -> None:
        self.rules = rules
        self.by_id = {rule.id: rule for rule in rules.cues}
        # cues that are plain word sequences go to a PhraseMatcher (many times faster than Matcher)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher = Matcher(nlp.vocab)
        for rule in rules.cues:
            phrases = literal_phrases(rule.cue)
            if phrases is None:
                self.matcher.add(rule.id, [list(rule.cue)])
            else:
                self.phrases.add(rule.id, [Doc(nlp.vocab, words=list(words)) for words in phrases])

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        matches = sorted(
            set(self.phrases(doc)) | set(self.matcher(doc)) if len(self.matcher) else self.phrases(doc),
            key=lambda m: (m[1], m[2]),
        )
        for match_id, start, end in matches:
            rule = self.by_id[doc.vocab.strings[match_id]]
            span = self._take(doc, rule.kind, start, end)
            if span is not None:
                label = rule.label
                if rule.kind == "after_cue" and any(
                    t.lower_ in self.rules.dataset_heads for t in doc[span[1] : span[1] + 6]
                ):
                    label = "DATASET"  # "termed FS2K dataset", "we introduce X, a new benchmark": a dataset's name
                spans.append(Span(doc, span[0], span[1], label=label, span_id=f"pattern:{rule.id}"))
        spans.extend(self._title(doc))
        doc.spans["kg_patterns"] = spans
        return doc

    def _take(self, doc: Doc, kind: str, start: int, end: int) -> tuple[int, int] | None:
        sent_start, sent_end = sentence_of(doc, start)
        if kind == "before_cue":
            in_title = doc[start].idx < title_end(doc)  # titles capitalise every word: only real names count
            i = start
            while (
                i > sent_start
                and i > start - 5
                and (is_name_like(doc[i - 1].text) if in_title else self._name_token(doc[i - 1]))
            ):
                i -= 1
            if i == start:
                return None
            return (i, end) if doc[start].text[:1].isupper() else (i, start)
        if kind == "after_cue":
            j = end
            while j < sent_end and j < end + 4 and self._name_token(doc[j]):
                j += 1
            if j == end:
                return None
            if is_name_like(doc[end].text):
                return end, j
            # "we propose Zorblax, a ...": a capitalised word set off by a comma or a bracket is a name too
            introduced = (
                j == end + 1 and doc[end].text[:1].isupper() and doc[end].text not in self.rules.stop_name_words
            )
            return (end, j) if introduced and j < len(doc) and doc[j].text in {",", "(", ":"} else None
        if kind == "phrase_after_cue":
            j = end
            while j < sent_end and j < end + 6 and not doc[j].is_punct and doc[j].lower_ not in _BREAK_WORDS:
                j += 1
            return (end, j) if j > end else None
        return None

    def _name_token(self, token) -> bool:
        return (
            is_name_like(token.text)
            or token.text in "-"
            or token.is_digit
            or (token.text[:1].isupper() and token.text not in self.rules.stop_name_words)
        )

    def _title(self, doc: Doc) -> list[Span]:
        """``Name: description`` names the paper's method (or dataset); ``... for X`` names its task."""
        end_char = title_end(doc)
        if not end_char:
            return []
        title = doc_text(doc)[:end_char]
        spans = []
        colon = re.match(r"^\s*([^:]{1,60}?)\s*:\s+\S", title)
        if colon:
            name = colon.group(1)
            words = name.split()
            single_name = (
                len(words) == 1
                and name[:1].isupper()
                and name not in self.rules.stop_name_words
                and not name.lower().endswith("ing")
            )  # "Zorblax: ...", not "Benchmarking: ..."
            if (
                1 <= len(words) <= 4
                and (single_name or any(is_name_like(w.strip("()")) for w in words))
                and not re.search(r"[.?!,]", name)
            ):
                after = title[colon.end() - 1 :].lower()
                label = "DATASET" if any(h in after.split() for h in self.rules.dataset_heads) else "METHOD"
                span = doc.char_span(colon.start(1), colon.end(1), label=label, alignment_mode="expand")
                if span is not None:
                    spans.append(Span(doc, span.start, span.end, label=label, span_id="pattern:title-colon"))
        for_matches = list(re.finditer(r"\b(?:for|of)\s+", title))
        for_match = for_matches[-1] if for_matches else None
        if for_match:
            tail = title[for_match.end() :]
            tail = re.split(r"[:,;(]| via | with | using | in | from | by | on | under ", tail)[0].rstrip(" .")
            words = tail.split()
            if 1 <= len(words) <= 6 and self.rules.head_type(tail) == "TASK":
                start = for_match.end()
                span = doc.char_span(start, start + len(tail), alignment_mode="expand")
                if span is not None:
                    spans.append(Span(doc, span.start, span.end, label="TASK", span_id="pattern:title-task"))
        return spans


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
        if long_span.text.lower().split()[-1] in _METRIC_HEADS:
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


def _source(span: Span) -> str:
    if span.id_.startswith("pattern:"):
        return "pattern"
    return span.id_ if span.id_ == "abbreviation" else ("vocabulary" if span.id_ else "ner")


@Language.factory(
    "kg_merge",
    default_config={
        "confidence": {"pattern": 0.8, "abbreviation": 0.85, "vocabulary": 0.9, "ner": 0.7, "propagation": 0.75}
    },
)
def make_merge(nlp: Language, name: str, confidence: dict[str, float]) -> "Merge":
    """One mention per stretch of text: overlaps resolved by source priority, then length."""
    return Merge(Rules.load(), confidence)


class _Tokens:
    """Per-document token facts for the merge, read in bulk with ``Doc.to_array``: Python access to
    ``doc[i]`` costs more than the merge itself, so token strings are read only where needed."""

    __slots__ = ("doc", "text", "idx", "length", "punct", "space", "_lower")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        columns = doc.to_array([IDX, LENGTH, IS_PUNCT, IS_SPACE]).T.tolist() if len(doc) else [[], [], [], []]
        self.idx, self.length, self.punct, self.space = columns
        self._lower: dict[int, str] = {}

    def lower(self, i: int) -> str:
        word = self._lower.get(i)
        if word is None:
            word = self._lower[i] = self.text[self.idx[i] : self.idx[i] + self.length[i]].lower()
        return word

    def orth(self, i: int) -> str:
        return self.text[self.idx[i] : self.idx[i] + self.length[i]]

    def chars(self, start: int, end: int) -> tuple[int, int]:
        return self.idx[start], self.idx[end - 1] + self.length[end - 1]

    def span_text(self, start: int, end: int) -> str:
        a, b = self.chars(start, end)
        return self.text[a:b]


_LEADING = {"the", "a", "an", "our", "this", "these", "its", "their"}
_KEEP_TRAILING = {")", "+", "++"}


class Merge:
    def __init__(self, rules: Rules, confidence: dict[str, float], max_widen: int = 4) -> None:
        self.rules = rules
        self.confidence = confidence
        self.max_widen = max_widen
        self.widen_labels = {"METHOD", "TASK"}

    @staticmethod
    def _plausible(label: str, text: str) -> bool:
        """NER guesses that are almost never right on dev data: a dataset name without a capital or a
        digit ("shot" of "5-shot")."""
        if label == "DATASET":
            return any(c.isupper() or c.isdigit() for c in text)
        return True

    def _widen(
        self, start: int, end: int, label: str, ents: list[tuple[int, int, str]], tokens: _Tokens
    ) -> tuple[int, int]:
        """A vocabulary name inside a slightly longer NER mention of the same type takes the NER
        boundaries ("VGG" in "VGG-16", "CNNs" in "sparse CNNs"), less trailing generic words
        ("Transformer architecture" -> "Transformer"); a task only to the left ("few-shot segmentation"). The vocabulary id is dropped: a longer name is
        a more specific thing, which resolution links on its own."""
        if label not in self.widen_labels:
            return start, end
        for ent_start, ent_end, ent_label in ents:
            if label == "TASK" and ent_end != end:
                continue  # a task grows only by its modifiers ("video-based activity recognition")
            if (
                ent_label == label
                and ent_start <= start
                and end <= ent_end
                and (ent_start, ent_end) != (start, end)
                and (ent_end - ent_start) - (end - start) <= self.max_widen
            ):
                new_end = ent_end
                while new_end > end and label == "METHOD" and tokens.lower(new_end - 1) in _TRAILING_GENERIC:
                    new_end -= 1
                if (ent_start, new_end) != (start, end):
                    return ent_start, new_end
        return start, end

    def __call__(self, doc: Doc) -> Doc:
        tokens = _Tokens(doc)
        ents = [(e.start, e.end, e.label_) for e in doc.ents]
        vocabulary = [(s.start, s.end, s.label_, s.id_) for s in doc.spans.get("kg_vocabulary", [])]
        # candidates: (start, end, label, source, span id)
        candidates: list[tuple[int, int, str, str, str]] = []
        for start, end, label, span_id in vocabulary:
            new_start, new_end = self._widen(start, end, label, ents, tokens)
            candidates.append((new_start, new_end, label, "vocabulary", span_id))
        for start, end, label in ents:
            if label in LABELS and self._plausible(label, tokens.span_text(start, end)):
                candidates.append((start, end, label, "ner", ""))
        for span in doc.spans.get("kg_patterns", []):
            candidates.append((span.start, span.end, span.label_, "pattern", span.id_))
        for span in doc.spans.get("kg_abbreviations", []):
            candidates.append((span.start, span.end, span.label_, "abbreviation", span.id_))
        agree: dict[tuple[int, int, str], set[str]] = {}
        for start, end, label, source, _ in candidates:
            agree.setdefault((start, end, label), set()).add(source)
        ranked = sorted(candidates, key=lambda c: (PRIORITY[c[3]], c[0] - c[1], c[0]))
        vocabulary_ids = {(start, end, label): span_id for start, end, label, span_id in vocabulary}
        taken = [False] * len(doc)
        chosen: list[tuple[int, int, str, str, str]] = []  # start, end, label, tag, vocabulary id
        confidences: dict[tuple[int, int], float] = {}
        for start, end, label, source, span_id in ranked:
            trimmed = _trim(start, end, label, tokens)
            if trimmed is None:
                continue
            start, end = trimmed
            if any(taken[start:end]) or self.rules.is_generic(tokens.span_text(start, end)):
                continue
            for i in range(start, end):
                taken[i] = True
            sources = agree.get((start, end, label), set()) | {source}
            confidence = max(self.confidence.get(s, 0.7) for s in sources)
            confidence = min(1.0, confidence + 0.05 * (len(sources) - 1))
            tag = span_id if source == "pattern" else source
            chosen.append((start, end, label, tag, vocabulary_ids.get((start, end, label), "")))
            confidences[tokens.chars(start, end)] = round(confidence, 3)
        # a name found once is the same name wherever else it is written in the document
        text = tokens.text
        names: dict[str, str] = {}
        for start, end, label, _, _ in chosen:
            name = tokens.span_text(start, end)
            # a name has a capital or a digit, and a letter: "1000" alone names nothing
            if len(name) > 1 and any(c.isupper() or c.isdigit() for c in name) and any(c.isalpha() for c in name):
                names.setdefault(name, label)
        for name, label in names.items():
            for char_start in find_whole(text, name):
                extra = doc.char_span(char_start, char_start + len(name))
                if extra is None or any(taken[extra.start : extra.end]):
                    continue
                for i in range(extra.start, extra.end):
                    taken[i] = True
                chosen.append((extra.start, extra.end, label, "propagation", ""))
                confidences[(extra.start_char, extra.end_char)] = self.confidence.get("propagation", 0.75)
        # one type per surface form within a document: the best-ranked span decides
        best: dict[str, str] = {}
        keys = [tokens.span_text(start, end).lower() for start, end, *_ in chosen]
        for (_, _, label, _, _), key in zip(chosen, keys):  # chosen is in rank order
            best.setdefault(key, label)
        spans = []
        for (start, end, label, tag, kb_id), key in zip(chosen, keys):
            if best[key] != label:
                label, kb_id = best[key], kb_id if kb_id.startswith(best[key].lower() + "/") else ""
            spans.append(Span(doc, start, end, label=label, span_id=tag, kb_id=kb_id))
        doc.spans["kg"] = sorted(spans, key=lambda s: (s.start, s.end))
        doc.user_data["kg_confidence"] = confidences
        return doc


_LATEX = re.compile(r"\\[A-Za-z]+\{?")  # "\emph{": markup, split off by the tokenizer (kg.extract.pipeline)


def _trim(start: int, end: int, label: str, tokens: _Tokens) -> tuple[int, int] | None:
    """Drop leading determiners/pronouns and trailing punctuation from a candidate."""
    lower, punct, space = tokens.lower, tokens.punct, tokens.space
    while start < end and (
        punct[start] or space[start] or lower(start) in _LEADING or _LATEX.fullmatch(tokens.orth(start))
    ):
        start += 1
    while end > start and (punct[end - 1] and tokens.orth(end - 1) not in _KEEP_TRAILING or space[end - 1]):
        end -= 1
    if label == "TASK":  # "the segmentation task", "this problem": the task is what comes before
        while end - start > 1 and lower(end - 1) in _TASK_TAIL:
            end -= 1
    if end <= start:
        return None
    text = tokens.span_text(start, end)
    if text.count("(") != text.count(")"):
        return None
    return start, end


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
        sentence_words = {t.lower_ for t in span.doc[sent_start : span.start]}
        return bool(sentence_words & self.rules.propose_cues) and "we" in sentence_words

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
