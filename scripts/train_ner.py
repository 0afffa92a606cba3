"""Train kg's shipped NER model (kg/extract/model) from the permissively licensed data in ../shared.

    .venv/bin/python scripts/train_ner.py            # build data, train, install, score on SciER dev

Training data (only sources that may train shipped weights, see ../shared/README.md):

* SciREX (Apache-2.0): the full documents of ``train_docs_306.jsonl.gz`` (title, abstract and body),
  cut into chunks of consecutive sentences inside one section. Material -> DATASET, Method -> METHOD,
  Task -> TASK; Metric is dropped (its tokens are outside).
* TDMSci (Apache-2.0): sentences with TASK and DATASET (METRIC dropped). TDMSci does not annotate
  methods, so tokens that SciREX calls a method somewhere (same lower-cased string) are marked as
  *missing* rather than outside: the model is not taught that those are not methods.
* Optional weak labels on the CC0 arXiv corpus from ``ontologies/vocabulary/*.jsonl`` (``--weak N``).

Half of the SciREX chunks are "detokenised" (no space before ``, . ) :``, hyphens glued: ``R - CNN`` ->
``R-CNN``) and re-tokenised with spaCy's English tokenizer, so the model sees both the pre-split token
streams of the annotated corpora and the tokens it will see on real abstracts.

A fixed share of SciREX documents (by document) and of TDMSci sentences is held out as the dev set for
early stopping (model-best). SciER dev, if present, is scored at the end as the external dev score
(tuning only; SciER is GPL and never trains anything here).

Everything temporary goes under ``--work`` (default ``kg-ner`` in the system's temporary folder); only the trained pipeline is copied to
``kg/extract/model`` (config, tokenizer, tok2vec, ner; no vectors).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin, Span  # noqa: E402
from spacy.util import filter_spans  # noqa: E402

import kg.extract.biluo  # noqa: E402,F401  (registers the kg_biluo_ner factory the config names)

SCIREX_MAP = {"Material": "DATASET", "Method": "METHOD", "Task": "TASK"}
TDMSCI_MAP = {"DATASET": "DATASET", "TASK": "TASK"}

_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "?", "!", "%", "'s", "n't"}
_NO_SPACE_AFTER = {"(", "["}


def detokenise(words: Sequence[str]) -> tuple[str, list[int]]:
    """Natural-looking text from pre-split words, with each word's start offset.

    >>> detokenise(["Fast", "R", "-", "CNN", "(", "FRCN", ")", "on", "CIFAR", "-", "10", "."])
    ('Fast R-CNN (FRCN) on CIFAR-10.', [0, 5, 6, 7, 11, 12, 16, 18, 21, 26, 27, 29])
    """
    out: list[str] = []
    starts: list[int] = []
    pos = 0
    for i, w in enumerate(words):
        glue = i == 0
        if not glue:
            prev = words[i - 1]
            if w in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER:
                glue = True
            elif w == "-" and prev[-1:].isalnum() and i + 1 < len(words) and words[i + 1][:1].isalnum():
                glue = True
            elif prev == "-" and i >= 2 and words[i - 2][-1:].isalnum() and w[:1].isalnum():
                glue = True
        if not glue:
            out.append(" ")
            pos += 1
        starts.append(pos)
        out.append(w)
        pos += len(w)
    return "".join(out), starts


_DIGIT_PIECES = re.compile(r"\d|[^\d]+")
_KEEP = re.compile(r"^\d[A-Za-z]$")  # "3D", "2D" stay whole in PDF-extracted text too


def split_digits(
    words: Sequence[str], ents: Sequence[tuple[int, int, str]]
) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Words with every digit split off as its own token, as PDF-extracted text often has it
    ("YOLOv3" -> "YOLOv 3", "1000" -> "1 0 0 0"); token spans [start, end) follow.

    >>> split_digits(["PASCAL", "VOC", "2012", "and", "I3D", "3D"], [(0, 3, "DATASET"), (4, 5, "METHOD")])
    (['PASCAL', 'VOC', '2', '0', '1', '2', 'and', 'I', '3', 'D', '3D'], [(0, 6, 'DATASET'), (7, 10, 'METHOD')])
    """
    out: list[str] = []
    starts: list[int] = []
    for w in words:
        starts.append(len(out))
        if any(c.isdigit() for c in w) and not _KEEP.match(w):
            out.extend(_DIGIT_PIECES.findall(w))
        else:
            out.append(w)
    starts.append(len(out))
    return out, [(starts[a], starts[b], t) for a, b, t in ents]


