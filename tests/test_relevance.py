"""kg.relevance, through a build of the bundled listing: what the graph keeps of each paper's mentions."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

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


@given(
    st.lists(
        st.tuples(st.sampled_from(["task", "method"]), st.floats(0.0, 1.0), st.sampled_from("abcdefgh")),
        max_size=12,
    )
)
def test_a_paper_keeps_its_most_probable_tasks_within_the_limit(links):
    model = RelevanceModel(most_per_paper={"task": (2, 0.5)})
    kept = [(i, t, p, f"{t}/{e}") for i, (t, p, e) in enumerate(links)]
    out = model.within_paper_limits(kept)
    assert out == sorted(out)  # a subset, in the order given
    dropped = [i for i in range(len(kept)) if i not in out]
    assert all(kept[i][1] == "task" and kept[i][2] < 0.5 for i in dropped)  # methods and confident tasks stay
    below = [i for i in out if kept[i][1] == "task" and kept[i][2] < 0.5]
    assert len(below) <= 2
    # nothing dropped is more probable than a task kept below the limit's threshold
    assert all(kept[d][2] <= kept[b][2] for d in dropped for b in below)


def test_the_shipped_model_keeps_few_tasks_per_paper_unless_confident():
    count, confident = shipped_model().most_per_paper["task"]
    assert 1 <= count <= 3 and shipped_model().thresholds["task"] < confident <= 1.0


def test_a_task_the_title_names_is_linked_though_worded_like_a_common_phrase(extractor, tmp_path):
    # "Gait Measurements" and "Structured Generation" read less like names than "crowd counting" does;
    # that the title names them says they are what the paper addresses
    rows = [
        {
            "id": "2601.00001",
            "title": "Frozen Backbones for Gait Measurements",
            "abstract": "We measure the gait of patients from video. A frozen backbone with a light head reads "
            "stride length and cadence. It matches a sensor mat within 3%.",
        },
        {
            "id": "2601.00002",
            "title": "Draft-Guided Decoding for Structured Generation in Language Models",
            "abstract": "Language models often break a required output format. We decode from a draft and repair "
            "it with a grammar. Outputs always parse and accuracy rises on four benchmarks.",
        },
    ]
    src = tmp_path / "papers.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    from kg.build.pipeline import run

    build = run([src], extractor.config, extractor=extractor)
    tasks = {e.label for e in build.entities if e.type is EntityType.TASK}
    assert {"Gait Measurements", "Structured Generation"} <= tasks
