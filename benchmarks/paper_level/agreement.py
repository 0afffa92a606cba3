"""Agreement between the two independent annotations of the paper-level development set.

    .venv/bin/python benchmarks/paper_level/agreement.py

Scores the second annotation (``second.jsonl``) against the first (``dev.jsonl``) on the papers both
annotated, with the same paper-level scorer as ``kg eval --paper-level``: F1 is then the agreement.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from kg.paper_eval import PredEntity, format_paper_table, occurrences, read_paper_gold, score_papers  # noqa: E402


def main() -> int:
    first = {p.id: p for p in read_paper_gold(HERE / "dev.jsonl")}
    second = [p for p in read_paper_gold(HERE / "second.jsonl") if p.id in first]
    as_predicted = {
        p.id: [
            PredEntity(
                e.type,
                e.name,
                e.role,
                tuple((f, a, b, s) for s in e.surfaces for f, a, b in occurrences(first[p.id], s)),
            )
            for e in p.entities
        ]
        for p in second
    }
    print(f"{len(second)} papers annotated twice; the second annotation scored against the first:")
    print(format_paper_table(score_papers([first[p.id] for p in second], as_predicted)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
