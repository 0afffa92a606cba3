"""Relations between a title's method and the abstract's entities (kg.extract.relation_title), on real
abstracts (tests/data/title-relations.jsonl, two corpus papers, CC0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.config import Config
from kg.extract import Extractor
from kg.extract.relation_title import references, through_reference
from kg.records import Paper

DATA = Path(__file__).parent / "data" / "title-relations.jsonl"


@pytest.fixture(scope="module")
def extracted() -> dict[str, object]:
    extractor = Extractor(Config(relations=True))
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    papers = [Paper(r["arxiv_id"], 1, r["title"], r["abstract"]) for r in rows]
    return {item.paper.id: item for item in extractor.extract(papers)}


def test_references_are_the_noun_after_our_or_the_proposed() -> None:
    words = "we show that our proposed method beats the proposed detector and this framework".split()
    assert references(words, [], "X") == [(5, 6, "method"), (9, 10, "method"), (12, 13, "method")]
    assert references("our method".split(), [(1, 2, "method")], "X") == []  # a mention already there
    assert references("the method and X".split(), [], "X") == [(3, 4, "method")]  # the title's name


def test_only_relations_with_one_reference_pass_to_the_title() -> None:
    refs = [(3, 4, "method")]
    rel = ("evaluated-with", (3, 4, "method"), (6, 7, "dataset"), 0.8, "pattern:evaluated-with/on")
    assert through_reference(rel, refs) == ("evaluated-with", True, (6, 7, "dataset"), 0.72, rel[4] + "+title")
    assert through_reference(("synonym-of", (3, 4, "method"), (0, 2, "method"), 0.9, "x"), refs) is None
    assert through_reference(("compare-with", (0, 1, "method"), (6, 7, "method"), 0.9, "x"), refs) is None


def test_the_proposed_model_of_an_abstract_is_the_titles_method(extracted) -> None:
    item = extracted["2504.15649"]  # RepNet-VSR: "On the REDS validation set, the proposed model achieves ..."
    found = {(r.type, r.head.field, r.head.text, r.tail.field, r.tail.text): r for r in item.relations}
    r = found[("evaluated-with", "title", "RepNet-VSR", "abstract", "REDS validation set")]
    assert r.source.endswith("+title") and r.head in item.mentions and r.tail in item.mentions
    assert r.evidence is r.tail and r.evidence.sentence.startswith("On the REDS validation set")


def test_a_titles_x_for_y_is_used_for(extracted) -> None:
    for pid, method, task in (
        ("2504.15649", "RepNet-VSR", "High-Fidelity Video Super-Resolution"),
        ("2504.17791", "LiDPM", "Lidar Scene Completion"),
    ):
        stated = {(r.type, r.head.text, r.tail.text, r.tail.field) for r in extracted[pid].relations}
        assert ("used-for", method, task, "title") in stated


def test_our_method_named_again_is_not_related_to_itself(extracted) -> None:
    item = extracted[
        "2504.17791"
    ]  # "we demonstrate that our method, LiDPM, leads to better results ... on SemanticKITTI"
    assert any(
        r.head.text == "LiDPM" and r.tail.text == "SemanticKITTI" and r.head.field == "title" for r in item.relations
    )
    assert not any(r.head.text == r.tail.text for r in item.relations)


def test_the_titles_method_is_not_a_tool_it_names_with_with() -> None:
    import spacy

    from kg.extract.relation_title import title_method

    doc = spacy.blank("en")("Learning to Look : Cognitive Attention Alignment with Vision-Language Models")
    tool = doc.char_span(doc.text.index("Vision"), len(doc.text), label="METHOD")
    own = doc.char_span(doc.text.index("Cognitive"), doc.text.index(" with"), label="METHOD")
    assert title_method(doc, [tool], len(doc.text), {}) == tool  # the only method is still the title's
    assert title_method(doc, [tool, own], len(doc.text), {}) == own
