"""All or nothing (kg/build/commit.py): staged outputs and a new store are put in place together or not at all,
a build that dies after its commit point is finished by the next one, what dead builds leave is swept;
and a store build or update SIGKILLed at random points never leaves a broken or mixed build behind."""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest

from kg import store as store_module
from kg.build import commit as commit_module
from kg.build.commit import JOURNAL, StoreSwap, Swept, commit, recover
from kg.build.index import INDEX_NAME, Index
from kg.build.lock import build_lock
from kg.store import open_store, read_store_id, write_store_id


def _staged(out: Path, files: dict[str, str]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    staging = out / ".kg-staging-test"
    staging.mkdir()
    for name, text in files.items():
        (staging / name).write_text(text, encoding="utf-8")
    return staging


def _texts(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir()) if p.is_file()}


def _store(folder: Path, value: str, build_id: str) -> Path:
    """A tiny real store holding one triple, marked with ``build_id``."""
    fd, nt = tempfile.mkstemp(suffix=".nt")
    os.write(fd, f'<https://x/s> <https://x/p> "{value}" .\n'.encode())
    os.close(fd)
    folder.parent.mkdir(parents=True, exist_ok=True)
    store_module.load_store([nt], folder)
    os.unlink(nt)
    write_store_id(folder, build_id)
    return folder


def _value(store: Path) -> str:
    return next(iter(open_store(store))).object.value


def test_commit_moves_in_and_removes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    staging = _staged(out, {"a": "new a", "b": "new b"})
    (out / "a").write_text("old a", encoding="utf-8")
    (out / "stale").write_text("old", encoding="utf-8")
    changed = commit(staging, out, ["a", "b"], ["stale", "missing"])
    assert [p.name for p in changed] == ["a", "b", "stale"]
    assert _texts(out) == {"a": "new a", "b": "new b"}
    assert not (staging / JOURNAL).exists()


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_commit_swaps_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(store_module, "exchange", lambda a, b: False)
    out = tmp_path / "out"
    _store(out / "store", "old", "1")
    new = _store(store_module.new_store_dir(out / "store"), "new", "2")
    staging = _staged(out, {"a": "new a"})
    commit(staging, out, ["a"], store=StoreSwap(new, out / "store", "2"))
    assert _value(out / "store") == "new" and read_store_id(out / "store") == "2"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".store")) == []  # the old store is gone


