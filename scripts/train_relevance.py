"""Train kg's link relevance model (kg/data/relevance.json) on papers annotated by hand.

    .venv/bin/python scripts/train_relevance.py [--train benchmarks/paper_level/train.jsonl]
        [--dev benchmarks/paper_level/dev.jsonl] [--l2 1.0] [--types method]

Extracts and resolves the training papers with every mention linked, labels each candidate link 1 when it
matches an annotated entity of its paper (same type, overlapping text: ``kg.paper_eval``'s relaxed
matching) and 0 otherwise, and fits a logistic regression over :func:`kg.relevance.link_features`
(``scripts/logistic.py``). A threshold per type is then chosen on the development set, which never
trains a weight: the one that gives that type its best F1 there, with the links kept as a build keeps
them (specificity floors, limits per paper, most specific tasks). Prints the development-set table.
``--types`` refits those types alone and keeps the other types' weights and thresholds of ``--out``
(each weight belongs to one type, so a type's fit does not depend on the others'). The limits per paper
of ``--out`` (``most_per_paper``) are kept, and applied when thresholds are chosen.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from logistic import fit  # noqa: E402

from kg import paper_eval  # noqa: E402
from kg.config import Config  # noqa: E402
from kg.extract import Extractor  # noqa: E402
from kg.records import Link, Paper  # noqa: E402
from kg.relevance import RelevanceModel, link_features  # noqa: E402
from kg.resolve import Resolver  # noqa: E402
from kg.vocabulary import Vocabulary  # noqa: E402

Candidate = tuple[str, list[tuple[str, float]], paper_eval.PredEntity]


class Candidates:
    """Every candidate link of some papers, extracted and resolved once: (paper id, features, the link as
    a predicted entity), and the links a model keeps, decided as a build decides them."""

    def __init__(self, gold: list[paper_eval.PaperGold], extractor: Extractor) -> None:
        self.gold = gold
        self.items = list(extractor.extract(Paper(p.id, None, p.title, p.abstract) for p in gold))
        resolver = Resolver(Vocabulary.load())
        for item in self.items:
            resolver.observe(item)
        self.table = resolver.finish()
        self.links: list[Candidate] = []
        for item in self.items:
            for link in self.table.candidate_links(item):
                specificity = max(self.table.specificity(m) for m in link.mentions)
                feats = list(link_features(link.mentions, specificity, item.paper.title))
                self.links.append((item.paper.id, feats, _predicted(link)))

    def labels(self) -> list[int]:
        """1 for each candidate link that matches an annotated entity of its paper (relaxed), else 0."""
        by_paper: dict[str, list[int]] = {}
        for i, (pid, _, _) in enumerate(self.links):
            by_paper.setdefault(pid, []).append(i)
        labels = [0] * len(self.links)
        for paper in self.gold:
            for type_ in paper_eval.TYPES:
                g = [e for e in paper.entities if e.type == type_]
                p = [i for i in by_paper.get(paper.id, []) if self.links[i][2].type == type_]
                for _, j in paper_eval.matching(paper, g, [self.links[i][2] for i in p], relaxed=True):
                    labels[p[j]] = 1
        return labels

    def scores(self, model: RelevanceModel) -> paper_eval.PaperScores:
        """Paper-level scores of the links ``model`` keeps (thresholds, specificity floors, limits per
        paper and most specific tasks, as ``kg build`` keeps them)."""
        kept = {item.paper.id: [_predicted(link) for link in self.table.links_of(item, model)] for item in self.items}
        return paper_eval.score_papers(self.gold, kept)


def _predicted(link: Link) -> paper_eval.PredEntity:
    return paper_eval.PredEntity(
        link.mentions[0].type.value,
        link.entity_id,
        link.role.value,
        tuple((m.field, m.start, m.end, m.text) for m in link.mentions),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, default=ROOT / "benchmarks" / "paper_level" / "train.jsonl")
    ap.add_argument("--dev", type=Path, default=ROOT / "benchmarks" / "paper_level" / "dev.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "kg" / "data" / "relevance.json")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--types", nargs="+", choices=paper_eval.TYPES, default=list(paper_eval.TYPES))
    args = ap.parse_args(argv)
    kept_weights, thresholds = _other_types(args.out, args.types)
    most = RelevanceModel.load(args.out).most_per_paper if args.out.is_file() else {}
    extractor = Extractor(Config())
    train_gold = list(paper_eval.read_paper_gold(args.train))
    train = Candidates(train_gold, extractor)
    labels = train.labels()
    rows = [(feats, y, 1.0) for (_, feats, pred), y in zip(train.links, labels) if pred.type in args.types]
    weights = {**kept_weights, **fit(rows, args.l2)}
    print(f"{len(train_gold)} training papers, {len(labels)} candidate links, {sum(labels)} matching an annotation")
    dev = Candidates(list(paper_eval.read_paper_gold(args.dev)), extractor)
    for type_ in args.types:  # the threshold of each type that gives it the best F1 on the dev set
        best = (-1.0, 0.5)
        for step in range(10, 91, 5):
            s = dev.scores(RelevanceModel(weights, {**thresholds, type_: step / 100}, most))
            prf = s.types[type_].relaxed
            print(f"{type_} threshold {step / 100:.2f}: P {prf.precision:.3f} R {prf.recall:.3f} F1 {prf.f1:.3f}")
            best = max(best, (prf.f1, step / 100))
        thresholds[type_] = best[1]
    s = dev.scores(RelevanceModel(weights, thresholds, most))
    args.out.write_text(
        json.dumps(
            {"most_per_paper": most, "thresholds": thresholds, "weights": dict(sorted(weights.items()))},
            indent=0,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nthresholds {thresholds} ({len(weights)} weights) -> {args.out}; development set:")
    print(paper_eval.format_paper_table(s))
    return 0


def _other_types(path: Path, types: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """The weights and thresholds of the types not refitted, from the model at ``path`` (none when every
    type is refitted)."""
    if set(types) == set(paper_eval.TYPES) or not path.is_file():
        return {}, {}
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = {f: w for f, w in data["weights"].items() if f.split("|")[0] not in types}
    return weights, {t: v for t, v in data["thresholds"].items() if t not in types}


if __name__ == "__main__":
    raise SystemExit(main())
