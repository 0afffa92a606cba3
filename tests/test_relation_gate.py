"""The structural checks on classifier-only relations (kg.extract.relation_gate) and their effect in classify."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.extract import relation_gate
from kg.extract.relations import Model, classify, load_patterns

#: a classifier sure of every label: what is left is what the gate and the patterns decide
SURE = Model({label: {"bias": 5.0} for label in ("used-for", "evaluated-with", "benchmark-for")}, {})


def found(words: str, spans: list[tuple[int, int, str]], sure: dict | None = None) -> set[tuple]:
    return {(label, h, t) for label, h, t, _, _ in classify(words.split(), spans, SURE, load_patterns(), sure=sure)}


def test_a_clause_boundary_keeps_a_method_from_a_task_of_the_other_clause() -> None:
    words = "The authors used convolutional LSTMs , whereas we use HMMs ; speech recognition is hard"
    spans = [(3, 5, "method"), (9, 10, "method"), (11, 13, "task")]
    assert not any(label == "used-for" for label, _, _ in found(words, spans))


def test_a_decimal_point_is_no_sentence_end_but_a_full_stop_is() -> None:
    words = "CornerNet reaches 3 4 . 4 % AP on COCO . ResNet is deep".split()
    assert not relation_gate.boundary_between(words, (0, 1, "method"), (9, 10, "dataset"))
    assert relation_gate.boundary_between(words, (11, 12, "method"), (9, 10, "dataset"))


def test_a_weak_task_mention_takes_no_classifier_only_used_for() -> None:
    words = "Convolutional networks help image recognition"
    spans = [(0, 2, "method"), (3, 5, "task")]
    assert ("used-for", (0, 2, "method"), (3, 5, "task")) in found(words, spans)
    weak = {(0, 2, "method"): 0.95, (3, 5, "task"): 0.7}
    assert found(words, spans, weak) == set()


def test_a_cue_pattern_is_not_gated() -> None:
    # "for" states used-for even of a weak task mention
    spans = [(0, 1, "method"), (2, 4, "task")]
    assert ("used-for", (0, 1, "method"), (2, 4, "task")) in found(
        "YOLO for object detection", spans, {(0, 1, "method"): 0.7, (2, 4, "task"): 0.7}
    )


def test_the_relation_goes_to_the_long_form_not_the_parenthesised_abbreviation() -> None:
    words = "Global Convolutional Network ( GCN ) improves semantic segmentation"
    spans = [(0, 3, "method"), (4, 5, "method"), (7, 9, "task")]
    used = {(h, t) for label, h, t in found(words, spans) if label == "used-for"}
    assert used == {((0, 3, "method"), (7, 9, "task"))}


def test_evaluated_with_needs_a_named_method_and_no_pretraining_context() -> None:
    spans = [(0, 2, "method"), (4, 5, "dataset")]
    assert not any(label == "evaluated-with" for label, _, _ in found("random initialisation helps on Kinetics", spans))
    assert ("evaluated-with", (0, 1, "method"), (4, 5, "dataset")) in found(
        "RCN does well on Kinetics", [(0, 1, "method"), (4, 5, "dataset")]
    )
    # "pre - trained VGG net on ImageNet": trained with it, whatever a pattern says
    words = "we use the pre - trained VGG net on ImageNet"
    relations = found(words, [(6, 8, "method"), (9, 10, "dataset")])
    assert not any(label == "evaluated-with" for label, _, _ in relations)


def test_a_crowded_sentence_keeps_only_what_patterns_state() -> None:
    # a table row: five methods and four datasets
    words = "FCN 6 7 COCO DeepLab 7 1 CUHK CRF 7 4 VOC LRR 7 9 ADE PSP 8 0"
    spans = [(0, 1, "method"), (3, 4, "dataset"), (4, 5, "method"), (7, 8, "dataset"), (8, 9, "method")]
    spans += [(11, 12, "dataset"), (12, 13, "method"), (15, 16, "dataset"), (16, 17, "method")]
    assert found(words, spans) == set()
    assert found("FCN scores 6 7 on COCO", [(0, 1, "method"), (5, 6, "dataset")])


@given(st.lists(st.sampled_from(["for", "with", ",", "and", "whereas", ";", ".", "on", "3", "the"]), max_size=8))
def test_a_boundary_is_found_exactly_when_one_lies_between(between: list[str]) -> None:
    words = ["A", *between, "B"]
    n = len(words)
    expected = any(
        w in {"whereas", ";"} or w == "." and not (words[i][-1:].isdigit() and words[i + 2][:1].isdigit())
        for i, w in enumerate(between)
    )
    assert relation_gate.boundary_between(words, (0, 1, "method"), (n - 1, n, "task")) == expected
