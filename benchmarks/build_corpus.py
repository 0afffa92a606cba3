"""Benchmark of a streaming build of the whole corpus, then of an ``--update`` onto it.

    python benchmarks/build_corpus.py                          # 1 and 2 workers, the trained model
    python benchmarks/build_corpus.py --workers 2 --limit 5000 --no-model
    python benchmarks/build_corpus.py --workers 2 --store --update 500
    python benchmarks/build_corpus.py --workers 2 --store --keep big/ --update 0      # keep the build
    python benchmarks/build_corpus.py --onto big/out-2 --store --update 500           # only an update onto it

Each configuration runs in a fresh child process so that its peak RSS (``resource.getrusage`` of the
process and of its children: the workers) is its own. The update input is ``--update N`` papers of the
corpus written again as their next version (so every one of them is extracted and replaces the old
version's links), built onto the output of the full build with ``--update``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"  # the shared data, a sibling of the repository
CORPUS = Path("corpus") / "arxiv-2025-2026.jsonl.gz"  # under SHARED


def peak_rss_mb() -> tuple[float, float]:
    """(this process, largest child) peak resident set size in MiB (Linux reports KiB)."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, children_kb / 1024


class TreeRSS:
    """Samples the summed RSS of this process and all its descendants (pool workers are children of a
    forkserver, which ``RUSAGE_CHILDREN`` does not see while it runs); ``peak_mb`` is the largest sum."""

    def __init__(self, every: float = 0.5) -> None:
        import threading

        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    @staticmethod
    def _sample() -> float:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        fields = handle.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry)] = int(fields[1])
                rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        tree, frontier = {os.getpid()}, [os.getpid()]
        while frontier:
            pid = frontier.pop()
            for child, parent in parents.items():
                if parent == pid and child not in tree:
                    tree.add(child)
                    frontier.append(child)
        return sum(rss.get(pid, 0) for pid in tree) / 2**20

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.peak_mb = max(self.peak_mb, self._sample())

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def limited(corpus: Path, limit: int, folder: Path) -> Path:
    """The first ``limit`` lines of the corpus as a file of their own."""
    path = folder / f"corpus-{limit}.jsonl"
    with gzip.open(corpus, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n >= limit:
                break
            dst.write(line)
    return path


def next_versions(corpus: Path, n: int, folder: Path, limit: int | None = None, bump: int = 1) -> Path:
    """``n`` papers of the corpus (spread over it) as a later version (``bump`` more), abstracts slightly
    changed."""
    with gzip.open(corpus, "rt", encoding="utf-8") as src:
        lines = src.readlines()[:limit] if n else []
    step = max(1, len(lines) // max(1, n))
    path = folder / f"update-{n}.jsonl"
    with open(path, "w", encoding="utf-8") as dst:
        for line in lines[::step][:n]:
            record = json.loads(line)
            record["version"] = int(record.get("version") or 1) + bump
            record["abstract"] = record["abstract"] + " We also evaluate on ImageNet." * bump
            dst.write(json.dumps(record) + "\n")
    return path


def one(args: argparse.Namespace) -> None:
    """Child process: one build, figures as one JSON line on stdout."""
    from kg.build import pipeline
    from kg.config import Config

    config = Config(use_model=not args.no_model, chunk_size=args.chunk_size)
    tree = TreeRSS()
    started = time.perf_counter()
    summary = pipeline.build(
        [args.input],
        args.out,
        config,
        workers=args.workers,
        update=args.one == "update",
        store=Path(args.out) / "store" if args.store else None,
        progress=args.progress,
        ntriples=None if args.store else True,
    ).summary()
    seconds = time.perf_counter() - started
    self_mb, children_mb = peak_rss_mb()
    tree_mb = tree.stop()
    nt = Path(args.out) / "graph.nt"
    store = Path(args.out) / "store"
    print(
        json.dumps(
            {
                "mode": args.one,
                "workers": args.workers,
                "seconds": round(seconds, 1),
                "papers": summary["papers"],
                "extracted": summary["extracted"],
                "per_second": round(summary["extracted"] / seconds, 1),
                "triples": summary["triples"],
                "write": summary["mode"],
                "timings": summary["timings"],
                "memory_mb": summary.get("memory_mb"),
                "delta": summary.get("delta"),
                "peak_rss_self_mb": round(self_mb),
                "peak_rss_largest_child_mb": round(children_mb),
                "peak_rss_tree_sum_mb": round(tree_mb),
                "graph_nt_mb": round(nt.stat().st_size / 2**20) if nt.exists() else None,
                "store_mb": round(sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) / 2**20)
                if store.exists()
                else None,
            }
        )
    )


def copy_build(build: Path, to: Path) -> Path:
    """A working copy of a kept build: its files copied, its store as a checkpoint (hard links, instant)."""
    import pyoxigraph

    to.mkdir(parents=True)
    for path in build.iterdir():
        if path.is_file():
            shutil.copy2(path, to / path.name)
    if (build / "store").is_dir():
        pyoxigraph.Store.read_only(str(build / "store")).backup(str(to / "store"))
        for marker in (build / "store").glob("kg-*"):
            shutil.copy2(marker, to / "store" / marker.name)
    return to


def update_onto(args: argparse.Namespace) -> None:
    """Time ``--update`` of ``--update N`` next versions onto a copy of the kept build ``--onto``."""
    with tempfile.TemporaryDirectory(prefix="kg-bench-", dir=args.onto.parent) as tmp:
        folder = Path(tmp)
        update = next_versions(args.corpus, args.update, folder, args.limit, args.bump)
        out = args.onto if args.in_place else copy_build(args.onto, folder / "out")
        print(
            f"update of {args.update} papers onto {'' if args.in_place else 'a copy of '}{args.onto}, "
            f"{os.cpu_count()} CPUs",
            flush=True,
        )
        command = [
            sys.executable,
            __file__,
            "--workers",
            str(args.workers[0]),
            "--out",
            str(out),
            "--chunk-size",
            str(args.chunk_size),
            "--one",
            "update",
            "--input",
            str(update),
        ]
        command += ["--no-model"] * args.no_model + ["--store"] * args.store + ["--progress"] * args.progress
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        print(done.stdout.strip().splitlines()[-1], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--limit", type=int, help="only the first N abstracts")
    parser.add_argument("--no-model", action="store_true", help="rules only")
    parser.add_argument("--store", action="store_true", help="bulk-load a pyoxigraph store too")
    parser.add_argument("--update", type=int, default=500, help="papers in the update listing (0: no update)")
    parser.add_argument("--chunk-size", type=int, default=256)
    parser.add_argument("--progress", action="store_true")
    parser.add_argument(
        "--shared", type=Path, default=SHARED, help="the shared data folder (default: shared/ beside the repository)"
    )
    parser.add_argument("--corpus", type=Path, help=f"the corpus (default: SHARED/{CORPUS.as_posix()})")
    parser.add_argument("--keep", type=Path, help="build here and keep the outputs")
    parser.add_argument(
        "--bump",
        type=int,
        default=1,
        help="versions the update adds to each of its papers "
        "(more than 1 to time an update onto a build already updated with --onto --in-place)",
    )
    parser.add_argument("--in-place", action="store_true", help="with --onto: update that build itself, not a copy")
    parser.add_argument(
        "--onto",
        type=Path,
        help="no build: time the update onto a copy of this kept build "
        "(its files copied, its store checkpointed); the build itself is not changed",
    )
    parser.add_argument("--one", choices=["build", "update"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        args.workers = args.workers[0]
        one(args)
        return
    args.corpus = args.corpus or args.shared / CORPUS
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found: put the shared data in {SHARED} or pass --shared DIR (or --corpus FILE)")
    if args.onto:
        update_onto(args)
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        folder = Path(tmp)
        corpus = limited(args.corpus, args.limit, folder) if args.limit else args.corpus
        update = next_versions(args.corpus, args.update, folder, args.limit) if args.update else None
        print(f"corpus {corpus} ({'model' if not args.no_model else 'rules only'}), {os.cpu_count()} CPUs", flush=True)
        for workers in args.workers:
            out = (args.keep or folder) / f"out-{workers}"
            base = [
                sys.executable,
                __file__,
                "--workers",
                str(workers),
                "--out",
                str(out),
                "--chunk-size",
                str(args.chunk_size),
            ]
            base += ["--no-model"] * args.no_model + ["--store"] * args.store + ["--progress"] * args.progress
            runs = [("build", corpus)] + ([("update", update)] if update else [])
            for mode, path in runs:
                done = subprocess.run(
                    base + ["--one", mode, "--input", str(path)], stdout=subprocess.PIPE, text=True, check=True
                )
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
