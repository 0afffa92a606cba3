"""What the three readers share: arXiv id parsing, line decoding, record checks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.records import Paper, Reject

Record = Paper | Reject

# new-style ids (0704.0001 on) and old-style ids (hep-th/9901001, math.GT/0309136)
_ARXIV_ID = re.compile(r"^(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?$", re.ASCII)
_ARXIV_URL = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<rest>.+?)(?:\.pdf)?/?$", re.ASCII
)


def parse_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """Split an arXiv id or URL into (id, version); None when it is not one.

    >>> parse_arxiv_id("2112.15589v2")
    ('2112.15589', 2)
    >>> parse_arxiv_id("https://arxiv.org/pdf/2112.15589.pdf")
    ('2112.15589', None)
    >>> parse_arxiv_id("http://arxiv.org/abs/hep-th/9901001v1")
    ('hep-th/9901001', 1)
    >>> parse_arxiv_id("arXiv:2201.00001") is None
    False
    >>> parse_arxiv_id("not an id") is None
    True
    """
    text = text.strip()
    if text.lower().startswith("arxiv:"):
        text = text[6:]
    url = _ARXIV_URL.match(text)
    if url:
        text = url.group("rest")
    match = _ARXIV_ID.match(text)
    if not match:
        return None
    version = match.group("version")
    return match.group("id"), int(version) if version else None


def decode_lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, str | None, bytes]]:
    """(1-based line number, text or None when not UTF-8, raw bytes) for each line; CRLF and CR-only
    endings are treated as line ends and never kept in the text.

    >>> [(n, t) for n, t, _ in decode_lines([b"a\\r\\n", b"b\\rc\\n", b"\\xff\\n"])]
    [(1, 'a'), (2, 'b'), (3, 'c'), (4, None)]
    """
    number = 0
    for raw in chunks:
        for line in raw.splitlines() or [b""]:
            number += 1
            try:
                yield number, line.decode("utf-8"), line
            except UnicodeDecodeError:
                yield number, None, line


def non_utf8_reject(source: str, line: int, raw: bytes) -> Reject:
    """The reject for a line that is not UTF-8."""
    return Reject(
        source=source,
        line=line,
        reason="line is not valid UTF-8",
        hint="re-encode the file as UTF-8, e.g. iconv -f latin1 -t utf-8",
        excerpt=raw[:80].decode("utf-8", "replace"),
    )


def check_paper(paper: Paper) -> Record:
    """The paper, or a reject when it lacks what every paper needs (a title and an abstract)."""
    if not paper.title.strip():
        return Reject(paper.source, paper.line, "paper has no title", "give every record a title", id=paper.id)
    if not paper.abstract.strip():
        return Reject(paper.source, paper.line, "paper has no abstract", "give every record an abstract", id=paper.id)
    return paper
