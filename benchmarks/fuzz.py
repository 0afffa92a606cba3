"""Fuzz every parser of kg with hypothesis and count crashes.

    python benchmarks/fuzz.py                         # 10,000 examples per target
    python benchmarks/fuzz.py --examples 500 --target listing --target atom
    python benchmarks/fuzz.py --seed 7 --show 5       # another seed; show up to 5 crashes per target

Targets: ``listing``, ``atom``, ``jsonl`` (the three readers on bytes), ``read_records`` (a file on
disk: any name, gzip or not, truncated or not, the format detected or forced), ``turtle`` (arbitrary
titles, abstracts, authors, labels and aliases through the Turtle writer, parsed back by rdflib and
Oxigraph), ``normalize`` (kg.resolve) and ``abbreviations`` (kg.extract.abbreviations).

A *crash* is any exception other than a ``kg.errors.KGError`` with a message, and any broken
invariant: a reader must yield only ``Paper`` records (with an arXiv id, a title and an abstract) or
``Reject`` records (with a reason and a line number), the Turtle must parse back to the same text,
abbreviation offsets must point at their text. Every example runs to the end (crashes are counted, not
shrunk). Exit status 1 when any target crashed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kg.errors import KGError  # noqa: E402
from kg.records import Paper, Reject  # noqa: E402

SOURCE = "fuzz-input"

# ------------------------------------------------------------------------------------------ strategies
# text: any code point, lone surrogates included (they can only come from Python callers, never from a
# decoded file, but the writers must still cope)
ANY_TEXT = st.text(st.characters(), max_size=60)
PRINTABLE = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\t",
        "\r",
        "\n",
        "\r\n",
        "\x00",
        "\x0b",
        "\x1f",
        "\x7f",
        "\u2028",
        "\u2029",
        "\ufeff",
        "\ufffd",
        '"',
        "'",
        '"""',
        "\\",
        "\\u0041",
        "<",
        ">",
        "&",
        "&amp;",
        "]]>",
        "<![CDATA[",
        "</script>",
        "<script>",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "#",
        "###",
        ">",
        "@prefix",
        "^^",
        "@en",
        "_:b0",
        "<http://x>",
        " .",
        ";",
        "$\\ell_1$",
        "\\cite{x}",
        "(CNN)",
        "(ABC, DEF)",
        "Convolutional Neural Network (CNN)",
        "ImageNet",
        "😀",
        "𝔘",
        "é",
        "ﬁ",
        "Ⅻ",
        "İ",
        "ß",
        "\u0301",
        "٣",
        "\ud800",
        "\udfff",
    ]
)
TEXT = st.lists(st.one_of(NASTY, ANY_TEXT), max_size=6).map("".join)
SAFE_TEXT = st.lists(st.one_of(NASTY.filter(lambda s: not ("\ud800" <= s[:1] <= "\udfff")), PRINTABLE), max_size=6).map(
    "".join
)
ARXIV_IDS = st.one_of(
    st.from_regex(r"\A\d{4}\.\d{4,5}(v\d{1,2})?\Z"),
    st.from_regex(r"\A[a-z][a-z\-]{0,8}(\.[A-Z]{2})?/\d{7}(v\d)?\Z"),
    st.sampled_from(
        [
            "2112.15589",
            "2112.15589v2",
            "\u0662\u0661\u0661\u0662.\u0661\u0665\u0665\u0668\u0669",
            "hep-th/9901001",
            "arXiv:2201.00001",
            "",
            "v1",
            "2112.1558",
            "https://arxiv.org/pdf/2112.15589.pdf",
            "http://arxiv.org/abs/math.GT/0309136v1",
            "x/1",
        ]
    ),
    PRINTABLE,
)
ENDINGS = st.sampled_from([b"\n", b"\r\n", b"\r", b""])


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates make non-UTF-8 bytes: also worth reading


