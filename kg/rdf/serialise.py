"""Deterministic writers: terms as N-Triples text, sorted Turtle, streamed N-Triples and sorted JSON-LD,
each file written atomically.
"""

from __future__ import annotations

import io
import json
import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.rdf.namespace import PREFIXES, Triple, ontology_file
from kg.rdf.terms import (
    _NEEDS_ESCAPE,
    NTriplesTerms,
    _escape,
    _iriref,
    _qname,
    term_text,
)


def _sort_key(term: Node) -> tuple[int, str, str, str]:
    if isinstance(term, Literal):
        return 2, str(term), str(term.datatype or ""), term.language or ""
    return (1 if isinstance(term, BNode) else 0), str(term), "", ""


@contextmanager
def _atomic(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path``, then ``os.replace`` it: no partial file is ever seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def turtle_text(graph: Graph) -> str:
    """Deterministic Turtle: sorted subjects, ``rdf:type`` first, then sorted predicates and objects."""
    tree: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
    iris: set[URIRef] = set()
    for s, p, o in graph:  # one pass; a graph holds each triple once
        tree[s][p].append(o)
        iris.update(t for t in (s, p, o, getattr(o, "datatype", None)) if isinstance(t, URIRef))
    qnames = {iri: _qname(iri) for iri in iris}  # each IRI's name worked out once, not at every use
    names = {iri: qname or _iriref(iri) for iri, qname in qnames.items()}

    def text(term: Node) -> str:
        return names[term] if type(term) is URIRef else term_text(term, True)

    blocks = []
    for s in sorted(tree, key=_sort_key):
        predicates = tree[s]
        lines = []
        for pred in sorted(predicates, key=lambda p: (p != RDF.type, _sort_key(p))):
            objects = ", ".join(text(o) for o in sorted(predicates[pred], key=_sort_key))
            lines.append(("a" if pred == RDF.type else text(pred)) + " " + objects)
        blocks.append(text(s) + " " + " ;\n    ".join(lines) + " .\n")
    used = sorted({q.split(":", 1)[0] for q in qnames.values() if q})
    header = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in used)
    return header + "\n" + "\n".join(blocks)


def write_turtle(graph: Graph, path: str | Path) -> None:
    """Write Turtle atomically; the same triples give the same bytes whatever the insertion order."""
    with _atomic(Path(path)) as out:
        out.write(turtle_text(graph))


class NTriplesWriter:
    """Writes triples as N-Triples lines to an open text or binary file; remembers how each IRI is
    written (predicates, classes, entities and a paper's annotation nodes repeat), up to ``max_iris``.
    Triples made by its ``terms`` (``paper_triples(..., terms=writer.terms)``) are N-Triples text already:
    ``write`` takes them as they are, ``write_made`` takes only them and is faster.

    >>> from kg.rdf.namespace import KGO, OWL, RDF
    >>> out = io.StringIO()
    >>> NTriplesWriter(out).write([(KGO.Paper, RDF.type, OWL.Class)])
    1
    >>> print(out.getvalue(), end="")
    <https://w3id.org/kg/ontology#Paper> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class> .
    """

    def __init__(self, out: IO[str] | IO[bytes], max_iris: int = 1 << 18) -> None:
        self.out = out
        self.binary = isinstance(out, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(out, "mode", "")
        self.terms = NTriplesTerms(max_iris)

    def _term(self, term: Node | str) -> str:
        kind = type(term)
        if kind is URIRef:
            return self.terms.name(term)  # type: ignore[arg-type]
        if kind is str:  # made by self.terms
            return term  # type: ignore[return-value]
        if kind is Literal:  # term_text's branch, with the datatype's IRI remembered
            text = '"' + _NEEDS_ESCAPE.sub(_escape, term) + '"'  # type: ignore[arg-type]  # a Literal is a str
            if term.language:  # type: ignore[union-attr]
                return f"{text}@{term.language}"  # type: ignore[union-attr]
            datatype = term.datatype  # type: ignore[union-attr]
            return text if datatype is None else text + "^^" + self.terms.name(datatype)
        return term_text(term)  # type: ignore[arg-type]

    def write(self, triples: Iterable[Triple], chunk: int = 8192) -> int:
        """Write ``triples`` (in chunks of ``chunk`` lines); the count."""
        term, n, lines = self._term, 0, []
        for s, p, o in triples:
            lines.append(f"{term(s)} {term(p)} {term(o)} .\n")
            if len(lines) >= chunk:
                n += self._flush(lines)
        return n + self._flush(lines)

    def write_made(self, triples: Iterable[tuple[str, str, str]]) -> int:
        """Write triples made with ``self.terms`` (their terms are N-Triples text already); the count."""
        lines = [f"{s} {p} {o} .\n" for s, p, o in triples]
        return self._flush(lines)

    def _flush(self, lines: list[str]) -> int:
        text = "".join(lines)
        self.out.write(text.encode("utf-8") if self.binary else text)  # type: ignore[arg-type]
        n = len(lines)
        lines.clear()
        return n


def write_ntriples(triples: Iterable[Triple], path_or_file: str | Path | IO[str] | IO[bytes]) -> int:
    """Stream triples as N-Triples, one line each, to a path (atomically) or an open file; the count."""
    if isinstance(path_or_file, (str, Path)):
        with _atomic(Path(path_or_file)) as out:
            return write_ntriples(triples, out)
    return NTriplesWriter(path_or_file).write(triples)


def jsonld_context() -> dict[str, object]:
    """The ``@context`` object of ``ontologies/context.jsonld``."""
    return json.loads(ontology_file("context.jsonld").read_text(encoding="utf-8"))["@context"]


def _ordered(value: object) -> object:
    """JSON with every array sorted (except ``@list``), so that output does not depend on set order."""
    if isinstance(value, dict):
        return {k: v if k == "@list" else _ordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted(map(_ordered, value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def write_jsonld(graph: Graph, path: str | Path) -> None:
    """Write compacted JSON-LD with the kg context inlined (the file stands alone), deterministically."""
    data = json.loads(graph.serialize(format="json-ld", context=jsonld_context()))
    with _atomic(Path(path)) as out:
        json.dump(_ordered(data), out, indent=1, sort_keys=True, ensure_ascii=False)
        out.write("\n")


Exporter = Callable[[Graph, str | Path], object]
