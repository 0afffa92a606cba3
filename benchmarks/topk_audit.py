"""Top-K audit: are the most linked entities of a build specific things of their type?

    .venv/bin/python benchmarks/topk_audit.py GRAPH [--n 100] [--verdicts benchmarks/topk_verdicts.jsonl]
        [--unjudged unjudged.jsonl]

GRAPH is a store folder or a graph file of a build (for the figure that counts: the whole corpus, e.g.
``kg build ../shared/corpus/arxiv-2025-2026.jsonl.gz -o big --store big/store --workers 2``). For each
type, the ``n`` entities linked by the most papers are looked up in the verdicts file, one line per judged
entity: ``{"type", "id", "label", "verdict"}`` with ``verdict`` ``specific`` (a specific thing of that
type, per ``../shared/gold/paper-level/GUIDELINES.md``), ``generic`` or another type's name (specific, but
of that type). An entity nobody has judged counts as wrong, so the share is a floor. ``--unjudged``
writes the entities still to judge (with their papers), for a person to add verdicts.

Prints, per type, the share judged specific and of the type, and the 20 most linked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kg  # noqa: E402

TYPES = ("dataset", "method", "task")


def read_verdicts(path: Path) -> dict[tuple[str, str], str]:
    """(type, entity id) -> verdict."""
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(r["type"], r["id"]): r["verdict"] for r in rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graph", help="a store folder or a graph file")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--verdicts", type=Path, default=ROOT / "benchmarks" / "topk_verdicts.jsonl")
    ap.add_argument("--unjudged", type=Path, help="write the entities still to judge here (JSON Lines)")
    args = ap.parse_args(argv)
    graph = kg.load(args.graph)
    verdicts = read_verdicts(args.verdicts)
    unjudged = []
    for type_ in TYPES:
        top = list(graph.top(type_, args.n))
        right = sum(verdicts.get((type_, e.id)) == "specific" for e in top)
        missing = [e for e in top if (type_, e.id) not in verdicts]
        unjudged += [{"type": type_, "id": e.id, "label": e.label, "papers": e.papers} for e in missing]
        print(
            f"{type_}: {right}/{len(top)} = {right / max(1, len(top)):.0%} specific "
            f"({len(missing)} not judged, counted as wrong)"
        )
        print("  top 20: " + ", ".join(f"{e.label} ({e.papers})" for e in top[:20]))
    if args.unjudged:
        args.unjudged.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in unjudged), encoding="utf-8")
        print(f"{len(unjudged)} entities to judge -> {args.unjudged}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
