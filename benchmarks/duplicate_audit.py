"""Duplicate audit: build a 5,000-abstract cs.CV sample of the shared corpus and list candidate duplicate
pairs among the 500 most linked entities; write a sample of merges for hand checking.

    python benchmarks/duplicate_audit.py [--shared DIR | --corpus FILE] [--papers 5000]
        [--top 500] [--merges-out benchmarks/merges-sample.jsonl] [--work DIR]

The corpus is ``corpus/arxiv-2025-2026.jsonl.gz`` under the shared data folder (default ``shared/``
beside the repository); the sample is written to ``--work`` (default ``kg-audit`` in the system's
temporary folder).

A candidate pair: two entities of one type whose normalised labels or aliases coincide, whose
abbreviation initials match the other's words, or whose normalised labels are very similar
(difflib ratio >= 0.92). Candidates are only candidates: ``benchmarks/audit_verdicts.jsonl`` holds the
verdicts of pairs checked by hand (``distinct``: two real things, e.g. CIFAR-10 and CIFAR-100, or two
meanings of one acronym; ``duplicate``: one thing split in two). Prints every pair with its verdict and
two figures: the share of top entities in any candidate pair, and the share in a pair that is a
duplicate or not yet judged (unjudged pairs count as duplicates until someone checks them).
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import random
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

from kg.build import pipeline
from kg.config import Config
from kg.resolve import compact, normalize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"  # the shared data, a sibling of the repository


def sample(corpus: Path, n: int, out: Path, seed: int = 13) -> Path:
    """The first ``n`` cs.CV papers of a seeded shuffle of the corpus, as JSON Lines."""
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        rows = [line for line in handle if '"cs.CV"' in line]
    random.Random(seed).shuffle(rows)
    out.write_text("".join(rows[:n]), encoding="utf-8")
    return out


def initials(key: str) -> str:
    return "".join(word[0] for word in key.split() if word)


def candidate_pairs(entities, n_papers: Counter, top: int):
    ranked = sorted(entities, key=lambda e: (-n_papers[e.id], e.id))[:top]
    keys = {e.id: {normalize(form) for form, _ in e.aliases} | {normalize(e.label)} for e in ranked}
    pairs = []
    for a, b in combinations(ranked, 2):
        if a.type != b.type:
            continue
        why = ""
        ka, kb = keys[a.id], keys[b.id]
        if ka & kb:
            why = "same normalised form: " + sorted(ka & kb)[0]
        elif {compact(k) for k in ka} & {compact(k) for k in kb}:
            why = "same compact form"
        elif any(len(x) >= 3 and " " not in x and (x == initials(y)) for x in ka for y in kb) or any(
            len(y) >= 3 and " " not in y and (y == initials(x)) for x in ka for y in kb
        ):
            why = "abbreviation matches initials"
        else:
            la, lb = normalize(a.label), normalize(b.label)
            if difflib.SequenceMatcher(None, la, lb).ratio() >= 0.92:
                why = f"similar labels ({la!r} ~ {lb!r})"
        if why:
            pairs.append((a, b, why))
    return ranked, pairs


VERDICTS = Path(__file__).with_name("audit_verdicts.jsonl")


def pair_key(type_: str, a: str, b: str) -> tuple[str, str, str]:
    """Order-free key of a pair of entity labels."""
    x, y = sorted((normalize(a), normalize(b)))
    return type_, x, y


def read_verdicts(path: Path = VERDICTS) -> dict[tuple[str, str, str], str]:
    """Hand verdicts (``distinct`` or ``duplicate``) by pair key."""
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {pair_key(r["type"], r["a"], r["b"]): r["verdict"] for r in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--shared", type=Path, default=SHARED, help="the shared data folder (default: shared/ beside the repository)"
    )
    parser.add_argument("--corpus", type=Path, help="the corpus (default: SHARED/corpus/arxiv-2025-2026.jsonl.gz)")
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--top", type=int, default=500)
    parser.add_argument("--merges", type=int, default=100, help="merges to sample for hand checking")
    parser.add_argument("--merges-out", default="")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "kg-audit",
        help="scratch folder for the sample (default: kg-audit in the system's temporary folder)",
    )
    args = parser.parse_args(argv)

    corpus = args.corpus or args.shared / "corpus" / "arxiv-2025-2026.jsonl.gz"
    if not corpus.exists():
        print(
            f"{corpus} not found: put the shared data in {SHARED} or pass --shared DIR (or --corpus FILE)",
            file=sys.stderr,
        )
        return 2
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    source = sample(corpus, args.papers, work / "sample.jsonl")
    started = time.perf_counter()
    build = pipeline.run([source], Config())
    print(
        f"built {len(build.papers)} papers in {time.perf_counter() - started:.0f} s: "
        f"{len(build.entities)} entities, {len(build.links)} links"
    )
    n_papers = Counter(entity for _, entity in {(l.paper_id, l.entity_id) for l in build.links})
    ranked, pairs = candidate_pairs(build.entities, n_papers, args.top)
    verdicts = read_verdicts()
    in_pairs = {e.id for a, b, _ in pairs for e in (a, b)}
    duplicates = []
    for a, b, why in pairs:
        verdict = verdicts.get(pair_key(a.type.value, a.label, b.label), "unjudged")
        if verdict != "distinct":
            duplicates.append((a, b))
        print(f"  {a.type.value:8} {a.label!r} ({n_papers[a.id]}) ~ {b.label!r} ({n_papers[b.id]}): {why} -> {verdict}")
    in_duplicates = {e.id for pair in duplicates for e in pair}
    top = max(1, len(ranked))
    print(
        f"candidate pairs among the top {len(ranked)} entities: {len(pairs)}; "
        f"entities in a candidate pair: {len(in_pairs)} ({len(in_pairs) / top:.1%})"
    )
    print(
        f"duplicates (judged duplicate or unjudged): {len(duplicates)} pairs; "
        f"entities in a duplicate pair: {len(in_duplicates)} ({len(in_duplicates) / top:.1%})"
    )

    if args.merges_out:
        merged = [e for e in build.entities if len({normalize(f) for f, _ in e.aliases}) > 1]
        random.Random(7).shuffle(merged)
        rows = []
        for entity in merged[: args.merges]:
            forms = sorted({f for f, _ in entity.aliases}, key=lambda f: (-dict(entity.aliases)[f], f))
            rows.append(
                {
                    "entity": entity.id,
                    "type": entity.type.value,
                    "label": entity.label,
                    "forms": forms[:6],
                    "verdict": "",
                }
            )
        Path(args.merges_out).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
        print(f"wrote {len(rows)} merges (of {len(merged)}) to {args.merges_out} for hand checking")
    return 0


if __name__ == "__main__":
    sys.exit(main())
