"""Convert the annotated corpora under shared/gold (shared/ beside the repository) to kg's gold JSONL
(see kg.evaluate).

    python benchmarks/convert_gold.py [--shared DIR] [--out benchmarks/gold]

Writes one ``<name>.jsonl`` per converted set and ``sets.json`` (which types each set annotates, so that
the benchmark scores only those). The output folder is git-ignored: several sources are GPL or have no
stated licence, so converted files must not be shipped.

Choices, per source:

* ``scier_dev``: SciER dev (10 full-text ML papers): tokens joined with single spaces, token spans
  ``[start, end_inclusive, type]`` turned into character offsets. SciER's tokenizer splits digits
  ("FSS - 1 0 0 0", "YOLOv 3"), which the joined text keeps. Types: dataset, method, task.
* ``scierc_dev``: SciERC dev (50 AI abstracts). SciERC has no Dataset type; its Material type mixes
  datasets ("Penn Treebank") with data in general ("images", "speech"), so Material is **skipped** and
  the set is scored on method and task only. ``scierc_dev_material`` is the same set with
  Material -> dataset, reported so that the dataset number on SciERC is visible, not hidden; it is an
  upper-bound-unfriendly proxy (many Material spans are not datasets).
* ``tdmsci``: TDMSci (CoNLL; TASK, DATASET; METRIC dropped). Text rebuilt from the character offsets
  in the file. TDMSci is part of the shipped model's TRAINING data, so its score is NOT held out.
  Types: dataset, task.
* ``dataset_ner``: dataset-name mentions in sentences (CSV with character spans). Types: dataset.
* ``pwc_dev``: ORKG CS-NER Papers-with-Code abstracts dev (token TAB BIOES; distant labels):
  RESEARCH_PROBLEM -> task, METHOD -> method; tokens joined with single spaces, one document per
  blank-line separated unit. Types: method, task.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.evaluate import GoldDoc, GoldSpan, write_gold  # noqa: E402


def join_tokens(tokens: Sequence[str]) -> tuple[str, list[int], list[int]]:
    """Tokens joined with single spaces, with each token's start and end character offset.

    >>> join_tokens(["a", "bc", "d"])
    ('a bc d', [0, 2, 5], [1, 4, 6])
    """
    starts, ends, pos = [], [], 0
    for t in tokens:
        starts.append(pos)
        ends.append(pos + len(t))
        pos += len(t) + 1
    return " ".join(tokens), starts, ends


def token_spans_to_doc(
    doc_id: str, tokens: Sequence[str], spans: Iterable[tuple[int, int, str]], type_map: dict[str, str]
) -> GoldDoc:
    """A GoldDoc from tokens and inclusive token spans, keeping only the types in ``type_map``.

    >>> token_spans_to_doc("x", ["on", "Image", "Net"], [(1, 2, "Dataset")], {"Dataset": "dataset"}).spans
    (GoldSpan(start=3, end=12, type='dataset'),)
    """
    text, starts, ends = join_tokens(tokens)
    out = {GoldSpan(starts[a], ends[b], type_map[t]) for a, b, t in spans if t in type_map}
    return GoldDoc(doc_id, text, tuple(sorted(out, key=lambda s: (s.start, s.end, s.type))))


def convert_scier(path: Path) -> Iterator[GoldDoc]:
    """SciER dev.jsonl: doc_tokens + per-sentence [start, end_inclusive, type] (document token indices)."""
    tmap = {"Dataset": "dataset", "Method": "method", "Task": "task"}
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            spans = [(a, b, t) for sent in d["ner"] for a, b, t in sent]
            yield token_spans_to_doc(str(d["doc_id"]), d["doc_tokens"], spans, tmap)


def convert_scierc(path: Path, material_as_dataset: bool) -> Iterator[GoldDoc]:
    """SciERC: sentences of tokens + document-level inclusive token spans."""
    tmap = {"Method": "method", "Task": "task"}
    if material_as_dataset:
        tmap["Material"] = "dataset"
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            tokens = [t for s in d["sentences"] for t in s]
            spans = [(a, b, t) for sent in d["ner"] for a, b, t in sent]
            yield token_spans_to_doc(str(d["doc_key"]), tokens, spans, tmap)


def read_conll_offsets(path: Path) -> list[list[tuple[str, int, str]]]:
    """TDMSci CoNLL: sentences of (token, char offset, BIO tag)."""
    sents: list[list[tuple[str, int, str]]] = []
    cur: list[tuple[str, int, str]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if cur:
                    sents.append(cur)
                cur = []
                continue
            tok, off, tag = line.split("\t")[:3]
            cur.append((tok, int(off), tag))
    if cur:
        sents.append(cur)
    return sents


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Inclusive token spans from BIO or BIOES tags (an I- or E- without a B- starts a span).

    >>> bio_spans(["B-TASK", "I-TASK", "O", "S-METHOD", "B-X", "E-X", "I-Y"])
    [(0, 1, 'TASK'), (3, 3, 'METHOD'), (4, 5, 'X'), (6, 6, 'Y')]
    """
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, lab = tag.partition("-")
        continues = prefix in ("I", "E") and lab == label and start >= 0
        if not continues and start >= 0:
            spans.append((start, i - 1, label))
            start, label = -1, ""
        if prefix in ("B", "S") or (prefix in ("I", "E") and not continues):
            start, label = i, lab
        if prefix in ("S", "E") and start >= 0:
            spans.append((start, i, label))
            start, label = -1, ""
    return spans


