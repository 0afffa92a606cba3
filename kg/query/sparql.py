"""SPARQL text: the prefixes, classes and predicates the queries name, and values bound into a query as
RDF terms (checked and escaped), never formatted from the input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kg.errors import KGError

KGO = "https://w3id.org/kg/ontology#"
PREFIXES = f"""PREFIX kgo: <{KGO}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
CLASSES = {"dataset": "Dataset", "method": "Method", "task": "Task"}
PREDICATES = {
    "dataset": ("usesDataset", "introducesDataset"),
    "method": ("usesMethod", "proposesMethod"),
    "task": ("addressesTask",),
}
ROLE_OF = {
    "usesDataset": "uses",
    "introducesDataset": "introduces",
    "usesMethod": "uses",
    "proposesMethod": "proposes",
    "addressesTask": "addresses",
}
_LINK_VALUES = " ".join(f"kgo:{p}" for ps in PREDICATES.values() for p in ps)
#: where kg's own queries take their bound values (a SPARQL comment, so a query without values still parses)
VALUES_HERE = "#kg:values\n"
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def values_clause(bindings: Mapping[str, Any]) -> str:
    """A ``VALUES`` row binding variables to RDF terms. Each term is written by ``kg.rdf.term_text``
    (IRIs checked, literals escaped), so no value can change the query around it.

    Oxigraph plans a query before it substitutes bound variables, so a lookup such as "the evidence of
    this paper for this entity" would scan every annotation; values written into the query let it start
    from the paper (milliseconds instead of seconds on a large store).

    >>> from rdflib import Literal, URIRef
    >>> print(values_clause({"e": URIRef("https://x/a"), "name": Literal('say "hi"')}))
    VALUES (?e ?name) { (<https://x/a> "say \\"hi\\"") }
    >>> values_clause({"e": URIRef("https://x/a> . ?s ?p <https://x/b")})
    Traceback (most recent call last):
    kg.errors.StoreError: cannot write rdflib.term.URIRef('https://x/a> . ?s ?p <https://x/b'): not a valid IRI
    """
    from kg.rdf import term_text

    names = list(bindings)
    bad = [name for name in names if not _VARIABLE.fullmatch(name)]
    if bad:
        raise KGError(f"invalid variable name(s) {bad}")
    terms = " ".join(term_text(bindings[name]) for name in names)
    return f"VALUES ({' '.join('?' + name for name in names)}) {{ ({terms}) }}"


# the tokens of SPARQL text that can hold a brace or a keyword without being one: comments, strings, IRIs
_SPARQL_TOKENS = re.compile(
    r"""
    (?P<skip> \#[^\n]*
            | '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
            | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*"
            | <[^<>"{}|^`\\\x00-\x20]*> )
  | (?P<word> [?$]?[A-Za-z_][A-Za-z0-9_-]*(?::[A-Za-z0-9_.-]*)? )
  | (?P<open> [{(] ) | (?P<close> [})] )
""",
    re.VERBOSE | re.DOTALL,
)


def _where_brace(query: str) -> int:
    """The offset just inside the opening brace of the query's WHERE clause: the first ``{`` at the top
    level (outside comments, strings, IRIs, parentheses), or for a CONSTRUCT the first after ``WHERE``.

    >>> q = 'PREFIX x: <http://x/#> SELECT ?s WHERE { ?s x:p "{" }'
    >>> q[_where_brace(q):]
    ' ?s x:p "{" }'
    >>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> q[_where_brace(q):]
    ' ?s ?p ?o }'
    """
    depth, form, after_where = 0, "", False
    for match in _SPARQL_TOKENS.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind == "word" and depth == 0:
            word = text.upper()
            if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and not form:
                form = word
            elif word == "WHERE":
                after_where = True
        elif kind == "open":
            if text == "{" and depth == 0 and (form != "CONSTRUCT" or after_where):
                if form == "CONSTRUCT" and re.search(r"CONSTRUCT\s+WHERE\s*$", query[: match.start()], re.IGNORECASE):
                    raise KGError("values cannot be bound in a CONSTRUCT WHERE { } query; write its template out")
                return match.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    raise KGError("cannot bind values: the query has no WHERE { } clause")


def inject_values(query: str, bindings: Mapping[str, Any]) -> str:
    """The query with a ``VALUES`` block (``values_clause``: each value written as an RDF term, escaped)
    at the start of its WHERE clause, so that every variable of the clause is bound, whether the query
    projects it or not, the same way on every engine.

    >>> from rdflib import URIRef
    >>> print(inject_values("SELECT ?p WHERE { ?p ?r ?d }", {"d": URIRef("https://x/a")}))
    SELECT ?p WHERE { VALUES (?d) { (<https://x/a>) } ?p ?r ?d }
    """
    if not bindings:
        return query
    at = _where_brace(query)
    return f"{query[:at]} {values_clause(bindings)}{query[at:]}"
