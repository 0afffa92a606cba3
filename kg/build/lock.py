"""One writer at a time: an exclusive lock on a build's output folder and on its store.

A build holds ``fcntl.flock`` on a lock file for its whole run: ``.kg-lock`` inside the output folder,
and ``.NAME.kg-lock`` beside a store folder ``NAME`` (beside it, because the store folder itself is
swapped for a new one at the end of a build). The file says who holds it (pid, host, start time) as JSON,
for the message a second build gets: it fails at once with that message, or waits up to ``wait``
seconds for the lock. The kernel releases a ``flock`` when its process ends, however it ends, so a file
left by a build that was killed is simply taken over (and reported); a holder removes its file when done.
Readers (``kg query``, ``kg stats``, ``kg view``, ``kg.load``) never take the lock.

Locks are taken in the order of their paths, so two builds that need the same two locks cannot each hold
one and wait for the other.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> with build_lock(folder):
...     read_holder(folder / LOCK_NAME).pid == os.getpid()
True
>>> (folder / LOCK_NAME).exists()
False
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from kg.errors import BusyError, OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds are not locked
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".kg-lock"
#: seconds between two tries while waiting for a lock
POLL = 0.05


@dataclass(frozen=True)
class Holder:
    """Who holds a lock: what its file says."""

    pid: int
    host: str
    started: str  # ISO 8601, UTC

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started}"

    @classmethod
    def me(cls) -> Holder:
        """This process, now."""
        return cls(os.getpid(), socket.gethostname(), datetime.now(timezone.utc).isoformat(timespec="seconds"))


def lock_path(folder: str | Path, store: bool = False) -> Path:
    """The lock file of an output folder (inside it) or of a store folder (beside it).

    >>> lock_path("out"), lock_path("out/store", store=True)
    (PosixPath('out/.kg-lock'), PosixPath('out/.store.kg-lock'))
    """
    folder = Path(folder)
    return folder.parent / f".{folder.name}{LOCK_NAME}" if store else folder / LOCK_NAME


def read_holder(path: str | Path) -> Holder | None:
    """The holder a lock file names, or ``None`` when it names none (missing, empty or damaged).

    >>> read_holder("/nonexistent/.kg-lock") is None
    True
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["host"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class FileLock:
    """An exclusive ``flock`` on one lock file, taken without blocking (``try_acquire``) and released by
    removing the file, then closing it (``release``).

    Removing the file on release is safe because a taker checks, once it has the lock, that the file it
    locked is still the one at the path (a waiter may have opened the file just before it was removed).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / ".kg-lock"
    >>> first, second = FileLock(path), FileLock(path)
    >>> first.try_acquire() is None, second.try_acquire().pid == os.getpid()
    (True, True)
    >>> first.release(); second.try_acquire() is None
    True
    >>> second.release()
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self.took_over: Holder | None = None  # the dead holder whose file was left, if any

    def try_acquire(self) -> Holder | None:
        """Take the lock if it is free: ``None`` when taken, else the holder (its pid is 0 when its file
        does not say yet)."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return self._holder_of_busy()
            except BaseException:
                os.close(fd)
                raise
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # its holder removed it as we opened it: try the file now at the path
                os.close(fd)
                continue
            self._fd = fd
            self.took_over = read_holder(self.path)  # a file with a holder is one a dead build left
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(asdict(Holder.me())) + "\n").encode("utf-8"), 0)
            return None

    def _holder_of_busy(self) -> Holder:
        for _ in range(5):  # a build that has just taken the lock writes its name a moment later
            holder = read_holder(self.path)
            if holder is not None:
                return holder
            time.sleep(0.01)
        return Holder(0, "?", "just now")

    def release(self) -> None:
        """Remove the lock file and release the lock (nothing when not held)."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None


def _busy_error(what: Path, lock_file: Path, holder: Holder, waited: float | None) -> BusyError:
    hint = (
        f"still locked after waiting {waited:g} s; run again later or with a longer --wait"
        if waited
        else "wait for it to end, or run with --wait SECONDS to wait for it"
    )
    return BusyError(
        f"{what} is locked by another kg build ({holder})", "taking the lock", lock_file, hint + "; nothing was changed"
    )


def _open_folder(folder: Path, out: Path) -> None:
    """Make the folder a lock file goes into (an output folder, a store's parent) or explain why not."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            "a file is where a folder should be",
            "taking the lock",
            folder,
            "give a folder for -o and --store (or move the file away) and run again",
            str(out),
        )
    folder.mkdir(parents=True, exist_ok=True)


@contextmanager
def build_lock(
    out: str | Path, store: str | Path | None = None, wait: float = 0.0, notify: Callable[[str], None] | None = None
) -> Iterator[list[Holder]]:
    """Hold the locks of the output folder ``out`` and of ``store`` (when given) for the block.

    Busy locks raise ``BusyError`` naming the holder, at once or (with ``wait`` > 0) after waiting up to
    ``wait`` seconds, telling ``notify`` once that it waits. Yields the holders of lock files left by dead
    builds that were taken over (``[]`` normally), after telling ``notify``. Without ``fcntl`` (not POSIX)
    nothing is locked.
    """
    targets = {lock_path(out): Path(out)}
    if store is not None:
        targets[lock_path(store, store=True)] = Path(store)
    if fcntl is None:  # pragma: no cover
        yield []
        return
    deadline = time.monotonic() + max(0.0, wait)
    told = False
    taken_over: list[Holder] = []
    with ExitStack() as held:
        for path in sorted(targets, key=lambda p: str(p.resolve())):
            _open_folder(path.parent, Path(out))
            lock = FileLock(path)
            while (holder := lock.try_acquire()) is not None:
                if time.monotonic() >= deadline:
                    raise _busy_error(targets[path], path, holder, wait if wait > 0 else None)
                if not told and notify is not None:
                    notify(f"{targets[path]} is locked by another kg build ({holder}); waiting up to {wait:g} s")
                    told = True
                time.sleep(POLL)
            held.callback(lock.release)
            if lock.took_over is not None and lock.took_over not in taken_over:
                taken_over.append(lock.took_over)
                if notify is not None:
                    notify(
                        f"{targets[path]}: the build that held it ({lock.took_over}) ended without "
                        "finishing; cleaning up after it"
                    )
        yield taken_over