def make_doc(
    nlp: spacy.Language,
    words: Sequence[str],
    ents: Iterable[tuple[int, int, str]],
    *,
    retokenise: bool,
    missing: Iterable[tuple[int, int]] = (),
) -> Doc:
    """A training Doc from words and token spans [start, end) (end exclusive).

    With ``retokenise`` the words are detokenised and tokenised again by ``nlp``'s tokenizer; entity
    spans are carried over by character offsets (expanded to token boundaries).
    """
    ents = list(ents)
    missing = list(missing)
    if retokenise:
        text, starts = detokenise(words)
        doc = nlp.make_doc(text)

        def conv(a: int, b: int, label: str = "") -> Span | None:
            return doc.char_span(starts[a], starts[b - 1] + len(words[b - 1]), label=label, alignment_mode="expand")
    else:
        doc = Doc(nlp.vocab, words=list(words))

        def conv(a: int, b: int, label: str = "") -> Span | None:
            return Span(doc, a, b, label=label)

    spans = [s for s in (conv(a, b, lab) for a, b, lab in ents) if s is not None]
    spans = filter_spans(spans)
    taken = {i for s in spans for i in range(s.start, s.end)}
    miss = [s for s in (conv(a, b) for a, b in missing) if s is not None]
    miss = [s for s in miss if not any(i in taken for i in range(s.start, s.end))]
    doc.set_ents(spans, missing=filter_spans(miss), default="outside")
    return doc


def scirex_chunks(path: Path, max_tokens: int) -> Iterator[tuple[str, list[str], list[tuple[int, int, str]]]]:
    """(doc_id, words, spans) chunks of consecutive sentences within one section of each SciREX doc."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            words = d["words"]
            # spans that start with punctuation are annotation slips ("- shot" of "5 - shot" as Material)
            ents = sorted((a, b, SCIREX_MAP[t]) for a, b, t in d["ner"] if t in SCIREX_MAP and words[a][:1].isalnum())
            sec_starts = {a for a, _ in d["sections"]}
            chunks: list[tuple[int, int]] = []
            for s, e in d["sentences"]:
                if chunks and s not in sec_starts and e - chunks[-1][0] <= max_tokens:
                    chunks[-1] = (chunks[-1][0], e)
                else:
                    chunks.append((s, e))
            for cs, ce in chunks:
                sub = [(a - cs, b - cs, t) for a, b, t in ents if cs <= a and b <= ce]
                yield d["doc_id"], words[cs:ce], sub


def tdmsci_sentences(path: Path) -> Iterator[tuple[list[str], list[bool], list[tuple[int, int, str]]]]:
    """(words, spaces, spans) per TDMSci sentence."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from convert_gold import bio_spans, read_conll_offsets

    for sent in read_conll_offsets(path):
        words = [t for t, _, _ in sent]
        spaces = [i + 1 < len(sent) and sent[i + 1][1] > off + len(tok) for i, (tok, off, _) in enumerate(sent)]
        spans = [(a, b + 1, TDMSCI_MAP[lab]) for a, b, lab in bio_spans([g for _, _, g in sent]) if lab in TDMSCI_MAP]
        yield words, spaces, spans


