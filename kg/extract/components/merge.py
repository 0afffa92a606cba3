"""``kg_merge``: one mention per stretch of text from every source's candidates, into ``doc.spans["kg"]``
(span.id_ = source; kb_id_ = vocabulary id), with a confidence for each."""

import re

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.components.common import LABELS, PRIORITY, doc_text, find_whole
from kg.extract.rules import Rules

_TASK_TAIL = {"task", "tasks", "problem", "problems", "challenge", "challenges", "setting", "settings"}


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
        self,
        start: int,
        end: int,
        label: str,
        ents: list[tuple[int, int, str]],
        tokens: _Tokens,
        datasets: frozenset[int] = frozenset(),
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
                while new_end > end and label == "METHOD" and tokens.lower(new_end - 1) in self.rules.trailing_generic:
                    new_end -= 1
                new_start = (
                    self._task_modifiers_start(ent_start, start, tokens, datasets) if label == "TASK" else ent_start
                )
                if (new_start, new_end) != (start, end):
                    return new_start, new_end
        return start, end

    def _task_modifiers_start(
        self, ent_start: int, start: int, tokens: _Tokens, datasets: frozenset[int] = frozenset()
    ) -> int:
        """Where the words an NER mention adds before a known task stop being its modifiers: not at a
        judgement or function word ("Optimal", "for"), a lower-case word among capitalised ones, a verb of
        a title ("Deep Learning meets Liveness Detection"), nor a known dataset's name ("COCO object
        detection" is object detection on COCO)."""
        title_case = tokens.orth(start)[:1].isupper()
        i = start
        while i > ent_start:
            word = tokens.orth(i - 1)
            if (
                i - 1 in datasets
                or word.lower() in self.rules.task_modifier_stops
                or (title_case and word.isalpha() and word.islower())
            ):
                break
            i -= 1
        return i

    def __call__(self, doc: Doc) -> Doc:
        tokens = _Tokens(doc)
        ents = [(e.start, e.end, e.label_) for e in doc.ents]
        vocabulary = [(s.start, s.end, s.label_, s.id_) for s in doc.spans.get("kg_vocabulary", [])]
        candidates = self._candidates(doc, tokens, ents, vocabulary)
        taken = [False] * len(doc)
        confidences: dict[tuple[int, int], float] = {}
        chosen = self._choose(candidates, vocabulary, tokens, taken, confidences)
        self._propagate(doc, tokens, chosen, taken, confidences)
        doc.spans["kg"] = _one_type_per_surface(doc, tokens, chosen)
        doc.user_data["kg_confidence"] = confidences
        return doc

    def _candidates(
        self, doc: Doc, tokens: _Tokens, ents: list[tuple[int, int, str]], vocabulary: list[tuple[int, int, str, str]]
    ) -> list[tuple[int, int, str, str, str]]:
        """Every source's candidates: (start, end, label, source, span id)."""
        candidates: list[tuple[int, int, str, str, str]] = []
        datasets = frozenset(i for start, end, label, _ in vocabulary if label == "DATASET" for i in range(start, end))
        for start, end, label, span_id in vocabulary:
            new_start, new_end = self._widen(start, end, label, ents, tokens, datasets)
            candidates.append((new_start, new_end, label, "vocabulary", span_id))
        for start, end, label in ents:
            if label in LABELS and self._plausible(label, tokens.span_text(start, end)):
                candidates.append((start, end, label, "ner", ""))
        for span in doc.spans.get("kg_patterns", []):
            candidates.append((span.start, span.end, span.label_, "pattern", span.id_))
        for span in doc.spans.get("kg_abbreviations", []):
            candidates.append((span.start, span.end, span.label_, "abbreviation", span.id_))
        return candidates

    def _choose(
        self,
        candidates: list[tuple[int, int, str, str, str]],
        vocabulary: list[tuple[int, int, str, str]],
        tokens: _Tokens,
        taken: list[bool],
        confidences: dict[tuple[int, int], float],
    ) -> list[tuple[int, int, str, str, str]]:
        """The candidates that win, best ranked first, trimmed and not overlapping: (start, end, label, tag,
        vocabulary id); marks their tokens ``taken`` and sets their ``confidences``."""
        agree: dict[tuple[int, int, str], set[str]] = {}
        for start, end, label, source, _ in candidates:
            agree.setdefault((start, end, label), set()).add(source)
        ranked = sorted(candidates, key=lambda c: (PRIORITY[c[3]], c[0] - c[1], c[0]))
        vocabulary_ids = {(start, end, label): span_id for start, end, label, span_id in vocabulary}
        chosen: list[tuple[int, int, str, str, str]] = []  # start, end, label, tag, vocabulary id
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
        return chosen

    def _propagate(
        self,
        doc: Doc,
        tokens: _Tokens,
        chosen: list[tuple[int, int, str, str, str]],
        taken: list[bool],
        confidences: dict[tuple[int, int], float],
    ) -> None:
        """A name found once is the same name wherever else it is written in the document: its other
        occurrences are appended to ``chosen``."""
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


