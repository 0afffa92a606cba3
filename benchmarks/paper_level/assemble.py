"""Join the sampled papers and their annotations into the paper-level development set.

    python benchmarks/paper_level/assemble.py

Writes ``dev.jsonl`` (160 papers with the first annotation of each: the gold), ``second.jsonl`` (the
64 of them annotated a second time, independently: for agreement), ``train.jsonl`` (440 other papers,
annotated once: what ``scripts/train_relevance.py`` trains on; the development set never trains) and
``heldout.jsonl`` (the 120 papers of ``train12``-``train14``, annotated once: no rule was written while
reading them and no weight or threshold was fitted on them). Sample and annotations are in
``batches/`` and ``annotations/``; see README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: the annotations of the last batches, kept out of training and of rule writing
HELD_OUT = frozenset({"t12-A.jsonl", "t13-A.jsonl", "t14-A.jsonl"})


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    names = [f"batch{k}.jsonl" for k in range(1, 5)] + sorted(p.name for p in (HERE / "batches").glob("train*.jsonl"))
    papers = {p["id"]: p for name in names for p in _read(HERE / "batches" / name)}
    first = {a["id"]: a for k in range(1, 5) for a in _read(HERE / "annotations" / f"b{k}-A.jsonl")}
    second = {a["id"]: a for name in ("b1-B.jsonl", "double-B.jsonl") for a in _read(HERE / "annotations" / name)}
    annotations = {path.name: _read(path) for path in sorted((HERE / "annotations").glob("t*-A.jsonl"))}
    train = {a["id"]: a for name, found in annotations.items() if name not in HELD_OUT for a in found}
    heldout = {a["id"]: a for name, found in annotations.items() if name in HELD_OUT for a in found}
    named = (("dev.jsonl", first), ("second.jsonl", second), ("train.jsonl", train), ("heldout.jsonl", heldout))
    for name, annotated in named:
        with (HERE / name).open("w", encoding="utf-8") as out:
            for pid in sorted(annotated):
                rec = dict(papers[pid], entities=annotated[pid]["entities"], annotator=annotated[pid]["annotator"])
                out.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"{name}: {len(annotated)} papers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
