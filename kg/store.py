"""The persistent graph store: a pyoxigraph (RocksDB) folder, bulk-loaded from N-Triples.

A store is never changed in place. A new one is loaded into a temporary folder beside the target and
swapped in with two renames (signals held off in between), so a build that is interrupted leaves the
previous store as it was, and readers never see a half-loaded one. An update starts from a checkpoint of
the previous store (``Store.backup``: hard links, instant) and applies the removed and added triples
(``update_store``, with the delta of ``kg.delta``).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> nt = folder / "g.nt"
>>> _ = nt.write_text('<https://x/p> <https://x/q> "1" .\\n', encoding="utf-8")
>>> load_store([nt], folder / "store").name
'store'
>>> len(list(open_store(folder / "store")))
1
"""
from __future__ import annotations

import gc
import itertools
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.errors import StoreError


def _ox() -> Any:
    import pyoxigraph

    return pyoxigraph


def is_store(path: str | Path) -> bool:
    """Whether ``path`` is a pyoxigraph (RocksDB) store folder."""
    return (Path(path) / "CURRENT").is_file()


def open_store(path: str | Path) -> Any:
    """A store folder opened read-only (any number of readers may open it at once)."""
    if not is_store(path):
        raise StoreError(f"{path}: not a kg store; build one with `kg build --store {path}`")
    try:
        return _ox().Store.read_only(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open store: {err}") from err


def new_store_dir(target: str | Path) -> Path:
    """An empty temporary folder beside ``target`` (same file system, so the swap is a rename)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))


def _check_target(target: Path) -> None:
    if target.exists() and not (is_store(target) or (target.is_dir() and not any(target.iterdir()))):
        raise StoreError(f"{target}: exists and is not a kg store; give an empty or new folder for --store")


def pieces(lines: Iterable[bytes], size: int) -> Iterator[bytes]:
    """The lines of an N-Triples file joined ``size`` lines (triples) at a time.

    >>> list(pieces([b"a .\\n", b"b .\\n", b"c .\\n"], 2))
    [b'a .\\nb .\\n', b'c .\\n']
    """
    if size < 1:
        raise StoreError(f"triples per bulk load must be at least 1, not {size}")
    lines = iter(lines)
    while piece := b"".join(itertools.islice(lines, size)):
        yield piece


def load_store(nt_files: Sequence[str | Path], target: str | Path, swap: bool = True,
               piece_triples: int = 250_000) -> Path:
    """Bulk-load N-Triples files into a new store and (with ``swap``) put it at ``target``.

    The files go in ``piece_triples`` triples at a time: the bulk loader holds a whole batch of a million
    quads per thread in memory, so a file of 5 million triples loaded in one call peaked at 1.5 GB, and
    in pieces of 250,000 at 0.34 GB, in the same time. Without ``swap`` the new folder is returned and
    left for ``swap_in``; the caller removes it on error.
    """
    target = Path(target)
    _check_target(target)
    folder = new_store_dir(target)
    try:
        store = _ox().Store(str(folder))
        for path in nt_files:
            with open(path, "rb") as handle:
                for piece in pieces(handle, piece_triples):
                    store.bulk_load(piece, format=_ox().RdfFormat.N_TRIPLES)
        store.flush()
        del store
        gc.collect()  # close RocksDB before the folder is renamed
        if swap:
            swap_in(folder, target)
            return target
        return folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def release_memory() -> None:
    """Collect garbage and hand the C heap's free pages back to the system (glibc's ``malloc_trim``;
    elsewhere only the collection), so that a bulk load after a large build does not add its memory to
    what the build freed but still held."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def update_store(previous: str | Path, compute: Callable[[Any], Any]) -> tuple[Path, dict[str, int]]:
    """A new store, left in a temporary folder beside ``previous`` for ``swap_in``: a checkpoint of the
    previous store (``Store.backup``: hard links to its immutable files, so instant) with a delta applied.
    ``compute`` gets the previous store, opened read-only, and returns the ``kg.delta.Delta`` to apply;
    returns the new folder and the delta's counts. The previous store is not changed."""
    from kg.delta import apply_delta

    source = open_store(previous)
    folder = new_store_dir(previous)
    try:
        delta = compute(source)
        os.rmdir(folder)  # backup() creates the folder itself
        source.backup(str(folder))
        del source
        store = _ox().Store(str(folder))
        apply_delta(store, delta)
        store.flush()
        del store
        gc.collect()  # close RocksDB before the folder is renamed
        return folder, {**delta.counts, "seconds": delta.seconds}
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


STORE_ID = "kg-build-id"


def write_store_id(folder: str | Path, build_id: str) -> None:
    """Mark a store folder with the id of the build that wrote it (a small file beside RocksDB's own),
    so that an update applies its delta only to the store it was computed against."""
    (Path(folder) / STORE_ID).write_text(build_id + "\n", encoding="utf-8")


def read_store_id(folder: str | Path) -> str | None:
    """The build id a store folder is marked with, or ``None``.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> read_store_id(folder) is None
    True
    >>> write_store_id(folder, "abc"); read_store_id(folder)
    'abc'
    """
    try:
        return (Path(folder) / STORE_ID).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (a no-op off the main thread or off POSIX)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def swap_in(folder: str | Path, target: str | Path) -> None:
    """Put the store at ``folder`` at ``target``; the previous store there is removed afterwards."""
    folder, target = Path(folder), Path(target)
    _check_target(target)
    old = None
    with signals_held():
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "store")
        os.replace(folder, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
