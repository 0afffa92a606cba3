"""The arXiv daily listing in markdown.

    # ArXiv cs.CV --Mon, 3 Jan 2022
    ### 1.Title  [ :arrow_down: ](https://arxiv.org/pdf/2112.15589.pdf)
    >  abstract ...

The ``>`` marker and the whitespace around the abstract are removed; everything else is kept as read.
An abstract may continue on further lines (``>`` or plain text); they are joined with a newline.

>>> text = "# ArXiv cs.CV --Mon, 3 Jan 2022\\n### 1.A Title  [ :arrow_down: ](https://arxiv.org/pdf/2201.00001.pdf)\\n>  We use ImageNet.  \\n"
>>> [p.title for p in parse_listing(text.encode().splitlines(keepends=True), "x.md")]
['A Title']
>>> next(parse_listing(text.encode().splitlines(keepends=True), "x.md")).date
'2022-01-03'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from kg.ingest.common import Record, check_paper, decode_lines, non_utf8_reject, parse_arxiv_id
from kg.records import Paper, Reject

_HEADER = re.compile(r"^###\s*(?:(?P<number>\d+)\.)?\s*(?P<rest>.*)$")
_LINK = re.compile(r"\s*\[\s*:arrow_down:\s*\]\(\s*(?P<url>[^)\s]*)\s*\)\s*$")
_DATE = re.compile(r"^#\s+.*?(?P<date>\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4})\s*$")
_CATEGORY = re.compile(r"^#\s+arxiv\s+(?P<category>[a-z\-]+(?:\.[A-Za-z\-]+)?)", re.IGNORECASE)


def _listing_date(line: str) -> str | None:
    match = _DATE.match(line)
    if not match:
        return None
    try:
        return datetime.strptime(match.group("date"), "%d %b %Y").date().isoformat()
    except ValueError:
        return None


class _Entry:
    """A paper being read: its header line and the abstract lines seen so far."""

    def __init__(self, line: int, title: str, url: str, bad: Reject | None) -> None:
        self.line = line
        self.title = title
        self.url = url
        self.bad = bad
        self.abstract: list[str] = []

    def finish(self, source: str, date: str | None, categories: tuple[str, ...]) -> Record:
        parsed = parse_arxiv_id(self.url)
        if self.bad is not None:
            return dataclasses.replace(self.bad, id=parsed[0]) if parsed else self.bad
        if parsed is None:
            return Reject(
                source,
                self.line,
                f"header link {self.url!r} is not an arXiv PDF or abstract URL",
                "end the header with [ :arrow_down: ](https://arxiv.org/pdf/ID.pdf)",
                excerpt=self.title[:80],
            )
        paper = Paper(
            id=parsed[0],
            version=parsed[1],
            title=self.title,
            abstract="\n".join(self.abstract).strip(),
            categories=categories,
            date=date,
            source=source,
            line=self.line,
        )
        return check_paper(paper)


def parse_listing(lines: Iterable[bytes], source: str) -> Iterator[Record]:
    """Papers (and rejects) of a daily listing, streamed line by line."""
    date: str | None = None
    categories: tuple[str, ...] = ()
    entry: _Entry | None = None
    ended_cleanly = True
    state: dict[str, bool] = {}
    for number, text, raw in decode_lines(_track_end(lines, state)):
        ended_cleanly = state.get("newline", True)
        if text is None:
            if entry is not None and entry.bad is None:
                entry.bad = non_utf8_reject(source, number, raw)
            elif entry is None:
                yield non_utf8_reject(source, number, raw)
            continue
        if text.startswith("###"):
            if entry is not None:
                yield entry.finish(source, date, categories)
            entry = _start_entry(number, text, source)
        elif text.startswith("#"):
            if entry is not None:
                yield entry.finish(source, date, categories)
                entry = None
            date = _listing_date(text) or date
            category = _CATEGORY.match(text)
            categories = (category.group("category"),) if category else categories
        elif entry is not None:
            body = text[1:] if text.startswith(">") else text
            if body.strip() or entry.abstract:
                entry.abstract.append(body.strip() if not entry.abstract else body.rstrip())
        elif text.strip():
            yield Reject(
                source,
                number,
                "text outside any paper",
                "start each paper with a '### N.Title [ :arrow_down: ](URL)' line",
                excerpt=text[:80],
            )
    if entry is not None:
        if entry.bad is not None and entry.bad.reason == "paper header has no arXiv link" and not ended_cleanly:
            # the file stops inside the header line: it was cut, the header is not wrong
            entry.bad = dataclasses.replace(
                entry.bad,
                reason="input ends early, inside a paper header",
                hint="the papers before this line were read; re-create or re-download the file",
            )
        yield entry.finish(source, date, categories)


def _track_end(lines: Iterable[bytes], state: dict[str, bool]) -> Iterator[bytes]:
    """The lines unchanged; ``state["newline"]`` says whether the last one ended with a line break."""
    for line in lines:
        state["newline"] = line.endswith((b"\n", b"\r"))
        yield line


def _start_entry(number: int, text: str, source: str) -> _Entry:
    rest = _HEADER.match(text).group("rest")  # type: ignore[union-attr]  # always matches '###'
    link = _LINK.search(rest)
    if link is None:
        bad = Reject(
            source,
            number,
            "paper header has no arXiv link",
            "end the header with [ :arrow_down: ](https://arxiv.org/pdf/ID.pdf)",
            excerpt=rest[:80],
        )
        return _Entry(number, rest.strip(), "", bad)
    return _Entry(number, rest[: link.start()].strip(), link.group("url"), None)
