"""A spool: a compressed stream of pickled records on disk, written once and read any number of times.

A build spools every paper's ``PaperMentions`` between its two passes (extract + observe,
then link + write) so that no pass holds all papers in memory. The spool of the last build stays in the
output folder (``mentions.spool``) so that ``kg build --update`` re-extracts only new or changed papers.

Records are pickled in chunks (one pickle per list of records), each chunk compressed as a gzip member of
its own at level 1: cheap to write, a few times smaller than the pickles, read as one gzip stream from the
start, or one chunk at a time from the place the writer gives for each record (``SpoolWriter.positions``,
``read_spool_at``): an update reads back only the papers it relinks.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.spool"
>>> with SpoolWriter(path, chunk=2) as spool:
...     for n in range(5):
...         spool.write(n)
>>> list(read_spool(path)), spool.count
([0, 1, 2, 3, 4], 5)
>>> with SpoolWriter(path, append=True) as spool:
...     spool.write(5)
>>> list(read_spool(path)), list(read_spool_at(path, [spool.positions[0]]))
([0, 1, 2, 3, 4, 5], [5])
"""

from __future__ import annotations

import gzip
import os
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from kg.errors import StoreError

SPOOL_NAME = "mentions.spool"
#: records per chunk: an update reads a whole chunk for each paper it reads back, so chunks stay small
SPOOL_CHUNK = 32


class SpoolWriter:
    """Append records to a new spool file; use as a context manager (the file is complete on exit)."""

    def __init__(self, path: str | Path, chunk: int = SPOOL_CHUNK, level: int = 1, append: bool = False) -> None:
        """A new spool at ``path``; with ``append``, records go after those of the spool already there (as a
        further gzip member: a gzip file may hold several, read one after the other)."""
        self.path = Path(path)
        self.chunk = chunk
        self.level = level
        self.count = 0
        #: (offset, length) of the chunk that holds each record written, in the order written
        self.positions: list[tuple[int, int]] = []
        self._buffer: list[Any] = []
        self._kept = self.path.stat().st_size if append and self.path.exists() else None
        self._file = open(self.path, "ab" if append else "wb")

    def write(self, record: Any) -> None:
        self._buffer.append(record)
        self.count += 1
        if len(self._buffer) >= self.chunk:
            self._flush()

    def write_all(self, records: Iterable[Any]) -> None:
        for record in records:
            self.write(record)

    def _flush(self) -> None:
        if self._buffer:
            member = gzip.compress(
                pickle.dumps(self._buffer, protocol=pickle.HIGHEST_PROTOCOL), compresslevel=self.level, mtime=0
            )
            place = (self._file.tell(), len(member))
            self._file.write(member)
            self.positions.extend([place] * len(self._buffer))
            self._buffer = []

    def close(self) -> None:
        if not self._file.closed:
            self._flush()
            self._file.close()

    def __enter__(self) -> SpoolWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:  # leave no half-written spool behind (an appended one as it was before)
            self._file.close()
            if self._kept is None:
                self.path.unlink(missing_ok=True)
            else:
                os.truncate(self.path, self._kept)


def read_spool(path: str | Path) -> Iterator[Any]:
    """Every record of a spool, in the order written. A missing or damaged spool raises ``StoreError``."""
    try:
        with gzip.open(Path(path), "rb") as handle:
            while handle.peek(1):
                yield from pickle.load(handle)
    except FileNotFoundError as err:
        raise StoreError(f"{path}: no spool here; run a full `kg build` first") from err
    except (OSError, EOFError, pickle.UnpicklingError) as err:  # EOFError: a truncated spool
        raise StoreError(f"{path}: damaged spool ({err}); run a full `kg build` without --update") from err


def read_spool_at(path: str | Path, places: Iterable[tuple[int, int]]) -> Iterator[Any]:
    """The records of the chunks at ``places`` (``SpoolWriter.positions``), each chunk once, in file order."""
    try:
        with open(Path(path), "rb") as handle:
            for offset, length in sorted(set(places)):
                handle.seek(offset)
                yield from pickle.loads(gzip.decompress(handle.read(length)))
    except FileNotFoundError as err:
        raise StoreError(f"{path}: no spool here; run a full `kg build` first") from err
    except (OSError, EOFError, pickle.UnpicklingError) as err:
        raise StoreError(f"{path}: damaged spool ({err}); run a full `kg build` without --update") from err
