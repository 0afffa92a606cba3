"""The vocabulary: an index of terms by id, exact surface form and normalisation key; the shipped one."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import ConfigError
from kg.records import EntityType
from kg.vocabulary import patterns
from kg.vocabulary.keys import _ACRONYM_PLURAL, is_exact_surface, surface_key
from kg.vocabulary.terms import CURATED_FILE, Term, _priority, read_terms


@lru_cache(maxsize=1)
def shipped() -> Vocabulary:
    """The shipped vocabulary, read once per process."""
    return Vocabulary.load()


def default_folder() -> Path:
    """``kg.config.ontology_dir() / "vocabulary"``; in a source checkout that is not installed,
    the ``ontologies/vocabulary`` folder next to the ``kg`` package."""
    try:
        from kg.config import ontology_dir

        return ontology_dir() / "vocabulary"
    except (ImportError, TypeError):  # kg.ontologies is only a package once installed
        return Path(__file__).resolve().parents[2] / "ontologies" / "vocabulary"


class Vocabulary:
    """An index of terms by id, by exact surface form and by normalisation key (see ``surface_key``)."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._terms: dict[str, Term] = {}
        for term in terms:
            self._terms[term.id] = term
        exact: dict[str, list[Term]] = {}
        keyed: dict[str, list[Term]] = {}
        for term in self._terms.values():
            for surface in term.surfaces:
                exact.setdefault(surface, []).append(term)
                if not term.case_sensitive and not is_exact_surface(surface):
                    key = surface_key(surface)
                    if key:
                        keyed.setdefault(key, []).append(term)
        self._exact = {s: tuple(sorted(set(ts), key=_priority)) for s, ts in exact.items()}
        self._keyed = {k: tuple(sorted(set(ts), key=_priority)) for k, ts in keyed.items()}

    @classmethod
    def from_terms(cls, terms: Iterable[Term]) -> Vocabulary:
        """A vocabulary of the given terms (a later term replaces an earlier one with the same id)."""
        return cls(terms)

    @classmethod
    def load(cls, folder: Path | None = None) -> Vocabulary:
        """Read every ``*.jsonl`` in ``folder`` (default: the shipped vocabulary).

        Generated files may not share ids; ``curated.jsonl`` is read last and its rows replace
        generated rows with the same id (keeping their ``n`` when the curated ``n`` is 0).
        A bad row raises ``ConfigError`` with its file and line.
        """
        folder = Path(folder) if folder is not None else default_folder()
        if not folder.is_dir():
            raise ConfigError(f"{folder}: vocabulary folder not found")
        files = sorted(folder.glob("*.jsonl"), key=lambda p: (p.name == CURATED_FILE, p.name))
        if not files:
            raise ConfigError(f"{folder}: no *.jsonl vocabulary files")
        terms: dict[str, Term] = {}
        origin: dict[str, Path] = {}
        for path in files:
            curated = path.name == CURATED_FILE
            for term in read_terms(path):
                old = terms.get(term.id)
                if old is not None and not curated:
                    raise ConfigError(f"{path}: bad vocabulary row: id {term.id!r} also in {origin[term.id].name}")
                if old is not None and term.n == 0:  # a curated row keeps the popularity of the generated one
                    term = dataclasses.replace(term, n=old.n)
                terms[term.id] = term
                origin[term.id] = path
        return cls(terms.values())

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __contains__(self, term_id: object) -> bool:
        return term_id in self._terms

    def get(self, term_id: str) -> Term | None:
        """The term with this id, or ``None``."""
        return self._terms.get(term_id)

    def lookup(self, surface: str, type: EntityType | str | None = None) -> Term | None:  # noqa: A002
        """The best term named ``surface`` (of ``type`` if given), or ``None``.

        An exact match of a label or alt comes first; then a match on ``surface_key`` (case,
        hyphens, spaces and plurals ignored), which case-sensitive terms and all-caps names never take.
        Among several, curated terms win, then the most popular.
        """
        wanted = EntityType(type) if type is not None else None
        text = " ".join(surface.split())
        exact = self._exact.get(text, ())
        if not exact and _ACRONYM_PLURAL.fullmatch(text):  # "GANs"
            exact = self._exact.get(text[:-1], ())
        for candidates in (exact, self._keyed.get(surface_key(text), ())):
            for term in candidates:
                if wanted is None or term.type == wanted:
                    return term
        return None

    def terms_named(self, surface: str) -> dict[EntityType, Term]:
        """The best term of each type named ``surface``: ``lookup(surface, type)`` for every type at once.

        >>> sorted(t.value for t in Vocabulary.load().terms_named("ImageNet"))
        ['dataset']
        """
        text = " ".join(surface.split())
        exact = self._exact.get(text, ())
        if not exact and _ACRONYM_PLURAL.fullmatch(text):
            exact = self._exact.get(text[:-1], ())
        found: dict[EntityType, Term] = {}
        for candidates in (exact, self._keyed.get(surface_key(text), ())):
            for term in candidates:
                found.setdefault(term.type, term)
        return found

    def ruler_patterns(self) -> list[dict[str, Any]]:
        """spaCy ``SpanRuler`` patterns: ``{"label", "pattern", "id"}`` for every label and alt.

        Names are tokenized with ``spacy.blank("en").tokenizer``. Tokens match on ``LOWER``, or on
        ``ORTH`` for case-sensitive terms and all-caps words. A hyphen may be present or absent between
        words ("object-detection"), a hyphen inside one token may be dropped or spaced ("CIFAR10",
        "CIFAR 10"), and method names and multiword task names also match their plural ("GANs").
        When two terms of one type give the same pattern, the curated or more popular one keeps it.

        spaCy's ``Matcher`` tries every token pattern at every token: with the whole vocabulary that is
        about a second per abstract. For bulk extraction use ``phrase_patterns`` (same names, matched
        by two ``PhraseMatcher``-based rulers, hundreds of times faster).
        """
        return patterns.ruler_patterns(self._terms.values())

    def phrase_patterns(self) -> dict[str, list[dict[str, str]]]:
        """The same names as phrase patterns for two fast ``SpanRuler``s, keyed by the
        ``phrase_matcher_attr`` each needs: ``"LOWER"`` (case-insensitive names) and ``"ORTH"``
        (case-sensitive terms and names with an all-caps word, in the casings they are written in).

        Spelling variants are spelled out: hyphens dropped or spaced as in ``ruler_patterns``, words
        joined by a space or a hyphen ("object-detection"), and plurals ("GANs").

        >>> import spacy
        >>> vocab = Vocabulary.from_terms([Term("dataset/places", EntityType.DATASET, "Places", case_sensitive=True),
        ...                                Term("task/object-detection", EntityType.TASK, "Object Detection")])
        >>> nlp = spacy.blank("en")
        >>> patterns = vocab.phrase_patterns()
        >>> for attr, pats in patterns.items():
        ...     ruler = nlp.add_pipe("span_ruler", name=f"vocabulary_{attr.lower()}",
        ...                          config={"spans_key": "vocab", "phrase_matcher_attr": attr, "overwrite": False})
        ...     ruler.add_patterns(pats)
        >>> doc = nlp("Object-detection on Places, not in other places.")
        >>> sorted((s.text, s.id_) for s in doc.spans["vocab"])
        [('Object-detection', 'task/object-detection'), ('Places', 'dataset/places')]
        """
        return patterns.phrase_patterns(self._terms.values())