def _one_type_per_surface(doc: Doc, tokens: _Tokens, chosen: list[tuple[int, int, str, str, str]]) -> list[Span]:
    """The chosen spans in document order, with one type per surface form within a document: the
    best-ranked span decides."""
    best: dict[str, str] = {}
    keys = [tokens.span_text(start, end).lower() for start, end, *_ in chosen]
    for (_, _, label, _, _), key in zip(chosen, keys):  # chosen is in rank order
        best.setdefault(key, label)
    spans = []
    for (start, end, label, tag, kb_id), key in zip(chosen, keys):
        if best[key] != label:
            label, kb_id = best[key], kb_id if kb_id.startswith(best[key].lower() + "/") else ""
        spans.append(Span(doc, start, end, label=label, span_id=tag, kb_id=kb_id))
    return sorted(spans, key=lambda s: (s.start, s.end))


_LATEX = re.compile(r"\\[A-Za-z]+\{?")  # "\emph{": markup, split off by the tokenizer (kg.extract.pipeline)


def _compound_start(start: int, tokens: _Tokens, most: int = 4) -> int:
    """A candidate that starts inside a hyphenated word starts with the word: "end-to-end video text
    tracker", never "end video text tracker"."""
    for _ in range(most):
        if start < 2 or tokens.orth(start - 1) not in {"-", "–"}:
            break
        if not (_glued(start - 1, tokens) and _glued(start, tokens)) or tokens.punct[start - 2]:
            break
        start -= 2
    return start


def _compound_end(end: int, tokens: _Tokens, most: int = 2) -> int:
    """A name that a glued hyphen and a short capitalised part or number follow ends with them:
    "CIFAR-10-C", "SWE-Bench-CL" are datasets of their own, never "CIFAR-10" or "SWE-Bench"."""
    for _ in range(most):
        if end + 1 >= len(tokens.idx) or tokens.orth(end) not in {"-", "–"}:
            break
        part = tokens.orth(end + 1)
        if not (_glued(end, tokens) and _glued(end + 1, tokens)) or not _SUFFIX_PART.fullmatch(part):
            break
        if end + 2 < len(tokens.idx) and _glued(end + 2, tokens) and not tokens.punct[end + 2]:
            break  # the word goes on: "-C2f"
        end += 2
    return end


#: the part a variant of a dataset adds after a hyphen: "C", "LT", "CL", "360", "Hard"
_SUFFIX_PART = re.compile(r"[A-Z][A-Za-z0-9]{0,4}|\d{1,4}")


def _glued(i: int, tokens: _Tokens) -> bool:
    """Whether token ``i`` follows the token before it with no space between."""
    return tokens.idx[i - 1] + tokens.length[i - 1] == tokens.idx[i]


#: lower-case words after a method's capitalised name that say what kind of part it is, not which
_METHOD_TAIL = frozenset(
    "module modules mechanism mechanisms strategy strategies framework frameworks block blocks layer layers "
    "component components scheme schemes technique techniques approach approaches method methods model models "
    "architecture architectures algorithm algorithms network networks pipeline pipelines unit units".split()
)


#: kind words that one word before them may be part of: "Diffusion models" (a sentence's first word has
#: its capital anyway), "T2I models" (models for a task) are not "Diffusion" or "T2I"
_MODEL_WORDS = frozenset("model models network networks method methods approach approaches".split())


def _named(start: int, end: int, tokens: _Tokens) -> bool:
    """Whether the words of a span are written as a name: each word starts with a capital or a digit
    (the parts of a hyphenated word aside), one of them with a capital ("3D" alone is no name)."""
    idx, length = tokens.idx, tokens.length
    starts = [tokens.orth(i) for i in range(start, end) if i == start or idx[i] > idx[i - 1] + length[i - 1]]
    return any(word[:1].isupper() for word in starts) and all(
        word[:1].isupper() or word[:1].isdigit() for word in starts
    )


def _trim(start: int, end: int, label: str, tokens: _Tokens) -> tuple[int, int] | None:
    """Drop leading determiners/pronouns and trailing punctuation from a candidate."""
    lower, punct, space = tokens.lower, tokens.punct, tokens.space
    while start < end and (
        punct[start] or space[start] or lower(start) in _LEADING or _LATEX.fullmatch(tokens.orth(start))
    ):
        start += 1
    while end > start and (punct[end - 1] and tokens.orth(end - 1) not in _KEEP_TRAILING or space[end - 1]):
        end -= 1
    if end > start:
        start = _compound_start(start, tokens)
        if label != "TASK":
            end = _compound_end(end, tokens)
    if label == "TASK":  # "the segmentation task", "this problem": the task is what comes before
        while end - start > 1 and lower(end - 1) in _TASK_TAIL:
            if tokens.orth(end - 2) == "-":  # "multi-task": a modifier, never "multi-"; alone it names no task
                if end - start <= 3:
                    return None
                break
            end -= 1
    if label == "METHOD":  # "Salient Region Selection module": the name is the capitalised words
        while (
            end - start > 1
            and lower(end - 1) in _METHOD_TAIL
            and tokens.orth(end - 1).islower()
            and _named(start, end - 1, tokens)
            and (end - start > 2 or lower(end - 1) not in _MODEL_WORDS)
        ):
            end -= 1
    if end <= start:
        return None
    text = tokens.span_text(start, end)
    if text.count("(") != text.count(")"):
        return None
    return start, end
