"""Environment faults as one-line errors: what kg was doing, on which file, what to do.

A build's writes can fail for reasons outside kg: a full disk or quota, a folder without write permission,
a read-only file system, a file where the output folder should be, a store another program holds open.
``describe`` names the problem and what to do for an ``OSError`` (pyoxigraph's RocksDB errors carry no
errno, only text, which is read instead); an ``Activity`` follows what a build is doing and on which file,
and ``converted`` turns the ``OSError`` of a block into an ``OutputError`` that says all of it. Only the
CLI prints these (``--debug`` adds the traceback).

>>> activity = Activity("out")
>>> activity.now("writing mentions.jsonl", "out/.kg-staging-1/mentions.jsonl")
>>> with converted(activity):
...     raise OSError(errno.ENOSPC, "No space left on device")
Traceback (most recent call last):
kg.errors.OutputError: disk full while writing mentions.jsonl (out/.kg-staging-1/mentions.jsonl): free some space on that disk (or build into a folder on another disk with -o) and run again; the previous outputs in out are unchanged
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.errors import OutputError, StoreError

_FULL = "free some space on that disk (or build into a folder on another disk with -o) and run again"
_DENIED = "make it writable for this user (or give another folder with -o) and run again"
_NOT_A_FOLDER = "give a folder for -o and --store (or move the file away) and run again"
_BY_ERRNO: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("disk full", _FULL),
    errno.EDQUOT: ("disk quota exceeded", _FULL),
    errno.EFBIG: (
        "a file grew past the size limit",
        "raise the limit (ulimit -f) or use another disk with -o, then run again",
    ),
    errno.EACCES: ("permission denied", _DENIED),
    errno.EPERM: ("operation not permitted", _DENIED),
    errno.EROFS: ("read-only file system", "give a folder on a writable disk with -o and run again"),
    errno.ENOTDIR: ("a file is where a folder should be", _NOT_A_FOLDER),
    errno.EEXIST: ("a file is where a folder should be", _NOT_A_FOLDER),
    errno.ENOENT: ("no such file or folder", "check the path (and that its folders exist) and run again"),
    errno.EISDIR: ("a folder is where a file should be", "move the folder away and run again"),
    errno.EMFILE: ("too many open files", "raise the limit (ulimit -n) and run again"),
    errno.ENFILE: ("too many open files", "raise the limit (ulimit -n) and run again"),
    errno.ENOMEM: ("out of memory", "close other programs or use fewer --workers, then run again"),
}
#: pyoxigraph raises ``OSError`` with RocksDB's text and no errno
_BY_TEXT = (
    ("No space left", errno.ENOSPC),
    ("Disk quota", errno.EDQUOT),
    ("File too large", errno.EFBIG),
    ("Permission denied", errno.EACCES),
    ("Read-only file system", errno.EROFS),
    ("Not a directory", errno.ENOTDIR),
)
_STORE_LOCKED = ("While lock file", "lock hold by")
STORE_HELD = (
    "the store is open in another program",
    "close the program that has it open for writing (an oxigraph server, a notebook) and run again",
)


def error_number(err: OSError) -> int | None:
    """The errno of ``err``, or the one its text names (RocksDB's errors have text only).

    >>> error_number(OSError("IO error: No space left on device")) == errno.ENOSPC
    True
    """
    if err.errno is not None:
        return err.errno
    text = str(err)
    return next((number for words, number in _BY_TEXT if words in text), None)


def describe(err: OSError) -> tuple[str, str]:
    """What went wrong and what to do about it, for an ``OSError``.

    >>> describe(PermissionError(errno.EACCES, "Permission denied"))
    ('permission denied', 'make it writable for this user (or give another folder with -o) and run again')
    >>> describe(OSError("IO error: While lock file: s/LOCK: Resource temporarily unavailable"))[0]
    'the store is open in another program'
    """
    if err.errno is None and any(words in str(err) for words in _STORE_LOCKED):
        return STORE_HELD
    number = error_number(err)
    if number in _BY_ERRNO:
        return _BY_ERRNO[number]
    return (err.strerror or str(err) or type(err).__name__), "fix the cause and run again"


@dataclass
class Activity:
    """What a build is doing now and on which file, for the message of an ``OSError`` that carries no
    file name (a ``write`` into a full disk names none).

    >>> a = Activity("out"); a.now("writing graph.nt", "out/.kg-staging-1/graph.nt"); a.doing
    'writing graph.nt'
    """

    out: str | Path
    doing: str = "starting the build"
    path: str | Path = ""

    def now(self, doing: str, path: str | Path = "") -> None:
        """Note the step that starts now and the file (or folder) it writes."""
        self.doing, self.path = doing, path

    def error(self, err: OSError) -> OutputError:
        """The ``OutputError`` of ``err`` during the current step."""
        problem, hint = describe(err)
        where = err.filename2 or err.filename or self.path or ""  # a copy's or a move's target, where it has one
        return OutputError(problem, self.doing, where, hint, str(self.out))


@contextmanager
def converted(activity: Activity) -> Iterator[None]:
    """Within the block, an ``OSError`` (or a ``StoreError`` caused by one) becomes an ``OutputError`` that
    says what ``activity`` was doing; kg's own errors pass as they are."""
    try:
        yield
    except OutputError:
        raise
    except OSError as err:
        raise activity.error(err) from err
    except StoreError as err:
        if isinstance(err.__cause__, OSError):
            raise activity.error(err.__cause__) from err
        raise
