"""Crash safety: a build stopped by SIGTERM, SIGINT or an exception leaves the previous outputs intact and
usable, and no staging folder behind.

The signal tests run ``python -m kg build`` twice in a subprocess: the first completes; the second, on a
few hundred papers (tests/data/corpus-sample.jsonl repeated under new ids), gets the signal as soon as
its staging folder appears (it is then writing the new outputs), or after a while if it never appears.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph

from kg import rdf
from kg.build import parallel, pipeline
from kg.config import Config
from kg.errors import OutputError
from kg.records import PaperMentions

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "data" / "corpus-sample.jsonl"
KEPT = ("graph.ttl", "mentions.jsonl", "entities.csv", "rejects.jsonl")
N_PAPERS = 250

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _big_input(path: Path, n: int = N_PAPERS) -> Path:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            row = dict(rows[i % len(rows)], arxiv_id=f"2301.{i + 1:05d}")
            row["title"] = f"{row['title']} ({i})"
            out.write(json.dumps(row) + "\n")
    return path


def _kg(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "build", *args, "--no-model", "--no-html"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a background shell may have left SIGINT ignored: Python then ignores it too
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **kwargs,
    )


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in KEPT}


def _assert_intact(out: Path, before: dict[str, bytes]) -> None:
    assert _snapshot(out) == before
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(set(graph.subjects(None, rdf.KGO.Paper))) > 0
    rows = [json.loads(line) for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows and all(row["id"] for row in rows)
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers == [], "staging folders or temporary files left behind"


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> tuple[Path, dict[str, bytes], Path]:
    """A completed build of the corpus sample (the outputs to protect), and the big input of the second run."""
    base = tmp_path_factory.mktemp("crash")
    out = base / "previous"
    proc = _kg(str(CORPUS), "-o", str(out))
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "read 20 papers: 20 built, 0 rejected" in stdout
    return out, _snapshot(out), _big_input(base / "big.jsonl")


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_signal_midway_leaves_previous_outputs(previous, tmp_path: Path, sig: int, code: int) -> None:
    source, before, big = previous
    out = tmp_path / "out"
    shutil.copytree(source, out)
    proc = _kg(str(big), "-o", str(out))
    deadline = time.monotonic() + 120
    staged = False
    while proc.poll() is None and time.monotonic() < deadline:
        if any(p.name.startswith(".kg-staging-") for p in out.iterdir()):
            staged = True
            break
        time.sleep(0.005)
    assert proc.poll() is None, f"the second build ended before the signal: {proc.communicate()}"
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert staged, "the staging folder never appeared"
    assert proc.returncode == code, stderr
    assert "interrupted; earlier outputs are unchanged" in stderr
    assert "Traceback" not in stderr
    _assert_intact(out, before)


class _NoMentions:
    """A stand-in extractor: papers through, no mentions (the writing stages are under test here)."""

    def __init__(self, config: Config = Config()) -> None:
        self.config = config

    def extract(self, papers):
        for paper in papers:
            yield PaperMentions(paper, ())


def _fail(*args, **kwargs):
    raise RuntimeError("disk on fire")


@pytest.mark.parametrize(
    "stage",
    [
        "kg.rdf.write_turtle",
        "kg.build.sinks.paper_mention_record",
        "kg.build.write.relabel_line",
        "kg.build.write.write_entities_rows",
        "kg.rdf.bind_prefixes",
    ],
)
def test_exception_in_a_stage_leaves_previous_outputs(
    previous, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    source, before, big = previous
    out = tmp_path / "out"
    shutil.copytree(source, out)
    module, name = stage.rsplit(".", 1)
    monkeypatch.setattr(parallel, "Extractor", _NoMentions)
    monkeypatch.setattr(sys.modules[module], name, _fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        pipeline.build([big], out, Config(use_model=False), html=False)
    _assert_intact(out, before)


def test_failure_while_moving_outputs_in_leaves_previous_outputs(
    previous, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staged files are moved in one by one with ``os.replace``; a failure on one of them (a full disk, a
    read-only file) puts back the files already moved (``kg.build.commit``): never outputs of two different builds."""
    source, before, big = previous
    out = tmp_path / "out"
    shutil.copytree(source, out)
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == out / "mentions.jsonl" and Path(src).parent.name.startswith(".kg-staging-"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(parallel, "Extractor", _NoMentions)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match="disk full while moving the outputs into place .*unchanged"):
        pipeline.build([big], out, Config(use_model=False), html=False)
    monkeypatch.undo()
    _assert_intact(out, before)
