"""spaCy ruler patterns of the vocabulary's names, with their spelling variants (hyphens, numbers,
plurals, casings); see ``Vocabulary.ruler_patterns`` and ``Vocabulary.phrase_patterns``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from kg.records import EntityType
from kg.vocabulary.keys import (
    _ACRONYM_PLURAL,
    _ALNUM_RUN,
    _HYPHEN,
    _NO_PLURAL,
    _WORD_NUMBER,
    _WORD_TOKEN,
    is_exact_surface,
)
from kg.vocabulary.terms import Term, _priority

#: the span label the ruler gives each entity type
RULER_LABELS: Mapping[EntityType, str] = MappingProxyType(
    {
        EntityType.DATASET: "DATASET",
        EntityType.METHOD: "METHOD",
        EntityType.TASK: "TASK",
    }
)


def ruler_patterns(terms: Iterable[Term]) -> list[dict[str, Any]]:
    """``SpanRuler`` token patterns of the names of ``terms``; see ``Vocabulary.ruler_patterns``."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    jobs: list[tuple[Term, str]] = []
    for term in sorted(terms, key=_priority):
        for surface in term.surfaces:
            for variant in _string_variants(surface):
                jobs.append((term, variant))
    tokens = _tokenize_all([text for _, text in jobs], tokenizer)
    patterns: list[dict[str, Any]] = []
    seen: set[tuple[object, ...]] = set()
    for term, text in jobs:
        words = tokens[text]
        if not words:
            continue
        label = RULER_LABELS[term.type]
        signature = (
            label,
            term.type,
            term.case_sensitive,
            tuple(w if term.case_sensitive or is_exact_surface(w) else w.lower() for w in words),
        )
        if signature in seen:  # the same words give the same pattern
            continue
        seen.add(signature)
        patterns.append({"label": label, "pattern": _token_pattern(words, term), "id": term.id})
    return patterns


def phrase_patterns(terms: Iterable[Term]) -> dict[str, list[dict[str, str]]]:
    """Phrase patterns of the names of ``terms``, by matcher attribute; see ``Vocabulary.phrase_patterns``."""
    out: dict[str, list[dict[str, str]]] = {"LOWER": [], "ORTH": []}
    seen: set[tuple[str, str, str]] = set()
    for term in sorted(terms, key=_priority):
        label = RULER_LABELS[term.type]
        for surface in term.surfaces:
            has_exact_word = any(is_exact_surface(w) for w in _ALNUM_RUN.findall(surface))
            exact = term.case_sensitive or has_exact_word
            for text in _phrase_variants(surface, term, recase=has_exact_word and not term.case_sensitive):
                attr = "ORTH" if exact else "LOWER"
                key = (attr, label, text if exact else text.lower())
                if key in seen:
                    continue
                seen.add(key)
                out[attr].append({"label": label, "pattern": text, "id": term.id})
    return out


def _phrase_variants(surface: str, term: Term, recase: bool) -> list[str]:
    """Spelled-out variants of one name for phrase patterns (see ``Vocabulary.phrase_patterns``).

    >>> t = Term("task/object-detection", EntityType.TASK, "Object Detection")
    >>> _phrase_variants("Object Detection", t, recase=False)
    ['Object Detection', 'Object-Detection']
    >>> m = Term("method/generative-adversarial-network", EntityType.METHOD, "GAN")
    >>> _phrase_variants("GAN", m, recase=False)
    ['GAN', 'GANs']
    """
    forms: list[str] = []
    for base in _string_variants(surface):
        forms.append(base)
        spaced = _HYPHEN.sub(" ", base)
        forms.append(spaced)
        if len(base.split()) == 2 and "-" not in base:
            forms.append(base.replace(" ", "-"))
    if term.type == EntityType.METHOD or (term.type == EntityType.TASK and len(surface.split()) > 1):
        plurals = []
        for form in forms:
            last = _ALNUM_RUN.findall(form)[-1] if _ALNUM_RUN.search(form) else ""
            plural = _plural(last) if form.endswith(last) else None
            if plural is not None:
                plurals.append(form[: len(form) - len(last)] + plural)
        forms += plurals
    if recase:  # names with an acronym match by exact case: also the lowercase and capitalised spellings
        cased = []
        for form in forms:
            cased.append(_ALNUM_RUN.sub(lambda m: m.group() if _is_exact_word(m.group()) else m.group().lower(), form))
            cased.append(
                _ALNUM_RUN.sub(
                    lambda m: m.group() if _is_exact_word(m.group()) else m.group()[:1].upper() + m.group()[1:], form
                )
            )
        forms += cased
    return list(dict.fromkeys(forms))


