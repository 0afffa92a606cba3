"""Train the pair classifier of ``kg.extract.relations`` and write ``kg/data/relations.json``.

Training data (only data that may train shipped weights, see ../shared/README.md):

* **SciREX** (Apache-2.0) full texts: distant labels. A method, dataset (Material) or task mention is
  mapped to its salient entity by SciREX's coreference clusters; two mentions of one sentence are a
  positive of ``evaluated-with`` (method, dataset), ``used-for`` (method, task) or ``benchmark-for``
  (dataset, task) when their entities share one of the paper's (task, dataset, method) results, and a
  negative otherwise.
* **The corpus** (CC0) abstracts: weak labels. kg's own pipeline finds the entities; a candidate pair
  is a positive of a label when one of the cue patterns (``relation_patterns.jsonl``) states it, a
  negative of the other labels its types allow (at a lower weight).

SciER is not used to fit weights: its dev split only sets each label's threshold (``--tune``), the
value that maximises the mean of the gold-entity and end-to-end relaxed F1 on it.

    python scripts/train_relations.py --abstracts 3000 --tune ../shared/gold/scier/dev.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import logistic  # noqa: E402

from kg.config import Config  # noqa: E402
from kg.extract.relations import LABELS, SIGNATURES, Model, candidates, load_patterns, match_patterns, pair_features  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SCIREX_TYPES = {"Method": "method", "Material": "dataset", "Task": "task"}
DISTANT = {
    ("method", "dataset"): "evaluated-with",
    ("method", "task"): "used-for",
    ("dataset", "task"): "benchmark-for",
}
Row = tuple[list[tuple[str, float]], int, float]
GRID = (0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def scirex_rows(path: Path, rng: random.Random, negative_rate: float) -> dict[str, list[Row]]:
    """Distant rows per label from SciREX full texts."""
    rows: dict[str, list[Row]] = {label: [] for label in LABELS}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            cluster = {tuple(span): name for name, spans in doc["coref"].items() for span in spans}
            related = set()
            for rel in doc["n_ary_relations"]:
                for a, b in (("Method", "Material"), ("Method", "Task"), ("Material", "Task")):
                    related.add((rel[a], rel[b]))
            ner = sorted((s, e, SCIREX_TYPES[t]) for s, e, t in doc["ner"] if t in SCIREX_TYPES)
            words = doc["words"]
            k = 0
            for start, end in doc["sentences"]:
                spans = []
                while k < len(ner) and ner[k][0] < end:
                    if ner[k][1] <= end:
                        spans.append(ner[k])
                    k += 1
                if len(spans) < 2:
                    continue
                local = [(s - start, e - start, t) for s, e, t in spans]
                for head, tail, others, rivals in candidates(local):
                    label = DISTANT.get((head[2], tail[2]))
                    if label is None:
                        continue
                    names = (
                        cluster.get((head[0] + start, head[1] + start)),
                        cluster.get((tail[0] + start, tail[1] + start)),
                    )
                    y = int(None not in names and names in related)
                    if not y and rng.random() > negative_rate:
                        continue
                    feats = pair_features(words[start:end], head, tail, others, rivals)
                    rows[label].append(([(f, 1.0) for f in feats], y, 1.0))
    return rows


def corpus_rows(n: int, rng: random.Random, weight: float, negative_weight: float) -> dict[str, list[Row]]:
    """Weak rows per label from the patterns over ``n`` corpus abstracts, entities from kg's pipeline."""
    from kg.extract.components import sentence_of
    from kg.extract.pipeline import make_nlp

    patterns = load_patterns()
    nlp = make_nlp(Config())
    rows: dict[str, list[Row]] = {label: [] for label in LABELS}
    with gzip.open(SHARED / "corpus" / "arxiv-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f:
        lines = [json.loads(line) for line in itertools.islice(f, 0, 20 * n, 20)]
    kinds = {"DATASET": "dataset", "METHOD": "method", "TASK": "task"}
    for doc in nlp.pipe((p["title"] + "\n\n" + p["abstract"] for p in lines), batch_size=64):
        by_sentence: dict[tuple[int, int], list] = {}
        for span in doc.spans["kg"]:
            by_sentence.setdefault(sentence_of(doc, span.start), []).append(span)
        for (start, end), spans in by_sentence.items():
            words = [t.text for t in doc[start:end]]
            local = [(s.start - start, s.end - start, kinds[s.label_]) for s in spans if s.end <= end]
            for head, tail, others, rivals in candidates(local):
                hits = {h.label for h in match_patterns(words, head, tail, patterns)} if others == 0 else set()
                feats = [(x, 1.0) for x in pair_features(words, head, tail, others, rivals)]
                for label in SIGNATURES[(head[2], tail[2])]:
                    if label in hits:
                        rows[label].append((feats, 1, weight))
                    elif rng.random() < 0.5:
                        rows[label].append((feats, 0, weight * negative_weight))
    return rows


def tune(model: Model, gold_path: Path, rounds: int = 2) -> dict[str, float]:
    """Each label's threshold, by coordinate ascent over a grid: the one that maximises the mean of the
    gold-entity and end-to-end relaxed micro F1 on SciER dev, the other labels' held (weights are not
    touched). The docs are prepared once; only ``kg_relations`` runs again."""
    from kg.extract.pipeline import make_nlp
    from kg.relation_eval import prepared_docs, read_relation_gold, relations_found, score_relations

    gold = read_relation_gold(gold_path)
    nlp = make_nlp(Config(relations=True))
    component = nlp.get_pipe("kg_relations")
    docs = {ge: prepared_docs(gold, nlp, ge) for ge in (True, False)}

    def objective(thresholds: dict[str, float]) -> float:
        component.model = Model(model.weights, thresholds)
        both = [score_relations(gold, relations_found(gold, docs[ge], component, ge))["all"] for ge in docs]
        return (both[0].relaxed.f1 + both[1].relaxed.f1) / 2

    thresholds = {label: 0.5 for label in LABELS}
    best = objective(thresholds)
    for _ in range(rounds):
        for label in LABELS:
            for threshold in GRID:
                value = objective({**thresholds, label: threshold})
                if value > best + 1e-9:
                    best, thresholds = value, {**thresholds, label: threshold}
            print(f"  {label}: threshold {thresholds[label]}, mean micro F1 {best:.4f}", file=sys.stderr)
    return thresholds


def fit(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Per label, the weights of a logistic regression on SciREX distant and corpus weak rows."""
    rng = random.Random(13)
    rows = scirex_rows(SHARED / "gold" / "scirex" / "train_docs_306.jsonl.gz", rng, 0.5)
    for label, more in corpus_rows(args.abstracts, rng, 1.0, args.weak_negative_weight).items():
        rows[label] += more
    weights = {}
    for label in LABELS:
        counts = Counter(y for _, y, _ in rows[label])
        print(f"{label}: {counts[1]} positive, {counts[0]} negative rows", file=sys.stderr)
        fitted = logistic.fit(
            [(feats + [("bias", 1.0)], y, w * (args.positive_weight if y else 1.0)) for feats, y, w in rows[label]],
            l2=args.l2,
            steps=args.steps,
        )
        # positives weighted k raise the odds k-fold: the bias takes log k back (prior correction), so that
        # a probability reads as one (the graph states what is at 0.5 or more)
        fitted["bias"] = fitted.get("bias", 0.0) - math.log(args.positive_weight)
        weights[label] = {f: round(w, 3) for f, w in sorted(fitted.items()) if abs(w) >= 0.1}  # small to ship
    return weights


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--abstracts", type=int, default=3000)
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--positive-weight", type=float, default=1.0, help="weight of positive rows (class balance)")
    ap.add_argument("--weak-negative-weight", type=float, default=0.5, help="weight of a corpus pair no pattern states")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--tune", type=Path, help="SciER dev.jsonl: set the thresholds on it")
    ap.add_argument("-o", "--output", type=Path, default=Path("kg/data/relations.json"))
    ap.add_argument("--weights", type=Path, help="keep the weights of this model file (only tune thresholds)")
    args = ap.parse_args()
    if args.weights:
        weights = json.loads(args.weights.read_text(encoding="utf-8"))["weights"]
    else:
        weights = fit(args)
    thresholds = {label: 0.5 for label in LABELS}
    if args.tune:
        thresholds = tune(Model(weights, thresholds), args.tune)
    args.output.write_text(
        json.dumps({"weights": weights, "thresholds": thresholds}, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.output}: thresholds {thresholds}", file=sys.stderr)


if __name__ == "__main__":
    main()
