"""Benchmark of the graph stores: a synthetic build of N papers (default 1,000,000) with 8 links each.

    python benchmarks/store_benchmark.py                     # 1,000,000 papers (~16 million triples)
    python benchmarks/store_benchmark.py --papers 100000 --rdflib-papers 20000

Per paper: 4 paper triples (type, arXiv id, title, date) and 8 links to entities (datasets, methods,
tasks; popularity Zipf-like, as in real listings); every third paper also carries the evidence
annotation of its first link (13 triples: annotation, target, position and quote selectors), so the
graph has about 16 triples per paper. Entities: type and label.

pyoxigraph bulk-loads the whole N-Triples file into an on-disk store (what ``kg build --store`` does);
rdflib parses a slice of the first ``--rdflib-papers`` papers (default 100,000) into memory, since it
needs several GB and many minutes for the whole. Both answer through ``kg.KnowledgeGraph``: lookups
(papers using a dataset; the evidence for a link) as p50/p95 over ``--repeat`` random arguments, and
one aggregate (the most studied tasks). Figures are printed, nothing is asserted.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASE = "https://w3id.org/kg/"
KGO = "https://w3id.org/kg/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DCT = "http://purl.org/dc/terms/"
SKOS_LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
KINDS = (("dataset", "Dataset", "usesDataset", 20_000), ("method", "Method", "usesMethod", 50_000),
         ("task", "Task", "addressesTask", 5_000))
LINKS = (("dataset", 3), ("method", 3), ("task", 2))


def zipf_index(rng: random.Random, n: int) -> int:
    """An index in [0, n) with probability falling like 1/rank."""
    return min(n - 1, int(n ** rng.random()) - 1)


def write_graph(path: Path, n_papers: int, seed: int = 0) -> tuple[int, list[tuple[str, str]]]:
    """Write the synthetic graph; returns (triples, some (paper, entity) links that have evidence)."""
    rng = random.Random(seed)
    sizes = {kind: size for kind, _, _, size in KINDS}
    props = {kind: prop for kind, _, prop, _ in KINDS}
    evidence: list[tuple[str, str]] = []
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for kind, cls, _, size in KINDS:
            for i in range(size):
                e = f"<{BASE}{kind}/{kind}-{i}>"
                out.write(f"{e} {RDF_TYPE} <{KGO}{cls}> .\n{e} {SKOS_LABEL} \"{kind.title()} {i}\" .\n")
                n += 2
        for j in range(n_papers):
            pid = f"{2500 + j // 100_000:04d}.{j % 100_000:05d}"
            p = f"<{BASE}paper/{pid}>"
            lines = [f"{p} {RDF_TYPE} <{KGO}Paper> .", f"{p} <{KGO}arxivId> \"{pid}\" .",
                     f"{p} <{DCT}title> \"Synthetic paper {j}\" .",
                     f"{p} <{DCT}date> \"2025-{1 + j % 12:02d}-{1 + j % 28:02d}\"^^<{XSD}date> ."]
            first = None
            for kind, count in LINKS:
                for index in {zipf_index(rng, sizes[kind]) for _ in range(count)} or {0}:
                    entity = f"{BASE}{kind}/{kind}-{index}"
                    first = first or entity
                    lines.append(f"{p} <{KGO}{props[kind]}> <{entity}> .")
            if j % 3 == 0:
                a = f"{BASE}annotation/{pid}/a0"
                t, pos, q = f"<{a}#target>", f"<{a}#position>", f"<{a}#quote>"
                lines += [f"<{a}> {RDF_TYPE} <{OA}Annotation> .", f"<{a}> <{OA}hasBody> <{first}> .",
                          f"<{a}> <{OA}hasTarget> {t} .", f"<{a}> <{KGO}field> \"abstract\" .",
                          f"<{a}> <{KGO}role> <{KGO}usesDataset> .", f"{t} <{OA}hasSource> {p} .",
                          f"{t} <{OA}hasSelector> {pos} .", f"{t} <{OA}hasSelector> {q} .",
                          f"{pos} {RDF_TYPE} <{OA}TextPositionSelector> .",
                          f"{pos} <{OA}start> \"10\"^^<{XSD}nonNegativeInteger> .",
                          f"{pos} <{OA}end> \"18\"^^<{XSD}nonNegativeInteger> .",
                          f"{q} {RDF_TYPE} <{OA}TextQuoteSelector> .", f"{q} <{OA}exact> \"ImageNet\" ."]
                if len(evidence) < 10_000:
                    evidence.append((pid, first))  # type: ignore[arg-type]
            out.write("\n".join(lines) + "\n")
            n += len(lines)
    return n, evidence


def timed(fn, repeat: int, args: list) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``fn(arg)`` over the arguments."""
    times = []
    for arg in args[:repeat]:
        started = time.perf_counter()
        fn(arg)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def bench(name: str, graph, n_papers: int, evidence: list[tuple[str, str]], repeat: int, seed: int) -> None:
    rng = random.Random(seed)
    datasets = [f"{BASE}dataset/dataset-{zipf_index(rng, 20_000)}" for _ in range(repeat)]
    links = [pair for pair in evidence if int(pair[0].split(".")[1]) + 100_000 * (int(pair[0].split(".")[0]) - 2500) < n_papers]
    rng.shuffle(links)
    rows = []
    p50, p95 = timed(lambda d: graph.papers(dataset=d), repeat, datasets)
    rows.append(("papers(dataset=...)", p50, p95))
    p50, p95 = timed(lambda pe: graph.evidence(pe[0], pe[1]), repeat, links)
    rows.append(("evidence(paper, entity)", p50, p95))
    started = time.perf_counter()
    top = graph.top("task", 10)
    aggregate = time.perf_counter() - started
    for query, p50, p95 in rows:
        print(f"  {name:10s} {query:26s} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    print(f"  {name:10s} {'top(task, 10) aggregate':26s} {aggregate * 1000:8.0f} ms   (top: {top[0].label}, {top[0].papers} papers)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--rdflib-papers", type=int, default=100_000, help="papers in rdflib's slice (0: skip rdflib)")
    parser.add_argument("--repeat", type=int, default=50, help="lookups per query (p50/p95 over them)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed)")
    args = parser.parse_args()

    import pyoxigraph as ox
    import rdflib

    from kg.query import KnowledgeGraph, _Oxigraph, _Rdflib

    folder = args.dir or Path(tempfile.mkdtemp(prefix="kg-store-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        nt = folder / "graph.nt"
        n, evidence = write_graph(nt, args.papers, args.seed)
        print(f"synthetic graph: {args.papers:,} papers, {n:,} triples, {nt.stat().st_size / 2**30:.2f} GiB "
              f"N-Triples, written in {time.perf_counter() - started:.0f} s")

        from kg.store import load_store

        started = time.perf_counter()
        load_store([nt], folder / "store")
        print(f"pyoxigraph: bulk load into a store folder {time.perf_counter() - started:.0f} s")
        graph = KnowledgeGraph(_Oxigraph(ox.Store.read_only(str(folder / "store"))))
        bench("pyoxigraph", graph, args.papers, evidence, args.repeat, args.seed)
        del graph

        if args.rdflib_papers:
            n_slice = min(args.rdflib_papers, args.papers)
            sliced = folder / "slice.nt"
            write_graph(sliced, n_slice, args.seed)
            started = time.perf_counter()
            g = rdflib.Graph()
            g.parse(str(sliced), format="nt")
            print(f"rdflib: {n_slice:,}-paper slice ({len(g):,} triples; NOT the full graph), parsed in memory in "
                  f"{time.perf_counter() - started:.0f} s")
            bench("rdflib", KnowledgeGraph(_Rdflib(g)), n_slice, evidence, min(args.repeat, 20), args.seed)
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
