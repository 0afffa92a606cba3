"""kg.relevance, through a build of the bundled listing: what the graph keeps of each paper's mentions."""

from __future__ import annotations

import json

from kg.records import EntityType, Mention, Role
from kg.relevance import RelevanceModel, link_features, shipped_model

GENERIC = {
    "deep learning",
    "machine learning",
    "classification",
    "detection",
    "segmentation",
    "inference",
    "large language model",
    "large language models",
    "neural networks",
    "natural language processing",
}


def test_generic_phrases_are_reported_but_not_linked(bundled_build):
    result, out = bundled_build
    labels = {e.label.lower() for e in result.entities}
    assert not labels & GENERIC, labels & GENERIC
    rows = [json.loads(line) for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()]
    mentions = [m for r in rows for m in r["mentions"]]
    outside = [m for m in mentions if not m["in_graph"]]
    assert outside and len(outside) < len(mentions)
    assert all(m["entity"] is None for m in outside) and all(m["entity"] for m in mentions if m["in_graph"])


def test_every_link_of_the_graph_has_an_in_graph_mention(bundled_build):
    result, out = bundled_build
    rows = {
        json.loads(line)["id"]: json.loads(line)
        for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()
    }
    for link in result.links:
        assert any(m["entity"] == link.entity_id and m["in_graph"] for m in rows[link.paper_id]["mentions"])


def test_a_task_named_in_the_title_counts_more_than_one_in_a_list_of_examples():
    model = shipped_model()
    title = Mention(
        EntityType.TASK,
        "title",
        0,
        14,
        "crowd counting",
        sentence="crowd counting with attention",
        role=Role.ADDRESSES,
        source="vocabulary",
    )
    sentence = "Transformers have been applied to image classification, detection and crowd counting."
    listed = Mention(
        EntityType.TASK,
        "abstract",
        34,
        54,
        "image classification",
        sentence=sentence,
        role=Role.ADDRESSES,
        source="vocabulary",
    )
    assert model.probability([title], 2.0) > model.probability([listed], 2.0)


def test_features_say_where_and_how_a_link_is_named():
    m = Mention(
        EntityType.DATASET,
        "abstract",
        30,
        35,
        "COCO",
        sentence="We report results on the COCO benchmark.",
        sentence_start=0,
        role=Role.USES,
        source="vocabulary",
    )
    feats = dict(link_features([m], 3.0))
    assert feats["dataset|field=abstract"] == 1.0 and feats["dataset|source=vocabulary"] == 1.0
    assert feats["dataset|cue=evaluate"] == 1.0 and feats["dataset|specificity"] == 1.0


def test_thresholds_are_per_type():
    model = RelevanceModel({"task|bias": 0.0, "method|bias": 0.0}, {"task": 0.6, "method": 0.4})
    task = Mention(EntityType.TASK, "abstract", 0, 1, "x")
    method = Mention(EntityType.METHOD, "abstract", 0, 1, "x")
    assert not model.keeps([task], 0.0) and model.keeps([method], 0.0)
