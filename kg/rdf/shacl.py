"""SHACL validation against ``ontologies/shapes.ttl`` and a report for people."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.errors import StoreError
from kg.rdf.namespace import ontology_file
from kg.rdf.terms import _qname


# -------------------------------------------------------------------------------------- validation
class Violation(NamedTuple):
    focus: str  # the node that fails, as an IRI or literal
    path: str  # the property, as a prefixed name where possible ("" for node-level checks)
    message: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of checking a graph against the SHACL shapes."""

    conforms: bool
    violations: tuple[Violation, ...] = ()


def load_graph(path: str | Path) -> Graph:
    """Parse an RDF file, the format guessed from its suffix."""
    fmt = {".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}.get(Path(path).suffix, "turtle")
    try:
        return Graph().parse(str(path), format=fmt)
    except Exception as err:  # rdflib's parsers raise many types, AssertionError among them
        raise StoreError(f"{path}: cannot read RDF: {err}") from err


def validate(graph_or_path: Graph | str | Path, shapes: Graph | str | Path | None = None) -> ValidationReport:
    """Check a graph (or an RDF file) against ``ontologies/shapes.ttl`` or other shapes."""
    import pyshacl  # slow to import; only validation needs it

    data = graph_or_path if isinstance(graph_or_path, Graph) else load_graph(graph_or_path)
    shapes_graph = shapes if isinstance(shapes, Graph) else load_graph(shapes or ontology_file("shapes.ttl"))
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none")
    found = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus, path = results.value(result, SH.focusNode), results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage) or results.value(result, SH.sourceConstraintComponent)
        found.add(Violation(str(focus), (_qname(path) or str(path)) if isinstance(path, URIRef) else "", str(message)))
    return ValidationReport(bool(conforms), tuple(sorted(found)))


def format_report(report: ValidationReport, limit: int = 50) -> str:
    """A report for people: one line per violation, the node first.

    >>> print(format_report(ValidationReport(False, (Violation("https://x/p", "dcterms:title", "no title"),))))
    1 SHACL violation:
      <https://x/p> dcterms:title: no title
    """
    if report.conforms:
        return "The graph conforms to the kg shapes."
    n = len(report.violations)
    lines = [f"{n} SHACL violation{'s' if n != 1 else ''}:"]
    for focus, path, message in report.violations[:limit]:
        lines.append(f"  <{focus}> {path + ': ' if path else ''}{message}")
    if n > limit:
        lines.append(f"  ... and {n - limit} more")
    return "\n".join(lines)
