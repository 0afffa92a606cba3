"""A task named by its head word alone is widened to the words the text puts before it.

The NER often stops at a task's head: "classification" of "organ classification in CT images",
"segmentation" of "pixel-level instrument segmentation masks", "tracking" of "pen-tip tracking". A bare
head is too generic to be a node of the graph, while the text names the task as specifically as a user
wants it. ``kg_task_heads`` runs after ``kg_merge``: a task mention that is one head word
(``task_heads`` in ``ontologies/rules.json``) takes up to three modifiers before it in its sentence,
words or hyphenated compounds that are not in another mention, not function words or judgements
("accurate", "real-time": ``task_modifier_stops``), not "-based"/"-level" compounds, not plurals and
not verb forms.

>>> import spacy
>>> from kg.extract.rules import Rules
>>> nlp = spacy.blank("en")
>>> doc = nlp("We test organ classification in CT images and accurate report generation.")
>>> doc.spans["kg"] = [doc[3:4], doc[10:11]]
>>> doc.spans["kg"] = [Span(doc, s.start, s.end, label="TASK") for s in doc.spans["kg"]]
>>> doc = TaskHeads(Rules.load())(doc)
>>> [s.text for s in doc.spans["kg"]]
['organ classification', 'report generation']
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.extract.rules import Rules

#: words after which a lower-case word is a verb ("we formulate", "to model")
_BEFORE_VERBS = frozenset("to we they can could will would may might must should which that who".split())
#: a third-person verb or a plural ("the benchmark covers", "images"): neither modifies a task
_VERB_S = re.compile(r"[^suiy']s$")
#: how many modifiers a head takes at most ("multi-person 2D pose estimation")
MAX_MODIFIERS = 3


class TaskHeads:
    """Widens one-word task mentions to the modifiers before them (see the module docstring)."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get("kg", ()))
        taken = {i for span in spans for i in range(span.start, span.end)}
        confidence = doc.user_data.get("kg_confidence", {})
        changed = False
        for n, span in enumerate(spans):
            if span.label_ != "TASK" or len(span) != 1 or span[0].lower_ not in self.rules.task_heads:
                continue
            start = self._modifiers_start(doc, span.start, taken)
            if start < span.start:
                wider = Span(doc, start, span.end, label="TASK", span_id=span.id_)
                if (span.start_char, span.end_char) in confidence:
                    confidence[(wider.start_char, wider.end_char)] = confidence[(span.start_char, span.end_char)]
                spans[n] = wider
                changed = True
        if changed:
            doc.spans["kg"] = spans
        return doc

    def _modifiers_start(self, doc: Doc, head: int, taken: set[int]) -> int:
        """The first token of the modifiers before the head (the head itself when there are none)."""
        start = head
        for _ in range(MAX_MODIFIERS):
            if doc[start].is_sent_start:
                break
            unit = self._unit_before(doc, start)
            if unit is None or any(i in taken for i in range(unit, start)):
                break
            start = unit
        return start

    def _unit_before(self, doc: Doc, end: int) -> int | None:
        """The first token of the word or hyphenated compound ending right before ``end``, if it can modify
        a task ("organ", "pen-tip", "2D"), else None."""
        last = doc[end - 1]
        if not self._word(last) or last.whitespace_ == "" and end < len(doc) and doc[end].text == "-":
            return None
        first = end - 1
        while (
            first >= 2 and doc[first - 1].text == "-" and not doc[first - 1].whitespace_ and self._word(doc[first - 2])
        ):
            if doc[first - 2].whitespace_ or doc[first - 1].is_sent_start or doc[first].is_sent_start:
                break
            first -= 2
        words = [t.lower_ for t in doc[first:end] if t.text != "-"]
        if len(words) > 1:
            return None if words[-1] in self.rules.task_modifier_hyphen_stops else first
        word = words[0]
        if word in self.rules.task_modifier_stops or word in self.rules.task_heads:
            return None
        if last.text.islower() and (word.endswith(("ing", "ed")) or _VERB_S.search(word)):
            return None  # a verb form ("improving", "proposed")
        if word.endswith("ly") or (
            first > 0 and (doc[first - 1].lower_ in _BEFORE_VERBS or doc[first - 1].lower_.endswith("ly"))
        ):
            return None  # an adverb, or a verb: "to formulate", "mainly formulate" report generation
        return first

    @staticmethod
    def _word(token: Token) -> bool:
        return token.is_alpha or (token.text.isalnum() and any(c.isalpha() for c in token.text))


@Language.factory("kg_task_heads")
def make_task_heads(nlp: Language, name: str) -> TaskHeads:
    """One-word task mentions ("classification") widened to the modifiers before them ("organ classification")."""
    return TaskHeads(Rules.load())
