"""kg: arXiv abstracts in, a knowledge graph of datasets, methods and tasks out.

>>> import kg
>>> g = kg.build(out_dir=None)          # the bundled listing, nothing written
>>> len(g.papers())
58
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# the kg.build package is imported before the function ``build`` below takes its name in this namespace
from kg import build as _build_package  # noqa: F401
from kg.config import Config, bundled_sample
from kg.errors import BusyError, ConfigError, InputError, KGError, ModelError, OutputError, StoreError, ValidationError
from kg.query import KnowledgeGraph
from kg.records import Entity, EntityType, Link, Mention, Paper, PaperMentions, Reject, Role

__version__ = "0.1.0"

__all__ = [
    "BusyError",
    "Config",
    "ConfigError",
    "Entity",
    "EntityType",
    "InputError",
    "KGError",
    "KnowledgeGraph",
    "Link",
    "Mention",
    "ModelError",
    "OutputError",
    "Paper",
    "PaperMentions",
    "Reject",
    "Role",
    "StoreError",
    "ValidationError",
    "build",
    "bundled_sample",
    "load",
]


def build(
    inputs: Sequence[str | Path] | None = None, out_dir: str | Path | None = None, config: Config = Config()
) -> KnowledgeGraph:
    """Build a graph from listings, Atom or JSON Lines files (default: the bundled listing).

    With ``out_dir``, the output files (graph.ttl, graph.html, mentions.jsonl, ...) are written too.
    """
    from kg import rdf
    from kg.build.pipeline import build as build_files

    result = build_files(inputs, out_dir, config, records=True)
    triples = rdf.to_rdflib(result.papers, result.entities, result.links, config)
    if config.relations:  # relations stated in text (docs/relations.md)
        from kg.relation_graph import relation_triples, stated_of

        for triple in relation_triples(stated_of(result), config):
            triples.add(triple)
    graph = KnowledgeGraph.from_rdflib(triples, config)
    graph.build = result  # type: ignore[attr-defined]  # the records behind it, for who wants them
    return graph


def load(path: str | Path, config: Config = Config(), engine: str = "oxigraph") -> KnowledgeGraph:
    """A saved graph: Turtle, N-Triples or JSON-LD file, or a pyoxigraph store folder."""
    path = Path(path)
    if path.is_dir():
        graph = KnowledgeGraph.open_store(path, config)
    elif not path.is_file():
        raise StoreError(f"{path}: no such graph file; run `kg build` first or give a .ttl/.nt/.jsonld file")
    else:
        graph = KnowledgeGraph.from_file(path, config, engine)
    graph.name = path.name or "kg"  # what views of it are titled, as `kg view` titles them
    return graph