def find_phrases(words: Sequence[str], phrases: set[tuple[str, ...]], max_len: int) -> list[tuple[int, int]]:
    """Token spans [start, end) whose lower-cased words are one of ``phrases`` (longest first, no overlap).

    >>> find_phrases(["a", "Deep", "CNN", "b"], {("deep", "cnn"), ("cnn",)}, 3)
    [(1, 3)]
    """
    low = [w.lower() for w in words]
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(low):
        for n in range(min(max_len, len(low) - i), 0, -1):
            if tuple(low[i : i + n]) in phrases:
                out.append((i, i + n))
                i += n
                break
        else:
            i += 1
    return out


def build_corpora(args: argparse.Namespace, nlp: spacy.Language) -> tuple[Path, Path, dict]:
    """Write train.spacy and dev.spacy under args.work; return their paths and counts."""
    rng = random.Random(args.seed)
    gold = args.shared / "gold"
    train, dev = DocBin(store_user_data=False), DocBin(store_user_data=False)
    stats = {"scirex_chunks": 0, "tdmsci_sentences": 0, "dev_docs": 0, "weak": 0}

    # SciREX: full documents, held out by document
    chunks = list(scirex_chunks(gold / "scirex" / "train_docs_306.jsonl.gz", args.max_tokens))
    doc_ids = sorted({c[0] for c in chunks})
    rng.shuffle(doc_ids)
    dev_ids = set(doc_ids[: max(1, int(len(doc_ids) * args.dev_share))])
    method_phrases: dict[tuple[str, ...], int] = {}
    for _, words, spans in chunks:
        for a, b, t in spans:
            if t == "METHOD":
                key = tuple(w.lower() for w in words[a:b])
                method_phrases[key] = method_phrases.get(key, 0) + 1
    for doc_id, words, spans in chunks:
        is_dev = doc_id in dev_ids
        r = rng.random()
        retok = (not is_dev) and r < args.retokenise_share
        if not is_dev and not retok and r > 1.0 - args.digit_split_share:
            words, spans = split_digits(words, spans)
        doc = make_doc(nlp, words, spans, retokenise=retok)
        (dev if is_dev else train).add(doc)
        if not is_dev and args.dataset_repeat > 1 and any(t == "DATASET" for _, _, t in spans):
            for _ in range(args.dataset_repeat - 1):
                train.add(doc)
        stats["scirex_chunks"] += 1
        stats["dev_docs"] += is_dev

    # TDMSci: methods are not annotated there -> SciREX method strings become 'missing'
    phrases = {k for k, n in method_phrases.items() if n >= args.method_min_count}
    max_len = max((len(k) for k in phrases), default=1)
    tdm = list(tdmsci_sentences(gold / "tdmsci" / "train.conll"))
    rng.shuffle(tdm)
    n_dev = int(len(tdm) * args.dev_share)
    for i, (words, _spaces, spans) in enumerate(tdm):
        missing = find_phrases(words, phrases, max_len) if args.tdmsci_missing_methods else []
        doc = make_doc(nlp, words, spans, retokenise=False, missing=missing)
        for _ in range(1 if i < n_dev else args.tdmsci_repeat):
            (dev if i < n_dev else train).add(doc)
        stats["tdmsci_sentences"] += 1
        stats["dev_docs"] += i < n_dev

    if args.weak:
        extra: dict[str, set[str]] = {"DATASET": set(), "METHOD": set(), "TASK": set()}
        counts: dict[tuple[str, str], int] = {}
        for _, words, spans in chunks:
            for a, b, t in spans:
                key = (detokenise(words[a:b])[0], t)
                counts[key] = counts.get(key, 0) + 1
        for (name, t), n in counts.items():
            if n >= args.weak_min_count and name != name.lower():
                extra[t].add(name)
        stats["weak"] = add_weak(args, nlp, train, rng, extra)

    args.work.mkdir(parents=True, exist_ok=True)
    tp, dp = args.work / "train.spacy", args.work / "dev.spacy"
    train.to_disk(tp)
    dev.to_disk(dp)
    stats["train_docs"], stats["dev_docs_total"] = len(train), len(dev)
    return tp, dp, stats