def _is_exact_word(word: str) -> bool:
    """An all-caps word, or its plural ("GANs")."""
    return is_exact_surface(word) or _ACRONYM_PLURAL.fullmatch(word) is not None


def _tokenize_all(texts: list[str], tokenizer: Any) -> dict[str, list[str]]:
    """Token texts of each text, as ``tokenizer`` splits them, but faster.

    spaCy's English tokenizer treats each space-separated chunk on its own, and leaves a chunk of
    letters alone unless it is a special case ("cannot"); only the other chunks go through it, once each.
    """
    special = tokenizer.rules or {}
    chunks = {chunk for text in texts for chunk in text.split()}
    hard = sorted(c for c in chunks if not (c.isascii() and c.isalpha()) or c in special)
    chunk_tokens = {c: [c] for c in chunks}
    for chunk, doc in zip(hard, tokenizer.pipe(hard, batch_size=1000)):
        chunk_tokens[chunk] = [t.text for t in doc]
    return {text: [tok for chunk in text.split() for tok in chunk_tokens[chunk]] for text in texts}


def _string_variants(surface: str) -> tuple[str, ...]:
    """The surface itself and its spelling variants around hyphens and numbers.

    A hyphen next to a number or after a part of one or two characters may be dropped or spaced
    ("CIFAR-10", "R-CNN", "Re-ID"); a number ending a word may be hyphenated or spaced ("ResNet50").
    A hyphen before a short letter suffix ("ViT-S") is kept: "ViTS" would read as a plural.

    >>> _string_variants("CIFAR-10")
    ('CIFAR-10', 'CIFAR10', 'CIFAR 10')
    >>> _string_variants("Mask R-CNN")
    ('Mask R-CNN', 'Mask RCNN', 'Mask R CNN')
    >>> _string_variants("ResNet50")
    ('ResNet50', 'ResNet-50', 'ResNet 50')
    >>> _string_variants("Few-Shot Object Detection"), _string_variants("ViT-S"), _string_variants("YOLOv3")
    (('Few-Shot Object Detection',), ('ViT-S',), ('YOLOv3',))
    """
    variants = [surface]
    if "-" in surface:
        joined = _HYPHEN.sub(lambda m: _join_hyphen(m, ""), surface)
        if joined != surface:
            variants += [joined, _HYPHEN.sub(lambda m: _join_hyphen(m, " "), surface)]
    if _WORD_NUMBER.search(surface):
        variants += [_WORD_NUMBER.sub(r"\1-\2", surface), _WORD_NUMBER.sub(r"\1 \2", surface)]
    return tuple(dict.fromkeys(variants))


def _join_hyphen(match: re.Match[str], by: str) -> str:
    """``by`` for a hyphen next to a number or after a word of one or two characters, else the hyphen."""
    text = match.string
    left = re.search(r"[A-Za-z0-9]+$", text[: match.start()])
    right = _ALNUM_RUN.match(text, match.end())
    left_word = left.group() if left else ""
    right_word = right.group() if right else ""
    if (left_word and (len(left_word) <= 2 or left_word[-1].isdigit())) or (right_word and right_word[0].isdigit()):
        return by
    return "-"


def _plural(word: str) -> str | None:
    """The plural of the last word of a name, or ``None`` when it takes none.

    >>> _plural("network"), _plural("GAN"), _plural("detection"), _plural("ResNet")
    ('networks', 'GANs', None, 'ResNets')
    """
    if not word.isalpha() or len(word) < 2:
        return None
    if word.isupper():
        return word + "s"
    if len(word) < 3 or _NO_PLURAL.search(word.lower()):
        return None
    return word + "s"


def _token_pattern(words: list[str], term: Term) -> list[dict[str, Any]]:
    """Token dicts for one tokenized name (see ``Vocabulary.ruler_patterns``)."""
    pattern: list[dict[str, Any]] = []
    last = len(words) - 1
    for i, word in enumerate(words):
        exact = term.case_sensitive or is_exact_surface(word)
        attr = "ORTH" if exact else "LOWER"
        value = word if exact else word.lower()
        if word == "-" and 0 < i < last:
            pattern.append({"ORTH": "-", "OP": "?"})
            continue
        if i > 0 and words[i - 1] != "-" and _WORD_TOKEN.match(words[i - 1][-1]) and _WORD_TOKEN.match(word[0]):
            pattern.append({"ORTH": "-", "OP": "?"})
        plural = None
        if i == last and (term.type == EntityType.METHOD or (term.type == EntityType.TASK and last > 0)):
            plural = _plural(word)
        if plural is not None:
            pattern.append({attr: {"IN": [value, plural if exact else plural.lower()]}})
        else:
            pattern.append({attr: value})
    return pattern
