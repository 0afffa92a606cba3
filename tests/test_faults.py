"""Environment faults (kg/build/faults.py) get one-line messages, not tracebacks: a full disk, a file size limit,
permission denied, a read-only folder, an output folder that is a file, a store another program holds
open. Each says what kg was doing and on which file, what to do, and that the previous outputs are
unchanged; the build exits 1 and its previous outputs and store are as they were. --debug shows the
traceback."""

from __future__ import annotations

import errno
import gc
import os
import shutil
import tempfile
from pathlib import Path

import pytest

import kg
from kg.build import faults, parallel, pipeline
from kg.cli import main
from kg.config import Config
from kg.errors import BusyError, OutputError

FAST = Config(use_model=False)


@pytest.fixture(scope="module")
def fast_extractor():
    from kg.extract import Extractor

    return Extractor(FAST)


@pytest.fixture
def out(small_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_extractor) -> Path:
    """A copy of the small store build; builds in this process reuse one extraction pipeline."""
    monkeypatch.setattr(parallel, "Extractor", lambda config: fast_extractor)
    target = tmp_path / "out"
    shutil.copytree(small_store, target)
    return target


@pytest.fixture
def new_paper(tmp_path: Path, corpus_rows: list[dict]) -> Path:
    import json

    path = tmp_path / "new.jsonl"
    path.write_text(json.dumps(corpus_rows[15]) + "\n", encoding="utf-8")
    return path


def _before(out: Path) -> dict[str, object]:
    from kg.store import open_store

    return {
        "files": {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()},
        "store": {str(q) for q in open_store(out / "store")},
    }


def _update(out: Path, new_paper: Path, *extra: str) -> list[str]:
    return ["build", str(new_paper), "--no-model", "-o", str(out), "--store", str(out / "store"), "--update", *extra]


def _one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), err
    return lines[0]


