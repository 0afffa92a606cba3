"""Benchmark of the graph store: a synthetic build of N papers (default 1,000,000) with 8 links each,
queried with the twelve SPARQL queries of docs/rdf.md and kg's query API, pyoxigraph beside rdflib (the
synthetic graph states no relations: queries 3, 7, 11 and 12, on stated relations, find nothing in it).

    python benchmarks/store_benchmark.py                          # 1,000,000 papers, rdflib on 100,000
    python benchmarks/store_benchmark.py --papers 100000 --rdflib-papers 10000 --repeat 20

The synthetic graph has the shape ``kg build`` writes (the same IRIs, classes and properties), at a size
kg's extraction cannot reach here in reasonable time:

* per paper: ``kgo:Paper`` with ``kgo:arxivId``, ``dcterms:title`` and ``dcterms:date``; 3 dataset, 3 method
  and 2 task draws (popularity Zipf-like, as in real listings; repeats collapse, so a few papers have fewer
  than 8 links), 2% of the dataset links ``kgo:introducesDataset`` and 5% of the method links
  ``kgo:proposesMethod``; every third paper carries the evidence of its first link (an ``oa:Annotation``
  with its target, position and quote selectors, sentence, confidence and component: 20 triples);
* per entity (20,000 datasets, 50,000 methods, 5,000 tasks): class, ``skos:prefLabel``,
  ``kgo:paperCount`` and SKOS-XL labels with mention counts (every fourth entity has an alias);
* ``kgo:Cooccurrence`` nodes (with ``kgo:supportCount``) for dataset-task pairs linked by at least
  ``--min-support`` papers; unlike kg, no ``kgo:supportingPaper`` lists and no other pair types, which
  would multiply the size without changing what the ten queries do.

pyoxigraph bulk-loads the N-Triples into an on-disk store folder (what ``kg build --store`` does) and is
queried read-only, as ``kg.load(folder)`` / ``kg query --graph folder`` do; rdflib parses the first
``--rdflib-papers`` papers (default 100,000; a slice, since it needs many GB and minutes for the whole)
into memory. Both answer through ``kg.KnowledgeGraph`` (``sparql()`` for the queries' text, and the API
calls ``papers``, ``evidence``, ``top``). Lookups take a different random argument each run, drawn with
the same popularity as the links (most questions are about popular datasets, whose answers run to
thousands of papers); "papers using a dataset" is also run on datasets drawn uniformly (a typical
dataset: tens of papers). p50/p95 are over
``--repeat`` runs, aggregates over ``--repeat-aggregate`` runs. An rdflib query that passes
``--rdflib-timeout`` seconds is stopped and reported as such. Figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/kg/"
KGO = "https://w3id.org/kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: kind, class, label stem, number of entities, draws per paper, (rare role property, its share)
KINDS = (
    ("dataset", "Dataset", "Dataset", 20_000, 3, ("introducesDataset", 0.02), "usesDataset"),
    ("method", "Method", "Method", 50_000, 3, ("proposesMethod", 0.05), "usesMethod"),
    ("task", "Task", "Task", 5_000, 2, (None, 0.0), "addressesTask"),
)
COMPONENTS = (("vocabulary", 0.55), ("ner", 0.2), ("pattern:title-colon", 0.1), ("abbreviation", 0.15))
#: README query number -> (kind, literals in its text that a run replaces with a random argument)
README_QUERIES = {
    1: ("lookup", ("dataset",)),
    2: ("aggregate", ()),
    3: ("aggregate", ("task",)),
    4: ("aggregate", ()),
    5: ("aggregate", ()),
    6: ("lookup", ("paper", "evidence")),
    7: ("aggregate", ()),
    8: ("lookup", ("method", "dataset")),
    9: ("lookup", ("dataset",)),
    10: ("aggregate", ()),
    11: ("aggregate", ()),
    12: ("aggregate", ()),
}
README_LITERALS = {
    "dataset": '"CIFAR-10"',
    "task": '"Image Classification"',
    "paper": '"2112.15509"',
    "evidence": '"SAANet"',
    "method": '"Generative Adversarial Network"',
}
PAGE = 100  # papers per page of a paged lookup
TITLES = {
    1: "papers using a dataset",
    2: "most studied tasks",
    3: "methods on a task",
    4: "datasets introduced",
    5: "methods proposed",
    6: "evidence for a link",
    7: "methods applied to tasks",
    8: "papers using method+dataset",
    9: "spellings of a dataset",
    10: "NER-only links to review",
    11: "datasets methods are evaluated on (stated)",
    12: "benchmarks of a task (stated)",
}


def zipf_index(rng: random.Random, n: int) -> int:
    """An index in [0, n) with probability falling like 1/rank.

    >>> 0 <= zipf_index(random.Random(1), 10) < 10
    True
    """
    return min(n - 1, int(n ** rng.random()) - 1)


def label(kind: str, index: int) -> str:
    return f"{kind.title()} {index}"


def paper_id(j: int) -> str:
    """A synthetic arXiv id: 100,000 papers a month from January 2025.

    >>> paper_id(0), paper_id(123_456)
    ('2501.00000', '2502.23456')
    """
    year, month = divmod(j // 100_000, 12)
    return f"{25 + year:02d}{month + 1:02d}.{j % 100_000:05d}"


class Synthetic:
    """Writes the synthetic graph as N-Triples and keeps what the queries need (labels with evidence)."""

    def __init__(self, n_papers: int, seed: int = 0, min_support: int = 2) -> None:
        self.n_papers = n_papers
        self.seed = seed
        self.min_support = min_support
        self.triples = 0
        self.evidence: list[tuple[str, str]] = []  # (paper id, entity label) pairs with an annotation
        self.pairs: list[tuple[str, str]] = []  # (method label, dataset label) of one paper

    def write(self, path: Path) -> int:
        rng = random.Random(self.seed)
        counts = {kind: Counter() for kind, *_ in KINDS}
        support: Counter = Counter()
        n_tasks = KINDS[2][3]
        with open(path, "w", encoding="utf-8") as out:
            for name, _ in COMPONENTS:
                c = f"<{BASE}component/{name}>"
                self._emit(
                    out,
                    [
                        f"{c} <{RDF}type> <{KGO}Component> .",
                        f'{c} <{RDFS}label> "{name}" .',
                        f"<{BASE}component/{name}#extraction> <{RDF}type> <{PROV}Activity> .",
                        f"<{BASE}component/{name}#extraction> <{PROV}wasAssociatedWith> {c} .",
                    ],
                )
            for j in range(self.n_papers):
                self._emit(out, self._paper(j, rng, counts, support, n_tasks))
            for kind, cls, _stem, size, _, _, _ in KINDS:
                for i in range(size):
                    self._emit(out, self._entity(kind, cls, i, counts[kind][i]))
            for key, n in sorted(support.items()):
                if n >= self.min_support:
                    d, t = divmod(key, n_tasks)
                    self._emit(out, self._cooccurrence(d, t, n))
        return self.triples

    def _emit(self, out, lines: list[str]) -> None:
        out.write("\n".join(lines) + "\n")
        self.triples += len(lines)

    def _paper(self, j: int, rng: random.Random, counts: dict, support: Counter, n_tasks: int) -> list[str]:
        pid = paper_id(j)
        p = f"<{BASE}paper/{pid}>"
        month = int(pid[2:4])
        lines = [
            f"{p} <{RDF}type> <{KGO}Paper> .",
            f'{p} <{KGO}arxivId> "{pid}" .',
            f'{p} <{DCT}title> "Synthetic paper {j}" .',
            f'{p} <{DCT}date> "20{pid[:2]}-{month:02d}-{1 + j % 28:02d}"^^<{XSD}date> .',
        ]
        linked: dict[str, list[int]] = {}
        first: tuple[str, int, str] | None = None
        for kind, _, _, size, draws, (rare, share), common in KINDS:
            picked = sorted({zipf_index(rng, size) for _ in range(draws)})
            linked[kind] = picked
            for index in picked:
                prop = rare if rare and rng.random() < share else common
                counts[kind][index] += 1
                lines.append(f"{p} <{KGO}{prop}> <{BASE}{kind}/{kind}-{index}> .")
                first = first or (kind, index, prop)
        for d in linked["dataset"]:
            for t in linked["task"]:
                support[d * n_tasks + t] += 1
        if linked["method"] and linked["dataset"] and len(self.pairs) < 10_000:
            self.pairs.append((label("method", linked["method"][0]), label("dataset", linked["dataset"][0])))
        if j % 3 == 0 and first is not None:
            kind, index, prop = first
            lines += self._annotation(pid, j, kind, index, prop, rng)
            if len(self.evidence) < 10_000:
                self.evidence.append((pid, label(kind, index)))
        return lines

    @staticmethod
    def _annotation(pid: str, j: int, kind: str, index: int, prop: str, rng: random.Random) -> list[str]:
        a = f"{BASE}annotation/{pid}/{j:012x}"
        t, pos, quote = f"<{a}#target>", f"<{a}#position>", f"<{a}#quote>"
        component = rng.choices([c for c, _ in COMPONENTS], [w for _, w in COMPONENTS])[0]
        text = label(kind, index)
        return [
            f"<{a}> <{RDF}type> <{OA}Annotation> .",
            f"<{a}> <{OA}motivatedBy> <{OA}identifying> .",
            f"<{a}> <{OA}hasBody> <{BASE}{kind}/{kind}-{index}> .",
            f"<{a}> <{OA}hasTarget> {t} .",
            f'<{a}> <{KGO}field> "abstract" .',
            f"<{a}> <{KGO}role> <{KGO}{prop}> .",
            f'<{a}> <{KGO}confidence> "0.{500 + j % 500}"^^<{XSD}decimal> .',
            f"<{a}> <{PROV}wasAttributedTo> <{BASE}component/{component}> .",
            f"<{a}> <{PROV}wasGeneratedBy> <{BASE}component/{component}#extraction> .",
            f'<{a}> <{KGO}sentence> "We evaluate the synthetic method of paper {j} on {text}." .',
            f"{t} <{RDF}type> <{OA}SpecificResource> .",
            f"{t} <{OA}hasSource> <{BASE}paper/{pid}> .",
            f"{t} <{OA}hasSelector> {pos} .",
            f"{t} <{OA}hasSelector> {quote} .",
            f"{pos} <{RDF}type> <{OA}TextPositionSelector> .",
            f'{pos} <{OA}start> "10"^^<{XSD}nonNegativeInteger> .',
            f'{pos} <{OA}end> "{10 + len(text)}"^^<{XSD}nonNegativeInteger> .',
            f"{quote} <{RDF}type> <{OA}TextQuoteSelector> .",
            f'{quote} <{OA}exact> "{text}" .',
            f'{quote} <{OA}prefix> "We evaluate on " .',
        ]

    @staticmethod
    def _entity(kind: str, cls: str, index: int, n_papers: int) -> list[str]:
        e = f"<{BASE}{kind}/{kind}-{index}>"
        name = label(kind, index)
        lines = [
            f"{e} <{RDF}type> <{KGO}{cls}> .",
            f'{e} <{SKOS}prefLabel> "{name}" .',
            f'{e} <{KGO}paperCount> "{n_papers}"^^<{XSD}integer> .',
            f"{e} <{SKOSXL}prefLabel> <{BASE}{kind}/{kind}-{index}#label-0> .",
            f"<{BASE}{kind}/{kind}-{index}#label-0> <{RDF}type> <{SKOSXL}Label> .",
            f'<{BASE}{kind}/{kind}-{index}#label-0> <{SKOSXL}literalForm> "{name}" .',
            f'<{BASE}{kind}/{kind}-{index}#label-0> <{KGO}mentionCount> "{max(1, n_papers)}"^^<{XSD}integer> .',
        ]
        if index % 4 == 0:
            alias = f"{kind[0].upper()}{index}"
            lines += [
                f'{e} <{SKOS}altLabel> "{alias}" .',
                f"{e} <{SKOSXL}altLabel> <{BASE}{kind}/{kind}-{index}#label-1> .",
                f"<{BASE}{kind}/{kind}-{index}#label-1> <{RDF}type> <{SKOSXL}Label> .",
                f'<{BASE}{kind}/{kind}-{index}#label-1> <{SKOSXL}literalForm> "{alias}" .',
                f'<{BASE}{kind}/{kind}-{index}#label-1> <{KGO}mentionCount> "1"^^<{XSD}integer> .',
            ]
        return lines

    @staticmethod
    def _cooccurrence(d: int, t: int, n: int) -> list[str]:
        c = f"<{BASE}cooccurrence/dataset/dataset-{d}/task/task-{t}>"
        ds, task = f"<{BASE}dataset/dataset-{d}>", f"<{BASE}task/task-{t}>"
        return [
            f"{ds} <{KGO}usedForTask> {task} .",
            f"{c} <{RDF}type> <{KGO}Cooccurrence> .",
            f"{c} <{KGO}role> <{KGO}usedForTask> .",
            f"{c} <{KGO}subjectEntity> {ds} .",
            f"{c} <{KGO}objectEntity> {task} .",
            f'{c} <{KGO}supportCount> "{n}"^^<{XSD}integer> .',
        ]


# ------------------------------------------------------------------------------------------ timing
class Timeout(BaseException):  # not an Exception: kg wraps those in KGError
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout()


def timed(run: Callable[[object], object], args: list, budget: float | None) -> dict[str, float | int]:
    """Run ``run(arg)`` for each argument; p50/p95 in ms, the median number of rows, runs done. With a
    ``budget`` (seconds), a run still going then is stopped (SIGALRM: pure-Python engines only)."""
    times, rows = [], []
    stopped = 0
    for arg in args:
        if budget:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, budget)
        started = time.perf_counter()
        try:
            result = run(arg)
        except Timeout:
            stopped += 1
            break
        finally:
            if budget:
                signal.setitimer(signal.ITIMER_REAL, 0)
        times.append((time.perf_counter() - started) * 1000)
        rows.append(len(result))  # type: ignore[arg-type]
    if not times:
        return {"runs": 0, "stopped": stopped}
    times.sort()
    return {
        "runs": len(times),
        "stopped": stopped,
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
        "rows": int(statistics.median(rows)),
    }


#: README query 2 as it was first written: counting every kgo:addressesTask link instead of reading kgo:paperCount
COUNTED_TASKS = """SELECT ?task (COUNT(DISTINCT ?p) AS ?papers) WHERE {
  ?p kgo:addressesTask ?t . ?t skos:prefLabel ?task .
} GROUP BY ?task ORDER BY DESC(?papers) ?task LIMIT 10"""


def readme_queries() -> list[str]:
    """The twelve queries of docs/rdf.md's "SPARQL: twelve questions", as written there."""
    text = (ROOT / "docs" / "rdf.md").read_text(encoding="utf-8")
    start = text.index("## SPARQL: twelve questions")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```sparql\n(.*?)```", text[start:] if end < 0 else text[start:end], flags=re.S)


