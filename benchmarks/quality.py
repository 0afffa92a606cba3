"""Extraction quality and speed on the converted gold sets (run benchmarks/convert_gold.py first).

    .venv/bin/python benchmarks/quality.py [--gold benchmarks/gold] [--sets scier_dev,pwc_dev] [--speed 1000]
        [--cli-speed 5000]

For each converted set: strict and relaxed precision/recall/F1 per type (only the types that set
annotates, see ``sets.json``), then the extraction speed in abstracts/s on one core (the process is
pinned to one CPU and BLAS/OpenMP threads are limited to 1), measured in CPU time of this process (so
that other load on the machine does not distort it; wall-clock speed is printed too), measured on real arXiv abstracts
(``corpus/`` in the shared data folder, ``shared/`` beside the repository or ``--shared DIR``) or,
without it, on the texts of the gold sets.

:func:`predict` is the single place that runs the extractor; everything else only scores its output.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import functools  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from functools import lru_cache  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.evaluate import TYPES, format_table, read_gold, score  # noqa: E402

MODEL_DIR = ROOT / "kg" / "extract" / "model"


@lru_cache(maxsize=1)
def _nlp() -> Any:
    import spacy

    return spacy.load(MODEL_DIR)


#: set by ``--propagate``: apply :func:`propagate` after the NER (off: the NER model alone)
PROPAGATE = False


MODEL_ONLY = False

#: set by ``--extractor-model``: the full extractor with another trained pipeline than the shipped one
EXTRACTOR_MODEL: Path | None = None


@functools.lru_cache(maxsize=1)
def _extractor():
    from kg.config import Config
    from kg.extract import Extractor

    return Extractor(Config(model_dir=str(EXTRACTOR_MODEL) if EXTRACTOR_MODEL else ""))


def predict(texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    """Spans ``(start, end, type)`` found in each text (character offsets, end exclusive).

    The single place that runs extraction: today the NER model alone (plus, with ``--propagate``, the
    document-level post-step below); later ``kg.extract.Extractor``.
    """
    if not MODEL_ONLY:
        return [list(spans) for spans in _extractor().spans(texts)]
    nlp = _nlp()
    out: list[list[tuple[int, int, str]]] = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=64)):
        spans = [(e.start_char, e.end_char, e.label_.lower()) for e in doc.ents if e.label_.lower() in TYPES]
        out.append(propagate(text, spans) if PROPAGATE else spans)
    return out


_ABBR = re.compile(r"\s*\(\s*([A-Za-z][\w\-./+ ]{0,14}?[\w+])\s*\)")


def propagate(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Document-level consistency, a post-step for the extractor to adopt:

    1. an abbreviation in parentheses right after a found long form takes its type
       ("convolutional neural networks (CNNs)");
    2. every other whole-word occurrence of a found name that is not lower-case (it has a capital
       letter or a digit: "TinyBERT", "I3D") gets the type the name was found with most often,
       where it overlaps nothing already found.

    >>> t = "We use a deep network (DN). DN beats BERT; BERT is old."
    >>> sorted(propagate(t, [(9, 21, "method"), (37, 41, "method")]))
    [(9, 21, 'method'), (23, 25, 'method'), (28, 30, 'method'), (37, 41, 'method'), (43, 47, 'method')]
    """
    out = set(spans)
    for _, b, t in spans:
        m = _ABBR.match(text, b)
        if m and not any(s < m.end(1) and m.start(1) < e for s, e, _ in out):
            out.add((m.start(1), m.end(1), t))
    votes: dict[str, Counter[str]] = {}
    for a, b, t in out:
        name = text[a:b]
        if name != name.lower() and len(name) >= 2:
            votes.setdefault(name, Counter())[t] += 1
    taken = sorted((a, b) for a, b, _ in out)
    for name, c in votes.items():
        typ = c.most_common(1)[0][0]
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                out.add((m.start(), m.end(), typ))
                taken.append((m.start(), m.end()))
    return sorted(out)


