"""Bad input, hostile input, and nothing lost: every fixture of tests/data/broken through the readers, the
pipeline and the ``kg build`` command; hostile text through Turtle, N-Triples, JSON-LD, SPARQL and the
HTML view.

Speed: building the spaCy pipeline takes seconds, so one rules-only ``Extractor`` is built per module and
shared (``kg.build.parallel.Extractor`` is patched to hand it out); only the build of all fixtures together runs
``python -m kg build`` in a subprocess. The 1 MB abstract is extracted with ``max_abstract_chars = 5000``
(the default, 100,000, works the same but takes tens of seconds).
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from kg import rdf
from kg.build import pipeline
from kg.cli import main
from kg.config import Config
from kg.errors import KGError
from kg.ingest import dedupe, parse_arxiv_id, read_records
from kg.records import Entity, EntityType, Link, Mention, Paper, Reject, Role

ROOT = Path(__file__).resolve().parents[1]
BROKEN = Path(__file__).parent / "data" / "broken"
MAX_CHARS = 5000
CONFIG = Config(use_model=False, max_abstract_chars=MAX_CHARS)
SUMMARY = re.compile(r"^read (\d+) papers: (\d+) built, (\d+) rejected$", re.M)

LINK_HINT = "end the header with [ :arrow_down: ](https://arxiv.org/pdf/ID.pdf)"
# file -> (read, built, [(line, reason fragment, hint fragment, id or None to leave unchecked)])
EXPECTED: dict[str, tuple[int, int, list[tuple[int, str, str, str | None]]]] = {
    "bad-json.jsonl": (
        3,
        2,
        [
            (
                2,
                "line is not valid JSON: Unterminated string starting at (column 126)",
                "fix or remove the line; each line must be one complete JSON object",
                "",
            )
        ],
    ),
    "crlf.md": (3, 3, []),
    "duplicates.jsonl": (
        4,
        2,
        [
            (1, "2112.15589 v1 superseded by v2", "v2 at {src}:3 is kept", "2112.15589"),
            (
                4,
                "2112.15571 is a duplicate of the record at {src}:2",
                "remove the repeated record; the first one is kept",
                "2112.15571",
            ),
        ],
    ),
    "empty.md": (0, 0, []),
    "header-without-link.md": (3, 2, [(4, "paper header has no arXiv link", LINK_HINT, "")]),
    "huge-abstract.jsonl.gz": (1, 1, []),
    "malformed.atom.xml": (
        3,
        2,
        [
            (
                85,
                "malformed Atom XML: no element found (column 53)",
                "check that the file is a complete arXiv API response; entries after this point were not read",
                None,
            )
        ],
    ),
    "markup.jsonl": (2, 2, []),
    "missing-abstract.md": (3, 2, [(4, "paper has no abstract", "give every record an abstract", "2112.15571")]),
    "missing-fields.jsonl": (
        5,
        1,
        [
            (2, "field 'abstract' is missing", "give every record a string 'abstract'", "2112.15483"),
            (3, "record has no 'id' or 'arxiv_id'", 'add the arXiv id, e.g. "arxiv_id": "2201.00001"', ""),
            (4, "field 'title' is missing", "give every record a string 'title'", "2201.00104"),
            (
                5,
                "line is a JSON list, not an object",
                'write one {"id": ..., "title": ..., "abstract": ...} object a line',
                "",
            ),
        ],
    ),
    "non-utf8.md": (
        3,
        2,
        [(5, "line is not valid UTF-8", "re-encode the file as UTF-8, e.g. iconv -f latin1 -t utf-8", None)],
    ),
    "truncated.jsonl.gz": (
        25,
        24,
        [
            (
                25,
                "input ends early: Compressed file ended before the end-of-stream marker was reached",
                "the papers before this line were read; re-create or re-download the file",
                "",
            )
        ],
    ),
    "truncated.md": (
        3,
        2,
        [
            (
                6,
                "input ends early, inside a paper header",
                "the papers before this line were read; re-create or re-download the file",
                "",
            )
        ],
    ),
}
# the arXiv ids a person reading each file can see (a record cut off before its id is not counted)
IDS_IN_FILE = {
    "bad-json.jsonl": {"2112.15589", "2112.15571", "2112.15509"},
    "crlf.md": {"2112.15589", "2112.15571", "2112.15509"},
    "duplicates.jsonl": {"2112.15589", "2112.15571"},
    "empty.md": set(),
    "header-without-link.md": {"2112.15589", "2112.15509"},  # paper 2's header has no link, hence no id
    "huge-abstract.jsonl.gz": {"2201.00103"},
    "malformed.atom.xml": {"2112.15589", "2112.15571", "2112.15509"},  # the 3rd entry is cut after its <id>
    "markup.jsonl": {"2201.00101", "2201.00102"},
    "missing-abstract.md": {"2112.15589", "2112.15571", "2112.15509"},
    "missing-fields.jsonl": {"2112.15509", "2112.15483", "2201.00104"},
    "non-utf8.md": {"2112.15589", "2112.15571", "2112.15509"},
    "truncated.jsonl.gz": set(),  # the ids of its complete lines: filled in below
    "truncated.md": {"2112.15589", "2112.15571"},
}


def _complete_lines_of_truncated_gzip(path: Path) -> list[bytes]:
    data = b""
    with gzip.open(path, "rb") as handle:
        try:
            while chunk := handle.read(1024):
                data += chunk
        except EOFError:
            pass
    return data.splitlines(keepends=True)


def _ids_of_json_lines(lines: list[bytes]) -> set[str]:
    ids = set()
    for line in lines:
        try:
            ids.add(json.loads(line)["arxiv_id"])
        except ValueError:  # the line cut by the truncation
            pass
    return ids


IDS_IN_FILE["truncated.jsonl.gz"] = _ids_of_json_lines(_complete_lines_of_truncated_gzip(BROKEN / "truncated.jsonl.gz"))


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED) == sorted(IDS_IN_FILE)


# ------------------------------------------------------------------------------------ shared extractor
@pytest.fixture(scope="module")
def rules():
    from kg.extract import Extractor

    return Extractor(Config(use_model=False))


def _extractor(rules, config: Config):
    """The shared rules-only extractor with another config (only max_abstract_chars may differ)."""
    assert not config.use_model
    clone = copy.copy(rules)
    clone.config = config
    return clone


@pytest.fixture
def shared_extractor(rules, monkeypatch: pytest.MonkeyPatch):
    """``kg.build`` (and so ``kg build``) gets the shared extractor instead of building its own."""
    from kg.build import parallel

    monkeypatch.setattr(parallel, "Extractor", lambda config=CONFIG: _extractor(rules, config))
    return rules


@pytest.fixture(scope="module")
def config_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("config") / "kg.toml"
    path.write_text(f"[kg]\nmax_abstract_chars = {MAX_CHARS}\n", encoding="utf-8")
    return path


def _expected_rejects(name: str) -> list[tuple[int, str, str, str | None]]:
    src = str(BROKEN / name)
    return [
        (line, reason.replace("{src}", src), hint.replace("{src}", src), id_)
        for line, reason, hint, id_ in EXPECTED[name][2]
    ]


def _assert_rejects(rejects: list[dict], name: str) -> None:
    expected = _expected_rejects(name)
    assert len(rejects) == len(expected), rejects
    for got, (line, reason, hint, id_) in zip(sorted(rejects, key=lambda r: r["line"]), expected):
        assert got["source"] == str(BROKEN / name)
        assert got["line"] == line, got
        assert reason in got["reason"], got
        assert hint in got["hint"], got
        if id_ is not None:
            assert got["id"] == id_, got


def _as_dict(reject: Reject) -> dict:
    return {
        "source": reject.source,
        "line": reject.line,
        "reason": reject.reason,
        "hint": reject.hint,
        "id": reject.id,
        "excerpt": reject.excerpt,
    }


# ------------------------------------------------------------------------------------------- per file
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_run_counts_and_rejects(name: str, rules) -> None:
    read, built, _ = EXPECTED[name]
    result = pipeline.run([BROKEN / name], CONFIG, extractor=_extractor(rules, CONFIG))
    summary = result.summary()
    assert (summary["read"], summary["papers"], summary["rejected"]) == (read, built, read - built)
    assert summary["read"] == summary["papers"] + summary["rejected"]
    _assert_rejects([_as_dict(r) for r in result.rejects], name)
    assert result.warnings == ([f"{BROKEN / name}: no papers found (empty input?)"] if read == 0 else [])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_summary_rejects_file_and_strict(
    name: str, shared_extractor, config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    read, built, _ = EXPECTED[name]
    path = str(BROKEN / name)
    code = main(["build", path, "-o", str(tmp_path), "--no-model", "--no-html", "--config", str(config_file)])
    out, err = capsys.readouterr()
    assert code == 0  # rejects alone never fail a build without --strict
    assert SUMMARY.search(out).groups() == (str(read), str(built), str(read - built)), out
    lines = (tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    _assert_rejects([json.loads(line) for line in lines], name)
    printed = [line for line in err.splitlines() if line.startswith("rejected: ")]
    assert len(printed) == len(lines)
    for line, reason, hint, _ in _expected_rejects(name):
        assert any(p.startswith(f"rejected: {path}:{line}: ") and reason in p and f"({hint}" in p for p in printed), err
    assert ("warning: " in err) == (read == 0)
    assert (tmp_path / "graph.ttl").is_file() and (tmp_path / "mentions.jsonl").is_file()

    code = main(
        [
            "build",
            path,
            "-o",
            str(tmp_path / "strict"),
            "--no-model",
            "--no-html",
            "--strict",
            "--config",
            str(config_file),
        ]
    )
    capsys.readouterr()
    assert code == (1 if read > built else 0)


def test_non_utf8_reject_names_the_paper(rules) -> None:
    """The header (line 4) was read and has the id; the reject of its abstract line should carry it.

    Fix: kg/ingest/listing.py ``_Entry.finish``: when ``self.bad`` is set and ``parse_arxiv_id(self.url)`` gives an
    id, return ``dataclasses.replace(self.bad, id=parsed[0])``."""
    (reject,) = [r for r in read_records([BROKEN / "non-utf8.md"]) if isinstance(r, Reject)]
    assert (reject.line, reject.id) == (5, "2112.15571")


def test_truncated_listing_says_the_file_ends_early() -> None:
    """The last line is a header cut off without a line end: the file was truncated, not written without a
    link; the hint should say to re-create the file (as for a truncated .gz), not to add a link."""
    (reject,) = [r for r in read_records([BROKEN / "truncated.md"]) if isinstance(r, Reject)]
    assert reject.line == 6
    assert "ends early" in reject.reason
    assert "re-create or re-download the file" in reject.hint


def test_malformed_atom_reject_names_the_entry_it_cut() -> None:
    """The third <entry> was cut after its <id>: the reject should carry that id so nothing is lost silently."""
    rejects = [r for r in read_records([BROKEN / "malformed.atom.xml"]) if isinstance(r, Reject)]
    assert [r.id for r in rejects] == ["2112.15509"]


# ------------------------------------------------------------------------------------ all files at once
@pytest.fixture(scope="module")
def all_built(tmp_path_factory, config_file: Path) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("all")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "build",
            *sorted(map(str, BROKEN.iterdir())),
            "-o",
            str(out),
            "--no-model",
            "--no-html",
            "--strict",
            "--config",
            str(config_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc, out


def test_all_together_read_is_built_plus_rejected(all_built) -> None:
    proc, out = all_built
    assert proc.returncode == 1, proc.stderr  # --strict with rejects
    assert "Traceback" not in proc.stderr
    read, built, rejected = map(int, SUMMARY.search(proc.stdout).groups())
    assert read == built + rejected
    assert read == sum(r for r, _, _ in EXPECTED.values())
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rejects) == rejected
    assert all(r["reason"] and r["hint"] and r["line"] >= 1 and Path(r["source"]).parent == BROKEN for r in rejects)
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    assert len(set(graph.objects(None, rdf.KGO.arxivId))) == built
    assert f"warning: {BROKEN / 'empty.md'}: no papers found" in proc.stderr


def test_all_together_every_id_read_is_built_or_rejected(all_built) -> None:
    _, out = all_built
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    in_graph = {str(o) for o in graph.objects(None, rdf.KGO.arxivId)}
    rejects_text = (out / "rejects.jsonl").read_text(encoding="utf-8")
    rejected = {json.loads(line)["id"] for line in rejects_text.splitlines()}
    missing = {
        name: sorted(ids - in_graph - rejected) for name, ids in IDS_IN_FILE.items() if ids - in_graph - rejected
    }
    assert missing == {}, "ids read but neither built nor named by a reject"


def test_duplicate_messages_read_well() -> None:
    """An unversioned record is not 'v0', and 'an older'. Fix in kg/ingest/__init__.py ``dedupe``: name versions
    with ``_v(n)`` = ``f"v{n}"`` or ``"no version"``, and write ``an older version``."""
    records = [
        Paper("2201.00001", None, "T", "A.", source="a.jsonl", line=1),
        Paper("2201.00001", 2, "T", "A.", source="b.jsonl", line=1),
        Paper("2201.00001", None, "T", "A.", source="c.jsonl", line=1),
    ]
    reasons = [r.reason for r in dedupe(records) if isinstance(r, Reject)]
    assert len(reasons) == 2
    assert not any("v0" in r or " a older" in r for r in reasons), reasons


# ------------------------------------------------------------------------------ text kept as read
def _field_texts(graph_file: Path) -> dict[str, dict[str, str]]:
    graph = Graph().parse(graph_file, format="turtle")
    out = {}
    for paper, _, id_ in graph.triples((None, rdf.KGO.arxivId, None)):
        out[str(id_)] = {
            "title": str(graph.value(paper, DCTERMS.title)),
            "abstract": str(graph.value(paper, DCTERMS.abstract)),
        }
    return out


def _assert_offsets_point_at_text(out: Path, texts: dict[str, dict[str, str]]) -> int:
    n = 0
    for line in (out / "mentions.jsonl").read_text(encoding="utf-8").split("\n")[:-1]:  # not splitlines(): U+2028
        row = json.loads(line)
        assert row["title"] == texts[row["id"]]["title"]
        for m in row["mentions"]:
            assert texts[row["id"]][m["field"]][m["start"] : m["end"]] == m["text"], m
            assert m["sentence"] in texts[row["id"]][m["field"]]
            n += 1
    return n


def test_crlf_text_is_kept_as_read(rules, tmp_path: Path) -> None:
    lf = tmp_path / "lf.md"
    lf.write_bytes((BROKEN / "crlf.md").read_bytes().replace(b"\r\n", b"\n"))
    crlf = [r for r in read_records([BROKEN / "crlf.md"])]
    assert all(isinstance(p, Paper) for p in crlf)
    assert [(p.id, p.title, p.abstract, p.date, p.line) for p in crlf] == [
        (p.id, p.title, p.abstract, p.date, p.line) for p in read_records([lf])
    ]
    assert not any("\r" in p.title + p.abstract for p in crlf)
    raw = (BROKEN / "crlf.md").read_bytes().decode("utf-8")  # not read_text: it would turn CRLF into LF
    for p in crlf:
        assert f"{p.title}  [ :arrow_down: ]" in raw and f">  {p.abstract}" in raw
    pipeline.build(
        [BROKEN / "crlf.md"], tmp_path / "out", CONFIG, records=True, extractor=_extractor(rules, CONFIG), html=False
    )
    texts = _field_texts(tmp_path / "out" / "graph.ttl")
    assert {k: v["title"] for k, v in texts.items()} == {p.id: p.title for p in crlf}
    assert _assert_offsets_point_at_text(tmp_path / "out", texts) > 0


# bytes, split on b"\n" only: str.splitlines() would also split at the raw U+2028 in a title
MARKUP = {
    json.loads(line)["arxiv_id"]: json.loads(line)
    for line in (BROKEN / "markup.jsonl").read_bytes().split(b"\n")
    if line
}


@pytest.fixture(scope="module")
def markup_out(rules, tmp_path_factory) -> Path:
    """markup.jsonl through the real pipeline, every output written (the HTML view too)."""
    out = tmp_path_factory.mktemp("markup")
    pipeline.build([BROKEN / "markup.jsonl"], out, CONFIG, records=True, extractor=_extractor(rules, CONFIG), html=True)
    return out


def test_markup_text_is_kept_exactly_and_escaped_in_every_format(markup_out: Path, tmp_path: Path) -> None:
    texts = _field_texts(markup_out / "graph.ttl")
    assert texts == {i: {"title": r["title"], "abstract": r["abstract"]} for i, r in MARKUP.items()}
    assert _assert_offsets_point_at_text(markup_out, texts) > 0
    graph = Graph().parse(markup_out / "graph.ttl", format="turtle")
    rdf.write_ntriples(graph, tmp_path / "g.nt")
    rdf.write_jsonld(graph, tmp_path / "g.jsonld")
    import pyoxigraph

    for path, fmt in ((tmp_path / "g.nt", "nt"), (tmp_path / "g.jsonld", "json-ld")):
        back = Graph().parse(path, format=fmt)
        for id_, record in MARKUP.items():
            paper = rdf.paper_iri(id_)
            assert back.value(paper, DCTERMS.title) == Literal(record["title"])
            assert back.value(paper, DCTERMS.abstract) == Literal(record["abstract"])
    for path, fmt in (
        (markup_out / "graph.ttl", pyoxigraph.RdfFormat.TURTLE),
        (tmp_path / "g.nt", pyoxigraph.RdfFormat.N_TRIPLES),
    ):
        titles = {
            q.object.value
            for q in pyoxigraph.parse(path.read_bytes(), format=fmt)
            if q.predicate.value == str(DCTERMS.title)
        }
        assert titles == {r["title"] for r in MARKUP.values()}
    html = (markup_out / "graph.html").read_text(encoding="utf-8")
    for hostile in ("<script>alert('x')</script>", "<img src=x", "<b>COCO</b>", "</p><img", "\u2028"):
        assert hostile not in html


def test_huge_abstract_is_kept_whole_and_extraction_truncated(rules, tmp_path: Path) -> None:
    (record,) = [json.loads(line) for line in gzip.open(BROKEN / "huge-abstract.jsonl.gz", "rt", encoding="utf-8")]
    assert len(record["abstract"]) >= 1_000_000 > Config().max_abstract_chars
    result = pipeline.build(
        [BROKEN / "huge-abstract.jsonl.gz"],
        tmp_path,
        CONFIG,
        html=False,
        records=True,
        extractor=_extractor(rules, CONFIG),
    )
    (item,) = result.mentions
    assert item.paper.abstract == record["abstract"]
    abstract_mentions = [m for m in item.mentions if m.field == "abstract"]
    assert abstract_mentions and max(m.end for m in abstract_mentions) <= MAX_CHARS
    texts = _field_texts(tmp_path / "graph.ttl")
    assert texts["2201.00103"]["abstract"] == record["abstract"]
    assert _assert_offsets_point_at_text(tmp_path, texts) > 0


# ---------------------------------------------------------------------------------- hostile records
def test_lone_surrogate_escapes_in_jsonl_are_rejected_not_a_crash(
    shared_extractor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r"""JSON can escape a lone UTF-16 surrogate (``"\ud800"``): valid JSON, but not text. Today such a title
    crashes spaCy's tokenizer and such an id crashes writing rejects.jsonl (UnicodeEncodeError).

    Fix: kg/ingest/jsonl.py ``parse_record``: reject a record whose id, title, abstract, authors or categories
    contain a character in U+D800..U+DFFF: reason ``"field 'title' has an escape (\ud800) that is not a
    character (a lone surrogate)"``, hint ``"fix or remove the escape; JSON text must be valid Unicode"``,
    excerpt/id with the surrogates replaced by U+FFFD."""
    path = tmp_path / "surrogates.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"arxiv_id": "2201.00001", "title": "We use ImageNet", "abstract": "We train ResNet on ImageNet."}',
                '{"arxiv_id": "2201.00002", "title": "A \\ud800 title", "abstract": "We use ImageNet."}',
                '{"arxiv_id": "2201.00003", "title": "T", "abstract": "lone \\udfff low surrogate"}',
                '{"arxiv_id": "bad\\ud800", "title": "T", "abstract": "A."}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    code = main(["build", str(path), "-o", str(tmp_path / "out"), "--no-model", "--no-html"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert SUMMARY.search(out).groups() == ("4", "1", "3")
    rejects = [
        json.loads(line) for line in (tmp_path / "out" / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [r["line"] for r in rejects] == [2, 3, 4]


def test_ids_with_non_ascii_digits_are_not_arxiv_ids() -> None:
    """``\\d`` matches any Unicode digit. Fix: kg/ingest/common.py ``_ARXIV_ID``: add ``re.ASCII``."""
    assert parse_arxiv_id("\u0662\u0661\u0661\u0662.\u0661\u0665\u0665\u0668\u0669") is None
    assert parse_arxiv_id("2112.15589") == ("2112.15589", None)


def test_atom_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    feed = tmp_path / "xxe.atom.xml"
    feed.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2201.00001v1</id>
<title>T &xxe;</title><summary>We use ImageNet.</summary></entry></feed>""",
        encoding="utf-8",
    )
    records = list(read_records([feed]))
    assert not any(
        "TOP-SECRET" in (r.title + r.abstract if isinstance(r, Paper) else r.reason + r.excerpt) for r in records
    )


