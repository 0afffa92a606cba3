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

import errno
import gc
import itertools
import os
import queue
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.errors import BusyError, StoreError


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

    def __init__(self, target: str | Path, piece_triples: int = 250_000, queued: int = 1,
                 lenient: bool = False) -> None:
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


def load_store(nt_files: Sequence[str | Path], target: str | Path, swap: bool = True,
               piece_triples: int = 250_000) -> Path:
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


def exchange(a: str | Path, b: str | Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``): readers and a process
    that dies see one or the other, never neither. ``False`` where the system cannot (nothing changed).

    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp()); (base / "a").mkdir(); (base / "b").write_text("b")
    1
    >>> exchange(base / "a", base / "b") in (True, False)
    True
    """
    try:
        import ctypes

        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), rename_exchange) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system or kernel without it
        return False
    raise OSError(number, os.strerror(number), str(a), None, str(b))


def swap(folder: str | Path, target: str | Path) -> Path | None:
    """Put the store at ``folder`` at ``target``; returns where the previous store at ``target`` is now
    (``folder`` itself when the two were exchanged in one step), or ``None`` when there was none. Where
    the system cannot exchange them, the previous store is first moved aside into ``.NAME.old-*``.
    SIGINT and SIGTERM wait until the swap is done."""
    folder, target = Path(folder), Path(target)
    _check_target(target)
    with signals_held():
        if not target.exists():
            os.replace(folder, target)
            return None
        if exchange(folder, target):
            return folder
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / "store")
        os.replace(folder, target)
        return old / "store"


def swap_back(folder: str | Path, target: str | Path, previous: Path | None) -> None:
    """Undo ``swap(folder, target)``, which returned ``previous``: the new store back at ``folder`` and the
    previous one at ``target``."""
    folder, target = Path(folder), Path(target)
    with signals_held():
        if previous is None:
            os.replace(target, folder)
        elif previous == folder:
            if not exchange(folder, target):
                raise StoreError(f"{target}: cannot swap the previous store back in")
        else:
            os.replace(target, folder)
            os.replace(previous, target)


def swap_in(folder: str | Path, target: str | Path) -> None:
    """Put the store at ``folder`` at ``target``; the previous store there is removed afterwards."""
    previous = swap(folder, target)
    if previous is not None:  # the folder itself after an exchange, else .NAME.old-*/store
        shutil.rmtree(previous if previous == Path(folder) else previous.parent, ignore_errors=True)


def holder_pid(store: str | Path, locks: str | Path = "/proc/locks") -> int | None:
    """The pid of a process that holds the store open for writing (RocksDB's lock on its ``LOCK`` file),
    or ``None`` when none does or the system cannot tell. Read from Linux's list of file locks, not asked
    with ``fcntl``: closing a descriptor of the file would release the locks this process holds on it,
    among them a store this very process has open.

    >>> import tempfile
    >>> holder_pid(tempfile.mkdtemp()) is None
    True
    """
    try:
        st = os.stat(Path(store) / "LOCK")
        table = Path(locks).read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    where = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in table.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[1] != "->" and fields[5] == where and fields[3] == "WRITE":
            return int(fields[4]) if fields[4].lstrip("-").isdigit() else 0
    return None


def check_not_held(store: str | Path, doing: str, out: str | Path) -> None:
    """Raise ``BusyError`` when another program holds the store open for writing: a build would swap a
    new store in under it, and what it writes would be lost."""
    from kg.faults import STORE_HELD

    pid = holder_pid(store)
    if pid is not None:
        problem, hint = STORE_HELD
        raise BusyError(f"{problem} (pid {pid})" if pid > 0 else problem, doing, store, hint, str(out))
