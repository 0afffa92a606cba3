"""Swapping a new store folder in for the old one (two renames, or one exchange, signals held off in
between) and telling whether another program holds a store open.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import BusyError, StoreError
from kg.store.loader import _check_target


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
    from kg.build.faults import STORE_HELD

    pid = holder_pid(store)
    if pid is not None:
        problem, hint = STORE_HELD
        raise BusyError(f"{problem} (pid {pid})" if pid > 0 else problem, doing, store, hint, str(out))