#: vocabulary sources whose names may label shipped training data (PwC names are CC BY-SA: not used)
WEAK_SOURCES = {"curated", "openmmlab", "timm"}


def weak_names(args: argparse.Namespace, extra: dict[str, set[str]]) -> dict[str, str]:
    """name -> label for weak labelling: licence-clean vocabulary entries (see WEAK_SOURCES) plus
    names annotated in the training data itself (``extra``). Names with several types are dropped,
    and so are lower-case dataset names and names shorter than 3 characters."""
    by_name: dict[str, set[str]] = {}
    for fp in sorted((ROOT / "ontologies" / "vocabulary").glob("*.jsonl")):
        with open(fp, encoding="utf-8") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                typ = str(rec.get("type", "")).upper()
                if typ not in SCIREX_MAP.values() or not WEAK_SOURCES & set(str(rec.get("source", "")).split("+")):
                    continue
                for n in [rec.get("label", "")] + list(rec.get("alt", []) or []):
                    if isinstance(n, str):
                        by_name.setdefault(n, set()).add(typ)
    for typ, names in extra.items():
        for n in names:
            by_name.setdefault(n, set()).add(typ)
    out = {}
    for n, types in by_name.items():
        if len(types) != 1 or len(n) < 3:
            continue
        typ = next(iter(types))
        if typ == "DATASET" and n == n.lower():
            continue
        out[n] = typ
    return out