def test_atom_entity_expansion_bomb_is_refused_quickly(tmp_path: Path) -> None:
    entities = '<!ENTITY a0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    feed = tmp_path / "bomb.atom.xml"
    feed.write_text(
        f"""<?xml version="1.0"?><!DOCTYPE feed [{entities}]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2201.00001v1</id>
<title>&a9;</title><summary>x</summary></entry></feed>""",
        encoding="utf-8",
    )
    started = time.perf_counter()
    records = list(read_records([feed]))
    assert time.perf_counter() - started < 5
    assert all(len(r.title) < 10_000_000 for r in records if isinstance(r, Paper))
    assert any(isinstance(r, Reject) for r in records)


# --------------------------------------------------------------------------------------------- SPARQL
HOSTILE_LABEL = 'Foo "Net" } { ?s ?p ?o } #'
INJECTIONS = [
    'x" } ; DROP ALL ; #',
    "x' } UNION { ?p ?q ?r } #",
    'dataset/x" } ;',
    "method/} {",
    "<http://evil>",
    "http://example.org/a b>",
    "\\u0022 }",
    "x\n} #",
]


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def hostile_kg(request):
    from kg.query import KnowledgeGraph

    paper = Paper("2201.00001", 1, 'A "paper" } {', "We use Foo Net and ImageNet.", date="2022-01-03")
    start = paper.abstract.index("Foo Net")
    mention = Mention(
        EntityType.METHOD, "abstract", start, start + 7, "Foo Net", sentence=paper.abstract, source="vocabulary"
    )
    entity = Entity("method/foo-net", EntityType.METHOD, HOSTILE_LABEL, aliases=((HOSTILE_LABEL, 1),))
    graph = rdf.to_rdflib([paper], [entity], [Link(paper.id, entity.id, Role.USES, (mention,))])
    return KnowledgeGraph.from_rdflib(graph, engine=request.param)


