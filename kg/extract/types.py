"""A name's type is what the paper says it is, not what its letters look like.

"we introduce a dataset for FSS, named FS2K" and "the proposed FS2K dataset" make FS2K a dataset, whatever
the NER guessed from the name's shape. ``kg_type_votes`` runs after ``kg_merge``: every merged mention
of a name (a mention with a capital letter or a digit) casts the votes its context gives, the head noun
right after it ("X dataset", "X benchmark", "X model", "X task"), the naming phrase before it ("a dataset
..., named X", "a model called X") or the plural noun that leads a list of examples holding it ("methods,
such as X and Y"), and a coined name ending in "Bench" votes for a dataset; a name whose votes all go to one other type is re-typed everywhere in
the paper. A name the text casts no vote for takes the type of the vocabulary when the vocabulary knows it
under one type only: "RAG" is a method wherever the NER or its long form made it look like a task.

>>> import spacy
>>> from spacy.tokens import Span
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("sentencizer")
>>> doc = nlp("We collect a new dataset for FSS, named FS2K, and release it. The proposed FS2K dataset is large.")
>>> import re
>>> doc.spans["kg"] = [doc.char_span(m.start(), m.end(), "METHOD") for m in re.finditer("FS2K", doc.text)]
>>> doc = TypeVotes(lambda text: {})(doc)
>>> [(s.text, s.label_) for s in doc.spans["kg"]]
[('FS2K', 'DATASET'), ('FS2K', 'DATASET')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.components.common import sentence_of, title_end
from kg.extract.listed import example_list_type
from kg.extract.versions import vocabulary_types

#: head nouns that, right after a name, say what it is
HEADS = {
    "DATASET": {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "corpora", "database", "data"},
    "METHOD": {
        "model",
        "models",
        "network",
        "networks",
        "architecture",
        "algorithm",
        "method",
        "framework",
        "loss",
        "module",
        "optimizer",
        "encoder",
        "decoder",
    },
    "TASK": {"task", "tasks", "problem", "challenge"},
}
#: the last words of a name that say it names a method ("Video World Models", "video text tracker")
NAME_HEADS_METHOD = HEADS["METHOD"] | {"tracker", "detector", "classifier", "generator", "segmenter", "transformer"}
#: an agent noun at the end of a capitalised name names what does the work ("Referring Expression
#: Deconfounder", "Scene Reasoner"), a method; these words end the same way and are not agents
_NOT_AGENTS = frozenset(
    "transfer answer order paper user cancer computer number water power other center cluster character chapter "
    "letter matter member parameter poster folder layer filter border corner marker weather master error "
    "monitor sensor vector tensor factor mirror color colour floor indoor outdoor author editor interior "
    "behavior behaviour humor tumor tumour donor actor rigor vapor anchor".split()
)


def _agent_noun(word: str) -> bool:
    """Whether a name's last word is an agent noun ("Deconfounder", "Reasoner", "Planner")."""
    lower = word.lower()
    return len(lower) > 5 and lower.endswith(("er", "or")) and word[:1].isupper() and lower not in _NOT_AGENTS


#: words that introduce a name ("..., named X"); the type is the head noun found shortly before them
NAMING = {"named", "called", "dubbed", "termed", "coined"}
_LOOK_BACK = 8
#: words that, shortly before "on X", say X is data a method is run on ("experiments on X", "trained on X")
EVALUATED_ON = frozenset(
    "experiments experiment results evaluated evaluate evaluation tested trained pretrained pre-trained fine-tuned "
    "finetuned benchmarked gains improvements improvement accuracy performance state-of-the-art sota".split()
)
_EVALUATED_WORDS = 4
#: how far after "X, a" the head noun that says what X is may stand ("X, a large-scale real-scan dataset")
_APPOSITIVE_WORDS = 7
#: "we propose X", "the proposed X": what a paper proposes is a method (a dataset or a task has its head noun)
PROPOSE = {"propose", "proposes", "proposed"}
#: words that may stand between "propose" and the name it proposes ("we propose a novel X")
_PROPOSE_FILLER = {
    "a",
    "an",
    "the",
    "novel",
    "new",
    "simple",
    "efficient",
    "effective",
    "unified",
    "here",
    "further",
    "also",
    "then",
}


