"""``kg export`` and ``g.to_pandas(table)``: tables that read back with pandas and pyarrow as written and
agree with the query API; GraphML and GEXF that networkx reads back as the graph ``g.to_networkx()`` gives;
the same files from run to run."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from kg import cli
from kg.export import COLUMNS, table_rows


@pytest.fixture(scope="module")
def graph_file(bundled_build) -> Path:
    return bundled_build[1] / "graph.ttl"


@pytest.fixture(scope="module")
def csv_dir(graph_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export-csv")
    assert cli.main(["export", str(graph_file), "--to", str(out), "--format", "csv"]) == 0
    return out


def test_csv_tables_read_back_as_the_api_gives_them(csv_dir, bundled_graph):
    for table, columns in COLUMNS.items():
        frame = pd.read_csv(
            csv_dir / f"{table}.csv", dtype={c: str for c, k in columns.items() if k is str}, keep_default_na=False
        )
        assert list(frame.columns) == list(columns)
        expected = bundled_graph.to_pandas(table)
        assert len(frame) == len(expected)
        pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    papers = pd.read_csv(csv_dir / "papers.csv", dtype=str)
    assert len(papers) == 58 and papers["id"].is_monotonic_increasing


def test_links_carry_the_evidence_of_the_query_api(csv_dir, bundled_graph):
    with open(csv_dir / "links.csv", encoding="utf-8", newline="") as f:
        links = list(csv.DictReader(f))
    saanet = [r for r in links if r["paper"] == "2112.15509" and r["entity"] == "method/saanet"]
    evidence = bundled_graph.evidence("2112.15509", "SAANet")
    assert [
        (r["role"], r["field"], int(r["start"]), int(r["end"]), r["text"], r["sentence"], r["source"]) for r in saanet
    ] == [(e.role, e.field, e.start, e.end, e.text, e.sentence, e.source) for e in evidence]
    assert any("termed SAANet" in r["sentence"] for r in saanet)
    # every link of the graph has its evidence rows, and every row's text is where its offsets say
    linked = {
        (u.split("/", 1)[1], v) for u, v in bundled_graph.to_networkx().edges() if u.startswith("paper/")
    }  # the other edges are the relations papers state, entity to entity
    assert {(r["paper"], r["entity"]) for r in links} == linked
    texts = {p.id: (p.title, p.abstract) for p in _papers(bundled_graph)}
    for r in links:
        title, abstract = texts[r["paper"]]
        assert (title if r["field"] == "title" else abstract)[int(r["start"]) : int(r["end"])] == r["text"]


def _papers(graph):
    rows = graph.sparql(
        "SELECT ?id ?title ?abstract WHERE { ?p kgo:arxivId ?id ; dcterms:title ?title ; dcterms:abstract ?abstract }"
    )
    return [type("P", (), {"id": r["id"], "title": r["title"], "abstract": r["abstract"]}) for r in rows]


def test_cooccurrences_are_the_stated_relations(csv_dir, bundled_graph):
    rows = pd.read_csv(csv_dir / "cooccurrences.csv", dtype={"papers": str})
    stated = bundled_graph.relations("method", "dataset", 100)
    mine = rows[rows["relation"] == "evaluatedOn"]
    assert sorted(zip(mine["subject"], mine["object"], mine["support"])) == sorted((p.a, p.b, p.count) for p in stated)
    assert all(len(papers.split("; ")) == n for papers, n in zip(rows["papers"], rows["support"]))


def test_relations_table_has_a_row_per_sentence_of_each_stated_relation(csv_dir, bundled_graph):
    rows = pd.read_csv(csv_dir / "relations.csv", dtype=str, keep_default_na=False)
    stated = bundled_graph.stated_relations()
    assert stated and list(rows.columns) == list(COLUMNS["relations"])
    in_table = {(r.head, r.type, r.tail) for r in rows.itertuples()}
    assert in_table == {(s.subject, s.relation, s.object) for s in stated}
    abstracts = {p.id: (p.title, p.abstract) for p in _papers(bundled_graph)}
    for r in rows.itertuples():  # the offsets are the sentence's, in the field the row names
        title, abstract = abstracts[r.paper]
        text = title if r.field == "title" else abstract
        assert text[int(r.sentence_start) : int(r.sentence_end)] == r.sentence
        assert 0.5 <= float(r.confidence) <= 1.0 and r.source


def test_graph_files_carry_stated_relations_as_typed_edges(bundled_graph, tmp_path):
    import networkx as nx

    from kg.export import export

    stated = bundled_graph.stated_relations()[0]
    edge = bundled_graph.to_networkx()[stated.subject][stated.object][stated.relation]
    assert edge["support"] == stated.papers and edge["sentences"]
    (path,) = export(bundled_graph, tmp_path, "graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back[stated.subject][stated.object][stated.relation]["relation"] == stated.relation


def test_parquet_reads_back_typed_with_pyarrow(graph_file, csv_dir, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    assert cli.main(["export", str(graph_file), "--to", str(tmp_path), "--format", "parquet"]) == 0
    for table, columns in COLUMNS.items():
        read = pq.read_table(tmp_path / f"{table}.parquet")
        assert read.schema.names == list(columns)
        kinds = {str: "string", int: "int64", float: "double"}
        assert [str(t) for t in read.schema.types] == [kinds[k] for k in columns.values()]
        from_csv = pd.read_csv(
            csv_dir / f"{table}.csv", dtype={c: str for c, k in columns.items() if k is str}, keep_default_na=False
        )
        pd.testing.assert_frame_equal(read.to_pandas(), from_csv, check_dtype=False)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_files_read_back_into_networkx(graph_file, bundled_graph, tmp_path, fmt):
    assert cli.main(["export", str(graph_file), "--to", str(tmp_path), "--format", fmt]) == 0
    path = tmp_path / f"graph.{fmt}"
    read = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)
    original = bundled_graph.to_networkx()
    assert set(read.nodes) == set(original.nodes)
    assert sorted((u, v) for u, v in read.edges()) == sorted((u, v) for u, v, _ in original.edges(keys=True))
    node = "dataset/cifar-10"
    assert (
        read.nodes[node]["label"] == "CIFAR-10"
        and int(read.nodes[node]["n_papers"]) == original.nodes[node]["n_papers"]
    )
    roles = {d["role"] for _, _, d in read.edges(data=True) if "role" in d}
    assert roles == {"uses", "proposes", "introduces", "addresses"}
    relations = {d["relation"] for _, _, d in read.edges(data=True) if "relation" in d}
    assert relations == {r.relation for r in bundled_graph.stated_relations()}


@pytest.mark.parametrize("fmt", ["csv", "graphml", "gexf"])
def test_the_same_files_each_time(graph_file, tmp_path, fmt):
    for run in ("a", "b"):
        assert cli.main(["export", str(graph_file), "--to", str(tmp_path / run), "--format", fmt]) == 0
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
    assert not list(tmp_path.glob("*/.kg-export-*"))  # the staging folder is gone


def test_a_failed_export_leaves_the_earlier_files(graph_file, tmp_path, monkeypatch):
    from kg import export

    assert cli.main(["export", str(graph_file), "--to", str(tmp_path), "--format", "csv"]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = export.table_rows

    def failing(g, table):
        if table == "links":
            raise OSError(28, "No space left on device")
        return real(g, table)

    monkeypatch.setattr(export, "table_rows", failing)
    with pytest.raises(OSError):
        export.export(__import__("kg").load(graph_file), tmp_path, "csv")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_store_exports_the_tables_of_its_graph(small_store, tmp_path):
    """A store (numbers kept by value) gives the tables of the same graph saved as Turtle and read back."""
    import kg

    from_store = kg.load(small_store / "store")
    from_file = kg.load(from_store.save(tmp_path / "graph.ttl"))
    assert from_store.count("method") > 0
    for table in COLUMNS:
        assert table_rows(from_store, table) == table_rows(from_file, table), table
    assert len(table_rows(from_store, "links")) > 20


def test_an_unknown_format_or_table_lists_the_valid_ones(graph_file, tmp_path, capsys, bundled_graph):
    assert cli.main(["export", str(graph_file), "--to", str(tmp_path), "--format", "xlsx"]) == 2
    assert "unknown export format 'xlsx'; valid: csv, gexf, graphml, parquet" in capsys.readouterr().err
    with pytest.raises(
        Exception, match="unknown table 'edges'; valid: cooccurrences, entities, links, papers, relations"
    ):
        bundled_graph.to_pandas("edges")