def _nothing_or_clean_error(call) -> None:
    """No rows, or a KGError that is not about the query text (a value pasted into it would break its syntax)."""
    try:
        rows = call()
    except KGError as err:
        message = str(err).lower()
        assert message and not any(word in message for word in ("syntax", "parse", "expected", "unexpected")), err
    else:
        assert list(rows) == []


@pytest.mark.parametrize("value", INJECTIONS)
def test_sparql_helpers_bind_values(hostile_kg, value: str) -> None:
    _nothing_or_clean_error(lambda: hostile_kg.papers(dataset=value))
    _nothing_or_clean_error(lambda: hostile_kg.papers(method=value, task=value))
    _nothing_or_clean_error(lambda: hostile_kg.papers(since=value, until=value))
    _nothing_or_clean_error(lambda: hostile_kg.related(value))
    _nothing_or_clean_error(lambda: hostile_kg.timeline(value))
    _nothing_or_clean_error(lambda: hostile_kg.evidence(value, value))


def test_hostile_label_is_found_by_binding(hostile_kg) -> None:
    assert [p.id for p in hostile_kg.papers(method=HOSTILE_LABEL)] == ["2201.00001"]
    assert [(e.text, e.start) for e in hostile_kg.evidence("2201.00001", HOSTILE_LABEL)] == [("Foo Net", 7)]
    assert hostile_kg.timeline(HOSTILE_LABEL)[0]["papers"] == 1


