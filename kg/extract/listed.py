"""Names listed as datasets: "on the V2X-Seq and TUMTraf-V2X real-world datasets", "two benchmarks,
NYUD-v2 and Pascal Context", "Experiments on ImageNet, Waterbirds, CelebA, and FairFaces", "three
interactive environments, i.e., ScienceWorld, Webshop, and Plancraft" (environments and simulators used
as benchmarks count as datasets).

A paper names the data it evaluates on in lists. The NER finds the names it has seen and misses or
mistypes the rest; a list says what all its names are when a dataset noun heads or ends it, or when one of
its names is already a dataset. :func:`dataset_list_items` reads such lists (names are capitalised or
name-like words, hyphens and digits, up to five tokens; never in the title, where every word has a
capital); ``kg_listed_names`` (after ``kg_coined_names``) adds the names no component found as datasets,
and :mod:`kg.extract.types` counts a listed name's place as a vote for a dataset.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("sentencizer")
>>> doc = nlp("We evaluate TIGER on two benchmarks, NYUD-v2 and Pascal Context, where it wins.")
>>> [doc[a:b].text for a, b in dataset_list_items(doc)]
['NYUD-v2', 'Pascal Context']
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.components.common import add_mentions, doc_text, sentence_of, title_end
from kg.extract.rules import Rules, is_name_like

#: plural nouns that head or end a list of datasets (environments and simulators a paper evaluates in)
LIST_HEADS = frozenset({"datasets", "benchmarks", "corpora", "databases", "environments", "simulators"})
_HEAD_WORD = re.compile(r"\b(?:" + "|".join(sorted(LIST_HEADS)) + r")\b", re.IGNORECASE)
#: what may stand between a leading head noun and its list: "benchmarks (A, B)", "datasets such as A"
_LEADS = (
    ("such", "as"),
    ("including",),
    ("like",),
    ("namely",),
    ("e.g.", ","),
    ("e.g.",),
    ("i.e.", ","),
    ("i.e.",),
    (",", "i.e.", ","),
    (",", "e.g.", ","),
    (",", "namely"),
)
_SEPARATORS = frozenset({",", "and", "or"})
#: the most tokens one listed name may have ("Pascal Context", "NYUD - v2")
MAX_NAME_TOKENS = 5
#: the most words between a list and the dataset noun that ends it ("real-world", "large-scale public")
_MAX_ADJECTIVE_TOKENS = 4
#: the confidence of a name typed by its list
CONFIDENCE = 0.7


def _name_token(doc: Doc, i: int, stop_words: frozenset[str]) -> bool:
    text = doc[i].text
    if text.endswith("."):
        return False  # "FMoW." glued to its full stop: kg_sized_names splits the ones it knows
    if is_name_like(text):
        return True
    if text[:1].isupper() and text.isalpha() and text not in stop_words:
        return i != sentence_of(doc, i)[0]  # a sentence's first word has a capital whatever it is
    return False


def _glued_hyphen(doc: Doc, i: int) -> bool:
    return doc[i].text == "-" and 0 < i < len(doc) - 1 and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def _name_at(doc: Doc, i: int, end: int, stop_words: frozenset[str]) -> int:
    """Where a listed name that starts at token ``i`` ends (``i`` when none starts there)."""
    j = i
    while j < end and j - i < MAX_NAME_TOKENS:
        if _name_token(doc, j, stop_words) or (j > i and (_glued_hyphen(doc, j) or doc[j].is_digit)):
            j += 1
        elif j > i and not doc[j - 1].whitespace_ and doc[j].text[:1].isalnum():
            j += 1  # the rest of a hyphenated name: "NYUD-v2", "TUMTraf-V2X"
        else:
            break
    while j > i and _glued_hyphen(doc, j - 1):
        j -= 1
    return j


def _followed_by_other_head(doc: Doc, j: int) -> bool:
    return j < len(doc) and doc[j].lower_ in _OTHER_HEADS


#: nouns that, right after a name, say it is no dataset ("X methods", "Y models")
_OTHER_HEADS = frozenset(
    "method methods model models network networks task tasks approach approaches framework frameworks".split()
)


def _list_from(doc: Doc, i: int, end: int, stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """The names of a list that starts at token ``i``: "A, B, and C", "A and B", "A or B"."""
    items = []
    while i < end:
        j = _name_at(doc, i, end, stop_words)
        if j == i:
            break
        if len(doc[i:j].text) >= 2 and not _followed_by_other_head(doc, j):
            items.append((i, j))  # "RGB-D and D methods": no one-letter names, none a method noun ends
        k = j
        while k < end and doc[k].text in _SEPARATORS and k - j < 2:
            k += 1
        if k == j:
            break
        i = k
    return items


def _ending_list(doc: Doc, head: int, first: int, stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """The list a dataset noun ends: "the A, B, and C datasets", "A and B real-world datasets"."""
    k = head
    while k > first and head - k < _MAX_ADJECTIVE_TOKENS and (doc[k - 1].is_lower or _glued_hyphen(doc, k - 1)):
        if doc[k - 1].text in _SEPARATORS:
            break
        k -= 1
    start = k
    while start > first and (
        doc[start - 1].text in _SEPARATORS
        or _glued_hyphen(doc, start - 1)
        or _name_token(doc, start - 1, stop_words)
        or doc[start - 1].is_digit
    ):
        start -= 1
    while start < k and doc[start].text in _SEPARATORS:
        start += 1
    items = _list_from(doc, start, k, stop_words)
    return items if len(items) >= 2 and items[-1][1] == k else []


def _leading_list(doc: Doc, head: int, end: int, stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """The list a dataset noun leads: "datasets (A, B, C)", "benchmarks: A and B", "datasets such as A",
    "two benchmarks, A and B" (after a bare comma, two names at least)."""
    i = head + 1
    if i >= end:
        return []
    words = tuple(t.lower_ for t in doc[i : i + 3])
    lead = next((lead for lead in _LEADS if words[: len(lead)] == lead), None)
    if lead is not None:
        items = _list_from(doc, i + len(lead), end, stop_words)
        return items
    if doc[i].text in {"(", ":"}:
        return _list_from(doc, i + 1, end, stop_words)
    if doc[i].text == ",":
        items = _list_from(doc, i + 1, end, stop_words)
        return items if len(items) >= 2 else []
    return []


def dataset_list_items(doc: Doc, rules: Rules | None = None) -> list[tuple[int, int]]:
    """(start, end) token spans of the names in lists a dataset noun heads or ends, in document order;
    worked out once per document (``kg_listed_names`` and the type votes both read them)."""
    cached = doc.user_data.get("kg_dataset_list_items")
    if cached is not None:
        return cached
    stop_words = (rules or Rules.load()).stop_name_words
    body = title_end(doc)
    found: set[tuple[int, int]] = set()
    for match in _HEAD_WORD.finditer(doc_text(doc), body):  # a plain search: most abstracts have none
        head = doc.char_span(match.start(), match.end())
        if head is None or len(head) != 1:
            continue
        token = head[0]
        first, end = sentence_of(doc, token.i)
        if doc[first].idx < body:
            continue
        found.update(_ending_list(doc, token.i, first, stop_words))
        found.update(_leading_list(doc, token.i, end, stop_words))
    items = sorted(found)
    doc.user_data["kg_dataset_list_items"] = items
    return items


def listed_with_datasets(doc: Doc, spans: list[Span], stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """Names listed right beside a dataset mention: "on ImageNet, Waterbirds, CelebA, and FairFaces"."""
    body = title_end(doc)
    covered = {i for span in spans for i in range(span.start, span.end)}
    out: list[tuple[int, int]] = []
    for span in spans:
        if span.label_ != "DATASET" or span.start_char < body:
            continue
        first, end = sentence_of(doc, span.start)
        k = span.end
        while k < end and doc[k].text in _SEPARATORS and k - span.end < 2:
            k += 1
        if k > span.end:
            out.extend(item for item in _list_from(doc, k, end, stop_words) if item[0] not in covered)
        start = span.start
        while start > first and doc[start - 1].text in _SEPARATORS and span.start - start < 2:
            start -= 1
        if start < span.start:
            begin = start
            while begin > first and span.start - begin < 12 and doc[begin - 1].text not in {"on", "(", ":"}:
                begin -= 1
            out.extend(
                item
                for item in _list_from(doc, begin, start, stop_words)
                if item[0] not in covered and item[1] <= start
            )
    return sorted(set(out))


#: plural nouns that, leading a list of examples, say its items are methods ("rehearsal-based methods, such
#: as experience replay"); not "tasks": "tasks like MNLI, QQP and QNLI" are datasets
EXAMPLE_HEADS = dict.fromkeys(("methods", "approaches", "techniques", "algorithms", "architectures"), "METHOD")
#: the words between such a noun and its first example
_EXAMPLE_LEADS = (("such", "as"), ("including",), ("e.g.",), ("e.g.", ","), ("like",))
_LIST_SEPARATORS = frozenset({",", "and", "or"})
_BEFORE_EXAMPLE = _LIST_SEPARATORS | {lead[-1] for lead in _EXAMPLE_LEADS}
#: the most examples a list may have before the one voted for
_MOST_EXAMPLES = 6


def example_list_type(doc: Doc, span: Span, starts_by_end: Mapping[int, int]) -> str | None:
    """The type a list of examples says a mention is, by the plural noun that leads the list ("methods
    such as A, B and C"), or None; ``starts_by_end`` gives the start of the mention that ends at a
    token, to walk back over the examples before this one. :mod:`kg.extract.types` counts it as a vote.

    >>> import spacy
    >>> doc = spacy.blank("en")("Replay methods, such as GEM, DER and experience replay, forget less.")
    >>> [example_list_type(doc, doc[i:j], {6: 5, 8: 7, 11: 9}) for i, j in ((5, 6), (9, 11), (0, 1))]
    ['METHOD', 'METHOD', None]
    """
    i = span.start
    if i == 0 or doc[i - 1].lower_ not in _BEFORE_EXAMPLE:
        return None  # most mentions: no list word before them
    first = sentence_of(doc, i)[0]
    for _ in range(_MOST_EXAMPLES):
        for lead in _EXAMPLE_LEADS:
            at = i - len(lead)
            if at - 1 >= first and all(doc[at + n].lower_ == word for n, word in enumerate(lead)):
                head = at - 1 - (doc[at - 1].text == "," and at - 2 >= first)
                found = EXAMPLE_HEADS.get(doc[head].lower_)
                if found:
                    return found
        k = i
        while k > first and doc[k - 1].text in _LIST_SEPARATORS and i - k < 2:
            k -= 1
        if k == i or k not in starts_by_end:
            return None
        i = starts_by_end[k]
    return None


class ListedNames:
    """Adds the names of dataset lists that no component found, as datasets (module docstring)."""

    def __init__(self, rules: Rules) -> None:
        self.stop_words = rules.stop_name_words
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get("kg", ()))
        items = set(dataset_list_items(doc, self.rules)) | set(listed_with_datasets(doc, spans, self.stop_words))
        added: list[Span] = []
        for a, b in sorted(items, key=lambda item: (item[0], -item[1])):
            inside = [span for span in spans if span.start < b and a < span.end]
            if any(span.start <= a and b <= span.end or span.id_ not in _PARTIAL for span in inside):
                continue  # a mention has it all, or part of it comes from the vocabulary or a cue
            if any(span.start < b and a < span.end for span in added):
                continue
            spans = [span for span in spans if span not in inside]  # "HistoSeg" of "LUAD-HistoSeg"
            added.append(Span(doc, a, b, label="DATASET", span_id="listed"))
        if added:
            add_mentions(doc, spans, added, CONFIDENCE)
        return doc


#: the sources of a mention a listed name may take the place of: a part of the name the NER or
#: ``kg_coined_names`` found alone
_PARTIAL = frozenset({"", "ner", "coined"})


@Language.factory("kg_listed_names")
def make_listed_names(nlp: Language, name: str) -> ListedNames:
    """Names listed as datasets ("the A and B datasets", "benchmarks, A and B") that no component found."""
    return ListedNames(Rules.load())
