"""Loading a pyoxigraph store: opened read-only or loaded from N-Triples (in a thread, while the build
writes), updated from a checkpoint with a delta, and marked with the id of the build that wrote it.
"""

from __future__ import annotations

import gc
import itertools
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
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


class StoreLoader:
    """Bulk-loads N-Triples into a new store folder beside ``target`` on a background thread, while the
    caller goes on writing: pyoxigraph releases the GIL while it loads, so a build's write pass (Python,
    one core) and the load of what it has written so far (the other core) overlap.

    ``write`` takes N-Triples text as it is made (whole lines, in any slices) and ``load`` whole pieces
    of bytes; every ``piece_triples`` lines go to the bulk loader, which holds a batch of a million quads
    per thread in memory when given more at once (a file of 5 million triples loaded in one call peaked
    at 1.5 GB; in pieces of 250,000 at 0.34 GB, in the same time). At most ``queued`` pieces wait, so a
    writer faster than the loader waits for it. ``close`` loads the rest and compacts the store (the
    pieces leave many overlapping files, and scans over them were 2-4 times slower on a large store) and
    returns the folder, for ``swap_in``; ``abort`` stops and removes it. ``lenient`` skips pyoxigraph's
    checks of IRIs (about 7 % faster), for text that kg's own writer made and checked.

    >>> import tempfile, pathlib
    >>> loader = StoreLoader(pathlib.Path(tempfile.mkdtemp()) / "store", piece_triples=1)
    >>> loader.write('<https://x/p> <https://x/q> "1" .\\n<https://x/p> <https://x/q> "2" .\\n')
    >>> len(list(open_store(loader.close())))
    2
    """

    def __init__(
        self, target: str | Path, piece_triples: int = 250_000, queued: int = 1, lenient: bool = False
    ) -> None:
        if piece_triples < 1:
            raise StoreError(f"triples per bulk load must be at least 1, not {piece_triples}")
        self.target = Path(target)
        _check_target(self.target)
        self.piece_triples = piece_triples
        self.lenient = lenient
        self.folder = new_store_dir(self.target)
        self._store: Any = _ox().Store(str(self.folder))
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=queued)
        self._text: list[str] = []
        self._lines = 0
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="kg-store-loader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (piece := self._queue.get()) is not None:
            if self._error is None and not self._stop:
                try:
                    self._store.bulk_load(piece, format=_ox().RdfFormat.N_TRIPLES, lenient=self.lenient)
                except BaseException as err:  # handed to the writing thread at its next call
                    self._error = err

    def _check(self) -> None:
        if self._error is not None:
            raise StoreError(f"{self.target}: bulk load failed: {self._error}") from self._error

    def load(self, piece: bytes) -> None:
        """Queue whole N-Triples lines (bytes) for the bulk loader."""
        self._check()
        self._queue.put(piece)

    def write(self, text: str) -> None:
        """Take N-Triples text; each ``piece_triples`` complete lines are queued as one piece."""
        self._text.append(text)
        self._lines += text.count("\n")
        if self._lines >= self.piece_triples:
            self._send(whole=False)

    def _send(self, whole: bool) -> None:
        text = "".join(self._text)
        cut = len(text) if whole else text.rfind("\n") + 1
        self._text = [text[cut:]] if cut < len(text) else []
        self._lines = 0
        if cut:
            self.load(text[:cut].encode("utf-8"))

    def close(self) -> Path:
        """Load what is left, wait for the loader, compact the store and close it; returns the folder."""
        try:
            self._send(whole=True)
            self._queue.put(None)
            self._thread.join()
            self._check()
            self._store.optimize()
            self._store.flush()
            self._store = None
            gc.collect()  # close RocksDB before the folder is renamed
            return self.folder
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Stop loading (the piece being loaded finishes) and remove the folder."""
        self._stop = True
        if self._thread.is_alive():
            while True:  # the loader skips what is queued, so room for the sentinel comes soon
                try:
                    self._queue.put(None, timeout=0.1)
                    break
                except queue.Full:
                    continue
            self._thread.join()
        self._store = None
        gc.collect()
        shutil.rmtree(self.folder, ignore_errors=True)


def load_store(
    nt_files: Sequence[str | Path], target: str | Path, swap: bool = True, piece_triples: int = 250_000
) -> Path:
    """Bulk-load N-Triples files into a new store (``StoreLoader``: in pieces, then compacted) and (with
    ``swap``) put it at ``target``.

    Without ``swap`` the new folder is returned and left for ``swap_in``; the caller removes it on error.
    """
    loader = StoreLoader(target, piece_triples)
    try:
        for path in nt_files:
            with open(path, "rb") as handle:
                for piece in pieces(handle, piece_triples):
                    loader.load(piece)
        folder = loader.close()
    except BaseException:
        loader.abort()
        raise
    if swap:
        from kg.store.swap import swap_in  # swap imports this module

        try:
            swap_in(folder, target)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return Path(target)
    return folder


def trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``; a no-op elsewhere).

    A long build frees most of what it allocates (each chunk's text, its links) between what it keeps
    (the resolution's counts): the freed pages stay with the process unless trimmed, about a quarter of
    a corpus build's peak. A trim takes milliseconds.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def release_memory() -> None:
    """Collect garbage, then ``trim_heap``, so that a bulk load after a large build does not add its
    memory to what the build freed but still held."""
    gc.collect()
    trim_heap()


def update_store(previous: str | Path, compute: Callable[[Any], Any]) -> tuple[Path, dict[str, int]]:
    """A new store, left in a temporary folder beside ``previous`` for ``swap_in``: a checkpoint of the
    previous store (``Store.backup``: hard links to its immutable files, so instant) with a delta applied.
    ``compute`` gets the previous store, opened read-only, and returns the ``kg.build.delta.Delta`` to apply;
    returns the new folder and the delta's counts. The previous store is not changed."""
    from kg.build.delta import apply_delta

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
