"""Ingest: arXiv listings (markdown), arXiv API Atom XML and JSON Lines (gzip too) into ``Paper`` records.

Everything is streamed: files are read line by line (or chunk by chunk for XML), never whole.

>>> from kg.config import bundled_sample
>>> papers = [r for r in read_records([bundled_sample()]) if isinstance(r, Paper)]
>>> len(papers), papers[0].id
(58, '2112.15589')
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError, unknown_name
from kg.ingest.atom import parse_atom
from kg.ingest.common import Record, parse_arxiv_id
from kg.ingest.jsonl import parse_jsonl
from kg.ingest.listing import parse_listing
from kg.records import Paper, Reject

__all__ = ["READERS", "Record", "detect_format", "parse_arxiv_id", "read_papers", "read_records"]

Parser = Callable[[Iterable[bytes], str], Iterator[Record]]

READERS: dict[str, Parser] = {"listing": parse_listing, "atom": parse_atom, "jsonl": parse_jsonl}

_EXTENSIONS = {
    ".md": "listing",
    ".markdown": "listing",
    ".txt": "listing",
    ".xml": "atom",
    ".atom": "atom",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
_CHUNK = 1 << 16


def detect_format(name: str, head: bytes) -> str:
    """The reader for a file: by extension (``.gz`` ignored), else by its first non-blank bytes.

    >>> detect_format("papers.jsonl.gz", b"")
    'jsonl'
    >>> detect_format("-", b'  <?xml version="1.0"?><feed')
    'atom'
    >>> detect_format("-", b"# ArXiv cs.CV")
    'listing'
    """
    suffixes = [s.lower() for s in Path(name).suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return "atom"
    if start in (b"{", b"["):
        return "jsonl"
    return "listing"


def _open(path: str | Path) -> tuple[BinaryIO, str]:
    """A binary stream for a path ('-' is standard input), gunzipped when needed, and its display name."""
    if str(path) == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        raw: BinaryIO = open(path, "rb")
    except OSError as err:
        raise InputError(f"cannot open input: {err.strerror}", source=str(path), hint="check the path") from err
    magic = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if magic == b"\x1f\x8b":
        return gzip.open(raw, "rb"), str(path)  # type: ignore[return-value]
    return raw, str(path)


class _Chunks:
    """The bytes of a stream, by line or by block, counting the lines handed out (for error messages)."""

    def __init__(self, stream: BinaryIO, lines: bool) -> None:
        self.stream = stream
        self.lines = lines
        self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        if self.lines:
            for line in self.stream:
                self.count += 1
                yield line
        else:
            while chunk := self.stream.read(_CHUNK):
                self.count += chunk.count(b"\n")
                yield chunk


def read_records(paths: Iterable[str | Path], format: str | None = None) -> Iterator[Record]:
    """Every paper and every reject of the inputs, in input order.

    Raises ``InputError`` for an input that cannot be opened or an unknown format.
    """
    if format is not None and format not in READERS:
        raise unknown_name("input format", format, list(READERS))
    for path in paths:
        stream, name = _open(path)
        try:
            # type-var: typeshed's BufferedReader wants a raw stream with readinto(), which BinaryIO does not declare
            buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[type-var]
            try:
                head = buffered.peek(512)[:512]
            except (OSError, EOFError) as err:
                yield Reject(name, 0, f"cannot read input: {err}", "check that the file is complete (a truncated .gz?)")
                continue
            kind = format or detect_format(name, head)
            chunks = _Chunks(buffered, lines=kind != "atom")
            try:
                yield from READERS[kind](chunks, name)
            except (OSError, EOFError) as err:  # e.g. a truncated gzip stream
                yield Reject(
                    name,
                    chunks.count + 1,
                    f"input ends early: {err}",
                    "the papers before this line were read; re-create or re-download the file",
                )
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()


def _version(number: int) -> str:
    return f"v{number}" if number else "no version"


def dedupe(records: Iterable[Record]) -> Iterator[Record]:
    """Keep one paper per arXiv id: the highest version. A repeated (id, version) is rejected; an older
    version read after a newer one is rejected as superseded. A newer version read after an older one is
    passed on too: whoever collects the papers keeps the last one per id (and the older one is rejected
    here, so that read = built + rejected still holds).
    """
    seen: dict[str, tuple[int, str, int]] = {}
    for record in records:
        if isinstance(record, Reject):
            yield record
            continue
        version = record.version or 0
        before = seen.get(record.id)
        if before is None:
            seen[record.id] = (version, record.source, record.line)
            yield record
        elif version > before[0]:
            seen[record.id] = (version, record.source, record.line)
            yield Reject(
                before[1],
                before[2],
                f"{record.id} {_version(before[0])} superseded by {_version(version)}",
                f"{_version(version)} at {record.source}:{record.line} is kept",
                id=record.id,
            )
            yield record
        else:
            what = "a duplicate of" if version == before[0] else f"an older version ({_version(version)}) than"
            yield Reject(
                record.source,
                record.line,
                f"{record.id} is {what} the record at {before[1]}:{before[2]}",
                "remove the repeated record; the first one is kept",
                id=record.id,
            )


def read_papers(
    paths: Iterable[str | Path], rejects: list[Reject] | None = None, format: str | None = None
) -> Iterator[Paper]:
    """The papers of the inputs, deduplicated; rejects are appended to ``rejects`` when given."""
    for record in dedupe(read_records(paths, format)):
        if isinstance(record, Paper):
            yield record
        elif rejects is not None:
            rejects.append(record)