def test_a_failed_move_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _store(out / "store", "old", "1")
    new = _store(store_module.new_store_dir(out / "store"), "new", "2")
    staging = _staged(out, {"a": "new a", "b": "new b", "c": "new c"})
    (out / "a").write_text("old a", encoding="utf-8")
    (out / "stale").write_text("old", encoding="utf-8")
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == out / "c":
            raise OSError(28, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        commit(staging, out, ["a", "b", "c"], ["stale"], StoreSwap(new, out / "store", "2"))
    monkeypatch.undo()
    assert _texts(out) == {"a": "old a", "stale": "old"}
    assert _value(out / "store") == "old" and _value(new) == "new"
    assert not (staging / JOURNAL).exists()  # nothing for a later build to finish


def test_a_build_that_died_after_its_commit_point_is_finished(tmp_path: Path) -> None:
    """The state a build leaves when it dies after writing its journal, having moved one file of two and
    not swapped its store yet: the next build's recovery finishes the commit."""
    out = tmp_path / "out"
    _store(out / "store", "old", "1")
    new = _store(store_module.new_store_dir(out / "store"), "new", "2")
    staging = _staged(out, {"a": "new a", "b": "new b"})
    (out / "b").write_text("old b", encoding="utf-8")
    (out / "stale").write_text("old", encoding="utf-8")
    commit_module._write_journal(
        staging,
        {
            "files": ["a", "b"],
            "remove": ["stale"],
            "store": {"folder": str(new.resolve()), "target": str((out / "store").resolve()), "id": "2"},
        },
    )
    os.replace(staging / "a", out / "a")
    swept = recover(out, out / "store")
    assert swept.finished == (".kg-staging-test",)
    assert _texts(out) == {"a": "new a", "b": "new b"}
    assert _value(out / "store") == "new"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_a_store_swap_that_died_halfway_is_undone(tmp_path: Path) -> None:
    """Died between the two renames of a swap (where the system cannot exchange): no store at the target,
    the previous one aside. Recovery puts it back."""
    out = tmp_path / "out"
    _store(out / "store", "old", "1")
    aside = out / ".store.old-x"
    aside.mkdir()
    os.replace(out / "store", aside / "store")
    recover(out, out / "store")
    assert _value(out / "store") == "old" and not aside.exists()


def test_recover_sweeps_what_dead_builds_left_and_says_how_much(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _store(out / "store", "old", "1")
    staging = _staged(out, {"mentions.jsonl": "x" * 100_000})
    checkpoint = store_module.new_store_dir(out / "store")
    (checkpoint / "000001.sst").write_bytes(b"y" * 60_000)
    os.link(out / "store" / "CURRENT", checkpoint / "CURRENT")  # shared with the store: frees nothing
    mine = out / ".kg-staging-mine"
    mine.mkdir()
    swept = recover(out, out / "store", keep=[mine])
    assert sorted(swept.paths) == sorted([staging.name, checkpoint.name])
    assert swept.freed == 160_000
    assert (
        str(swept)
        == "removed 2 staging folders and store checkpoints left by builds that did not finish (0.2 MB freed)"
    )
    assert mine.exists() and not staging.exists() and not checkpoint.exists()
    assert _value(out / "store") == "old"
    assert recover(out, out / "store", keep=[mine]) == Swept()


# ---------------------------------------------------------------------------------- SIGKILL at random

KILLS = 20


def _snapshot(out: Path) -> dict[str, object]:
    """A store build, read back; the files and the store must be one build's."""
    manifest = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert read_store_id(out / "store") == manifest["store_id"], "the store is not the one the files describe"
    index = Index.load(out / INDEX_NAME)  # gzip: its bytes hold the time it was written
    return {
        "papers": sorted(map(tuple, manifest["papers"])),
        "files": {name: (out / name).read_bytes() for name in ("mentions.jsonl", "entities.csv", "rejects.jsonl")},
        "index": (index.papers, index.entities),  # type: ignore[union-attr]
        "triples": {str(q) for q in open_store(out / "store")},
    }


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.mark.slow
def test_sigkill_at_random_points_never_breaks_the_build(
    small_store: Path, tmp_path: Path, kg_runner, corpus_rows: list[dict]
) -> None:
    """A store build and an update of it (two new papers), each SIGKILLed at a random moment of its run,
    in turns: after each kill the build is the one before or the one after (files and store from the same
    build, never a mix). After every second kill the next build runs to its end: it succeeds, cleans up
    after the dead ones and says so (the others are the next build killed)."""
    out = tmp_path / "out"
    shutil.copytree(small_store, out)
    inputs = tmp_path / "new.jsonl"
    inputs.write_text("".join(json.dumps(row) + "\n" for row in corpus_rows[12:14]), encoding="utf-8")
    first = small_store.parent / "first.jsonl"  # the input of the small store (papers keep their source)
    update = ["build", str(inputs), "--no-model", "-o", str(out), "--store", str(out / "store"), "--update"]
    full = ["build", str(first), "--no-model", "-o", str(out), "--store", str(out / "store")]
    small = _snapshot(out)
    result = kg_runner.kg(*update, log=tmp_path / "update.log")
    assert result["rc"] == 0, result["log"]
    updated, seconds = _snapshot(out), result["seconds"]
    result = kg_runner.kg(*full, log=tmp_path / "full.log")
    assert result["rc"] == 0, result["log"]
    assert _snapshot(out) == small
    seconds = max(seconds, result["seconds"])

    rng = random.Random(21)
    state, kills, midway, cleaned = small, 0, 0, 0
    while kills < KILLS:
        argv, after = (update, updated) if state is small else (full, small)
        result = kg_runner.kg(*argv, log=tmp_path / "run.log", kill_after=rng.uniform(0, seconds * 1.1))
        if result["rc"] == 0:  # it finished before the kill: the build after, reported as such
            assert "wrote" in result["log"]
            assert _snapshot(out) == after
            assert _leftovers(out) == []
            state = after
            continue
        assert result["rc"] == -9, result["log"]
        kills += 1
        left = [name for name in _leftovers(out) if not name.endswith(".kg-lock")]
        midway += bool(left)
        if any((out / name / JOURNAL).exists() for name in left):  # died after its commit point
            with build_lock(out, out / "store"):
                assert recover(out, out / "store").finished
            left = [name for name in _leftovers(out) if not name.endswith(".kg-lock")]
        now = _snapshot(out)
        assert now in (state, after), "a killed build left outputs of neither build"
        state = after if now == after else state
        if kills % 2 == 0:  # the next build runs to the end (else it is the next one killed): it succeeds and sweeps
            argv, after = (update, updated) if state is small else (full, small)
            result = kg_runner.kg(*argv, log=tmp_path / "next.log")
            assert result["rc"] == 0, result["log"]
            assert _snapshot(out) == after
            assert _leftovers(out) == [], "the next build did not sweep what the killed one left"
            if left:
                assert "removed" in result["log"] and "MB freed" in result["log"], result["log"]
                cleaned += 1
            state = after
    assert midway >= 5 and cleaned >= 3, "the kills did not land while the builds were writing"