@pytest.mark.parametrize("type_", ['dataset" }', "x"])
def test_unknown_entity_type_is_a_clean_error(hostile_kg, type_: str) -> None:
    """Today ``related(type=...)`` and ``entity_iri(type=...)`` index ``CLASSES[type]`` and raise KeyError.
    Fix: kg/query/presets.py ``related`` and ``entity_iri``: ``if type and type not in CLASSES: raise
    unknown_name("entity type", type, list(CLASSES))``."""
    with pytest.raises(KGError, match="unknown entity type"):
        hostile_kg.related(HOSTILE_LABEL, type=type_)


# ----------------------------------------------------------------------------------- HTML in a browser
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chrome-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        f"--user-data-dir={profile}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield chrome
    finally:
        chrome.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.browser
def test_built_markup_view_shows_hostile_text_as_text(driver, markup_out: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    driver.get((markup_out / "graph.html").as_uri())
    deadline = time.monotonic() + 30
    while not driver.execute_script("return !!(window.kgView && window.kgView.ready)"):
        assert time.monotonic() < deadline, f"the view did not draw; console: {driver.get_log('browser')}"
        time.sleep(0.05)
    for id_, record in MARKUP.items():
        assert driver.execute_script(f"return window.kgView.selectNode('paper/{id_}')") is True
        time.sleep(0.2)
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text  # noqa: B018
        assert driver.execute_script("return document.querySelector('#details h2').textContent") == record["title"]
        assert record["title"] in driver.find_element("id", "details").get_property("textContent")
    assert (
        driver.execute_script("return document.querySelectorAll('img, [onerror], #details script, #details b').length")
        == 0
    )
    assert (
        driver.execute_script("return [...document.scripts].some(s => s.textContent.includes(\"alert('x')</script>\"))")
        is False
    )
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
