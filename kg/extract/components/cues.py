"""``kg_paragraphs`` (a sentence starts after a blank line) and ``kg_cues`` (cue patterns and the title
rules, into ``doc.spans["kg_patterns"]``)."""

import re
from collections.abc import Iterable

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from kg.extract.components.common import doc_text, sentence_of, title_end
from kg.extract.rules import Rules, is_name_like, literal_phrases


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


@Language.factory("kg_sized_names")
def make_sized_names(nlp: Language, name: str) -> "SizedNames":
    """A name ending in a size or a capital is one token, without the full stop after it: "HRBench4K",
    "Fishbone-136K" (not "HRBench4" + "K"), "ImageNet-1K" + "." (not "ImageNet-1K."), "FMoW" + "." (not "FMoW.").
    """
    return SizedNames()


#: a word that ends in digits after a letter: the tokenizer splits a unit ("K", "M") off it as off a number
_ENDS_IN_NUMBER = re.compile(r"[A-Za-z][A-Za-z0-9*+.]*-?[0-9]+(?:\.[0-9]+)?$")
_SIZE_UNITS = frozenset({"K", "M", "G", "T", "B"})
#: a token the tokenizer leaves glued to a sentence's full stop: "ImageNet-1K.", "GPT-4V.", "FMoW."
_GLUED_STOP = re.compile(r".*[0-9a-z][A-Z]\.$")


_STOP_AFTER_CAPITAL = re.compile(r"[0-9a-z][A-Z]\.(?=\s|$)")
_UNIT_AFTER_DIGIT = re.compile(r"(?<=[0-9])[KMGTB]\b")


class SizedNames:
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)  # joined once here, read from the cache by the later components
        stops = {t for t in _tokens_at(doc, (m.end() - 1 for m in _STOP_AFTER_CAPITAL.finditer(text)))}
        stops = {t for t in stops if _GLUED_STOP.match(t.text)}
        if stops:
            with doc.retokenize() as retokenizer:
                for token in sorted(stops, key=lambda t: t.i):
                    retokenizer.split(token, [token.text[:-1], "."], heads=[(token, 0), (token, 0)])
        units = _tokens_at(doc, (m.start() for m in _UNIT_AFTER_DIGIT.finditer(text)))
        glued = sorted(
            {
                t.i
                for t in units
                if t.text in _SIZE_UNITS
                and t.i
                and not doc[t.i - 1].whitespace_
                and _ENDS_IN_NUMBER.match(doc[t.i - 1].text)
            }
        )
        if glued:
            with doc.retokenize() as retokenizer:
                for i in glued:
                    retokenizer.merge(doc[i - 1 : i + 1])
        return doc


def _tokens_at(doc: Doc, offsets: Iterable[int]) -> list[Token]:
    """The tokens holding the given character offsets."""
    out = []
    for offset in offsets:
        span = doc.char_span(offset, offset + 1, alignment_mode="expand")
        if span is not None and len(span):
            out.append(span[0])
    return out


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
            if end < sent_end and doc[end].lower_ in _ARTICLES:
                end += 1  # "tasks such as the ...": the phrase starts after its article
            j = end
            while (
                j < sent_end
                and j < end + 6
                and (not doc[j].is_punct or _inner_hyphen(doc, j))
                and doc[j].lower_ not in self.rules.break_words
            ):
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
            spans.extend(self._title_tasks(doc, for_match.end(), tail))
        return spans

    def _title_tasks(self, doc: Doc, start: int, tail: str) -> list[Span]:
        """The task(s) a title's "for ..." names: "Image Synthesis and Image Recognition" is two tasks
        when both parts end in a task's head word."""
        parts = tail.split(" and ")
        if len(parts) != 2 or not all(self.rules.head_type(part) == "TASK" for part in parts):
            parts = [tail]
        spans = []
        for part in parts:
            if 1 <= len(part.split()) <= 6 and self.rules.head_type(part) == "TASK":
                span = doc.char_span(start, start + len(part), alignment_mode="expand")
                if span is not None:
                    spans.append(Span(doc, span.start, span.end, label="TASK", span_id="pattern:title-task"))
            start += len(part) + len(" and ")
        return spans


_ARTICLES = frozenset({"the", "a", "an"})


def _inner_hyphen(doc: Doc, i: int) -> bool:
    """A hyphen inside a word ("zero-shot", "text-to-image"): part of the phrase, not a break."""
    return doc[i].text in {"-", "–"} and 0 < i < len(doc) - 1 and not doc[i - 1].whitespace_ and not doc[i].whitespace_
