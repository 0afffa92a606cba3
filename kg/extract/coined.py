"""Coined names no other component found, typed by what the text says of them.

A paper's own benchmarks and the ones it evaluates on are often coined words the NER has never seen
and no vocabulary knows: "HiDe sets a new SOTA on V*Bench, HRBench4K, and HRBench8K", "we construct
Fishbone-136K". ``kg_coined_names`` runs after ``kg_task_heads``: a word that is a coined name (inner
capitals, letters and digits mixed, "Bench"), or a name glued by hyphens from parts one of which is
written as a name ("Workspace-Bench", "Air-NRM"), and in no mention becomes a mention when its context
says what it is, as :mod:`kg.extract.types` reads contexts: a dataset's head noun after it ("X
dataset"), a name ending in "Bench", results "on" it (and the names listed with it: "on A, B, and C"),
or a naming or proposing phrase before it. A coined word the text says nothing of stays unlinked: its
letters alone do not say whether it is a model or a benchmark. Every other occurrence of the name in
the paper gets the same type.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("kg_sized_names"), nlp.add_pipe("sentencizer")
>>> doc = nlp("HiDe sets a new SOTA on V*Bench, HRBench4K, and HRBench8K, boosting accuracy.")
>>> doc.spans["kg"] = []
>>> doc = CoinedNames()(doc)
>>> [(s.text, s.label_) for s in doc.spans["kg"]]
[('V*Bench', 'DATASET'), ('HRBench4K', 'DATASET'), ('HRBench8K', 'DATASET')]
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.components.common import add_mentions, doc_text
from kg.extract.types import _evaluated_on, _head_type, votes_of
from kg.extract.versions import RELEASE_TAGS

#: a coined word: an inner capital after a small letter (HiDe, PromptCoT), letters and digits mixed
#: (Hunyuan3D, EgoExo4D) or a "Bench"; not a number with a unit ("4K", "3D") nor a plain word
_COINED = re.compile(r"[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]{2}|(?<=.)[Bb]ench")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9*+.\-]*[A-Za-z0-9+]")
#: where a text may have a coined word: the mark of one, found by a plain search (the word around it is
#: the token that holds it)
_MARK = re.compile(r"[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]{2}|[\w*+][Bb]ench")
#: a name glued together by hyphens from capitalised parts ("Workspace-Bench", "Air-NRM", "G-Ref",
#: "SA-Med2D-20M"), found in the text as one word
_GLUED = re.compile(r"(?<![\w\-])[A-Z0-9][\w*+]*(?:-[A-Za-z0-9][\w*+]*)+(?![\w\-])")
#: a glued name's part that makes it a name rather than capitalised words ("Real-World", "Vision-Language"):
#: capitals in a row, a coined part, a size ("136K") or "Bench" (a single capital, among capitalised
#: parts only: "G-Ref", not "X-ray")
_NAMED_PART = re.compile(r"[A-Z]{2,}|.*[a-z][A-Z].*|.*[A-Za-z][0-9].*|[0-9.]+[KMBT]|[Bb]ench")
#: a capitalised name with a dotted version, and the release tags after it: "Veo 3.1", "Seedance 2.0",
#: "OmniHuman 1.5", "Gemini-2.5 Pro"; typed by its context like a coined word (a base the vocabulary knows is
#: kg_versions' to find)
_DOTTED = re.compile(
    rf"(?<![\w.\-])(?P<base>[A-Z][A-Za-z]*[a-z][A-Za-z]*)[ -]?\d+\.\d+(?:[ -](?:{RELEASE_TAGS}))*(?![\w\-]|\.\w)"
)
#: words a number with a dot follows that name a part of a text or a setting, never a model
_NOT_MODELS = frozenset(
    "section sections table tables figure figures fig eq equation equations version versions phase stage step "
    "chapter appendix algorithm theorem lemma corollary definition proposition python industry society web type "
    "class grade tier release level round part experiment setting ratio about approximately nearly only over "
    "under from to by of and with rate score".split()
)
#: shorter coined words are too ambiguous to type from one context: "fine-tuned on CoT" is no dataset
MIN_LENGTH = 5
_NUMBER_WITH_UNIT = re.compile(r"[0-9.]+[A-Za-z]{0,2}")
#: the confidence of a coined name typed by its context
CONFIDENCE = 0.7


def is_coined_word(word: str) -> bool:
    """Whether a word looks coined: wider than :func:`kg.names.is_coined`, which judges a whole name, it
    takes acronyms with digits (GPT4V), marks (V*Bench) and hyphens (Fishbone-136K), from five characters.

    >>> words = ["HRBench4K", "Hunyuan3D", "V*Bench", "3D", "4K", "Transformer", "COCO", "CoT", "benchmarks", "x}$"]
    >>> [w for w in words if is_coined_word(w)]
    ['HRBench4K', 'Hunyuan3D', 'V*Bench']
    """
    if len(word) < MIN_LENGTH or not _WORD.fullmatch(word) or _NUMBER_WITH_UNIT.fullmatch(word):
        return False
    if sum(c.isalpha() for c in word) < 2:
        return False
    return bool(_COINED.search(word))


#: words right before a name that say the paper compares with it: it is a method
COMPARED = frozenset("outperforms outperform outperforming surpasses surpass than versus vs".split())
#: "methods such as X", "datasets including X": the head noun before a list cue types the list
_LIST_CUES = frozenset({"such", "as", "including", "like", "e.g.", "e.g", ",", "("})
#: plural nouns that, before a list cue, say the list is of methods, though they head no method's name
_METHOD_LIST_HEADS = frozenset(
    "methods baselines systems approaches competitors tools services generators backbones encoders architectures "
    "algorithms detectors trackers networks agents chatbots assistants llms vlms mllms lmms lvlms".split()
)


def _glued_names(doc: Doc) -> list[tuple[int, int]]:
    """The (start, end) tokens of each name glued by hyphens from parts one of which is written as a
    name: "Workspace-Bench", "Air-NRM", "G-Ref"; not "Real-World" or "state-of-the-art"."""
    found = []
    for match in _GLUED.finditer(doc_text(doc)):
        parts = match.group().split("-")
        named = any(_NAMED_PART.fullmatch(p) for p in parts) or (
            any(len(p) == 1 and p.isupper() for p in parts) and all(p[:1].isupper() for p in parts)
        )
        short_codes = all(len(p) <= 3 and not any(c.islower() for c in p) for p in parts)  # "LR-HR", "3D-VL"
        # a lower-case word at the end makes an adjective: "AI-generated", "VR-based", "QA-style"
        adjective = parts[-1].isalpha() and parts[-1].islower() and parts[-1] != "bench"
        if len(match.group()) < MIN_LENGTH - 1 or not named or short_codes or adjective:
            continue
        span = doc.char_span(match.start(), match.end())
        if span is not None and len(span):  # one token when kg_sized_names glued it ("UHV-4K")
            found.append((span.start, span.end))
    return found


def _dotted_names(doc: Doc) -> list[tuple[int, int]]:
    """The (start, end) tokens of each capitalised name with a dotted version ("Veo 3.1")."""
    found = []
    for match in _DOTTED.finditer(doc_text(doc)):
        if match["base"].lower() in _NOT_MODELS:
            continue
        span = doc.char_span(match.start(), match.end())
        if span is not None:
            found.append((span.start, span.end))
    return found


class CoinedNames:
    """Adds the coined names no component found whose context says their type (module docstring)."""

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get("kg", ()))
        labels = {i: span.label_ for span in spans for i in range(span.start, span.end)}
        typed: dict[str, str] = {}
        candidates = [
            (start, end)
            for start, end in sorted(
                {(i, i + 1) for i in self._coined_tokens(doc)} | set(_glued_names(doc)) | set(_dotted_names(doc))
            )
            if not any(i in labels for i in range(start, end))
        ]
        candidates = [c for c in candidates if not any(o != c and o[0] <= c[0] and c[1] <= o[1] for o in candidates)]
        for start, end in candidates:
            label = self._type_of(doc, doc[start:end], labels)
            if label:
                typed.setdefault(doc[start:end].text, label)
                labels.update(dict.fromkeys(range(start, end), label))  # the next name of a list takes it
        found = [
            Span(doc, start, end, label=typed[doc[start:end].text], span_id="coined")
            for start, end in candidates
            if doc[start:end].text in typed
        ]
        if found:
            add_mentions(doc, spans, found, CONFIDENCE)
        return doc

    @staticmethod
    def _coined_tokens(doc: Doc) -> list[int]:
        """The tokens that are coined words, found by their marks in the text (a token's text costs more)."""
        seen: set[int] = set()
        for match in _MARK.finditer(doc_text(doc)):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            for token in span or ():
                if token.i not in seen:
                    seen.add(token.i)
        return sorted(i for i in seen if is_coined_word(doc[i].text) and not doc[i].like_url)

    def _type_of(self, doc: Doc, span: Span, labels: dict[int, str]) -> str:
        """DATASET or METHOD when the context says so, else ""."""
        votes = set(votes_of(doc, span))
        if len(votes) == 1:
            return votes.pop()
        if votes:
            return ""
        if _evaluated_on(doc, span):
            return "DATASET"
        before = doc[span.start - 1].lower_ if span.start else ""
        if before in COMPARED or (
            before in {"to", "with"} and span.start >= 2 and doc[span.start - 2].lower_ == "compared"
        ):
            return "METHOD"
        return self._listed_with(doc, span, labels) or self._list_head(doc, span)

    @staticmethod
    def _listed_with(doc: Doc, span: Span, labels: dict[int, str]) -> str:
        """The type of a name it is listed with: "Llama-3 and Qwen2.5", "on V*Bench, HRBench4K, and ..."."""
        for step, edge in ((-1, span.start - 1), (1, span.end)):
            i = edge
            while 0 <= i < len(doc) and doc[i].text in {",", "and", "or"}:
                i += step
            if i != edge and 0 <= i < len(doc) and labels.get(i) in ("DATASET", "METHOD"):
                return labels[i]
        return ""

    @staticmethod
    def _list_head(doc: Doc, span: Span) -> str:
        """The head noun before the list cue a name follows: "methods such as H2O" (METHOD)."""
        i = span.start - 1
        while i >= 0 and doc[i].lower_ in _LIST_CUES:
            i -= 1
        if i < 0 or i == span.start - 1 or doc[i + 1].lower_ not in {"such", "including", "like", "e.g.", "e.g"}:
            return ""
        found = _head_type(doc[i].text) or ("METHOD" if doc[i].lower_ in _METHOD_LIST_HEADS else None)
        return found if found in ("DATASET", "METHOD") else ""


@Language.factory("kg_coined_names")
def make_coined_names(nlp: Language, name: str) -> CoinedNames:
    """Coined names ("HRBench4K", "Fishbone-136K") no component found, typed by their contexts."""
    return CoinedNames()
