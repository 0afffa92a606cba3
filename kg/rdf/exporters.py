"""The registry of graph file writers, by name (``kg build --format``, ``KnowledgeGraph.save``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kg.errors import unknown_name
from kg.rdf.serialise import Exporter, write_jsonld, write_ntriples, write_turtle

EXPORTERS: Mapping[str, Exporter] = MappingProxyType(
    {"turtle": write_turtle, "ntriples": write_ntriples, "jsonld": write_jsonld}
)


def get_exporter(name: str) -> Exporter:
    """The writer registered under ``name``.

    >>> get_exporter("xml")
    Traceback (most recent call last):
    kg.errors.ConfigError: unknown exporter 'xml'; valid: jsonld, ntriples, turtle
    """
    try:
        return EXPORTERS[name]
    except KeyError:
        raise unknown_name("exporter", name, list(EXPORTERS)) from None