_CAPITAL_OR_DIGIT = re.compile(r"[A-Z0-9]")


def _is_name(text: str) -> bool:
    if _CAPITAL_OR_DIGIT.search(text):
        return True
    return not text.isascii() and any(c.isupper() or c.isdigit() for c in text)  # "Éclair"


def _head_type(word: str) -> str | None:
    word = word.lower()
    return next((label for label, heads in HEADS.items() if word in heads), None)


#: a coined name that ends in "Bench" (or in "Bench" and a short suffix) names a benchmark (SWE-bench,
#: VSI-Bench, HallusionBench, SWE-Bench-CL, TxBench-PP), and so does a name that ends in "Benchmark"
_BENCH_NAME = re.compile(r"(?:[A-Za-z0-9]-?[Bb]ench|\bBench)\+*(?:-[A-Za-z0-9]{1,4})?$|\sBenchmarks?$")


def votes_of(doc: Doc, span: Span) -> list[str]:
    """The types the context of one mention votes for (and its name, when it says "Bench")."""
    out = ["DATASET"] if _BENCH_NAME.search(span.text) else []
    if span.end < len(doc) and _head_type(doc[span.end].text) == "DATASET":
        out.append("DATASET")  # "X model" / "X task" also follow datasets ("ImageNet models", "GLUE tasks")
    if _after_data_noun(doc, span):
        out.append("DATASET")
    if span.start >= 1:
        before = doc[span.start - 1].text.lower()
        if before in NAMING or (
            before in {",", "as"} and span.start >= 2 and doc[span.start - 2].text.lower() in NAMING
        ):
            window = doc[max(_sentence_start(span), span.start - _LOOK_BACK) : span.start]
            heads = [_head_type(t.text) for t in window]
            found = [h for h in heads if h]
            if found:
                out.append(found[-1])
    described = _appositive(doc, span)
    if described:
        out.append(described)
    elif _proposed(doc, span) or _coined_in_our_sentence(doc, span):
        out.append("METHOD")
    if span[-1].lower_ in NAME_HEADS_METHOD or (span.label_ == "TASK" and _agent_noun(span[-1].text)):
        out.append("METHOD")  # "Video World Models", "Pillar-Feature Network": the name says what it is
    return out


#: nouns that name the data right after them ("the dataset Chat-AD", "a new corpus (SynthDoc)")
_DATA_NOUNS = frozenset({"dataset", "corpus"})


def _after_data_noun(doc: Doc, span: Span) -> bool:
    """Whether the name follows a data noun, or is in parentheses right after one ("dataset (X)")."""
    i = span.start - 1
    if i >= 0 and doc[i].text == "(" and span.end < len(doc) and doc[span.end].text == ")":
        i -= 1
    return i >= 0 and doc[i].lower_ in _DATA_NOUNS


def _plural_data_after(doc: Doc, span: Span) -> bool:
    """Whether a plural data noun follows the name: "FSS datasets" are data for a task, where "the GLUE
    benchmark" names one."""
    return span.end < len(doc) and doc[span.end].lower_ in {"datasets", "benchmarks", "corpora"}


def _sentence_start(span: Span) -> int:
    """The first token of the span's sentence (``Span.sent`` walks the whole doc on every call)."""
    return sentence_of(span.doc, span.start)[0]


def _evaluated_on(doc: Doc, span: Span) -> bool:
    """Whether the name is what a paper's experiments are run "on" ("5.4% gains on IR2R", "evaluated on X")."""
    if span.start < 2 or doc[span.start - 1].lower_ != "on":
        return False
    window = doc[max(_sentence_start(span), span.start - 1 - _EVALUATED_WORDS) : span.start - 1]
    return any(t.lower_ in EVALUATED_ON for t in window)


def _appositive(doc: Doc, span: Span) -> str | None:
    """The type the phrase right after a name says it is: "X, a real-scan object dataset", "X (XD), a new
    framework for ..." (the first head noun within a few words, before any other punctuation)."""
    end = _past_acronym(doc, span.end)
    if end + 1 >= len(doc) or doc[end].text != "," or not _describes(doc, end + 1):
        return None
    words = 0
    for token in doc[end + 2 :]:
        if token.text == "-":
            continue  # "Mamba-based" is one word
        if token.is_punct or words == _APPOSITIVE_WORDS:
            return None
        found = _head_type(token.text) or ("METHOD" if token.lower_ in APPOSITIVE_METHOD else None)
        if found:
            return found
        words += 1
    return None