LISTING_LINE = st.one_of(
    st.builds(
        lambda t: f"# ArXiv cs.CV --{t}", st.sampled_from(["Mon, 3 Jan 2022", "Fri, 31 Feb 2022", "", "3 Xyz 2022"])
    ),
    st.builds(
        lambda n, t, i: f"### {n}.{t}  [ :arrow_down: ](https://arxiv.org/pdf/{i}.pdf)",
        st.integers(0, 999),
        SAFE_TEXT,
        ARXIV_IDS,
    ),
    st.builds(lambda t, u: f"###{t}[ :arrow_down: ]({u})", SAFE_TEXT, SAFE_TEXT),
    st.builds(lambda t: f">  {t}", SAFE_TEXT),
    st.builds(lambda t: "#" + t, SAFE_TEXT),
    SAFE_TEXT,
)
LISTING = st.lists(st.tuples(st.one_of(LISTING_LINE.map(_utf8), st.binary(max_size=40)), ENDINGS), max_size=12).map(
    lambda lines: b"".join(text + end for text, end in lines)
)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _entry(parts: dict[str, object]) -> str:
    out = ["<entry>"]
    for tag, value in parts.items():
        if tag == "authors":
            out += [f"<author><name>{name}</name></author>" for name in value]  # type: ignore[union-attr]
        elif tag == "categories":
            out += [f'<category term="{term}"/>' for term in value]  # type: ignore[union-attr]
        else:
            out.append(f"<{tag}>{value}</{tag}>")
    return "".join(out) + "</entry>"


XML_TEXT = st.one_of(
    SAFE_TEXT.map(_xml_escape),
    SAFE_TEXT,
    st.sampled_from(["&lol;", "&amp;", "<![CDATA[<b>x</b>]]>", "&#0;", "&#x1F600;"]),
)
ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(ARXIV_IDS.map(lambda i: "http://arxiv.org/abs/" + i), XML_TEXT),
        "title": XML_TEXT,
        "summary": XML_TEXT,
        "published": st.sampled_from(["2022-01-03T00:00:00Z", "", "x"]),
        "authors": st.lists(XML_TEXT, max_size=3),
        "categories": st.lists(st.sampled_from(["cs.CV", 'a"b', "&", ""]), max_size=2),
    },
).map(_entry)
DOCTYPES = st.sampled_from(
    [
        "",
        '<!DOCTYPE feed [<!ENTITY lol "lol">]>',
        '<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    ]
)


@st.composite
def atom_documents(draw) -> bytes:
    entries = draw(st.lists(ENTRY, max_size=4))
    doc = (
        draw(
            st.sampled_from(
                ['<?xml version="1.0" encoding="UTF-8"?>\n', "", '<?xml version="1.0" encoding="latin-1"?>']
            )
        )
        + draw(DOCTYPES)
        + '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        + "\n".join(entries)
        + "\n</feed>\n"
    )
    data = _utf8(doc)
    cut = draw(st.one_of(st.none(), st.integers(0, max(0, len(data)))))
    if cut is not None:
        data = data[:cut]  # truncated feeds
    noise = draw(st.one_of(st.just(b""), st.binary(max_size=20)))
    return data + noise


ATOM = st.one_of(atom_documents(), st.binary(max_size=200))

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        PRINTABLE,
        NASTY.filter(lambda s: not ("\ud800" <= s[:1] <= "\udfff")),
    ),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(PRINTABLE, children, max_size=3)),
    max_leaves=8,
)
KEYS = st.sampled_from(
    [
        "id",
        "arxiv_id",
        "title",
        "abstract",
        "summary",
        "authors",
        "categories",
        "version",
        "date",
        "listing_date",
        "published",
    ]
)
RECORD = st.dictionaries(KEYS, st.one_of(ARXIV_IDS, SAFE_TEXT, JSON_VALUES), max_size=8)
# ensure_ascii=True writes a lone surrogate as a \\udXXX escape: valid JSON, but not a character
RAW_RECORD = st.dictionaries(KEYS, st.one_of(ARXIV_IDS, TEXT), max_size=6)
JSONL_LINE = st.one_of(
    RECORD.map(lambda r: json.dumps(r, ensure_ascii=False)),
    JSON_VALUES.map(json.dumps),
    RAW_RECORD.map(json.dumps),
    SAFE_TEXT,
    st.just(""),
)
JSONL = st.lists(st.tuples(st.one_of(JSONL_LINE.map(_utf8), st.binary(max_size=40)), ENDINGS), max_size=8).map(
    lambda lines: b"".join(text + end for text, end in lines)
)

FILE_NAMES = st.sampled_from(
    [
        "x",
        "x.md",
        "x.markdown",
        "x.txt",
        "x.xml",
        "x.atom",
        "x.jsonl",
        "x.ndjson",
        "x.json",
        "x.gz",
        "x.md.gz",
        "x.jsonl.gz",
        "x.xml.gz",
        "x.JSONL",
        "x.csv",
        ".hidden",
        "x.tar.gz",
    ]
)
FORMATS = st.sampled_from([None, None, None, "listing", "atom", "jsonl", "csv"])


# ------------------------------------------------------------------------------------------- checks
class Invariant(AssertionError):
    """A broken promise (not an exception of the code under test)."""


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise Invariant(what)


