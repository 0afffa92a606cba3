"""``kg serve`` with real clients: the README's SPARQL queries over HTTP (SPARQLWrapper and rdflib's
SPARQLStore) give the rows ``kg query`` gives, on a graph file and on a store kg built; 1,000 queries
from 8 threads all come back right; the printed SPARQLWrapper example runs as printed; Ctrl-C and SIGTERM
stop the server and leave nothing behind; a taken port, a missing server and a store a build is writing
each get one clear line."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

import pytest

pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import JSON, SPARQLWrapper  # noqa: E402

from kg import cli, serve  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-m", "kg"]
if serve.shutil.which("oxigraph") is None and not (Path(sys.executable).parent / "oxigraph").is_file():
    pytest.skip("the oxigraph server (kg[serve]) is not installed", allow_module_level=True)


def _readme_module():
    """tests/test_readme_queries.py: where the README's queries are read from, and their prefixes."""
    spec = importlib.util.spec_from_file_location("readme_queries", Path(__file__).parent / "test_readme_queries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


README = _readme_module()
QUERIES = [README.PREFIXES + q for q in README.readme_queries()]


@contextmanager
def kg_serve(graph: Path, *options: str, stop: int = signal.SIGTERM):
    """``kg serve GRAPH --port 0`` in its own process group; yields (endpoint URL, process, output so far);
    stopped with ``stop`` sent to the group (as a terminal's Ctrl-C reaches every process of it)."""
    process = subprocess.Popen(
        [*KG, "serve", str(graph), "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        cwd=ROOT,
    )
    said: list[str] = []
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            said.append(line)
            if "Ctrl-C stops the server" in line:
                break
        found = re.search(r"at (http://\S+/query)", "".join(said))
        assert found, "".join(said) + (process.stdout.read() if process.poll() is not None else "")  # type: ignore[union-attr]
        yield found.group(1), process, said
    finally:
        if process.poll() is None:
            os.killpg(process.pid, stop)
        said.append(process.communicate(timeout=30)[0])


def kg_query(graph: Path, query: str) -> list[tuple[str, ...]]:
    """The rows ``kg query QUERY --graph GRAPH --format csv`` prints, as strings."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["query", query, "--graph", str(graph), "--format", "csv"]) == 0
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    return [tuple(row) for row in lines[1:]]


def over_http(url: str, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT through SPARQLWrapper (JSON results), values as their lexical forms."""
    endpoint = SPARQLWrapper(url, returnFormat=JSON)
    endpoint.setQuery(query)
    result = endpoint.queryAndConvert()
    names = result["head"]["vars"]
    return [tuple(row[n]["value"] if n in row else "" for n in names) for row in result["results"]["bindings"]]


def through_sparqlstore(url: str, query: str) -> list[tuple[str, ...]]:
    """The same through rdflib's SPARQLStore."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(url, returnFormat="json")
    return [tuple("" if v is None else str(v) for v in row) for row in store.query(query)]


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory, kg_runner) -> Path:
    """The bundled listing built into a store by ``kg build --store`` (the shipped model included)."""
    base = tmp_path_factory.mktemp("served-store")
    result = kg_runner.kg(
        "build", "-o", str(base / "out"), "--store", str(base / "out" / "store"), log=base / "build.log"
    )
    assert result["rc"] == 0, result["log"]
    return base / "out" / "store"


@pytest.fixture(scope="module")
def expected(bundled_build) -> list[list[tuple[str, ...]]]:
    graph = bundled_build[1] / "graph.ttl"
    return [kg_query(graph, q) for q in QUERIES]


def test_readme_queries_over_http_on_a_graph_file(bundled_build, expected):
    graph = bundled_build[1] / "graph.ttl"
    with kg_serve(graph) as (url, _, said):
        assert url.startswith("http://127.0.0.1:") and "read-only" in "".join(said)
        for number, query in enumerate(QUERIES):
            assert over_http(url, query) == expected[number], f"README query {number + 1}"
            assert through_sparqlstore(url, query) == expected[number], f"README query {number + 1}"
    assert sum(map(len, expected)) >= 50 and all(expected)  # every query answers something


def test_readme_queries_over_http_on_a_store_kg_built(bundled_store):
    with kg_serve(bundled_store) as (url, _, _):
        for number, query in enumerate(QUERIES):
            rows = kg_query(bundled_store, query)
            assert rows, f"README query {number + 1} answers nothing on the store"
            assert over_http(url, query) == rows, f"README query {number + 1}"


def test_a_thousand_queries_from_eight_threads(bundled_store):
    """Every answer right, the server still answering afterwards."""
    work = [(i % len(QUERIES), QUERIES[i % len(QUERIES)]) for i in range(1000)]
    right = [kg_query(bundled_store, q) for q in QUERIES]
    wrong: list[str] = []
    with kg_serve(bundled_store) as (url, process, _):

        def client(part: list[tuple[int, str]]) -> None:
            for number, query in part:
                try:
                    if over_http(url, query) != right[number]:
                        wrong.append(f"query {number + 1}: wrong rows")
                except Exception as err:  # noqa: BLE001 - every failure counts
                    wrong.append(f"query {number + 1}: {err!r}")

        threads = [threading.Thread(target=client, args=(work[i::8],)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not wrong, wrong[:5]
        assert process.poll() is None and over_http(url, QUERIES[0]) == right[0]


def test_the_printed_python_example_runs_as_printed(bundled_build):
    graph = bundled_build[1] / "graph.ttl"
    with kg_serve(graph) as (url, _, said):
        text = "".join(said)
        python = text[text.index("  from SPARQLWrapper") : text.index("Ctrl-C")]
        out = io.StringIO()
        with redirect_stdout(out):
            exec(compile("\n".join(line[2:] for line in python.splitlines()), "example", "exec"), {})
        curl = re.search(r"^  (curl .*)$", text, re.M).group(1)
    printed = [tuple(line.rsplit(" ", 1)) for line in out.getvalue().splitlines()]
    top = [(e.label, str(e.papers)) for e in __import__("kg").load(graph).top("task", 5)]
    assert printed == top and len(printed) == 5
    assert url in curl and "--data-urlencode 'query=" in curl


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_it_cleanly(bundled_build, stop):
    import psutil

    with kg_serve(bundled_build[1] / "graph.ttl", stop=stop) as (url, process, said):
        (server,) = psutil.Process(process.pid).children()
        scratch = Path(server.cmdline()[server.cmdline().index("--location") + 1]).parent
        assert scratch.is_dir() and server.cmdline()[1] == "serve-read-only"
    assert process.returncode == 0, "".join(said)
    assert "kg: server stopped" in "".join(said)
    assert not psutil.pid_exists(server.pid) or server.status() == psutil.STATUS_ZOMBIE
    assert not scratch.exists()  # the temporary store is gone


def test_a_taken_port_is_one_clear_line(bundled_build, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        rc = cli.main(["serve", str(bundled_build[1] / "graph.ttl"), "--port", str(port)])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert f"port {port} on 127.0.0.1 is taken" in err and "--port" in err


def test_without_the_server_it_says_what_to_install(bundled_build, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    rc = cli.main(["serve", str(bundled_build[1] / "graph.ttl")])
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1 and "pip install 'kg[serve]'" in err


def test_a_store_a_build_is_writing_is_refused(bundled_store):
    from kg.build.lock import FileLock, lock_path

    lock = FileLock(lock_path(bundled_store, store=True))
    assert lock.try_acquire() is None  # as a build holds it
    try:
        result = subprocess.run(
            [*KG, "serve", str(bundled_store), "--port", "0"], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
    finally:
        lock.release()
    assert result.returncode == 1 and result.stdout == ""
    assert "is being written by a kg build (pid" in result.stderr and result.stderr.count("\n") == 1


def test_writable_takes_updates_and_the_file_is_left_as_it_was(bundled_build, tmp_path):
    graph = tmp_path / "graph.ttl"
    graph.write_bytes((bundled_build[1] / "graph.ttl").read_bytes())
    ask = "ASK { <https://x/s> <https://x/p> 'added' }"
    with kg_serve(graph, "--writable") as (url, _, said):
        assert "(read-write)" in "".join(said)
        update = SPARQLWrapper(url.replace("/query", "/update"))
        update.setMethod("POST")
        update.setQuery("INSERT DATA { <https://x/s> <https://x/p> 'added' }")
        update.query()
        endpoint = SPARQLWrapper(url, returnFormat=JSON)
        endpoint.setQuery(ask)
        assert endpoint.queryAndConvert()["boolean"] is True
    assert graph.read_bytes() == (bundled_build[1] / "graph.ttl").read_bytes()


def test_read_only_refuses_updates(bundled_build):
    from urllib.error import HTTPError
    from urllib.request import Request, urlopen

    with kg_serve(bundled_build[1] / "graph.ttl") as (url, _, _):
        request = Request(
            url.replace("/query", "/update"),
            data=b"update=INSERT DATA { <https://x/s> <https://x/p> 1 }",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with pytest.raises(HTTPError):
            urlopen(request, timeout=30)
        assert over_http(url, "SELECT ?o WHERE { <https://x/s> ?p ?o }") == []
