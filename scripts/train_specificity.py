"""Train kg's specificity model (kg/data/specificity.json) from names judged by hand.

    .venv/bin/python scripts/train_specificity.py [--labels benchmarks/specificity/labels.jsonl]
        [--threshold 0.5] [--l2 1.0]

Each label line is ``{"entity", "type", "name", "aliases", "verdict", "vocabulary"}``: ``verdict`` is ``specific``
(a nameable thing of that type), ``generic`` (not a thing a researcher would look up) or a type name (a
specific thing of another type: it counts as specific here). A logistic regression over
:func:`kg.specificity.features` is fitted with L2 regularisation (``scripts/logistic.py``); a tenth of
the entities (by a hash of the id) is held out and scored, then the model is refitted on all of them and
written with the threshold. Only weights that matter (|w| >= 0.01) are kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from logistic import fit, probability  # noqa: E402

from kg.specificity import features  # noqa: E402


def read_labels(path: Path) -> list[tuple[str, list[tuple[str, float]], int, float]]:
    """(entity, features, 1 specific / 0 generic, weight) per judged name and per alias of it; a name
    counts more the more papers link it (1 + ln papers): the most linked entities are what users see."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        y = 0 if row["verdict"] == "generic" else 1
        weight = 1.0 + math.log(max(1, row.get("papers", 1)))
        for name in (row["name"], *row.get("aliases", ())):
            feats = [(f, 1.0) for f in features(row["type"], name, vocabulary=row.get("vocabulary", ""))]
            out.append((row["entity"], feats, y, weight))
    return out


def held_out(name: str) -> bool:
    return hashlib.md5(name.encode("utf-8")).digest()[0] < 26  # about a tenth, stable across runs


def accuracy(
    weights: dict[str, float], rows: list[tuple[list[tuple[str, float]], int]], threshold: float
) -> tuple[float, float, float]:
    """(accuracy, precision of 'specific', recall of 'specific')."""
    tp = fp = fn = ok = 0
    for feats, y in rows:
        pred = int(probability(weights, feats) >= threshold)
        ok += pred == y
        tp += pred and y
        fp += pred and not y
        fn += (not pred) and y
    return ok / len(rows), tp / max(1, tp + fp), tp / max(1, tp + fn)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--labels", type=Path, default=ROOT / "benchmarks" / "specificity" / "labels.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "specificity.json")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--l2", type=float, default=3.0)
    args = ap.parse_args(argv)
    labelled = read_labels(args.labels)
    rows = [(feats, y, weight) for _, feats, y, weight in labelled]
    train = [(feats, y, weight) for entity, feats, y, weight in labelled if not held_out(entity)]
    test = [(feats, y) for entity, feats, y, _ in labelled if held_out(entity)]
    weights = fit(train, args.l2)
    acc, p, r = accuracy(weights, test, args.threshold)
    print(
        f"{len(train)} names to fit, {len(test)} held out: accuracy {acc:.3f}, "
        f"precision of 'specific' {p:.3f}, recall {r:.3f}"
    )
    weights = fit(rows, args.l2)
    args.out.write_text(
        json.dumps({"threshold": args.threshold, "weights": dict(sorted(weights.items()))}, indent=0, sort_keys=True)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(weights)} weights -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
