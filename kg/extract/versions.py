"""Released models named with their versions and sizes: "Llama-3-8B-Instruct", "Gemma3-27B", "Phi 3.5 Mini".

The tokenizer keeps "Llama-3" as one token, so the vocabulary's "Llama" never matches it, and the NER
often stops at the base name or misses the name altogether. ``kg_versions`` runs after ``kg_merge``: a
name followed by a version ("-3", "2.5", " 3.5", "-4o") and by sizes and release tags ("-8B", " Turbo",
"-Instruct") is one method mention when the vocabulary knows the base name as a method only, or when a
size or a release tag says it is a released model: any size after a coined base ("SmolLM-135M"),
billions of parameters or a release tag after any other ("Qwen2 7B Instruct"); a size may stand where the
version goes ("SmolLM-1.7B", "Jackalope-7b"). A name the
vocabulary knows as a dataset ("CIFAR-10", "ImageNet-1k") is left alone; so is a mention of another type
that overlaps the name. Each version is its own entity (:mod:`kg.resolve` links it to its base).
:func:`base_name` and :func:`vocabulary_types`, which ``kg_type_votes`` reads too, say a versioned name's
base and what the vocabulary knows of it.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> doc = nlp("We fine-tune Llama-3-8B-Instruct and SmolLM-135M on CIFAR-10.")
>>> doc.spans["kg"] = []
>>> doc = VersionedNames(lambda base: {"METHOD": "method/llama"} if base == "Llama" else {})(doc)
>>> [(s.text, s.label_) for s in doc.spans["kg"]]
[('Llama-3-8B-Instruct', 'METHOD'), ('SmolLM-135M', 'METHOD')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.components.common import add_mentions, doc_text

#: a version or size at the end of a name: "-3.2", "-1B", "v2", "-7B", "-Instruct"
_VERSION = re.compile(r"(?:[-_ ]?v?\d+(?:\.\d+)*[a-zA-Z]?|[-_ ](?:Instruct|Chat|Base|Large|Small|Tiny|XL))$")


def base_name(text: str) -> str:
    """A name less its versions and sizes ("Llama-3.2-1B" -> "Llama"); the name itself when nothing is left.

    >>> base_name("Llama-3.2-1B"), base_name("LLaVA-1.5-7B"), base_name("GPT-4o"), base_name("COCO")
    ('Llama', 'LLaVA', 'GPT', 'COCO')
    """
    base = text
    while (shorter := _VERSION.sub("", base)) != base and any(c.isalpha() for c in shorter):
        base = shorter
    return base


@lru_cache(maxsize=65536)
def vocabulary_types(text: str) -> dict[str, str]:
    """The shipped vocabulary's non-generic terms named ``text`` (or, when it knows none, named the
    version's base: "Llama-3.2-1B" is a Llama), one per type it is known under. An id is given only for
    the name itself: a version is its own entity.

    >>> vocabulary_types("RAG"), vocabulary_types("LLaVA-1.5-7B")
    ({'METHOD': 'method/retrieval-augmented-generation'}, {'METHOD': ''})
    """
    from kg.vocabulary import shipped

    for name in dict.fromkeys((text, base_name(text))):
        found = {
            type_.value.upper(): term.id if name == text else ""
            for type_, term in shipped().terms_named(name).items()
            if not term.generic
        }
        if found:
            return found
    return {}


#: words a release appends to a model's name
RELEASE_TAGS = (
    "Instruct|Chat|Base|Turbo|Mini|Pro|Flash|VL|Coder|Math|Preview|Nano|Omni|Plus|Max|Ultra|Large|Small|Medium"
)
_SIZE = r"\d+(?:\.\d+)?[BMKT]"
_HYPHEN_SIZE = r"-\d+(?:\.\d+)?b(?![A-Za-z])"  # "-7b": billions in lower case, after a hyphen only (not "Figure 2b")
_PARAMETERS = r"\d+(?:\.\d+)?[BM]"  # a size that may stand for the version: parameters, not "4K" (HRBench4K)
_VERSIONED = re.compile(
    r"(?<![\w.-])(?P<base>[A-Z][A-Za-z]*[A-Za-z])"
    # a size may stand for the version: "SmolLM-1.7B", "Jackalope-7b"
    rf"(?P<version>(?:-|\s)?{_PARAMETERS}|{_HYPHEN_SIZE}|(?:-|\s)?v?\d+(?:\.\d+)*[a-z]?)?"
    rf"(?P<tags>(?:(?:[-\s](?:{_SIZE}|{RELEASE_TAGS})|{_HYPHEN_SIZE})(?![\w]))*)"
    r"(?![\w-])"
)
_HAS_SIZE_OR_TAG = re.compile(rf"{_SIZE}|{RELEASE_TAGS}")
_HAS_BILLIONS_OR_TAG = re.compile(rf"\d+(?:\.\d+)?B\b|{_HYPHEN_SIZE}|{RELEASE_TAGS}")
#: the confidence of a versioned name (that of a cue pattern)
CONFIDENCE = 0.8


def _coined(base: str) -> bool:
    """A name with a capital after its first letter and a lower-case letter: SmolLM, LLaMA, DeepSeek."""
    return any(c.isupper() for c in base[1:]) and any(c.islower() for c in base)


class VersionedNames:
    """Adds (or widens to) the versioned names of released models (see the module docstring)."""

    def __init__(self, known_types: Callable[[str], Mapping[str, str]] = vocabulary_types) -> None:
        self.known_types = known_types

    def is_model(self, base: str, version: str, tags: str) -> bool:
        """Whether a base name with this version and these tags names a released model."""
        if not (version or tags):
            return False
        known = set(self.known_types(base))
        if known:
            return known == {"METHOD"}
        size = version if re.fullmatch(rf"(?:-|\s)?{_PARAMETERS}|{_HYPHEN_SIZE}", version) else ""  # "SmolLM-1.7B"
        if _coined(base):
            return bool(size or _HAS_SIZE_OR_TAG.search(tags))
        if size[:1].isspace() and not tags:
            return False  # "Table 3B", "Figure 2B": a plain word and a number
        return bool(_HAS_BILLIONS_OR_TAG.search(size + tags))  # "Qwen2 7B Instruct", "Jackalope-7b": billions

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get("kg", ()))
        added = []
        for match in _VERSIONED.finditer(doc_text(doc)):
            if not self.is_model(match["base"], match["version"] or "", match["tags"] or ""):
                continue
            span = doc.char_span(match.start(), match.end(), label="METHOD", alignment_mode="contract")
            while span is not None and len(span) > 1 and span[-1].is_punct:  # "Gemma3-" of "Gemma3-27B."
                span = span[:-1]
            if span is None or span.end_char <= match.start() + len(match["base"]):
                continue
            overlapping = [s for s in spans if s.start < span.end and span.start < s.end]
            if any(s.label_ != "METHOD" or s.start < span.start or s.end > span.end for s in overlapping):
                continue  # a dataset or a task here, or a longer method name: the text says more
            if any(s.start == span.start and s.end == span.end for s in overlapping):
                continue
            spans = [s for s in spans if s not in overlapping]
            added.append(Span(doc, span.start, span.end, label="METHOD", span_id="pattern:version"))
        if added:
            add_mentions(doc, spans, added, CONFIDENCE)
        return doc


@Language.factory("kg_versions")
def make_versioned_names(nlp: Language, name: str) -> VersionedNames:
    """Released models named with their versions and sizes ("Llama-3-8B-Instruct") as method mentions."""
    return VersionedNames()
