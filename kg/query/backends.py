"""The two query engines behind ``KnowledgeGraph``: pyoxigraph (in memory or a store folder) and rdflib,
and the conversion of terms between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import rdflib
from rdflib import Literal, URIRef, Variable
from rdflib.query import ResultRow

from kg.errors import StoreError
from kg.query.sparql import VALUES_HERE, values_clause
from kg.rdf import NARROW_INTEGERS


def _python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(value) if hasattr(value, "isoformat") else value
    return str(term)


_XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(
    _XSD_NS + name
    for name in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "int",
        "long",
        "short",
        "byte",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
)
_PLAIN_INTEGER = re.compile(r"[+-]?[0-9]+")
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def ox_value(term: Any) -> Any:
    """The Python value of a pyoxigraph term: IRIs as strings, literals as rdflib's ``toPython`` gives them
    (``str``, ``int``, ``Decimal``, dates as ISO strings), converted directly for the common datatypes
    (a query may return many rows) and through rdflib for the others.

    >>> import pyoxigraph as ox
    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> [ox_value(t) for t in (ox.NamedNode("https://x/a"), ox.Literal("a"), ox.Literal("7", datatype=ox.NamedNode(xsd + "integer")),
    ...                         ox.Literal("2025-01-02", datatype=ox.NamedNode(xsd + "date")), None)]
    ['https://x/a', 'a', 7, '2025-01-02', None]
    """
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    if datatype is None:  # an IRI or a blank node
        return term.value
    value, language, datatype = term.value, term.language, datatype.value
    if not language:
        if datatype == _XSD_STRING:
            return value
        if datatype in _INTEGERS and _PLAIN_INTEGER.fullmatch(value):
            return int(value)
        if datatype == _XSD_NS + "date" and _PLAIN_DATE.fullmatch(value):
            return value
    return _python(Literal(value, lang=language, datatype=None if language else URIRef(datatype)))


class _Rdflib:
    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph

    def select(self, query: str, bindings: Mapping[str, Any]) -> list[dict[str, Any]]:
        # rdflib evaluates with the variables bound from the start: no need to write them into the query
        result = self.graph.query(query, initBindings={Variable(k): v for k, v in bindings.items()})
        names = [str(v) for v in result.vars or []]
        rows = cast("Iterable[ResultRow]", result)  # a SELECT's result: rows (an ASK's would be a bool)
        return [{n: _python(row[i]) for i, n in enumerate(names)} for row in rows]

    def subjects(self, predicates: Sequence[str], object_: str) -> set[str]:
        """The subjects of triples with one of ``predicates`` and the IRI ``object_``."""
        return {str(s) for p in predicates for s in self.graph.subjects(URIRef(p), URIRef(object_))}


class _Oxigraph:
    def __init__(self, store: Any) -> None:
        self.store = store

    @staticmethod
    def _term(value: Any) -> Any:
        import pyoxigraph as ox

        if isinstance(value, URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, rdflib.BNode):
            return ox.BlankNode(str(value))
        if isinstance(value, Literal):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
        raise StoreError(f"cannot bind {value!r}")

    @staticmethod
    def _value(term: Any) -> Any:
        """The Python value of a pyoxigraph term, the same as rdflib's ``toPython`` gives (see ``ox_value``)."""
        return ox_value(term)

    def select(self, query: str, bindings: Mapping[str, Any]) -> list[dict[str, Any]]:
        import pyoxigraph as ox

        if VALUES_HERE in query and bindings:  # kg's own queries: values written where the query wants them
            solutions = self.store.query(query.replace(VALUES_HERE, values_clause(bindings) + "\n"))
        else:
            subs = {ox.Variable(k): self._term(v) for k, v in bindings.items()}
            solutions = self.store.query(query, substitutions=subs)
        names = [v.value for v in solutions.variables]
        return [dict(zip(names, map(ox_value, row))) for row in solutions]

    def subjects(self, predicates: Sequence[str], object_: str) -> set[str]:
        """The subjects of triples with one of ``predicates`` and the IRI ``object_``: an index read, with
        none of a query's planning, joins or sorting."""
        import pyoxigraph as ox

        target, graph = ox.NamedNode(object_), ox.DefaultGraph()
        return {
            q.subject.value
            for p in predicates
            for q in self.store.quads_for_pattern(None, ox.NamedNode(p), target, graph)
        }


def spellings(name: str) -> list[str]:
    """A name as written, then in lower, upper and title case (each once): the labels looked up first.

    >>> spellings("cifar-10")
    ['cifar-10', 'CIFAR-10', 'Cifar-10']
    """
    out: list[str] = []
    for form in (name, name.lower(), name.upper(), name.title()):
        if form not in out:
            out.append(form)
    return out


def _to_rdflib(term: Any, predicate: str = "") -> Any:
    """A pyoxigraph term as an rdflib term, as kg wrote it: a store keeps numbers by value and gives them
    back in its own canonical form, so an integer object of ``predicate`` is typed again as kg types it
    and a whole decimal gets its ".0" back.

    >>> import pyoxigraph as ox
    >>> _to_rdflib(ox.Literal("1", datatype=ox.NamedNode(_XSD_NS + "decimal")))
    rdflib.term.Literal('1.0', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    """
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        datatype = None if term.language or term.datatype.value == _XSD_STRING else term.datatype.value
        value = term.value
        if datatype == _XSD_NS + "integer" and predicate in NARROW_INTEGERS and not value.startswith("-"):
            datatype = NARROW_INTEGERS[predicate]  # the store gave back xsd:integer, by value
        elif datatype == _XSD_NS + "decimal" and "." not in value:
            value += ".0"  # the store writes a whole decimal "1"; kg (and rdflib) write "1.0"
        return Literal(value, lang=term.language, datatype=URIRef(datatype) if datatype else None)
    return rdflib.BNode(term.value)


def _triple_to_rdflib(quad: Any) -> tuple[Any, Any, Any]:
    """A pyoxigraph quad (or triple) as an rdflib triple (``_to_rdflib``).

    >>> import pyoxigraph as ox
    >>> start = "http://www.w3.org/ns/oa#start"
    >>> _triple_to_rdflib(ox.Quad(ox.NamedNode("https://x/s"), ox.NamedNode(start), ox.Literal(3)))[2].datatype[-18:]
    'nonNegativeInteger'
    """
    predicate = quad.predicate.value
    return _to_rdflib(quad.subject), URIRef(predicate), _to_rdflib(quad.object, predicate)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