def _encodable(*texts: str) -> bool:
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_records(records: list[object], source: str = SOURCE) -> None:
    """What every reader promises: papers that are complete, rejects that say where and why, and text
    that can be written out as UTF-8 (no lone surrogates, which only JSON escapes can produce)."""
    from kg.ingest import parse_arxiv_id

    for record in records:
        if isinstance(record, (Paper, Reject)):
            texts = [v for v in (getattr(record, f) for f in record.__slots__) if isinstance(v, str)]
            texts += [t for f in ("authors", "categories") for t in getattr(record, f, ())]
            _check(
                _encodable(*texts),
                f"{type(record).__name__} with text that is not UTF-8-encodable (a lone surrogate): {record!r}"[:300],
            )
        if isinstance(record, Reject):
            _check(bool(record.reason.strip()), f"reject without a reason: {record!r}")
            _check(record.line >= 0, f"reject with a negative line: {record!r}")
            _check(record.source == source, f"reject names {record.source!r}, not {source!r}")
        elif isinstance(record, Paper):
            _check(parse_arxiv_id(record.id) == (record.id, None), f"paper id {record.id!r} is not an arXiv id")
            _check(record.id.isascii(), f"paper id {record.id!r} is not ASCII (non-ASCII digits taken for an arXiv id)")
            _check(isinstance(record.title, str) and record.title.strip() != "", f"paper without a title: {record!r}")
            _check(
                isinstance(record.abstract, str) and record.abstract.strip() != "",
                f"paper without an abstract: {record!r}",
            )
            _check(record.line >= 1, f"paper with line {record.line}")
            _check(record.source == source, f"paper names {record.source!r}, not {source!r}")
        else:
            raise Invariant(f"a reader yielded {type(record).__name__}")


def _chunks(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def fuzz_listing(data: bytes) -> None:
    from kg.ingest.listing import parse_listing

    check_records(list(parse_listing(_chunks(data), SOURCE)))


def fuzz_atom(data: bytes) -> None:
    from kg.ingest.atom import parse_atom

    # fed in small pieces, as read_records does in 64 KiB blocks
    check_records(list(parse_atom([data[i : i + 37] for i in range(0, len(data), 37)], SOURCE)))


def fuzz_jsonl(data: bytes) -> None:
    from kg.ingest.jsonl import parse_jsonl

    check_records(list(parse_jsonl(_chunks(data), SOURCE)))


_TMP = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))


def fuzz_read_records(args: tuple[str, bytes, bool, int | None, str | None]) -> None:
    from kg.ingest import dedupe, read_records

    name, data, compress, cut, fmt = args
    path = _TMP / name
    if compress:
        data = gzip.compress(data, mtime=0)
        if cut is not None:
            data = data[: cut % (len(data) + 1)]
    path.write_bytes(data)
    try:
        records = list(dedupe(read_records([path], format=fmt)))
    finally:
        path.unlink()
    check_records(records, str(path))


