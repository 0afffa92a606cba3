"""arXiv API Atom XML (``http://export.arxiv.org/api/query`` answers), streamed with a SAX parser so that
any size fits in memory and every entry knows its line. External entities are never resolved.

>>> xml = b'''<feed xmlns="http://www.w3.org/2005/Atom"><entry>
... <id>http://arxiv.org/abs/2201.00001v1</id><published>2022-01-03T18:00:00Z</published>
... <title>A Title</title><summary>  We use ImageNet.
... </summary><author><name>Ada L</name></author><category term="cs.CV"/></entry></feed>'''
>>> p = next(parse_atom([xml], "q.xml"))
>>> (p.id, p.version, p.title, p.abstract, p.authors, p.date, p.line)
('2201.00001', 1, 'A Title', 'We use ImageNet.', ('Ada L',), '2022-01-03', 1)
"""

from __future__ import annotations

import xml.sax
import xml.sax.expatreader
import xml.sax.handler
import xml.sax.xmlreader
from collections.abc import Iterable, Iterator

from kg.ingest.common import Record, check_paper, parse_arxiv_id
from kg.records import Paper, Reject

ATOM = "http://www.w3.org/2005/Atom"
_TEXT_FIELDS = {"id", "title", "summary", "published", "updated", "name"}


class _Handler(xml.sax.handler.ContentHandler):
    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.done: list[Record] = []
        self.entry: dict[str, str] | None = None  # the text fields of the entry being read
        self.authors: list[str] = []
        self.categories: list[str] = []
        self.entry_line = 0
        self.text: list[str] | None = None
        self.position: xml.sax.xmlreader.Locator | None = None  # the expat reader, which knows the current line

    def startElementNS(
        self,
        name: tuple[str | None, str],
        qname: str | None,  # noqa: N802 (SAX API)
        attrs: xml.sax.xmlreader.AttributesNSImpl,
    ) -> None:
        uri, local = name
        if uri == ATOM and local == "entry":
            self.entry, self.authors, self.categories = {}, [], []
            self.entry_line = (self.position.getLineNumber() or 0) if self.position else 0
        elif self.entry is not None:
            if uri == ATOM and local in _TEXT_FIELDS:
                self.text = []
            elif local == "category" and (None, "term") in attrs.keys():
                self.categories.append(attrs[(None, "term")])

    def characters(self, content: str) -> None:
        if self.text is not None:
            self.text.append(content)

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802
        uri, local = name
        if self.entry is None or uri != ATOM:
            return
        if local == "entry":
            self.done.append(self._paper(self.entry))
            self.entry = None
        elif self.text is not None:
            value = "".join(self.text)
            if local == "name":
                if value.strip():
                    self.authors.append(value.strip())
            else:
                self.entry.setdefault(local, value)
            self.text = None

    def _paper(self, entry: dict[str, str]) -> Record:
        raw_id = str(entry.get("id", "")).strip()
        parsed = parse_arxiv_id(raw_id)
        if parsed is None:
            return Reject(
                self.source,
                self.entry_line,
                f"entry id {raw_id!r} is not an arXiv id",
                "each <entry> needs <id>http://arxiv.org/abs/ID</id>",
                excerpt=str(entry.get("title", ""))[:80],
            )
        date = str(entry.get("published") or entry.get("updated") or "")[:10] or None
        paper = Paper(
            id=parsed[0],
            version=parsed[1],
            title=str(entry.get("title", "")).strip(),
            abstract=str(entry.get("summary", "")).strip(),
            authors=tuple(self.authors),
            categories=tuple(dict.fromkeys(self.categories)),
            date=date,
            source=self.source,
            line=self.entry_line,
        )
        return check_paper(paper)


def parse_atom(chunks: Iterable[bytes], source: str) -> Iterator[Record]:
    """Papers (and rejects) of an Atom feed. Malformed XML ends the feed with one reject naming the line;
    the entries before it are kept."""
    handler = _Handler(source)
    parser = xml.sax.expatreader.create_parser()  # what make_parser() gives: incremental, and it knows the line
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setContentHandler(handler)
    handler.position = parser
    try:
        for chunk in chunks:
            parser.feed(chunk)
            yield from handler.done
            handler.done.clear()
        parser.close()
    except xml.sax.SAXParseException as err:
        yield from handler.done
        cut = handler.entry or {}
        parsed = parse_arxiv_id(str(cut.get("id", "")))
        yield Reject(
            source,
            err.getLineNumber() or 0,
            f"malformed Atom XML: {err.getMessage()} (column {err.getColumnNumber()})",
            "check that the file is a complete arXiv API response; entries after this point were not read",
            id=parsed[0] if parsed else "",
            excerpt=str(cut.get("title", ""))[:80],
        )
        return
    yield from handler.done