#: words after "the" that make "X, the ..." say what X is ("X, the first benchmark for ..."); "On X, the
#: proposed model achieves ..." is a sentence going on
_THE_DESCRIBING = frozenset({"first", "largest", "new", "most", "biggest", "only", "official"})


def _describes(doc: Doc, i: int) -> bool:
    """Whether the words from ``i`` open a description: "a", "an", "the first", "the largest" ..."""
    word = doc[i].lower_
    return word in {"a", "an"} or (word == "the" and i + 1 < len(doc) and doc[i + 1].lower_ in _THE_DESCRIBING)


#: nouns that, in "X, a ... paradigm", say X is a method though they never head a method's name
APPOSITIVE_METHOD = frozenset({"paradigm", "approach", "technique", "pipeline", "mechanism", "strategy"})


def _past_acronym(doc: Doc, i: int) -> int:
    """The token after a parenthesised acronym that starts at ``i`` ("(ECON)"), else ``i``."""
    if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")" and _is_name(doc[i + 1].text):
        return i + 3
    return i


def _proposed(doc: Doc, span: Span) -> bool:
    """Whether the name is what "we propose" / "the proposed" names, only fillers between."""
    i = span.start - 1
    first = _sentence_start(span)
    while i >= first and i >= span.start - 4 and doc[i].lower_ in _PROPOSE_FILLER:
        i -= 1
    if i < first or doc[i].lower_ not in PROPOSE:
        return False
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    return _head_type(after) in (None, "METHOD")


#: a name's vocabulary terms: label ("DATASET", ...) -> term id, for the types it is known under
KnownTypes = Callable[[str], Mapping[str, str]]


#: verbs by which a paper brings in what it made ("we introduce Spatial-Aware Prompt (SAP)")
MAKE = frozenset(
    "propose proposes introduce introduces present presents develop develops design designs devise".split()
)
_TITLE_WORD = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
#: lower-case words a coined capitalised name may hold between its capitalised words
_NAME_JOINERS = frozenset({"via", "of", "for", "with", "and", "in", "on", "to", "the", "from"})


def _coined_in_our_sentence(doc: Doc, span: Span) -> bool:
    """Whether the name is one the paper coins for what it makes: a capitalised long form the abstract
    defines an acronym for ("Spatial-Aware Prompt (SAP)"), in a sentence where the paper proposes or
    introduces something, and not followed by a task's or a dataset's head noun ("(VAD) task")."""
    if len(span) < 2 or span.start_char < title_end(doc):
        return False
    words = [t.text for t in span if not t.is_punct]
    inner = [w for w in words[1:-1] if w not in _NAME_JOINERS]  # "Efficient Coordination via Nash Equilibrium"
    if len(words) < 2 or not all(_TITLE_WORD.match(w) for w in [words[0], *inner, words[-1]]):
        return False
    if span.text not in doc.user_data.get("kg_abbreviation_pairs", {}).values():
        return False
    after = doc[span.end : min(len(doc), span.end + 5)]
    close = next((t.i for t in after if t.text == ")"), None)
    if close is not None and close + 1 < len(doc) and _head_type(doc[close + 1].text) in ("TASK", "DATASET"):
        return False
    before = doc[_sentence_start(span) : span.start]
    made = [t.i for t in before if t.lower_ in MAKE]
    # "we propose a new task, Video Anomaly Retrieval (VAR)": the noun between says what is made
    return bool(made) and not any(_head_type(t.text) in ("TASK", "DATASET") for t in doc[made[-1] : span.start])


#: how many leading words a name may add to a known name whose type it takes
_TAIL_WORDS = 3


def _known_tail(span: Span, known_types: KnownTypes) -> list[str]:
    """The type of the longest known name a name ends in, when the vocabulary knows it under one type:
    "Cross-Task Retrieval-Augmented Generation" is a kind of retrieval-augmented generation, a method."""
    for start in range(span.start + 1, min(span.end, span.start + 1 + _TAIL_WORDS)):
        if span.doc[start].is_punct or span.doc[start - 1].text == "-":
            continue  # the tail starts at a word of its own, not inside "Cross-Task"
        known = known_types(span.doc[start : span.end].text)
        if len(known) == 1:
            return list(known)
    return []


