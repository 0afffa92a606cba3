"""JSON Lines: one paper a line with ``id`` or ``arxiv_id``, ``title``, ``abstract``; optional ``authors``,
``categories``, ``listing_date`` / ``date`` / ``published``, ``version``.

>>> rows = [b'{"arxiv_id": "2201.00001v2", "title": "T", "abstract": "A.", "categories": "cs.CV cs.LG"}\\n']
>>> p = next(parse_jsonl(rows, "x.jsonl"))
>>> (p.id, p.version, p.categories)
('2201.00001', 2, ('cs.CV', 'cs.LG'))
>>> print(next(parse_jsonl([b'{"title": "T"\\n'], "x.jsonl")).reason)
line is not valid JSON: Expecting ',' delimiter (column 14)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from kg.ingest.common import Record, check_paper, decode_lines, non_utf8_reject, parse_arxiv_id
from kg.records import Paper, Reject

_SURROGATE = re.compile("[\ud800-\udfff]")


def _strings(value: object) -> tuple[str, ...]:
    """A list of names, or one string separated by commas/spaces, as a tuple of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        sep = "," if "," in value else None
        return tuple(_SURROGATE.sub("\ufffd", part.strip()) for part in value.split(sep) if part.strip())
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, str):
                out.append(item.strip())
            elif isinstance(item, list):  # arXiv metadata dumps: [last, first, suffix]
                out.append(" ".join(str(part) for part in reversed(item[:2]) if part).strip())
            elif isinstance(item, dict) and "name" in item:
                out.append(str(item["name"]).strip())
        return tuple(_SURROGATE.sub("\ufffd", name) for name in out if name)
    return (str(value),)


def parse_record(obj: object, source: str, line: int) -> Record:
    """One decoded JSON value as a paper, or a reject saying what is missing."""
    if not isinstance(obj, dict):
        return Reject(
            source,
            line,
            f"line is a JSON {type(obj).__name__}, not an object",
            'write one {"id": ..., "title": ..., "abstract": ...} object a line',
        )
    raw_id = obj.get("arxiv_id", obj.get("id"))
    if not isinstance(raw_id, str) or not raw_id.strip():
        return Reject(
            source,
            line,
            "record has no 'id' or 'arxiv_id'",
            'add the arXiv id, e.g. "arxiv_id": "2201.00001"',
            excerpt=_SURROGATE.sub("\ufffd", str(obj.get("title", ""))[:80]),
        )
    parsed = parse_arxiv_id(raw_id)
    if parsed is None:
        return Reject(
            source,
            line,
            f"{raw_id!r} is not an arXiv id",
            "use ids like 2201.00001 or hep-th/9901001",
            id=_SURROGATE.sub("\ufffd", raw_id[:40]),
        )
    title, abstract = obj.get("title"), obj.get("abstract", obj.get("summary"))
    for name, value in (("title", title), ("abstract", abstract)):
        if not isinstance(value, str):
            what = "missing" if value is None else f"a {type(value).__name__}, not a string"
            return Reject(
                source, line, f"field '{name}' is {what}", f"give every record a string '{name}'", id=parsed[0]
            )
    for name, value in (("id", raw_id), ("title", title), ("abstract", abstract)):
        if _SURROGATE.search(value):  # type: ignore[arg-type]
            return Reject(
                source,
                line,
                f"field '{name}' has an escape that is not a character (a lone surrogate)",
                "fix or remove the \\ud800-\\udfff escape; JSON text must be valid Unicode",
                id=_SURROGATE.sub("\ufffd", parsed[0]),
            )
    version = parsed[1]
    if version is None and isinstance(obj.get("version"), (int, str)) and str(obj["version"]).lstrip("v").isdigit():
        version = int(str(obj["version"]).lstrip("v"))
    date = obj.get("listing_date") or obj.get("date") or obj.get("published") or None
    paper = Paper(
        id=parsed[0],
        version=version,
        title=str(title),
        abstract=str(abstract),  # strings: checked above
        authors=_strings(obj.get("authors")),
        categories=_strings(obj.get("categories")),
        date=str(date)[:10] if date else None,
        source=source,
        line=line,
    )
    return check_paper(paper)


def parse_jsonl(lines: Iterable[bytes], source: str) -> Iterator[Record]:
    """Papers (and rejects) of a JSON Lines stream; blank lines are skipped."""
    for number, text, raw in decode_lines(lines):
        if text is None:
            yield non_utf8_reject(source, number, raw)
            continue
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            yield Reject(
                source,
                number,
                f"line is not valid JSON: {err.msg} (column {err.colno})",
                "fix or remove the line; each line must be one complete JSON object",
                excerpt=text[:80],
            )
            continue
        yield parse_record(obj, source, number)
