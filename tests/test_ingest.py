"""Ingest of the three formats on real text: the seed listing, an arXiv API Atom response, corpus JSONL."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import detect_format, parse_arxiv_id, read_papers, read_records
from kg.ingest.atom import parse_atom
from kg.ingest.jsonl import parse_jsonl
from kg.ingest.listing import parse_listing
from kg.records import Paper, Reject


def test_listing_reads_all_58_papers_with_exact_text(sample_listing):
    records = list(read_records([sample_listing]))
    papers = [r for r in records if isinstance(r, Paper)]
    assert len(papers) == 58 and not [r for r in records if isinstance(r, Reject)]
    first = papers[0]
    assert first.id == "2112.15589" and first.version is None and first.date == "2022-01-03"
    assert (
        first.title == "3-D Material Style Transfer for Reconstructing Unknown Appearance in Complex Natural Materials"
    )
    assert first.abstract.startswith("We propose a 3-D material style transfer framework")
    assert first.abstract.endswith("generating synthetic textures.")
    assert first.categories == ("cs.CV",) and first.line == 2
    raw = sample_listing.read_text(encoding="utf-8")
    for paper in papers:  # every title and abstract is a verbatim substring of the file
        assert paper.title in raw and paper.abstract in raw
    assert len({p.id for p in papers}) == 58


def test_atom_fixture(data_dir):
    papers = list(read_papers([data_dir / "arxiv-api.atom.xml"]))
    assert [p.id for p in papers] == ["2112.15589", "2112.15571", "2112.15509"]
    assert all(p.version == 1 for p in papers)
    assert papers[1].title.startswith("PCACE: A Statistical Approach") and "\n" in papers[1].title  # kept as read
    assert papers[1].categories == ("cs.CV", "cs.LG", "stat.ML")
    assert papers[2].authors == ("Jun Park", "Omar Haddad", "Lena Vogt")
    assert papers[0].date == "2021-12-31"
    assert papers[0].line == 10


def test_jsonl_plain_and_gzip_agree(data_dir):
    plain = list(read_papers([data_dir / "corpus-sample.jsonl"]))
    gz = list(read_papers([data_dir / "corpus-sample.jsonl.gz"]))
    assert len(plain) == 20 and [p.id for p in plain] == [p.id for p in gz]
    assert all(p.abstract and p.title and p.authors and p.date for p in plain)
    assert all("cs.CV" in p.categories for p in plain)


def test_format_by_content_and_stdin(data_dir):
    body = (data_dir / "corpus-sample.jsonl").read_bytes()
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom kg.ingest import read_papers\nprint(sum(1 for _ in read_papers(['-'])))",
        ],
        input=body,
        capture_output=True,
        check=True,
    )
    assert run.stdout.strip() == b"20"
    assert detect_format("noext", b'{"id"') == "jsonl"
    assert detect_format("noext", b"<?xml") == "atom"
    assert detect_format("noext", b"### 1.T") == "listing"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="cannot open input") as info:
        list(read_records([tmp_path / "nope.md"]))
    assert str(tmp_path / "nope.md") in str(info.value)


def test_versions_and_duplicates_keep_one_paper_and_reject_the_rest():
    rows = [
        b'{"id": "2201.00001v1", "title": "T", "abstract": "A"}\n',
        b'{"id": "2201.00001v2", "title": "T2", "abstract": "A2"}\n',
        b'{"id": "2201.00001v2", "title": "T2", "abstract": "A2"}\n',
    ]
    from kg.ingest import dedupe

    records = list(dedupe(parse_jsonl(rows, "x.jsonl")))
    papers = [r for r in records if isinstance(r, Paper)]
    rejects = [r for r in records if isinstance(r, Reject)]
    assert papers[-1].version == 2
    assert [r.line for r in rejects] == [1, 3]
    assert "superseded by v2" in rejects[0].reason and "duplicate" in rejects[1].reason


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2201.00001", ("2201.00001", None)),
        ("2201.00001v12", ("2201.00001", 12)),
        ("https://arxiv.org/pdf/2112.15589.pdf", ("2112.15589", None)),
        ("math.GT/0309136v2", ("math.GT/0309136", 2)),
        ("arXiv:1706.03762", ("1706.03762", None)),
        ("12345", None),
        ("", None),
    ],
)
def test_arxiv_ids(text, expected):
    assert parse_arxiv_id(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_parsers_never_crash_on_bytes(data):
    for parse in (parse_listing, parse_jsonl):
        for record in parse(io.BytesIO(data), "fuzz"):
            assert isinstance(record, (Paper, Reject))
    for record in parse_atom([data], "fuzz"):
        assert isinstance(record, (Paper, Reject))


@settings(max_examples=100, deadline=None)
@given(
    st.text(min_size=1, max_size=80).filter(
        lambda t: t.strip() and "\n" not in t and "\r" not in t and not t.startswith(("#", ">"))
    ),
    st.text(min_size=1, max_size=200).filter(lambda t: t.strip()),
)
def test_listing_keeps_title_text(title, abstract):
    line = f"### 1.{title} [ :arrow_down: ](https://arxiv.org/pdf/2201.00001.pdf)\n>  {abstract}\n".encode()
    records = list(parse_listing(io.BytesIO(line), "t.md"))
    papers = [r for r in records if isinstance(r, Paper)]
    if papers:
        assert papers[0].title == title.strip()