def fuzz_turtle(args: tuple[str, str, list[str], str, str]) -> None:
    import io

    import pyoxigraph
    from rdflib import Graph, Literal
    from rdflib.namespace import DC, DCTERMS, SKOS

    from kg import rdf
    from kg.rdf.namespace import _SURROGATE
    from kg.records import Entity, EntityType
    from kg.slug import entity_id

    title, abstract, authors, label, alias = args
    clean = [_SURROGATE.sub("\ufffd", t) for t in (title, abstract, label, alias)]
    paper = Paper("2201.00009", 1, title, abstract, authors=tuple(authors))
    entity = Entity(entity_id("method", label), EntityType.METHOD, label, aliases=((alias, 2),))
    graph = Graph()
    graph += rdf.paper_triples(paper, [])
    graph += rdf.entity_triples(entity)
    ttl = rdf.turtle_text(graph)
    back = Graph().parse(data=ttl, format="turtle")
    p, e = rdf.paper_iri(paper.id), rdf.entity_iri(entity.id)
    _check(str(back.value(p, DCTERMS.title)) == clean[0], "title changed in a Turtle round trip")
    _check(str(back.value(p, DCTERMS.abstract) or "") == clean[1], "abstract changed in a Turtle round trip")
    _check(
        sorted(map(str, back.objects(p, DC.creator))) == sorted({_SURROGATE.sub("\ufffd", a) for a in authors}),
        "authors changed in a Turtle round trip",
    )
    _check(back.value(e, SKOS.prefLabel) == Literal(clean[2]), "label changed in a Turtle round trip")
    _check(len(back) == len(graph), f"{len(graph)} triples written, {len(back)} read back")
    quads = list(pyoxigraph.parse(ttl.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    _check(len({(q.subject, q.predicate, q.object) for q in quads}) == len(graph), "Oxigraph reads other triples")
    out = io.StringIO()
    n = rdf.write_ntriples(graph, out)
    _check(n == len(graph) and out.getvalue().count("\n") == n, "N-Triples: not one line per triple")


def fuzz_normalize(text: str) -> None:
    from kg.resolve import normalize

    key = normalize(text)
    _check(isinstance(key, str), f"normalize returned {type(key).__name__}")


def fuzz_abbreviations(text: str) -> None:
    from kg.extract.abbreviations import find_abbreviations

    for found in find_abbreviations(text):
        _check(text[found.short_start : found.short_end] == found.short, f"short form offsets wrong: {found!r}")
        _check(text[found.long_start : found.long_end] == found.long, f"long form offsets wrong: {found!r}")


ABBREVIATION_TEXT = st.lists(
    st.one_of(NASTY, ANY_TEXT, st.from_regex(r"\A([A-Z][a-z]+ ){1,4}\([A-Z][A-Za-z\-]{1,6}\)\Z")), max_size=6
).map(" ".join)


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy
    check: Callable[[object], None]


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("listing", st.one_of(LISTING, st.binary(max_size=200)), fuzz_listing),
        Target("atom", ATOM, fuzz_atom),
        Target("jsonl", st.one_of(JSONL, st.binary(max_size=200)), fuzz_jsonl),
        Target(
            "read_records",
            st.tuples(
                FILE_NAMES,
                st.one_of(LISTING, ATOM, JSONL, st.binary(max_size=100)),
                st.booleans(),
                st.one_of(st.none(), st.integers(0, 400)),
                FORMATS,
            ),
            fuzz_read_records,
        ),
        Target("turtle", st.tuples(TEXT, TEXT, st.lists(TEXT, max_size=3), TEXT, TEXT), fuzz_turtle),
        Target("normalize", TEXT, fuzz_normalize),
        Target("abbreviations", ABBREVIATION_TEXT, fuzz_abbreviations),
    ]
}


# ------------------------------------------------------------------------------------------- runner
@dataclass
class Result:
    target: str
    examples: int = 0
    seconds: float = 0.0
    crashes: list[tuple[str, str]] = field(default_factory=list)  # (what went wrong, the input)

    @property
    def distinct(self) -> dict[str, str]:
        """One input per distinct failure (exception type, message and place)."""
        out: dict[str, str] = {}
        for what, example in self.crashes:
            out.setdefault(what, example)
        return out


def _describe(err: BaseException) -> str:
    if isinstance(err, Invariant):
        return f"invariant: {err}"
    frame = traceback.extract_tb(err.__traceback__)[-1]
    return f"{type(err).__name__}: {str(err)[:200]} at {Path(frame.filename).name}:{frame.lineno}"


def run_target(name: str, examples: int, seed_value: int = 0) -> Result:
    """Run one target for ``examples`` examples; crashes are collected, never raised."""
    target = TARGETS[name]
    result = Result(name)

    @seed(seed_value)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(target.strategy)
    def one(value: object) -> None:
        result.examples += 1
        try:
            target.check(value)
        except KGError as err:
            if not str(err).strip():
                result.crashes.append(("KGError without a message", repr(value)[:400]))
        except Exception as err:  # noqa: BLE001  (counting is the point)
            result.crashes.append((_describe(err), repr(value)[:400]))

    started = time.perf_counter()
    one()
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=10_000, help="examples per target (default 10,000)")
    parser.add_argument("--target", action="append", choices=list(TARGETS), help="only these targets (repeatable)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0)")
    parser.add_argument("--show", type=int, default=3, help="distinct crashes shown per target (default 3)")
    args = parser.parse_args(argv)
    names = args.target or list(TARGETS)
    print(f"{'target':<14} {'examples':>9} {'crashes':>8} {'seconds':>8} {'per example':>12}")
    results = []
    for name in names:
        result = run_target(name, args.examples, args.seed)
        results.append(result)
        per = result.seconds / result.examples * 1000 if result.examples else 0.0
        print(
            f"{name:<14} {result.examples:>9,} {len(result.crashes):>8} {result.seconds:>8.1f} {per:>9.2f} ms",
            flush=True,
        )
        for what, example in list(result.distinct.items())[: args.show]:
            print(f"    {what}\n      input: {example}")
    total = sum(len(r.crashes) for r in results)
    print(f"{sum(r.examples for r in results):,} examples, {total} crashes")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
