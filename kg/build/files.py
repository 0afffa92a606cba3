"""The text files of a build, line by line: ``mentions.jsonl`` (a paper's mentions, labels set once every
paper is linked), ``entities.csv``, ``rejects.jsonl``; whole files written atomically, the outputs of one
write pass sent to several places (``Tee``), and the resident memory a build reports.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from kg.records import Entity, Link, PaperMentions, Reject

if TYPE_CHECKING:
    from kg.build.result import Build


def paper_mention_record(
    item: PaperMentions, links: Iterable[Link], labels: Mapping[str, str] | None
) -> dict[str, object]:
    """One line of ``mentions.jsonl``: a paper and its linked mentions in text order. Without ``labels``
    the ``label`` fields are ``None`` (the build fills them in once every paper is linked)."""
    linked = [(m, link) for link in links for m in link.mentions]
    in_graph = {id(m) for m, _ in linked}
    rows = sorted(
        linked + [(m, None) for m in item.mentions if id(m) not in in_graph],
        key=lambda ml: (ml[0].field != "title", ml[0].start, ml[0].end),
    )
    record: dict[str, object] = {
        "id": item.paper.id,
        "version": item.paper.version,
        "title": item.paper.title,
        "mentions": [
            {
                "type": m.type.value,
                "field": m.field,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "label": labels.get(link.entity_id, m.text) if labels is not None and link else None,
                "entity": link.entity_id if link else None,
                "role": m.role.value,
                "link_role": link.role.value if link else None,
                "confidence": m.confidence,
                "source": m.source,
                "sentence": m.sentence,
                "in_graph": link is not None,
            }
            for m, link in rows
        ],
    }
    if item.relations:  # kg extract --relations (docs/relations.md)
        from kg.relations import relation_records

        record["relations"] = relation_records(item.relations, {id(m): link.entity_id for m, link in linked})
    return record


def mention_records(build: Build) -> Iterator[dict[str, object]]:
    """The ``kg extract`` contract: one object per paper, mentions with offsets into title or abstract."""
    labels = {e.id: e.label for e in build.entities}
    by_paper: dict[str, list[Link]] = {}
    for link in build.links:
        by_paper.setdefault(link.paper_id, []).append(link)
    for item in build.mentions:
        yield paper_mention_record(item, by_paper.get(item.paper.id, []), labels)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temp file in the same folder, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; outputs are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_entities_rows(entities: Iterable[Entity], n_papers: Mapping[str, int], out: TextIO) -> None:
    """Write ``entities.csv`` to ``out``: one row per entity, sorted by id, with the number of papers
    linking it (row by row: a large build's table is written without its text held in memory)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "type", "label", "aliases", "papers", "vocabulary"])
    for entity in sorted(entities, key=lambda e: e.id):
        aliases = "|".join(f"{form}:{count}" for form, count in entity.aliases)
        writer.writerow(
            [entity.id, entity.type.value, entity.label, aliases, n_papers.get(entity.id, 0), entity.vocabulary_id]
        )


def entities_csv_text(entities: Iterable[Entity], n_papers: Mapping[str, int]) -> str:
    """``entities.csv`` as text (``write_entities_rows``)."""
    buffer = io.StringIO()
    write_entities_rows(entities, n_papers, buffer)
    return buffer.getvalue()


def reject_line(r: Reject) -> str:
    """One line of ``rejects.jsonl``."""
    return (
        json.dumps(
            {"source": r.source, "line": r.line, "id": r.id, "reason": r.reason, "hint": r.hint, "excerpt": r.excerpt},
            ensure_ascii=False,
        )
        + "\n"
    )


def mention_line_id(line: str | bytes) -> str:
    """The paper id of a ``mentions.jsonl`` line, text or bytes (its first key), without parsing the whole line.

    >>> mention_line_id('{"id": "2112.15509", "version": null, "mentions": []}')
    '2112.15509'
    >>> mention_line_id(b'{"id": "hep-th/9901001", "mentions": []}')
    'hep-th/9901001'
    """
    raw = line.encode("utf-8") if isinstance(line, str) else line
    if raw.startswith(b'{"id": "'):
        end = raw.find(b'"', 8)
        if end > 8 and b"\\" not in raw[8:end]:
            return raw[8:end].decode("utf-8")
    return str(json.loads(raw)["id"])


_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
# a mention's text, label and entity, in the order paper_mention_record writes them; every quote inside a JSON
# string is escaped, so the keys cannot match inside a value
_MENTION_LABEL = re.compile(f'"text": ({_JSON_STRING}), "label": (?:null|{_JSON_STRING}), "entity": ({_JSON_STRING})')


def relabel_line(line: str, labels: Mapping[str, str]) -> str:
    r"""A ``mentions.jsonl`` line with each mention's ``label`` set from ``labels`` (entity id -> label; the
    mention's text when the entity has none). Rewrites the three fields in place instead of parsing the
    line: a build relabels every line it writes.

    >>> line = '{"id": "1", "mentions": [{"text": "a \\"b\\"", "label": null, "entity": "method/b", "role": "uses"}]}'
    >>> relabel_line(line, {"method/b": "B é"}) == line.replace("null", '"B é"') + "\n"
    True
    >>> json.loads(relabel_line(line, {}))["mentions"][0]["label"]
    'a "b"'
    """

    def label(match: re.Match[str]) -> str:
        text, entity = match.group(1), match.group(2)
        found = labels.get(json.loads(entity) if "\\" in entity else entity[1:-1])
        value = text if found is None else json.dumps(found, ensure_ascii=False)
        return f'"text": {text}, "label": {value}, "entity": {entity}'

    return _MENTION_LABEL.sub(label, line.rstrip("\n")) + "\n"


class Tee:
    """Text written to every one of several outputs.

    >>> import io
    >>> a, b = io.StringIO(), io.StringIO()
    >>> Tee.of(a, None, b).write("x"); a.getvalue() + b.getvalue()
    'xx'
    >>> Tee.of(None, a) is a, Tee.of(None, None)
    (True, None)
    """

    def __init__(self, *outputs: Any) -> None:
        self.outputs = outputs

    @classmethod
    def of(cls, *outputs: Any) -> Any:
        """The outputs that are not ``None``: none, the one, or a ``Tee`` of them."""
        present = [out for out in outputs if out is not None]
        return None if not present else present[0] if len(present) == 1 else cls(*present)

    def write(self, text: str) -> None:
        for out in self.outputs:
            out.write(text)


def resident_mb() -> int | None:
    """This process's resident memory now, in MiB (Linux's ``/proc/self/statm``; ``None`` elsewhere).

    >>> isinstance(resident_mb(), (int, type(None)))
    True
    """
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") // 2**20