def arguments(synthetic: Synthetic, number: int, repeat: int, seed: int) -> list[dict[str, str]]:
    """``repeat`` argument sets for a README query: its literals' replacements (popular entities more often)."""
    rng = random.Random(seed * 100 + number)
    sizes = {kind: size for kind, _, _, size, *_ in KINDS}
    out = []
    for _ in range(repeat):
        values: dict[str, str] = {}
        if number == 8:  # a method and a dataset of the same paper
            values["method"], values["dataset"] = synthetic.pairs[rng.randrange(len(synthetic.pairs))]
        elif number == 6:  # a link with evidence
            values["paper"], values["evidence"] = synthetic.evidence[rng.randrange(len(synthetic.evidence))]
        else:
            values.update((name, label(name, zipf_index(rng, sizes[name]))) for name in README_QUERIES[number][1])
        out.append(values)
    return out


def substitute(query: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        query = query.replace(README_LITERALS[name], f'"{value}"')
    return query


def bench(
    graph, synthetic: Synthetic, repeat: int, repeat_aggregate: int, seed: int, budget: float | None
) -> dict[str, dict]:
    """Every README query and three API calls on one ``KnowledgeGraph``."""
    results: dict[str, dict] = {}
    for number, query in enumerate(readme_queries(), start=1):
        kind, _ = README_QUERIES[number]
        args = arguments(synthetic, number, repeat if kind == "lookup" else repeat_aggregate, seed)
        results[f"{number}"] = timed(lambda values, q=query: graph.sparql(substitute(q, values)), args, budget)
    results["2c"] = timed(lambda _: graph.sparql(COUNTED_TASKS), [None] * repeat_aggregate, budget)
    rng = random.Random(seed + 2)
    uniform = [label("dataset", rng.randrange(KINDS[0][3])) for _ in range(repeat)]  # any dataset, equally often
    results["1u"] = timed(lambda d: graph.sparql(substitute(readme_queries()[0], {"dataset": d})), uniform, budget)
    datasets = [a["dataset"] for a in arguments(synthetic, 1, repeat, seed + 1)]
    results["papers"] = timed(lambda d: graph.papers(dataset=d), datasets, budget)
    results["papers_u"] = timed(lambda d: graph.papers(dataset=d), uniform, budget)
    results["papers_page"] = timed(lambda d: graph.papers(dataset=d, limit=PAGE), datasets, budget)
    links = [(a["paper"], a["evidence"]) for a in arguments(synthetic, 6, repeat, seed + 1)]
    results["evidence"] = timed(lambda pe: graph.evidence(*pe), links, budget)
    results["top"] = timed(lambda _: graph.top("task", 10), [None] * repeat_aggregate, budget)
    results["relations"] = timed(lambda _: graph.relations("method", "task", 10), [None] * repeat_aggregate, budget)
    return results


ROWS = [(str(n), f"query {n}: {TITLES[n]}", README_QUERIES[n][0]) for n in range(1, 13)] + [
    ("2c", "most studied tasks, counting the links", "aggregate"),
    ("1u", "query 1, a dataset drawn uniformly", "lookup"),
    ("papers", 'papers(dataset="Dataset N")', "lookup"),
    ("papers_u", "papers(dataset=...), drawn uniformly", "lookup"),
    ("papers_page", f"papers(dataset=..., limit={PAGE}): the first page", "lookup"),
    ("evidence", 'evidence(paper, "Label N")', "lookup"),
    ("top", 'top("task", 10)', "aggregate"),
    ("relations", 'relations("method", "task", 10): co-occurrence', "aggregate"),
]


def _cell(figures: dict | None) -> str:
    if figures is None:
        return f"{'-':>31s}"
    if not figures.get("runs"):
        return f"{'stopped (timeout)':>31s}"
    cell = f"{figures['p50']:9.1f} {figures['p95']:9.1f} {figures['rows']:7d}"
    return cell + ("+" if figures.get("stopped") else " ") * 1 + f"{figures['runs']:3d}"


def report(ox: dict[str, dict], rdf: dict[str, dict] | None, n_ox: int, n_rdf: int) -> None:
    print()
    print(
        f"{'query':44s} {'kind':9s} | pyoxigraph, {n_ox:,} papers (store)    | rdflib, {n_rdf:,}-paper slice (memory)"
        if rdf
        else f"{'query':44s} {'kind':9s} | pyoxigraph, {n_ox:,} papers"
    )
    head = f"{'p50 ms':>9s} {'p95 ms':>9s} {'rows':>7s} {'runs':>4s}"
    print(f"{'':44s} {'':9s} | {head} | {head if rdf else ''}")
    for key, title, kind in ROWS:
        print(f"{title:44s} {kind:9s} | {_cell(ox.get(key))} | {_cell(rdf.get(key)) if rdf else ''}")
    print("(rows: median rows returned; '+' marks a query stopped at the timeout after the runs shown)")


def cli_timings(store: Path, synthetic: Synthetic) -> None:
    """One `kg query` process each (Python start and imports included)."""
    kg = [sys.executable, "-m", "kg", "query"]
    dataset = label("dataset", 141)
    for title, args in (
        ("kg query top-tasks", ["top-tasks", "-n", "10"]),
        (f'kg query papers --dataset "{dataset}"', ["papers", "--dataset", dataset]),
    ):
        started = time.perf_counter()
        done = subprocess.run(
            kg + args + ["--graph", str(store), "--format", "csv"], cwd=ROOT, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        lines = len(done.stdout.splitlines()) - 1
        print(f"  {title:44s} {seconds:6.2f} s end to end ({lines} rows, exit {done.returncode})")


def du(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--rdflib-papers", type=int, default=100_000, help="papers in rdflib's slice (0: skip rdflib)")
    parser.add_argument("--repeat", type=int, default=50, help="runs of each lookup (p50/p95 over them)")
    parser.add_argument("--repeat-aggregate", type=int, default=5, help="runs of each aggregate query")
    parser.add_argument("--rdflib-repeat", type=int, default=10, help="runs of each rdflib lookup")
    parser.add_argument("--rdflib-timeout", type=float, default=120, help="seconds before an rdflib query is stopped")
    parser.add_argument(
        "--min-support", type=int, default=2, help="papers a dataset-task pair needs for a Cooccurrence node"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed at the end)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="query the store a previous run left in --dir (same --papers and --seed) instead of loading one",
    )
    args = parser.parse_args()

    import pyoxigraph
    import rdflib

    from kg.query import KnowledgeGraph
    from kg.query.backends import _Rdflib
    from kg.store import load_store

    print(
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}"
    )
    folder = args.dir or Path(tempfile.mkdtemp(prefix="kg-store-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        nt = folder / "graph.nt"
        synthetic = Synthetic(args.papers, args.seed, args.min_support)
        reuse = args.reuse and (folder / "store").is_dir()
        n = synthetic.write(Path(os.devnull) if reuse else nt)  # the draws: the queries' arguments
        if reuse:
            print(
                f"synthetic graph: {args.papers:,} papers, {n:,} triples; reusing the store in {folder / 'store'} "
                f"({du(folder / 'store'):.2f} GiB)"
            )
        else:
            print(
                f"synthetic graph: {args.papers:,} papers, {n:,} triples, {nt.stat().st_size / 2**30:.2f} GiB of "
                f"N-Triples, written in {time.perf_counter() - started:.0f} s"
            )
            started = time.perf_counter()
            load_store([nt], folder / "store")
            print(
                f"pyoxigraph: bulk load into a store folder {time.perf_counter() - started:.0f} s "
                f"({n / (time.perf_counter() - started):,.0f} triples/s; store {du(folder / 'store'):.2f} GiB)"
            )
            nt.unlink()
        started = time.perf_counter()
        graph = KnowledgeGraph.open_store(folder / "store")
        print(f"pyoxigraph: store opened read-only in {(time.perf_counter() - started) * 1000:.0f} ms")
        ox_results = bench(graph, synthetic, args.repeat, args.repeat_aggregate, args.seed, None)
        del graph
        cli_timings(folder / "store", synthetic)

        rdf_results = None
        n_slice = min(args.rdflib_papers, args.papers)
        if n_slice:
            sliced = folder / "slice.nt"
            small = Synthetic(n_slice, args.seed, args.min_support)
            small.write(sliced)
            started = time.perf_counter()
            g = rdflib.Graph()
            g.parse(str(sliced), format="nt")
            print(
                f"rdflib: {n_slice:,}-paper slice ({len(g):,} triples; NOT the full graph) parsed into memory in "
                f"{time.perf_counter() - started:.0f} s"
            )
            sliced.unlink()
            rdf_results = bench(
                KnowledgeGraph(_Rdflib(g)),
                small,
                args.rdflib_repeat,
                min(args.repeat_aggregate, 3),
                args.seed,
                args.rdflib_timeout,
            )
        report(ox_results, rdf_results, args.papers, n_slice)
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
