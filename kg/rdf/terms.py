"""Literals and the two term encoders: ``Terms`` makes rdflib terms (graphs, stores), ``NTriplesTerms``
makes the same terms as N-Triples text (writers of large builds).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError
from kg.rdf.namespace import _SURROGATE, PREFIXES, XSD


# --------------------------------------------------------------------------------------- literals
def _text(value: str) -> Literal:
    """A plain string literal; lone surrogates (not Unicode scalar values) become U+FFFD."""
    return Literal(_SURROGATE.sub("\ufffd", value))


@lru_cache(maxsize=4096)  # literals are immutable: confidences and offsets repeat
def _decimal(value: float) -> Literal:
    lexical = f"{value:.3f}".rstrip("0")
    return Literal(lexical + "0" if lexical.endswith(".") else lexical, datatype=XSD.decimal)


def _date(value: str) -> Literal:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and date.fromisoformat(value):
            return Literal(value, datatype=XSD.date)
    except ValueError:
        pass
    return _text(value)


@lru_cache(maxsize=1 << 14)
def _count(value: int, datatype: URIRef = XSD.integer) -> Literal:
    return Literal(str(int(value)), datatype=datatype)


# ------------------------------------------------------------------------------------------- terms
class Terms:
    """How ``paper_triples`` makes its terms: rdflib terms, as here, for graphs and stores.

    ``NTriplesTerms`` makes the same terms as N-Triples text instead, for writers: a large build spends
    most of its time after extraction writing papers' evidence, and making rdflib objects only to turn
    them into text again was most of that.
    """

    def name(self, iri: URIRef) -> Node:
        """A fixed IRI: an ontology term, an entity, a component."""
        return iri

    def names(self, iris: tuple[URIRef, ...]) -> tuple[Node, ...]:
        return iris

    def iri(self, text: str) -> Node:
        """An IRI made once (an annotation's)."""
        return URIRef(text)

    def text(self, value: str) -> Node:
        """A plain string literal."""
        return _text(value)

    def literal(self, literal: Literal) -> Node:
        """A literal made by one of the cached makers (numbers, dates, field names)."""
        return literal


class NTriplesTerms(Terms):
    """Terms as N-Triples text (what ``NTriplesWriter`` writes for the rdflib term), remembering how each
    fixed IRI and cached literal is written, up to ``max_names``.

    >>> from kg.rdf.namespace import KGO
    >>> terms = NTriplesTerms()
    >>> terms.name(KGO.Paper), terms.text('a "b"'), terms.literal(_count(3))
    ('<https://w3id.org/kg/ontology#Paper>', '"a \\\\"b\\\\""', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """

    def __init__(self, max_names: int = 1 << 18) -> None:
        self.max_names = max_names
        self._names: dict[Node, str] = {}
        self._tuples: dict[tuple[URIRef, ...], tuple[str, ...]] = {}

    def name(self, iri: URIRef) -> str:  # type: ignore[override]
        return self._remembered(iri, _iriref)

    def names(self, iris: tuple[URIRef, ...]) -> tuple[str, ...]:  # type: ignore[override]
        texts = self._tuples.get(iris)
        if texts is None:
            texts = self._tuples[iris] = tuple(_iriref(iri) for iri in iris)
        return texts

    def iri(self, text: str) -> str:  # type: ignore[override]
        return _iriref(text)

    def text(self, value: str) -> str:  # type: ignore[override]
        if _SURROGATE.search(value):  # as _text: a lone surrogate becomes U+FFFD, written as it is
            value = _SURROGATE.sub("\ufffd", value)
        return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'

    def literal(self, literal: Literal) -> str:  # type: ignore[override]
        return self._remembered(literal, term_text)

    def _remembered(self, term: Node, write: Callable[[Any], str]) -> str:
        text = self._names.get(term)
        if text is None:
            if len(self._names) >= self.max_names:
                self._names.clear()
            text = self._names[term] = write(term)
        return text


RDFLIB_TERMS = Terms()


# ----------------------------------------------------------------------------- terms as text
_ESCAPES = MappingProxyType({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"})
_NEEDS_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f\ud800-\udfff]')
_BAD_IRI = re.compile('[\x00-\x20<>"{}|^`\\\\]')
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return "\\uFFFD"
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _iriref(iri: str) -> str:
    if _BAD_IRI.search(iri):
        raise StoreError(f"cannot write {iri!r}: not a valid IRI")
    return f"<{iri}>"


def _qname(iri: str) -> str | None:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def term_text(term: Node, qnames: bool = False) -> str:
    r"""A term in N-Triples syntax (also valid Turtle); with ``qnames``, prefixed names where safe.

    Literals are written on one line with every control character escaped: rdflib's own ``n3()``
    writes long triple-quoted strings, which N-Triples does not allow, and its Turtle writer produces
    invalid Turtle for some of them (a newline, then a backslash before the final quote).

    >>> term_text(Literal('say "hi"\n<script>\x00'))
    '"say \\"hi\\"\\n<script>\\u0000"'
    >>> term_text(Literal(3), qnames=True)
    '"3"^^xsd:integer'
    """
    if isinstance(term, URIRef):
        return (qnames and _qname(term)) or _iriref(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + _NEEDS_ESCAPE.sub(_escape, str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{term_text(term.datatype, qnames)}"
        return text
    raise TypeError(f"not an RDF term: {term!r}")
