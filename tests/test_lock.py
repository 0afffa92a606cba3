"""One writer at a time (kg/build/lock.py): a build locks its output folder and its store; a second build fails
at once naming the holder, or waits with --wait; a lock left by a killed build is taken over; readers
need no lock; concurrent updates of a store end with every paper in it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

import kg
from kg.build import pipeline
from kg.build.lock import LOCK_NAME, FileLock, Holder, build_lock, read_holder
from kg.cli import main
from kg.config import Config
from kg.errors import BusyError, OutputError

FAST = Config(use_model=False)


def _copy(store_build: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(store_build, out)
    return out


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_the_lock_file_names_its_holder_and_goes_when_released(tmp_path: Path) -> None:
    with build_lock(tmp_path / "out", tmp_path / "out" / "store") as taken_over:
        assert taken_over == []
        for path in (tmp_path / "out" / LOCK_NAME, tmp_path / "out" / ".store.kg-lock"):
            holder = read_holder(path)
            assert holder is not None and holder.pid == os.getpid() and holder.host and "T" in holder.started
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []


def test_a_second_build_fails_at_once_naming_the_holder(small_store: Path, tmp_path: Path) -> None:
    out = _copy(small_store, tmp_path)
    before = _files(out)
    with build_lock(out):
        started = time.monotonic()
        with pytest.raises(BusyError) as caught:
            pipeline.build([], out, FAST, store=out / "store", update=True)
        assert time.monotonic() - started < 1
    message = str(caught.value)
    me = read_holder  # the holder is this process
    assert f"locked by another kg build (pid {os.getpid()} on " in message and "started 20" in message
    assert "--wait" in message and "nothing was changed" in message
    assert _files(out) == before
    assert me(out / LOCK_NAME) is None  # released: the file is gone


def test_an_in_memory_build_is_locked_out_too(tmp_path: Path) -> None:
    with build_lock(tmp_path):
        with pytest.raises(BusyError, match="locked by another kg build"):
            pipeline.build(None, tmp_path, FAST)
    assert list(tmp_path.iterdir()) == []


def test_the_store_is_locked_too_whatever_the_output_folder(small_store: Path, tmp_path: Path) -> None:
    out = _copy(small_store, tmp_path)
    with build_lock(tmp_path / "elsewhere", out / "store"):
        with pytest.raises(BusyError, match=r"store is locked by another kg build"):
            pipeline.build([], out, FAST, store=out / "store", update=True)


def test_wait_takes_the_lock_once_it_is_free(tmp_path: Path) -> None:
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with build_lock(tmp_path):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    told: list[str] = []
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    with build_lock(tmp_path, wait=10, notify=told.append):
        waited = time.monotonic() - started
        assert read_holder(tmp_path / LOCK_NAME).pid == os.getpid()  # type: ignore[union-attr]
    thread.join()
    assert 0.25 < waited < 5
    assert len(told) == 1 and "is locked by another kg build (pid" in told[0] and "waiting up to 10 s" in told[0]


def test_wait_gives_up_after_the_time_given(tmp_path: Path) -> None:
    with build_lock(tmp_path):
        started = time.monotonic()
        with pytest.raises(
            BusyError, match=r"still locked after waiting 0.3 s; run again later or with a longer --wait"
        ):
            with build_lock(tmp_path, wait=0.3):
                pass
        assert 0.25 < time.monotonic() - started < 3


def test_a_lock_left_by_a_dead_build_is_taken_over(tmp_path: Path) -> None:
    dead = Holder(_dead_pid(), "vm", "2025-01-01T00:00:00+00:00")
    (tmp_path / LOCK_NAME).write_text(json.dumps(dead.__dict__), encoding="utf-8")  # flock gone with its process
    told: list[str] = []
    with build_lock(tmp_path, notify=told.append) as taken_over:
        assert taken_over == [dead]
    assert told and f"pid {dead.pid}" in told[0] and "ended without finishing" in told[0]


def test_a_lock_file_removed_by_its_holder_is_not_locked_twice(tmp_path: Path) -> None:
    """A waiter that opened the file just before its holder removed it must not count as holding the lock
    when a third build creates the file again."""
    path = tmp_path / LOCK_NAME
    first = FileLock(path)
    assert first.try_acquire() is None
    stale_fd = os.open(path, os.O_RDWR)  # the waiter's view: the file about to be removed
    first.release()
    third = FileLock(path)
    assert third.try_acquire() is None
    late = FileLock(path)
    assert late.try_acquire() is not None  # the file at the path is locked, whatever the old one was
    os.close(stale_fd)
    third.release()


def test_one_output_folder_one_build_whatever_the_store(tmp_path: Path) -> None:
    with build_lock(tmp_path / "out", tmp_path / "one"):
        with pytest.raises(BusyError, match="out is locked"):
            with build_lock(tmp_path / "out", tmp_path / "other"):
                pass
        with build_lock(tmp_path / "out2", tmp_path / "other"):  # nothing shared: no wait
            pass


def test_readers_need_no_lock(small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _copy(small_store, tmp_path)
    with build_lock(out, out / "store"):
        assert len(kg.load(out / "store", FAST).papers()) == 12
        assert main(["stats", str(out / "store")]) == 0
        assert main(["query", "top-tasks", "--graph", str(out / "store"), "--format", "json"]) == 0
    assert "papers: 12" in capsys.readouterr().out


def test_a_refused_cli_build_exits_1_and_says_why(
    small_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _copy(small_store, tmp_path)
    with build_lock(out):
        code = main(["build", "--no-model", "-o", str(out), "--store", str(out / "store"), "--update"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"kg: error: {out} is locked by another kg build (pid {os.getpid()}")
    assert "Traceback" not in err


def test_an_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match=r"a file is where a folder should be while taking the lock .*give a folder"):
        with build_lock(tmp_path / "out"):
            pass


# ------------------------------------------------------------------------------------ concurrent updates


def _state(out: Path) -> dict[str, object]:
    """What a store build is, order aside: its papers, mentions lines, entities table and store triples;
    and the store is the one the files were written with."""
    from kg.store import open_store, read_store_id

    manifest = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert read_store_id(out / "store") == manifest["store_id"], "the store is not the build's"
    return {
        "papers": sorted(map(tuple, manifest["papers"])),
        "mentions": sorted((out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()),
        "entities": (out / "entities.csv").read_bytes(),
        "triples": {str(q) for q in open_store(out / "store")},
    }


def _update(out: Path, inputs: Path, *extra: str) -> dict:
    return {
        "argv": ["build", str(inputs), "--no-model", "-o", str(out), "--store", str(out / "store"), "--update", *extra],
        "log": str(inputs.with_suffix(".log")),
        "kill_after": None,
    }


def _new_papers(rows: list[dict], n: int, folder: Path) -> list[Path]:
    """One input file for each of the papers after the first 12 (those of the small store)."""
    folder.mkdir()
    paths = [folder / f"new-{i}.jsonl" for i in range(n)]
    for path, row in zip(paths, rows[12 : 12 + n]):
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return paths


@pytest.mark.slow
@pytest.mark.parametrize("n", [2, 8])
def test_concurrent_updates_with_wait_all_land(
    small_store: Path, tmp_path: Path, kg_runner, corpus_rows, n: int
) -> None:
    out = _copy(small_store, tmp_path)
    inputs = _new_papers(corpus_rows, n, tmp_path / "new")
    results = kg_runner.run([_update(out, path, "--wait", "120") for path in inputs])
    assert [r["rc"] for r in results] == [0] * n, [r["log"] for r in results]
    assert any("waiting up to 120 s" in r["log"] for r in results)  # they did meet
    concurrent = _state(out)
    assert {pid for pid, _ in concurrent["papers"]} == {row["arxiv_id"] for row in corpus_rows[: 12 + n]}  # type: ignore[union-attr]
    # the same as applying them one after the other
    one_by_one = tmp_path / "one-by-one"
    shutil.copytree(small_store, one_by_one)
    for path in inputs:
        result = kg_runner.run([_update(one_by_one, path)])[0]
        assert result["rc"] == 0, result["log"]
    assert concurrent == _state(one_by_one)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@pytest.mark.slow
def test_concurrent_updates_without_wait_are_refused_or_land(
    small_store: Path, tmp_path: Path, kg_runner, corpus_rows
) -> None:
    out = _copy(small_store, tmp_path)
    inputs = _new_papers(corpus_rows, 8, tmp_path / "new")
    results = kg_runner.run([_update(out, path) for path in inputs])
    landed = {row["arxiv_id"] for row, r in zip(corpus_rows[12:], results) if r["rc"] == 0}
    refused = [r for r in results if r["rc"] != 0]
    assert landed, [r["log"] for r in results]
    for r in refused:
        assert r["rc"] == 1 and "is locked by another kg build (pid" in r["log"] and "nothing was changed" in r["log"]
        assert "Traceback" not in r["log"]
    for r in results:
        if r["rc"] == 0:
            assert "extracted 1 papers" in r["log"]
    # no build reported success for a paper that is not in the graph; the refused ones changed nothing
    in_store = {p.id for p in kg.load(out / "store", FAST).papers()}
    assert in_store == {row["arxiv_id"] for row in corpus_rows[:12]} | landed
    assert {pid for pid, _ in _state(out)["papers"]} == in_store  # type: ignore[union-attr]
