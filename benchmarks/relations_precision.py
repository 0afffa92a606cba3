"""Precision of the by-hand relation verdicts (``benchmarks/relations_verdicts.jsonl``), per sample and label.

    python benchmarks/relations_precision.py [--sample stated-2]

Each verdict row is a relation drawn by ``benchmarks/relations_benchmark.py`` and judged against its
sentence with SciER's label definitions: ``correct`` when the label, the direction and both argument
spans are right, else ``wrong`` (with a note). Rows without ``sample`` belong to the first two samples.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

VERDICTS = Path(__file__).resolve().parent / "relations_verdicts.jsonl"


def precision_table(rows: list[dict]) -> list[str]:
    """One line per label and one for all: correct / judged and the precision."""
    correct, judged = Counter(), Counter()
    for r in rows:
        for key in (r["type"], "all"):
            judged[key] += 1
            correct[key] += r["verdict"] == "correct"
    labels = sorted(k for k in judged if k != "all") + ["all"]
    return [f"  {k:15s} {correct[k]:3d} / {judged[k]:3d}  {correct[k] / judged[k]:.2f}" for k in labels]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", help="only this sample (the rows' 'sample' field; 'first' for rows without one)")
    ap.add_argument("--verdicts", type=Path, default=VERDICTS)
    args = ap.parse_args()
    samples: dict[str, list[dict]] = defaultdict(list)
    for line in args.verdicts.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            samples[row.get("sample") or "first"].append(row)
    for name, rows in sorted(samples.items()):
        if args.sample in (None, name):
            print(f"sample {name}: {len(rows)} relations")
            print("\n".join(precision_table(rows)))


if __name__ == "__main__":
    main()
