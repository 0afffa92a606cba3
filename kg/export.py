"""``kg export``: the graph as plain tables (CSV, Parquet, pandas) or as a network file (GraphML, GEXF).

Tables, one row each, sorted, with fixed columns (an empty table keeps them):

- ``papers``: id, title, date, url, categories, abstract
- ``entities``: id, type, label, papers (how many link it), aliases
- ``links``: every piece of evidence for a paper-entity link: paper, entity, type, role, field, start, end,
  text, sentence, confidence, source (the component that found it)
- ``cooccurrences``: entity pairs the graph states co-occur (kgo:Cooccurrence): subject, subject_label,
  relation, object, object_label, support, papers
- ``relations``: every sentence that states a relation the graph states (``kg.relation_graph``): paper,
  type (``used-for``, ``evaluated-with``, ...), head and tail entities with their labels, the sentence's
  field, offsets and text, confidence, source (the component that found it)

>>> from kg.query import KnowledgeGraph
>>> rows = table_rows(KnowledgeGraph.example(), "links")
>>> [(r["paper"], r["entity"], r["role"], r["start"], r["end"]) for r in rows][:2]
[('2201.00001', 'method/foogan', 'proposes', 0, 6), ('2201.00001', 'task/image-generation', 'addresses', 15, 31)]
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kg.errors import KGError, unknown_name

#: the columns of each table and their types (str, int or float), in order
COLUMNS: dict[str, dict[str, type]] = {
    "papers": {"id": str, "title": str, "date": str, "url": str, "categories": str, "abstract": str},
    "entities": {"id": str, "type": str, "label": str, "papers": int, "aliases": str},
    "links": {
        "paper": str,
        "entity": str,
        "type": str,
        "role": str,
        "field": str,
        "start": int,
        "end": int,
        "text": str,
        "sentence": str,
        "confidence": float,
        "source": str,
    },
    "cooccurrences": {
        "subject": str,
        "subject_label": str,
        "relation": str,
        "object": str,
        "object_label": str,
        "support": int,
        "papers": str,
    },
    "relations": {
        "paper": str,
        "type": str,
        "head": str,
        "head_label": str,
        "tail": str,
        "tail_label": str,
        "field": str,
        "sentence_start": int,
        "sentence_end": int,
        "sentence": str,
        "confidence": float,
        "source": str,
    },
}
TABLE_FORMATS = ("csv", "parquet")
GRAPH_FORMATS = ("graphml", "gexf")
SEPARATOR = "; "  # between the values of a many-valued cell (categories, aliases, papers)


def _local(iri: str | None) -> str:
    """The last part of an IRI (``.../ontology#usesDataset`` -> ``usesDataset``)."""
    return (iri or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _papers(g: Any) -> list[dict[str, Any]]:
    rows = g.sparql("""SELECT ?id ?title ?date ?abstract (GROUP_CONCAT(DISTINCT ?cat; separator=" ") AS ?cats)
        WHERE { ?p a kgo:Paper ; kgo:arxivId ?id ; dcterms:title ?title .
                OPTIONAL { ?p dcterms:date ?date } OPTIONAL { ?p dcterms:abstract ?abstract }
                OPTIONAL { ?p kgo:category ?cat } } GROUP BY ?id ?title ?date ?abstract""")
    out = [
        {
            "id": r["id"],
            "title": r["title"],
            "date": str(r["date"] or ""),
            "url": f"https://arxiv.org/abs/{r['id']}",
            "categories": SEPARATOR.join(sorted((r["cats"] or "").split())),
            "abstract": r["abstract"] or "",
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: r["id"])


def _entities(g: Any) -> list[dict[str, Any]]:
    aliases: dict[str, set[str]] = {}
    for r in g.sparql(
        "SELECT ?e ?alias WHERE { ?e skos:altLabel ?alias . VALUES ?c { kgo:Dataset kgo:Method kgo:Task } ?e a ?c }"
    ):
        aliases.setdefault(g._id(r["e"]), set()).add(r["alias"])
    return [
        {
            "id": e.id,
            "type": e.type,
            "label": e.label,
            "papers": e.papers,
            "aliases": SEPARATOR.join(sorted(aliases.get(e.id, set()) - {e.label})),
        }
        for e in g.entities(min_papers=0)
    ]


def _links(g: Any) -> list[dict[str, Any]]:
    from kg.query.sparql import CLASSES, ROLE_OF

    types = {cls: name for name, cls in CLASSES.items()}
    rows = g.sparql("""SELECT ?p ?e ?cls ?role ?field ?start ?end ?text ?sentence ?confidence ?component WHERE {
        ?a a oa:Annotation ; oa:hasTarget ?t ; oa:hasBody ?e ; kgo:field ?field ; kgo:role ?role .
        ?t oa:hasSource ?p ; oa:hasSelector ?pos , ?quote .
        ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        ?quote a oa:TextQuoteSelector ; oa:exact ?text .
        ?e a ?cls . VALUES ?cls { kgo:Dataset kgo:Method kgo:Task }
        OPTIONAL { ?a kgo:sentence ?sentence } OPTIONAL { ?a kgo:confidence ?confidence }
        OPTIONAL { ?a prov:wasAttributedTo ?component } }""")
    out = [
        {
            "paper": g._id(r["p"]).removeprefix("paper/"),
            "entity": g._id(r["e"]),
            "type": types[_local(r["cls"])],
            "role": ROLE_OF.get(_local(r["role"]), _local(r["role"])),
            "field": r["field"],
            "start": int(r["start"]),
            "end": int(r["end"]),
            "text": r["text"],
            "sentence": r["sentence"] or "",
            "confidence": float(r["confidence"] or 0),
            "source": _local(r["component"]),
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: (r["paper"], r["field"] != "title", r["start"], r["end"], r["entity"], r["role"]))


def _cooccurrences(g: Any) -> list[dict[str, Any]]:
    rows = g.sparql("""SELECT ?s ?sl ?role ?o ?ol ?support (GROUP_CONCAT(?id; separator=" ") AS ?ids) WHERE {
        ?c a kgo:Cooccurrence ; kgo:subjectEntity ?s ; kgo:role ?role ; kgo:objectEntity ?o ; kgo:supportCount ?support .
        ?s skos:prefLabel ?sl . ?o skos:prefLabel ?ol .
        OPTIONAL { ?c kgo:supportingPaper ?p . ?p kgo:arxivId ?id } } GROUP BY ?s ?sl ?role ?o ?ol ?support""")
    out = [
        {
            "subject": g._id(r["s"]),
            "subject_label": r["sl"],
            "relation": _local(r["role"]),
            "object": g._id(r["o"]),
            "object_label": r["ol"],
            "support": int(r["support"]),
            "papers": SEPARATOR.join(sorted((r["ids"] or "").split())),
        }
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r["support"], r["relation"], r["subject"], r["object"]))


def _relations(g: Any) -> list[dict[str, Any]]:
    from kg.relation_graph import PROPERTIES

    labels = {prop: label for label, prop in PROPERTIES.items()}
    rows = g.sparql("""SELECT ?p ?s ?sl ?prop ?o ?ol ?field ?start ?end ?sentence ?confidence ?component WHERE {
        ?r kgo:relationSubject ?s ; kgo:relationProperty ?prop ; kgo:relationObject ?o .
        ?s skos:prefLabel ?sl . ?o skos:prefLabel ?ol .
        ?a oa:hasBody ?r ; oa:hasTarget ?t ; kgo:field ?field ; kgo:sentence ?sentence .
        ?t oa:hasSource ?p ; oa:hasSelector ?pos . ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        OPTIONAL { ?a kgo:confidence ?confidence } OPTIONAL { ?a prov:wasAttributedTo ?component } }""")
    out = [
        {
            "paper": g._id(r["p"]).removeprefix("paper/"),
            "type": labels.get(_local(r["prop"]), _local(r["prop"])),
            "head": g._id(r["s"]),
            "head_label": r["sl"],
            "tail": g._id(r["o"]),
            "tail_label": r["ol"],
            "field": r["field"],
            "sentence_start": int(r["start"]),
            "sentence_end": int(r["end"]),
            "sentence": r["sentence"],
            "confidence": float(r["confidence"] or 0),
            "source": _local(r["component"]),
        }
        for r in rows
    ]
    return sorted(
        out, key=lambda r: (r["paper"], r["field"] != "title", r["sentence_start"], r["type"], r["head"], r["tail"])
    )


TABLES: dict[str, Callable[[Any], list[dict[str, Any]]]] = {
    "papers": _papers,
    "entities": _entities,
    "links": _links,
    "cooccurrences": _cooccurrences,
    "relations": _relations,
}


def table_rows(g: Any, table: str) -> list[dict[str, Any]]:
    """The rows of one table (dicts with the table's ``COLUMNS``), sorted.

    >>> from kg.query import KnowledgeGraph
    >>> [(r["id"], r["papers"], r["aliases"]) for r in table_rows(KnowledgeGraph.example(), "entities")][:2]
    [('dataset/cifar-10', 2, ''), ('method/gan', 2, 'GAN')]
    """
    if table not in TABLES:
        raise unknown_name("table", table, list(TABLES))
    return TABLES[table](g)


def frame(g: Any, table: str) -> Any:
    """One table as a pandas DataFrame, with the table's columns and types even when it is empty.

    >>> from kg.query import KnowledgeGraph
    >>> df = frame(KnowledgeGraph.example(), "relations")
    >>> len(df), list(df.columns)[:4]
    (0, ['paper', 'type', 'head', 'head_label'])
    """
    try:
        import pandas as pd
    except ImportError as err:
        raise KGError("to_pandas() needs pandas: pip install 'kg[pandas]'") from err
    rows = table_rows(g, table)
    dtypes = {name: {str: "object", int: "int64", float: "float64"}[kind] for name, kind in COLUMNS[table].items()}
    return pd.DataFrame(rows, columns=list(dtypes)).astype(dtypes)


def write_csv(rows: Iterable[dict[str, Any]], columns: Iterable[str], path: Path) -> Path:
    """Rows as CSV (UTF-8, a header line, ``\\n`` line ends)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_parquet(rows: list[dict[str, Any]], columns: dict[str, type], path: Path) -> Path:
    """Rows as a Parquet file with a typed schema (string, int64, float64)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as err:
        raise KGError("Parquet export needs pyarrow: pip install 'kg[parquet]'") from err
    kinds = {str: pa.string(), int: pa.int64(), float: pa.float64()}
    schema = pa.schema([(name, kinds[kind]) for name, kind in columns.items()])
    table = pa.Table.from_pydict({name: [r[name] for r in rows] for name in columns}, schema=schema)
    pq.write_table(table, path)
    return path


def network(g: Any) -> Any:
    """``g.to_networkx()`` with nodes and edges in sorted order, so the files written are the same each
    time."""
    import networkx as nx

    graph = g.to_networkx()
    ordered = nx.MultiDiGraph()
    ordered.add_nodes_from(sorted(graph.nodes(data=True), key=lambda n: n[0]))
    ordered.add_edges_from(sorted(map(_flat, graph.edges(keys=True, data=True)), key=lambda e: (e[0], e[1], e[2])))
    return ordered


def _flat(edge: tuple[str, str, str, dict[str, Any]]) -> tuple[str, str, str, dict[str, Any]]:
    """A stated relation's edge with plain values, as GraphML and GEXF hold them: its papers joined, its
    sentences left to the ``relations`` table."""
    u, v, key, data = edge
    if "relation" not in data:
        return edge
    return (
        u,
        v,
        key,
        {"relation": data["relation"], "support": data["support"], "papers": SEPARATOR.join(data["papers"])},
    )


def write_gexf(graph: Any, path: Path) -> Path:
    """GEXF for Gephi, dated by the latest paper date (not today), so that the file is reproducible."""
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    latest = max((d.get("date", "") for _, d in graph.nodes(data=True)), default="") or "1970-01-01"
    writer.xml.find("meta").set("lastmodifieddate", latest)
    writer.add_graph(graph)
    writer.write(str(path))
    return path


def export(g: Any, folder: str | Path, format: str = "csv") -> list[Path]:
    """Write the tables (``csv``, ``parquet``: one file each) or the graph (``graphml``, ``gexf``: one
    file) into ``folder``; the paths written.

    >>> import tempfile
    >>> from kg.query import KnowledgeGraph
    >>> [p.name for p in export(KnowledgeGraph.example(), tempfile.mkdtemp(), "csv")]
    ['papers.csv', 'entities.csv', 'links.csv', 'cooccurrences.csv', 'relations.csv']
    """
    if format not in TABLE_FORMATS + GRAPH_FORMATS:
        raise unknown_name("export format", format, TABLE_FORMATS + GRAPH_FORMATS)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # every file is written into a staging folder inside ``folder`` and moved into place once all are
    # written: an export that fails (or is interrupted) leaves the earlier files as they were
    with tempfile.TemporaryDirectory(prefix=".kg-export-", dir=folder) as staging:
        written = _write_all(g, Path(staging), format)
        for path in written:
            os.chmod(path, 0o644)
            os.replace(path, folder / path.name)
    return [folder / path.name for path in written]


def _write_all(g: Any, folder: Path, format: str) -> list[Path]:
    if format in GRAPH_FORMATS:
        import networkx as nx

        graph = network(g)
        if format == "gexf":
            return [write_gexf(graph, folder / "graph.gexf")]
        nx.write_graphml(graph, str(folder / "graph.graphml"))
        return [folder / "graph.graphml"]
    written = []
    for table, columns in COLUMNS.items():
        rows = table_rows(g, table)
        if format == "csv":
            written.append(write_csv(rows, columns, folder / f"{table}.csv"))
        else:
            written.append(write_parquet(rows, columns, folder / f"{table}.parquet"))
    return written