def convert_tdmsci(path: Path) -> Iterator[GoldDoc]:
    """TDMSci: a new document starts where the character offsets go back to a smaller value."""
    tmap = {"TASK": "task", "DATASET": "dataset"}
    docs: list[list[list[tuple[str, int, str]]]] = []
    last = -1
    for sent in read_conll_offsets(path):
        if not docs or sent[0][1] <= last:
            docs.append([])
        docs[-1].append(sent)
        last = sent[-1][1]
    for n, sents in enumerate(docs):
        chars: list[str] = []
        spans: set[GoldSpan] = set()
        for sent in sents:
            for tok, off, _ in sent:
                if len(chars) < off:
                    chars.extend(" " * (off - len(chars)))
                chars[off : off + len(tok)] = tok
            for a, b, lab in bio_spans([t for _, _, t in sent]):
                if lab in tmap:
                    spans.add(GoldSpan(sent[a][1], sent[b][1] + len(sent[b][0]), tmap[lab]))
        text = "".join(chars)
        for s in spans:  # offsets must agree with the tokens
            assert 0 <= s.start < s.end <= len(text)
        yield GoldDoc(f"tdmsci-{n}", text, tuple(sorted(spans, key=lambda s: (s.start, s.end, s.type))))


def convert_dataset_ner(path: Path) -> Iterator[GoldDoc]:
    """dataset_ner CSV: ``text`` and ``labels`` = Python-literal list of [start, end, 'Dataset']."""
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = row["text"]
            spans = {
                GoldSpan(int(a), int(b), "dataset")
                for a, b, _ in ast.literal_eval(row["labels"] or "[]")
                if 0 <= int(a) < int(b) <= len(text)
            }
            yield GoldDoc(f"dataset_ner-{row['id']}", text, tuple(sorted(spans, key=lambda s: (s.start, s.end))))


def _decode(raw: bytes) -> str:
    """UTF-8, falling back to cp1252 for the few lines of the PwC file that are not UTF-8.

    >>> _decode(b"a\\x96b")
    'a\u2013b'
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def convert_pwc(path: Path) -> Iterator[GoldDoc]:
    """PwC abstracts: token TAB BIOES tag, one unit per blank-line separated block."""
    tmap = {"RESEARCH_PROBLEM": "task", "METHOD": "method"}
    unit: list[tuple[str, str]] = []
    n = 0

    def flush() -> GoldDoc:
        tokens = [t for t, _ in unit]
        return token_spans_to_doc(f"pwc-{n}", tokens, bio_spans([g for _, g in unit]), tmap)

    with open(path, "rb") as f:
        for raw in f:
            line = _decode(raw).rstrip("\r\n")
            if not line.strip():
                if unit:
                    yield flush()
                    n += 1
                unit = []
                continue
            tok, _, tag = line.partition("\t")
            unit.append((tok, tag.strip() or "O"))
    if unit:
        yield flush()


#: name -> (relative source path, converter, types annotated)
SETS = {
    "scier_dev": ("gold/scier/dev.jsonl", convert_scier, ("dataset", "method", "task")),
    "scierc_dev": ("gold/scierc/dev.json", lambda p: convert_scierc(p, False), ("method", "task")),
    "scierc_dev_material": (
        "gold/scierc/dev.json",
        lambda p: convert_scierc(p, True),
        ("dataset", "method", "task"),
    ),
    "pwc_dev": ("gold/pwc_abstracts/dev-abstracts.bioes", convert_pwc, ("method", "task")),
    "dataset_ner": ("gold/dataset_ner/train_sentences.csv", convert_dataset_ner, ("dataset",)),
    "tdmsci": ("gold/tdmsci/train.conll", convert_tdmsci, ("dataset", "task")),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared",
        help="the shared data folder (default: shared/ beside the repository)",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "gold")
    args = ap.parse_args(argv)
    if not (args.shared / "gold").is_dir():
        print(
            f"{args.shared / 'gold'} not found: put the shared data in {ROOT.parent / 'shared'} or pass --shared DIR",
            file=sys.stderr,
        )
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {}
    for name, (rel, conv, types) in SETS.items():
        src = args.shared / rel
        if not src.exists():
            print(f"skip {name}: {src} not found", file=sys.stderr)
            continue
        docs = list(conv(src))
        write_gold(args.out / f"{name}.jsonl", docs)
        meta[name] = {"source": str(rel), "types": list(types), "held_out": name != "tdmsci"}
        n_spans = sum(len(d.spans) for d in docs)
        print(f"{name}: {len(docs)} documents, {n_spans} spans -> {args.out / (name + '.jsonl')}")
    (args.out / "sets.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
