"""Relations: the cue patterns, the kg_relations component, the extract contract and the SciER scoring."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.config import Config
from kg.evaluate import PRF
from kg.extract import Extractor
from kg.extract.relations import LABELS, SIGNATURES, Model, classify, load_patterns, match_patterns, pair_features
from kg.records import Paper
from kg.relation_eval import read_relation_gold, score_relations


@pytest.fixture(scope="module")
def rel_extractor() -> Extractor:
    return Extractor(Config(relations=True))


def labels(sentence: str, head: tuple[int, int, str], tail: tuple[int, int, str]) -> list[str]:
    return [h.label for h in match_patterns(sentence.split(), head, tail)]


def test_patterns_are_data_with_unique_ids_covering_every_label() -> None:
    patterns = load_patterns()
    assert len({p.id for p in patterns}) == len(patterns)
    assert {p.label for p in patterns} == set(LABELS)
    assert all(p.label in SIGNATURES.get((p.head, p.tail), LABELS) for p in patterns)


def test_pattern_directions_follow_scier() -> None:
    # an abbreviation in parentheses is the head of synonym-of
    assert labels("Region Proposal Network ( RPN )", (4, 5, "method"), (0, 3, "method")) == ["synonym-of"]
    assert labels("Region Proposal Network ( RPN )", (0, 3, "method"), (4, 5, "method")) == []
    assert "trained-with" in labels("ResNet pre-trained on ImageNet", (0, 1, "method"), (3, 4, "dataset"))
    assert labels("datasets such as COCO for object detection", (3, 4, "dataset"), (5, 7, "task")) == ["benchmark-for"]
    assert labels("ResNet outperforms VGG", (0, 1, "method"), (2, 3, "method")) == ["compare-with"]
    assert labels("ResNet outperforms VGG", (2, 3, "method"), (0, 1, "method")) == []
    # a dataset is never used-for a task by a method pattern
    assert labels("COCO for object detection", (0, 1, "dataset"), (2, 4, "task")) == ["benchmark-for"]


def test_features_see_order_and_words_between() -> None:
    hf = pair_features("YOLO on COCO".split(), (0, 1, "method"), (2, 3, "dataset"))
    tf = pair_features("COCO with YOLO".split(), (2, 3, "method"), (0, 1, "dataset"))
    assert "order=hf" in hf and "w=on" in hf and "order=tf" in tf and "w=with" in tf


def test_a_list_shares_the_relation_of_its_first_member() -> None:
    words = "We evaluate PointPillars on KITTI , nuScenes and Waymo".split()
    spans = [(2, 3, "method"), (4, 5, "dataset"), (6, 7, "dataset"), (8, 9, "dataset")]
    found = classify(words, spans, Model({}, {}), load_patterns())
    assert {(label, h, t) for label, h, t, _, _ in found} == {
        ("evaluated-with", (2, 3, "method"), (4, 5, "dataset")),
        ("evaluated-with", (2, 3, "method"), (6, 7, "dataset")),
        ("evaluated-with", (2, 3, "method"), (8, 9, "dataset")),
    }


def test_extract_gives_relations_between_the_papers_mentions(rel_extractor: Extractor) -> None:
    paper = Paper(
        "2201.00001",
        1,
        "PointPillars: fast encoders for object detection from point clouds",
        "We propose PointPillars for 3D object detection. We evaluate PointPillars on the KITTI dataset.",
    )
    item = rel_extractor.extract_one(paper)
    assert item.relations
    found = {(r.type, r.head.text, r.tail.text) for r in item.relations}
    assert ("evaluated-with", "PointPillars", "KITTI") in found
    for r in item.relations:
        assert r.head in item.mentions and r.tail in item.mentions
        assert r.type in SIGNATURES[(r.head.type.value, r.tail.type.value)]
        assert r.evidence.sentence in (r.head.sentence, r.tail.sentence) and 0 < r.confidence <= 1
        assert r.head.sentence == r.tail.sentence or r.source.endswith("+title")
        assert paper.text(r.head.field)[r.head.start : r.head.end] == r.head.text


def test_relations_are_skipped_when_turned_off() -> None:
    """On by default (every build states them); ``Config(relations=False)`` (``kg build --no-relations``,
    ``kg extract`` without ``--relations``) skips them."""
    paper = Paper("2201.00001", 1, "T", "We evaluate PointPillars on the KITTI dataset.")
    assert Config().relations and Extractor(Config()).extract_one(paper).relations
    assert Extractor(Config(relations=False)).extract_one(paper).relations == ()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "YOLO",
                "COCO",
                "on",
                "for",
                "object detection",
                "(",
                ")",
                "outperforms",
                "ResNet",
                "trained",
                "such as",
                ",",
                "and",
                "we",
                "the",
            ]
        ),
        min_size=2,
        max_size=14,
    )
)
def test_relations_always_join_mentions_of_allowed_types(rel_extractor: Extractor, words: list[str]) -> None:
    item = rel_extractor.extract_one(Paper("2201.00002", 1, "A title", " ".join(words) + "."))
    for r in item.relations:
        assert r.type in SIGNATURES[(r.head.type.value, r.tail.type.value)]
        assert r.head != r.tail


def test_read_both_scier_formats(data_dir) -> None:
    gold = read_relation_gold(data_dir / "relations-gold.jsonl")
    assert [s.text.split()[0] for s in gold] == ["We", "Region", "ResNet"]
    first = gold[0]
    assert [(lab, first.text[h[0] : h[1]], first.text[t[0] : t[1]]) for lab, h, t in first.relations] == [
        ("evaluated-with", "PointPillars", "KITTI"),
        ("evaluated-with", "PointPillars", "nuScenes"),
    ]
    assert {r[0] for r in gold[2].relations} == {"compare-with", "used-for"}


def test_strict_needs_exact_arguments_relaxed_needs_overlap(data_dir) -> None:
    gold = read_relation_gold(data_dir / "relations-gold.jsonl")[:1]
    (lab, h, t), _ = gold[0].relations
    s = score_relations(gold, [[(lab, (h[0], h[1] - 2, h[2]), t), ("compare-with", h, t)]])
    assert s["evaluated-with"].strict == PRF(0, 1, 2)
    assert s["evaluated-with"].relaxed == PRF(1, 1, 2)
    assert s["all"].relaxed == PRF(1, 2, 2)
    assert score_relations(gold, [list(gold[0].relations)])["all"].strict.f1 == 1.0


def test_cli_extract_relations_and_eval(data_dir, tmp_path, capsys) -> None:
    from kg.cli import main

    out = tmp_path / "m.jsonl"
    assert main(["extract", "--relations", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    relations = [r for rec in records for r in rec.get("relations", [])]
    assert relations and set(relations[0]) == {"type", "head", "tail", "confidence", "sentence", "source"}
    assert set(relations[0]["head"]) == {"field", "start", "end", "text", "entity"}
    assert all(r["type"] in LABELS for r in relations) and len(records) == 58
    titles = {rec["id"]: rec["title"] for rec in records}
    assert any(r["head"]["entity"] for r in relations)
    assert all(
        r["head"]["field"] != "title" or r["head"]["text"] in titles[rec["id"]]
        for rec in records
        for r in rec.get("relations", [])
    )
    capsys.readouterr()
    assert main(["eval", "--relations", "--gold", str(data_dir / "relations-gold.jsonl")]) == 0
    printed = capsys.readouterr().out
    assert "end-to-end (3 sentences)" in printed and "gold-entities (3 sentences)" in printed


def test_synonym_of_has_the_shorter_name_as_head() -> None:
    # a classifier sure of synonym-of both ways still states it only from the abbreviation
    words = "We propose MEMO ( Memory-augmented MOdel context optimization ) today".split()
    sure = Model({"synonym-of": {"bias": 5.0}}, {})
    found = classify(words, [(2, 3, "method"), (4, 8, "method")], sure, load_patterns())
    assert [(label, h, t) for label, h, t, _, _ in found] == [("synonym-of", (2, 3, "method"), (4, 8, "method"))]


def test_a_pattern_that_needs_on_before_the_dataset() -> None:
    # "On ArtEdit-Bench, JarvisEvo outperforms ..." states an evaluation; a list "DeLiVER, FMB" does not
    assert labels("On ArtEdit-Bench , JarvisEvo outperforms", (3, 4, "method"), (1, 2, "dataset")) == ["evaluated-with"]
    assert labels("benchmarks DeLiVER , FMB , and MUSES", (3, 4, "method"), (1, 2, "dataset")) == []


def test_no_synonym_when_the_short_name_does_not_abbreviate_the_long_one() -> None:
    sure = Model({"synonym-of": {"bias": 5.0}}, {})
    words = "combines vision transformers ( EVA02 ) with a hybrid".split()
    assert classify(words, [(1, 3, "method"), (4, 5, "method")], sure, load_patterns()) == []


def test_a_task_that_names_a_thing_takes_no_relation() -> None:
    words = "ProactiveEval : A Unified Evaluation Framework for Proactive Dialogue Agents".split()
    found = classify(words, [(0, 1, "method"), (7, 10, "task")], Model({}, {}), load_patterns(), title=True)
    assert found == []


def test_a_survey_or_a_model_that_inspired_others_is_not_used_for_the_task() -> None:
    title = "KD4MT : A Survey of Knowledge Distillation for Machine Translation"
    assert match_patterns(title.split(), (0, 1, "method"), (8, 10, "task"), title=True) == []
    title = "MSAD-Net : Multiscale and Spatial Attention-based Dense Network for Lung Cancer Classification"
    assert [h.label for h in match_patterns(title.split(), (0, 1, "method"), (9, 12, "task"), title=True)] == [
        "used-for"
    ]
    assert labels("multimodal reasoning models , inspired by DeepSeek-R1", (6, 7, "method"), (0, 2, "task")) == []
    assert labels("object detection driven by YOLO", (4, 5, "method"), (0, 2, "task")) == ["used-for"]


def test_eval_reads_each_gold_sentence_as_one_sentence(rel_extractor: Extractor) -> None:
    # SciER's tokenised text spaces out decimal points: "3 4 . 4" must not end the sentence
    from kg.evaluate import GoldSpan
    from kg.relation_eval import RelSentence, predict

    text = "CornerNet reaches 3 4 . 4 % AP on COCO"
    head, tail = (0, 9, "method"), (text.index("COCO"), len(text), "dataset")
    gold = [RelSentence("s", text, (GoldSpan(*head), GoldSpan(*tail)), (("evaluated-with", head, tail),))]
    for gold_entities in (True, False):
        assert ("evaluated-with", head, tail) in predict(gold, rel_extractor.nlp, gold_entities)[0]