def add_weak(
    args: argparse.Namespace, nlp: spacy.Language, train: DocBin, rng: random.Random, extra: dict[str, set[str]]
) -> int:
    """Weak labels: names (see :func:`weak_names`) matched in CC0 arXiv abstracts, longest match.
    Unmatched tokens are marked missing, not outside: the name list is incomplete."""
    from spacy.matcher import PhraseMatcher

    names = weak_names(args, extra)
    # multi-word names match in any case ("Graph Neural Network" = "graph neural network"), others exactly
    exact, lower = PhraseMatcher(nlp.vocab, attr="ORTH"), PhraseMatcher(nlp.vocab, attr="LOWER")
    for typ in sorted(set(names.values())):
        exact.add(typ, [nlp.make_doc(n) for n, t in sorted(names.items()) if t == typ and " " not in n])
        lower.add(typ, [nlp.make_doc(n) for n, t in sorted(names.items()) if t == typ and " " in n])
    added = 0
    with gzip.open(args.shared / "corpus" / "arxiv-2025-2026.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if added >= args.weak:
                break
            rec = json.loads(line)
            if rng.random() > 0.2:
                continue
            doc = nlp.make_doc(rec["title"] + "\n" + rec["abstract"])
            spans = filter_spans([Span(doc, s, e, label=m) for m, s, e in exact(doc) + lower(doc)])
            if not spans:
                continue
            doc.set_ents(spans, default="missing")
            train.add(doc)
            added += 1
    print(f"weak labels: {len(names)} names, {added} abstracts", file=sys.stderr)
    return added


def write_meta(model_dir: Path, stats: dict) -> None:
    """Name, licence and sources of the installed pipeline in its meta.json."""
    path = model_dir / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(
        name="kg_ner",
        version="0.1.0",
        description="DATASET / METHOD / TASK NER of kg (CNN tok2vec + BILUO tagger); see MODEL_CARD.md",
        license="MIT (weights); training data SciREX and TDMSci (Apache-2.0), arXiv metadata (CC0)",
        spacy_version=">=3.8,<3.9",
        sources=[
            {"name": "SciREX", "url": "https://github.com/allenai/SciREX", "license": "Apache-2.0"},
            {"name": "TDMSci", "url": "https://github.com/IBM/science-result-extractor", "license": "Apache-2.0"},
        ],
    )
    if stats:
        meta["kg_training_data"] = stats
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def score_scier(model_dir: Path, shared: Path) -> str:
    """SciER dev table (strict and relaxed) for the trained model, or a note when SciER is absent."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from convert_gold import convert_scier

    from kg.evaluate import format_table, score

    path = shared / "gold" / "scier" / "dev.jsonl"
    if not path.exists():
        return "SciER dev not found"
    gold = list(convert_scier(path))
    nlp = spacy.load(model_dir)
    preds = [[(e.start_char, e.end_char, e.label_.lower()) for e in d.ents] for d in nlp.pipe(g.text for g in gold)]
    return format_table(score(gold, preds))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--config", type=Path, default=ROOT / "scripts" / "ner.cfg")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kg-ner")
    ap.add_argument("--model", type=Path, default=ROOT / "kg" / "extract" / "model")
    ap.add_argument("--no-install", action="store_true", help="train only; do not copy to --model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dev-share", type=float, default=0.08)
    ap.add_argument("--max-tokens", type=int, default=120, help="longest SciREX chunk, in tokens")
    ap.add_argument("--retokenise-share", type=float, default=0.5)
    ap.add_argument(
        "--digit-split-share",
        type=float,
        default=0.3,
        help="share of SciREX chunks whose digits are split into single tokens",
    )
    ap.add_argument(
        "--dataset-repeat", type=int, default=2, help="times a SciREX chunk with a dataset mention is used per epoch"
    )
    ap.add_argument("--method-min-count", type=int, default=2)
    ap.add_argument("--tdmsci-missing-methods", type=int, default=1)
    ap.add_argument("--tdmsci-repeat", type=int, default=2)
    ap.add_argument("--weak", type=int, default=0, help="number of weakly labelled CC0 abstracts to add")
    ap.add_argument(
        "--weak-min-count",
        type=int,
        default=3,
        help="times a non-lower-case name must be annotated in SciREX to be a weak-label name",
    )
    ap.add_argument("--skip-data", action="store_true", help="reuse the corpora already in --work")
    ap.add_argument("overrides", nargs="*", help="spaCy config overrides, e.g. training.max_steps=4000")
    args = ap.parse_args(argv)

    spacy.util.fix_random_seed(args.seed)
    nlp = spacy.blank("en")
    t0 = time.time()
    if args.skip_data:
        tp, dp, stats = args.work / "train.spacy", args.work / "dev.spacy", {}
    else:
        tp, dp, stats = build_corpora(args, nlp)
    print(f"data: {stats} ({time.time() - t0:.0f}s)", flush=True)

    from spacy.cli.train import train

    overrides: dict[str, object] = {"paths.train": str(tp), "paths.dev": str(dp), "system.seed": args.seed}
    for o in args.overrides:
        k, _, v = o.partition("=")
        try:
            overrides[k] = json.loads(v)
        except json.JSONDecodeError:
            overrides[k] = v
    out = args.work / "output"
    if out.exists():
        shutil.rmtree(out)
    train(args.config, out, overrides=overrides)
    best = out / "model-best"
    print(f"trained in {time.time() - t0:.0f}s", flush=True)
    if not args.no_install:
        if args.model.exists():
            for p in args.model.iterdir():  # keep files that are not part of the pipeline (MODEL_CARD.md)
                if p.name in {"config.cfg", "meta.json", "tokenizer", "vocab", "tok2vec", "ner"}:
                    shutil.rmtree(p) if p.is_dir() else p.unlink()
        args.model.mkdir(parents=True, exist_ok=True)
        for p in best.iterdir():
            (shutil.copytree if p.is_dir() else shutil.copy2)(p, args.model / p.name)
        best = args.model
        write_meta(best, stats)
    size = sum(p.stat().st_size for p in best.rglob("*") if p.is_file())
    print(f"model: {best} ({size / 1e6:.1f} MB)")
    print("SciER dev (external dev score):")
    print(score_scier(best, args.shared))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
