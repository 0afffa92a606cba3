"""Staged outputs put in place all or nothing, even when the process dies midway; and what builds that
died left behind, swept.

A build writes everything into a staging folder (``.kg-staging-*`` inside the output folder) and a new
store folder beside its store. ``commit`` then writes a journal into the staging folder (the files to move
in, the files to remove, the store to swap in) and only then moves them. The journal is the commit point:
a build that dies before it leaves the previous outputs as they were; one that dies after it is finished
by the next build (``recover``, which runs under the build lock before anything else), so the outputs are
always one build's, never a mix of two. An error while moving (a full disk, a file in the way) puts the
previous files and store back. ``recover`` then removes the staging folders and store checkpoints that
dead builds left, and says how much that freed.

>>> import tempfile
>>> out = Path(tempfile.mkdtemp()); staging = out / ".kg-staging-x"; staging.mkdir()
>>> _ = (staging / "a.txt").write_text("new")
>>> [p.name for p in commit(staging, out, ["a.txt"])]
['a.txt']
>>> (out / "a.txt").read_text(), recover(out).paths
('new', ('.kg-staging-x',))
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg import store as store_module

JOURNAL = "COMMIT.json"
STAGING_PREFIX = ".kg-staging-"
PREVIOUS = ".previous"


@dataclass(frozen=True)
class StoreSwap:
    """A new store to put in place: the folder it was written to, beside ``target``, and the build id it
    is marked with (``kg.store.write_store_id``), which tells whether the swap has happened."""

    folder: Path
    target: Path
    build_id: str


@dataclass(frozen=True)
class Swept:
    """What ``recover`` did: the builds whose commit it finished, the paths it removed, the bytes freed."""

    finished: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    freed: int = 0

    def __str__(self) -> str:
        """A line for people, or ``""`` when there was nothing to do.

        >>> str(Swept((), (".kg-staging-1", ".store.new-2"), 3_500_000))
        'removed 2 staging folders and store checkpoints left by builds that did not finish (3.5 MB freed)'
        """
        parts = []
        if self.finished:
            parts.append(f"finished moving in the outputs of {len(self.finished)} build(s) that died while doing it")
        if self.paths:
            parts.append(
                f"removed {len(self.paths)} staging folder{'s' if len(self.paths) != 1 else ''} and store "
                f"checkpoints left by builds that did not finish ({self.freed / 1e6:.1f} MB freed)"
            )
        return "; ".join(parts)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_journal(staging: Path, data: dict[str, object]) -> Path:
    """The journal, written whole and synced: from here on the commit is finished, by a later build if
    need be."""
    path, tmp = staging / JOURNAL, staging / (JOURNAL + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(data, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    _fsync_dir(staging)
    return path


def _keep_previous(staging: Path, out: Path, names: Sequence[str]) -> Path:
    """Hard links (or copies) of the outputs about to be replaced, to put back if the commit fails."""
    previous = staging / PREVIOUS
    previous.mkdir(exist_ok=True)
    for name in names:
        if (out / name).is_file() and not (previous / name).exists():
            try:
                os.link(out / name, previous / name)
            except OSError:  # no hard links on this file system
                shutil.copy2(out / name, previous / name)
    return previous


def commit(
    staging: Path, out: Path, files: Sequence[str], remove: Sequence[str] = (), store: StoreSwap | None = None
) -> list[Path]:
    """Move ``files`` from ``staging`` into ``out``, remove ``remove`` from ``out`` and swap ``store`` in:
    all or nothing. Returns the paths changed in ``out``. SIGINT and SIGTERM wait until it is done."""
    previous = _keep_previous(staging, out, [*files, *remove])
    journal = _write_journal(
        staging,
        {
            "files": list(files),
            "remove": list(remove),
            "store": None
            if store is None
            else {"folder": str(store.folder.resolve()), "target": str(store.target.resolve()), "id": store.build_id},
        },
    )
    changed: list[Path] = []
    swapped: list[Path | None] = []
    with store_module.signals_held():
        try:
            if store is not None:
                swapped.append(store_module.swap(store.folder, store.target))
            for name in files:
                os.replace(staging / name, out / name)
                changed.append(out / name)
            for name in remove:
                if (out / name).exists():
                    (out / name).unlink()
                    changed.append(out / name)
        except BaseException:
            for path in changed:  # the previous build's files, or nothing where there was none
                kept = previous / path.name
                os.replace(kept, path) if kept.exists() else path.unlink(missing_ok=True)
            if swapped:
                store_module.swap_back(store.folder, store.target, swapped[0])  # type: ignore[union-attr]
            journal.unlink(missing_ok=True)
            raise
        journal.unlink()
    if swapped and swapped[0] is not None:  # the previous store: the new one's folder after an exchange
        shutil.rmtree(
            swapped[0] if swapped[0] == store.folder else swapped[0].parent,  # type: ignore[union-attr]
            ignore_errors=True,
        )
    return changed


def _same(a: str | Path, b: str | Path | None) -> bool:
    return b is not None and Path(a).resolve() == Path(b).resolve()


def _finish(staging: Path, out: Path, data: dict, store: Path | None) -> None:
    """Do what a journal says that is not done yet (a build died after its commit point). The store part
    only for ``store``, whose lock the caller holds; a store elsewhere is left (the next update there sees
    that it is not the build's and loads it again)."""
    swap = data.get("store")
    if swap and _same(swap["target"], store):
        target, folder = Path(swap["target"]), Path(swap["folder"])
        if store_module.read_store_id(target) != swap["id"] and store_module.read_store_id(folder) == swap["id"]:
            store_module.swap_in(folder, target)
    for name in data.get("files", ()):
        if (staging / name).exists():
            os.replace(staging / name, out / name)
    for name in data.get("remove", ()):
        (out / name).unlink(missing_ok=True)


def _read_journal(staging: Path) -> dict | None:
    try:
        data = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none, or not written whole: the build died before its commit point
    return data if isinstance(data, dict) else None


def _freed_by(path: Path) -> int:
    """The bytes removing ``path`` frees: files linked nowhere else (a store checkpoint shares most of its
    files with the store it was taken from)."""
    if path.is_symlink() or path.is_file():
        st = path.lstat()
        return st.st_size if st.st_nlink == 1 else 0
    total = 0
    for root, _, names in os.walk(path):
        for name in names:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            total += st.st_size if st.st_nlink == 1 else 0
    return total


def _remove(path: Path) -> int:
    """Remove a file or folder; the bytes freed (0 when it could not be removed)."""
    size = _freed_by(path)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    return 0 if path.exists() else size


def recover(out: str | Path, store: str | Path | None = None, keep: Sequence[str | Path] = ()) -> Swept:
    """Finish the commits of builds that died after their commit point, then remove the staging folders
    in ``out`` and the store checkpoints beside ``store`` that builds which did not finish left behind
    (never those in ``keep``). Call it only while holding the locks of ``out`` and ``store``: then no
    other build is running there, and everything found is a dead build's."""
    out = Path(out)
    kept = {Path(p).resolve() for p in keep}
    finished: list[str] = []
    removed: list[str] = []
    freed = 0
    for staging in sorted(out.glob(STAGING_PREFIX + "*")):
        if staging.resolve() in kept:
            continue
        data = _read_journal(staging)
        if data is not None:
            _finish(staging, out, data, Path(store) if store is not None else None)
            finished.append(staging.name)
        freed += _remove(staging)
        removed.append(staging.name)
    if store is not None:
        store = Path(store)
        if not store.exists():  # died between the two renames of a swap without a journal: put the old one back
            for old in sorted(store.parent.glob(f".{store.name}.old-*/store")):
                if store_module.is_store(old):
                    os.replace(old, store)
                    break
        for pattern in (f".{store.name}.new-*", f".{store.name}.old-*"):
            for path in sorted(store.parent.glob(pattern)):
                if path.resolve() not in kept:
                    freed += _remove(path)
                    removed.append(path.name)
    return Swept(tuple(finished), tuple(removed), freed)