class TypeVotes:
    """Re-types a paper's names whose contexts agree on another type, and the names the text says
    nothing of that the vocabulary knows under one type only (see the module docstring)."""

    def __init__(self, known_types: KnownTypes = vocabulary_types) -> None:
        self.known_types = known_types

    def __call__(self, doc: Doc) -> Doc:
        spans = [(span, span.text, span.label_) for span in doc.spans.get("kg", ())]  # a span's text is costly
        listed = set(doc.user_data.get("kg_dataset_list_items", ()))  # kg_listed_names read them
        pairs = {short.lower(): long.lower() for short, long in doc.user_data.get("kg_abbreviation_pairs", {}).items()}
        task_forms = {long for long in pairs.values() if any(t.lower() == long and l == "TASK" for _, t, l in spans)}
        ballots: dict[str, Counter[str]] = {}
        tails: dict[str, list[str]] = {}  # the known name a name ends in: counted only when nothing else votes
        labels: dict[str, set[str]] = {}
        written: dict[str, str] = {}  # a name as the paper first writes it, by its lower-case form
        starts_by_end = {span.end: span.start for span, _, _ in spans}
        for span, text, label in spans:
            written.setdefault(text.lower(), text)
            example = example_list_type(doc, span, starts_by_end)
            ballot = ballots.setdefault(text.lower(), Counter())  # "Video World Models" and "video world models"
            labels.setdefault(text.lower(), set()).add(label)
            if _is_name(text):
                votes = votes_of(doc, span)
                if votes == ["DATASET"] and (
                    set(self.known_types(text)) == {"TASK"}
                    or (pairs.get(text.lower()) in task_forms and _plural_data_after(doc, span))
                ):
                    votes = []  # "QA datasets", "FSS datasets": data for a task, not a dataset's name
                if not votes and len(span) > 1 and not self.known_types(text):  # a known name keeps its type
                    tails.setdefault(text.lower(), _known_tail(span, self.known_types))
                if not votes and label != "DATASET" and ((span.start, span.end) in listed or _evaluated_on(doc, span)):
                    if not set(self.known_types(text)) & {"METHOD", "TASK"}:  # "results on GPT-4o" stays a method
                        votes = ["DATASET"]
                ballot.update(votes or ([example] if example else []))
            elif label == "TASK" and span[-1].lower_ in NAME_HEADS_METHOD:
                ballot["METHOD"] += 1  # no task ends in "tracker" or "network"
            elif example:
                ballot[example] += 1
        new_type: dict[str, tuple[str, str]] = {}
        for text, tail in tails.items():
            if not ballots[text]:
                ballots[text].update(tail)
        for text, ballot in ballots.items():
            label, kb_id = "", ""
            if len(ballot) == 1:
                (label,) = ballot
            elif not ballot:
                known = self.known_types(written[text])
                if len(known) == 1:
                    ((label, kb_id),) = known.items()
            if label and labels[text] != {label}:
                new_type[text] = (label, kb_id)
        for short, long in pairs.items():
            if short not in labels or short in new_type or ballots[short] or long not in labels:
                continue
            if long in new_type:
                new_type[short] = (new_type[long][0], "")  # "PGS" goes with "Pivot-Guided Search"
            elif len(labels[long]) == 1 and labels[short] != labels[long]:
                (new_type[short],) = ((label, "") for label in labels[long])  # "FSS" goes with its task
        if new_type:
            doc.spans["kg"] = [
                self._retyped(s, *new_type[text.lower()]) if text.lower() in new_type else s for s, text, _ in spans
            ]
        return doc

    @staticmethod
    def _retyped(span: Span, label: str, kb_id: str = "") -> Span:
        if not kb_id:  # a vocabulary id of the old type goes
            kb_id = span.kb_id_ if span.kb_id_.startswith(label.lower() + "/") else ""
        return Span(span.doc, span.start, span.end, label=label, kb_id=kb_id, span_id=span.id_)


@Language.factory("kg_type_votes")
def make_type_votes(nlp: Language, name: str) -> TypeVotes:
    """Re-type names by what their contexts say (``X dataset``, ``a benchmark ... named X``), and by the
    vocabulary where the text says nothing."""
    return TypeVotes()