def speed_texts(shared: Path, n: int, fallback: Sequence[str]) -> tuple[list[str], str]:
    """Up to ``n`` title + abstract texts of the CC0 corpus, or the fallback texts."""
    corpus = shared / "corpus" / "arxiv-2025-2026.jsonl.gz"
    if corpus.exists():
        texts = []
        with gzip.open(corpus, "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                texts.append(f"{rec['title']}\n{rec['abstract']}")
                if len(texts) >= n:
                    break
        return texts, "arXiv corpus abstracts (title + abstract)"
    print(
        f"note: {corpus} not found (pass --shared DIR to time the corpus): timing the gold texts instead",
        file=sys.stderr,
    )
    return list(fallback)[:n], "gold texts"


def pin_one_core() -> str:
    """Pin this process to one CPU where the OS allows it; say what was done."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def cli_speed(shared: Path, n: int) -> str:
    """Wall-clock speed of ``kg extract`` on the first ``n`` corpus papers, end to end (start-up, reading,
    extraction, resolution, writing), in a child process pinned to this process's CPU."""
    import subprocess
    import tempfile

    corpus = shared / "corpus" / "arxiv-2025-2026.jsonl.gz"
    if not corpus.exists():
        return f"kg extract speed: skipped ({corpus} not found: pass --shared DIR)"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "sample.jsonl"
        with gzip.open(corpus, "rt", encoding="utf-8") as f, source.open("w", encoding="utf-8") as out:
            for i, line in enumerate(f):
                if i >= n:
                    break
                out.write(line)
        cpu = min(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        command = [sys.executable, "-m", "kg", "extract", str(source), "-o", str(Path(tmp) / "mentions.jsonl")]
        if cpu is not None and shutil.which("taskset"):
            command = ["taskset", "-c", str(cpu), *command]
        t0 = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        dt = time.perf_counter() - t0
    return (
        f"kg extract end to end on one core, {n} corpus papers: {dt:.1f} s wall clock, "
        f"{n / dt:,.0f} papers/s (start-up, reading, extraction, resolution and writing included)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "benchmarks" / "gold")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--sets", default="", help="comma-separated set names (default: all converted)")
    ap.add_argument("--model", type=Path, default=None, help="another spaCy pipeline to evaluate")
    ap.add_argument(
        "--extractor-model",
        type=Path,
        default=None,
        help="the full kg extractor with this trained pipeline instead of the shipped one",
    )
    ap.add_argument("--propagate", action="store_true", help="add the document-level post-step (propagate)")
    ap.add_argument("--model-only", action="store_true", help="the trained NER alone instead of the full kg extractor")
    ap.add_argument("--speed", type=int, default=1000, help="abstracts for the speed test (0: skip)")
    ap.add_argument(
        "--cli-speed", type=int, default=0, help="also time `kg extract` end to end on this many corpus papers"
    )
    args = ap.parse_args(argv)

    if args.model is not None:
        global MODEL_DIR
        MODEL_DIR = args.model
        _nlp.cache_clear()
    global PROPAGATE, MODEL_ONLY, EXTRACTOR_MODEL
    EXTRACTOR_MODEL = args.extractor_model
    PROPAGATE = args.propagate
    MODEL_ONLY = args.model_only or args.model is not None
    meta_path = args.gold / "sets.json"
    if not meta_path.exists():
        print(f"{meta_path} not found: run benchmarks/convert_gold.py first", file=sys.stderr)
        return 2
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    names = [s for s in args.sets.split(",") if s] or list(meta)
    print(pin_one_core())
    fallback: list[str] = []
    for name in names:
        gold = list(read_gold(args.gold / f"{name}.jsonl"))
        fallback += [g.text for g in gold]
        t0 = time.perf_counter()
        preds = predict([g.text for g in gold])
        dt = time.perf_counter() - t0
        types = tuple(meta[name]["types"])
        note = "" if meta[name].get("held_out", True) else "  (TRAINING data: not a held-out score)"
        n_words = sum(len(g.text.split()) for g in gold)
        print(f"\n== {name}: {len(gold)} documents, {n_words} words, {n_words / dt:,.0f} words/s{note}")
        print(format_table(score(gold, preds, types=types)))
    if args.speed:
        texts, what = speed_texts(args.shared, args.speed, fallback)
        predict(texts[:20])  # warm up
        t0, c0 = time.perf_counter(), time.process_time()
        predict(texts)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        words = sum(len(t.split()) for t in texts)
        print(
            f"\nspeed on one core, {len(texts)} {what}: {len(texts) / dc:,.0f} abstracts/s "
            f"({words / dc:,.0f} words/s) per CPU-second; {len(texts) / dt:,.0f} abstracts/s wall clock "
            "(wall is lower when other processes share the core)"
        )
    if args.cli_speed:
        print(cli_speed(args.shared, args.cli_speed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