def _assert_unchanged(out: Path, before: dict[str, object]) -> None:
    assert _before(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no staging, no lock left


@pytest.mark.parametrize(
    "number, problem",
    [
        (errno.ENOSPC, "disk full"),
        (errno.EDQUOT, "disk quota exceeded"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "read-only file system"),
        (errno.ENOTDIR, "a file is where a folder should be"),
        (errno.EFBIG, "a file grew past the size limit"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_each_fault_has_a_problem_and_a_remedy(number: int, problem: str) -> None:
    said, todo = faults.describe(OSError(number, os.strerror(number)))
    assert said == problem and "run again" in todo


def test_rocksdb_errors_are_read_from_their_text() -> None:
    assert faults.describe(OSError("IO error: No space left on device"))[0] == "disk full"
    assert (
        faults.describe(OSError("IO error: While lock file: s/LOCK: Resource temporarily unavailable"))
        == faults.STORE_HELD
    )


def test_disk_full_while_writing(
    out: Path, new_paper: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A write that finds the disk full (no file name on the error): the message names the step and file."""
    from kg.build import spool

    before = _before(out)

    def full(self, item):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(spool.SpoolWriter, "write", full)
    assert main(_update(out, new_paper)) == 1
    line = _one_line_error(capsys.readouterr().err)
    assert line.startswith("kg: error: disk full while reading, extracting and spooling the papers (")
    assert "new.spool): free some space" in line and line.endswith(f"the previous outputs in {out} are unchanged")
    _assert_unchanged(out, before)
    assert main(_update(out, new_paper, "--debug")) == 1
    assert "Traceback" in capsys.readouterr().err
    monkeypatch.undo()


def test_disk_full_while_loading_the_store(out: Path, new_paper: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyoxigraph's own error (text, no errno) while the new store is written: the store and files stay."""
    from kg import store

    before = _before(out)

    def full(*args, **kwargs):
        raise OSError("IO error: No space left on device: While appending to file: 000012.log")

    monkeypatch.setattr(store, "update_store", full)
    with pytest.raises(OutputError, match=r"^disk full while writing the store \(.*store\): free some space"):
        pipeline.build([new_paper], out, FAST, store=out / "store", update=True)
    _assert_unchanged(out, before)


@pytest.mark.slow
def test_a_file_size_limit_in_a_child_process(small_store: Path, tmp_path: Path, new_paper: Path, kg_runner) -> None:
    """A real limit (RLIMIT_FSIZE) on a real build process: the write past it fails with EFBIG."""
    target = tmp_path / "limited"
    shutil.copytree(small_store, target)
    before = _before(target)
    result = kg_runner.kg(*_update(target, new_paper), log=tmp_path / "limited.log", fsize=16_000)
    assert result["rc"] == 1, result["log"]
    line = _one_line_error(result["log"])
    assert "a file grew past the size limit while" in line and "ulimit -f" in line and "unchanged" in line
    _assert_unchanged(target, before)
    result = kg_runner.kg(*_update(target, new_paper), log=tmp_path / "again.log")  # room again: it builds
    assert result["rc"] == 0, result["log"]
    assert len(kg.load(target / "store", FAST).papers()) == 13


def test_permission_denied_creating_the_staging_folder(
    out: Path, new_paper: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _before(out)

    def denied(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(dir))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    assert main(_update(out, new_paper)) == 1
    line = _one_line_error(capsys.readouterr().err)
    assert line.startswith(f"kg: error: permission denied while creating the staging folder ({out}): make it writable")
    monkeypatch.undo()
    _assert_unchanged(out, before)


def test_read_only_output_folder(
    out: Path, new_paper: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder on a read-only file system: the lock file cannot even be made (simulated: tests run as root
    here, and root writes through chmod; ``test_chmod_read_only_folder`` does it for real as a user)."""
    before = _before(out)
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and Path(path).parent == out:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    assert main(_update(out, new_paper)) == 1
    monkeypatch.undo()
    line = _one_line_error(capsys.readouterr().err)
    assert line.startswith(
        f"kg: error: read-only file system while taking the lock on the output folder ({out}/.kg-lock)"
    )
    assert "give a folder on a writable disk with -o" in line
    _assert_unchanged(out, before)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the simulated test covers it")
def test_chmod_read_only_folder(out: Path, new_paper: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _before(out)
    out.chmod(0o555)
    try:
        assert main(_update(out, new_paper)) == 1
    finally:
        out.chmod(0o755)
    assert "permission denied while taking the lock" in _one_line_error(capsys.readouterr().err)
    _assert_unchanged(out, before)


def test_an_output_folder_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out").write_text("mine", encoding="utf-8")
    assert main(["build", "--no-model", "-o", str(tmp_path / "out")]) == 1
    line = _one_line_error(capsys.readouterr().err)
    assert "a file is where a folder should be while taking the lock" in line and "give a folder for -o" in line
    assert (tmp_path / "out").read_text(encoding="utf-8") == "mine"


def test_a_store_open_in_another_program(out: Path, new_paper: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A program holds the store open for writing (here this one: the same lock a server's would be): a
    build would swap a new store in under it. It is refused, and builds once the program lets go."""
    import pyoxigraph as ox

    before = _before(out)
    server = ox.Store(str(out / "store"))
    try:
        assert main(_update(out, new_paper)) == 1
    finally:
        del server
        gc.collect()
    line = _one_line_error(capsys.readouterr().err)
    assert line.startswith(
        f"kg: error: the store is open in another program (pid {os.getpid()}) while opening the store"
    )
    assert "close the program" in line and "unchanged" in line
    _assert_unchanged(out, before)
    assert main(_update(out, new_paper)) == 0
    assert len(kg.load(out / "store", FAST).papers()) == 13


def test_the_pipeline_raises_and_only_the_cli_prints(
    out: Path, new_paper: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyoxigraph as ox

    server = ox.Store(str(out / "store"))
    try:
        with pytest.raises(BusyError) as caught:
            pipeline.build([new_paper], out, FAST, store=out / "store", update=True)
    finally:
        del server
        gc.collect()
    assert isinstance(caught.value, OutputError) and caught.value.exit_code == 1
    assert capsys.readouterr().err == ""


def test_an_os_error_outside_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_extractor, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(parallel, "Extractor", lambda config: fast_extractor)
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert main(["extract", "--no-model", "-o", str(tmp_path / "file" / "mentions.jsonl")]) == 1
    line = _one_line_error(capsys.readouterr().err)
    assert line.startswith("kg: error: a file is where a folder should be while running `kg extract` (")
