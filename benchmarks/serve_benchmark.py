#!/usr/bin/env python3
"""Latency of a README query over HTTP on ``kg serve`` (read-only), and the README's queries over HTTP
against ``kg query``.

Starts the endpoint as ``kg serve`` does (``kg.serve.running``: the oxigraph server, read-only, on a free
local port), sends README query 1 (or ``--query N``) ``--repeat`` times after ``--warmup``, each as a new
HTTP request (POST, JSON results, parsed), as SPARQLWrapper sends it, and prints p50/p95/mean; with
``--threads T``, T clients at once. ``--check`` first runs every README query over HTTP and through
``kg query`` (kg.load + sparql) and prints whether the rows are the same.

    .venv/bin/python benchmarks/serve_benchmark.py big/store --check
    .venv/bin/python benchmarks/serve_benchmark.py outputs/graph.ttl --repeat 500 --threads 8

Needs ``kg[serve]``. Nothing is written into the store.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.serve import running  # noqa: E402


def readme_queries() -> list[str]:
    """The README's SPARQL queries with their prefixes, read as tests/test_readme_queries.py reads them."""
    spec = importlib.util.spec_from_file_location("readme_queries", ROOT / "tests" / "test_readme_queries.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return [module.PREFIXES + q for q in module.readme_queries()]


def ask(url: str, query: str) -> list[tuple[str, ...]]:
    """One SELECT over HTTP: its rows, values as their lexical forms."""
    request = Request(
        url,
        data=urlencode({"query": query}).encode("utf-8"),
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urlopen(request, timeout=300) as response:
        result = json.load(response)
    names = result["head"]["vars"]
    return [tuple(row[n]["value"] if n in row else "" for n in names) for row in result["results"]["bindings"]]


def check(url: str, graph: Path, queries: list[str]) -> int:
    """Every README query over HTTP and through kg's query API: same rows? Returns how many differ."""
    import kg

    g = kg.load(graph)
    differ = 0
    for number, query in enumerate(queries, 1):
        started = time.perf_counter()
        http = ask(url, query)
        http_s = time.perf_counter() - started
        started = time.perf_counter()
        local = [tuple("" if v is None else str(v) for v in row.values()) for row in g.sparql(query)]
        local_s = time.perf_counter() - started
        same = http == local
        differ += not same
        print(
            f"README query {number:2d}: {len(http):5d} rows over HTTP in {http_s * 1000:8.1f} ms, "
            f"kg query {local_s * 1000:8.1f} ms: {'same rows' if same else 'ROWS DIFFER'}"
        )
    return differ


def measure(url: str, query: str, repeat: int, threads: int, right: list[tuple[str, ...]]) -> tuple[list[float], int]:
    """Seconds per request, ``repeat`` requests shared by ``threads`` clients, and how many answers were
    not ``right``."""
    times: list[float] = []
    wrong = [0]
    lock = threading.Lock()

    def client(n: int) -> None:
        mine, bad = [], 0
        for _ in range(n):
            started = time.perf_counter()
            rows = ask(url, query)
            mine.append(time.perf_counter() - started)
            bad += rows != right
        with lock:
            times.extend(mine)
            wrong[0] += bad

    workers = [
        threading.Thread(target=client, args=(repeat // threads + (i < repeat % threads),)) for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return times, wrong[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graph", type=Path, help="store folder or graph file")
    ap.add_argument("--query", type=int, default=1, help="README query number (default 1)")
    ap.add_argument("--repeat", type=int, default=200, help="timed requests (default 200)")
    ap.add_argument("--warmup", type=int, default=20, help="requests before timing (default 20)")
    ap.add_argument("--threads", type=int, default=1, help="clients at once (default 1)")
    ap.add_argument("--check", action="store_true", help="first compare every README query with kg query")
    args = ap.parse_args(argv)
    queries = readme_queries()
    started = time.perf_counter()
    with running(args.graph, port=0) as server:
        print(f"serving {args.graph} (read-only) at {server.url}: ready in {time.perf_counter() - started:.1f} s")
        differ = check(server.url, args.graph, queries) if args.check else 0
        query = queries[args.query - 1]
        right = ask(server.url, query)
        measure(server.url, query, args.warmup, 1, right)
        started = time.perf_counter()
        times, wrong = measure(server.url, query, args.repeat, args.threads, right)
        wall = time.perf_counter() - started
        still = ask(server.url, query) == right
    times.sort()
    ms = [t * 1000 for t in times]
    p50, p95 = statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
    print(
        f"README query {args.query} ({len(right)} rows) over HTTP, {len(ms)} requests, {args.threads} client(s): "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, mean {statistics.fmean(ms):.1f} ms, max {ms[-1]:.1f} ms; "
        f"{len(ms) / wall:.0f} requests/s; {len(ms) - wrong} of {len(ms)} answers right; "
        f"{'still answering' if still else 'NOT ANSWERING RIGHT AFTERWARDS'}"
    )
    return 1 if differ or wrong or not still else 0


if __name__ == "__main__":
    sys.exit(main())
