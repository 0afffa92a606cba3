"""Speed of extraction with and without ``kg_relations``, and a sample of relations for the by-hand check.

    python benchmarks/relations_benchmark.py --abstracts 2000 --sample 100 --stated --seed 9 -o sample.jsonl

Reads every 30th paper of ../shared/corpus from ``--offset`` (the first N so drawn), extracts them with one process
(``Config(workers=1)``), prints abstracts per second per core (CPU time) for mentions only and for
mentions with relations, then the whole ``kg extract --relations`` run (read, extract, resolve, records)
in wall time, the relations per label, and writes ``--sample`` relations drawn at random (``--seed``)
with their sentences, for verdicts in ``benchmarks/relations_verdicts.jsonl``: with ``--stated``, from
those the graph states (``kg.relation_graph``), else from all at ``--min-confidence`` or more.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import time
from collections import Counter
from pathlib import Path

from kg.config import Config
from kg.extract import Extractor
from kg.records import Paper

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "arxiv-2025-2026.jsonl.gz"


def papers(n: int, offset: int = 7) -> list[Paper]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in itertools.islice(f, offset, offset + 30 * n, 30)]
    return [Paper(r["arxiv_id"], None, r["title"], r["abstract"]) for r in rows[:n]]


def timed(extractor: Extractor, items: list[Paper]) -> tuple[float, list]:
    list(extractor.extract(items[:50]))  # warm up
    started = time.process_time()
    out = list(extractor.extract(items))
    return len(items) / (time.process_time() - started), out


def stated_sample_pool(items: list[Paper]) -> list:
    """Every (paper id, relation) a build of ``items`` with ``--relations`` states in its graph, timing
    the ``kg extract --relations`` run (wall time, one process)."""
    import tempfile

    from kg import relation_graph
    from kg.build import files, pipeline

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "papers.jsonl"
        source.write_text(
            "".join(json.dumps({"arxiv_id": p.id, "title": p.title, "abstract": p.abstract}) + "\n" for p in items),
            encoding="utf-8",
        )
        started = time.perf_counter()
        build = pipeline.run([source], Config(relations=True))
        records = list(files.mention_records(build))
        seconds = time.perf_counter() - started
    print(
        f"kg extract --relations on {len(records)} abstracts: {seconds:.1f} s wall, "
        f"{len(records) / seconds:.1f} abstracts/s (one process, model loading included)"
    )
    stated = relation_graph.aggregate(build.mentions, build.links, relation_graph.floors(build.config))
    print(f"the graph states {len(stated)} relations from {sum(len(s.evidence) for s in stated)} sentences")
    return [e for s in stated for e in s.evidence]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--abstracts", type=int, default=2000)
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--min-confidence", type=float, default=0.0, help="sample only relations at least this sure")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--offset", type=int, default=7, help="the first paper read (then every 30th): a fresh sample")
    ap.add_argument("--stated", action="store_true", help="sample what the graph states (linked, over the floors)")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    items = papers(args.abstracts, args.offset)
    base, _ = timed(Extractor(Config()), items)
    with_relations, out = timed(Extractor(Config(relations=True)), items)
    relations = [(item.paper.id, r) for item in out for r in item.relations]
    if args.stated:
        relations = stated_sample_pool(items)
    print(
        f"{len(items)} abstracts, CPU time per core: mentions {base:.1f} abstracts/s, "
        f"mentions + relations {with_relations:.1f} abstracts/s"
    )
    print(
        f"{len(relations)} relations ({len(relations) / len(items):.2f} per abstract):",
        dict(sorted(Counter(r.type for _, r in relations).items())),
    )
    if args.output:
        pool = [(pid, r) for pid, r in relations if r.confidence >= args.min_confidence]
        drawn = random.Random(args.seed).sample(pool, min(args.sample, len(pool)))
        with open(args.output, "w", encoding="utf-8") as f:
            for pid, r in drawn:
                f.write(
                    json.dumps(
                        {
                            "paper": pid,
                            "type": r.type,
                            "head": r.head.text,
                            "tail": r.tail.text,
                            "confidence": r.confidence,
                            "source": r.source,
                            "sentence": r.evidence.sentence,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )


if __name__ == "__main__":
    main()
