"""kg.specificity: names a researcher looks up against generic phrases, with the shipped weights."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kg.specificity import SpecificityModel, features, shipped_model

LABELS = Path(__file__).resolve().parents[1] / "benchmarks" / "specificity" / "labels.jsonl"


def test_umbrella_and_process_words_are_not_specific():
    model = shipped_model()
    for type_, name in [
        ("method", "neural networks"),
        ("method", "foundation models"),
        ("method", "unified framework"),
        ("task", "inference"),
        ("task", "generalization"),
        ("task", "ablation studies"),
        ("task", "downstream"),
        ("dataset", "RGB images"),
        ("dataset", "Existing"),
    ]:
        assert not model.is_specific(type_, name), (type_, name)


def test_named_things_are_specific():
    model = shipped_model()
    for type_, name, vocabulary in [
        ("dataset", "ImageNet", "curated"),
        ("dataset", "nuScenes", "pwc"),
        ("method", "ResNet-50", ""),
        ("method", "SAANet", ""),
        ("task", "pedestrian detection", "pwc"),
        ("task", "semantic segmentation", "curated"),
    ]:
        assert model.is_specific(type_, name, vocabulary=vocabulary), (type_, name)


def test_the_model_agrees_with_most_hand_judged_names():
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    model = shipped_model()
    right = sum(
        model.is_specific(r["type"], r["name"], vocabulary=r["vocabulary"]) == (r["verdict"] != "generic") for r in rows
    )
    assert right / len(rows) > 0.85  # training data: a floor, not a score (the held-out score is the trainer's)


@given(st.sampled_from(["dataset", "method", "task"]), st.text(max_size=40))
def test_probability_is_a_probability_and_features_are_stable(type_, name):
    model = shipped_model()
    p = model.probability(type_, name)
    assert 0.0 <= p <= 1.0
    assert model.is_specific(type_, name) == (p >= model.threshold)
    assert list(features(type_, name)) == list(features(type_, name))


def test_weights_load_from_a_file(tmp_path):
    path = tmp_path / "w.json"
    path.write_text(
        json.dumps({"threshold": 0.5, "weights": {"task|bias": 2.0, "method|bias": -2.0}}), encoding="utf-8"
    )
    model = SpecificityModel.load(path)
    assert model.is_specific("task", "anything") and not model.is_specific("method", "anything")
