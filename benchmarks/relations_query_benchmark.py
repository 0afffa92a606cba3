"""Speed of the stated-relation questions on a store of corpus papers: ``g.stated_relations`` for the most
popular methods (the most papers), and the presets built on it (evaluated-on, compared-with, methods-for,
benchmarks).

    kg build sample.jsonl -o big/ --store big/store          # a store of corpus papers, relations stated
    python benchmarks/relations_query_benchmark.py big/store --methods 5 --repeat 5

Opens the store read-only as ``kg.load`` does, finds the ``--methods`` methods with the most papers and the
task with the most, and times each question ``--repeat`` times (the first run apart: cold caches). Prints
the store's size (papers, stated relations, their annotations), then per question p50 and max in seconds
and the number of rows. Figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.query import KnowledgeGraph  # noqa: E402


def timed(call, repeat: int) -> tuple[float, list[float], int]:
    started = time.perf_counter()
    rows = call()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        warm.append(time.perf_counter() - started)
    return cold, warm, len(rows)


def count(g: KnowledgeGraph, pattern: str) -> int:
    return int(g.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a store folder written by kg build --store")
    parser.add_argument("--methods", type=int, default=5, help="how many of the most popular methods")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    g = KnowledgeGraph.open_store(args.store)
    print(
        f"opened {args.store} in {time.perf_counter() - started:.2f} s; {platform.machine()}, {platform.python_version()}"
    )
    print(
        f"papers {count(g, '?p a kgo:Paper')}, stated relations {count(g, '?r a kgo:StatedRelation')}, "
        f"their annotations {count(g, '?a oa:hasBody ?r . ?r a kgo:StatedRelation')}"
    )
    methods = [row.label for row in g.top("method", args.methods)]
    task = g.top("task", 1)[0].label
    questions = [(f"stated_relations({m!r})", lambda m=m: g.stated_relations(m)) for m in methods]
    questions += [
        (f"evaluated-on {methods[0]!r}", lambda: g.stated_relations(methods[0], "evaluated-with", "subject")),
        (f"compared-with {methods[0]!r}", lambda: g.stated_relations(methods[0], "compare-with", "subject")),
        (f"methods-for {task!r}", lambda: g.stated_relations(task, "used-for", "object")),
        (f"benchmarks {task!r}", lambda: g.stated_relations(task, "benchmark-for", "object")),
    ]
    print(f"{'question':<60} {'cold s':>7} {'p50 s':>7} {'max s':>7} {'rows':>5}")
    for name, call in questions:
        cold, warm, n = timed(call, args.repeat)
        print(f"{name:<60} {cold:7.3f} {statistics.median(warm):7.3f} {max(warm):7.3f} {n:5d}")


if __name__ == "__main__":
    main()
