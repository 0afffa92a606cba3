"""Extraction on real text: the bundled listing and sentences written the way abstracts are."""

from __future__ import annotations

import re

import pytest

from kg.config import Config
from kg.extract import Extractor
from kg.extract.abbreviations import best_long_form, find_abbreviations, is_short_form
from kg.extract.rules import is_name_like
from kg.records import EntityType, Paper, Role


@pytest.fixture(scope="module")
def rules_only():
    return Extractor(Config(use_model=False))


def paper(title: str, abstract: str) -> Paper:
    return Paper(id="2201.00001", version=1, title=title, abstract=abstract)


def test_every_title_that_names_its_method_gets_proposes(bundled_build):
    """`Name: description` titles, decided by the title's form alone (no paper is named here)."""
    result, _ = bundled_build
    checked = 0
    for item in result.mentions:
        match = re.match(r"^([^:\s]+):\s", item.paper.title)
        if not match or not is_name_like(match.group(1)):
            continue
        name = match.group(1)
        about_data = re.search(r"\b(dataset|benchmark|corpus)\b", item.paper.title, re.IGNORECASE)
        wanted = (EntityType.DATASET, Role.INTRODUCES) if about_data else (EntityType.METHOD, Role.PROPOSES)
        hits = [m for m in item.mentions if m.field == "title" and m.text == name]
        assert hits, f"{item.paper.id}: {name!r} not found in the title"
        assert (hits[0].type, hits[0].role) == wanted, (item.paper.id, name, hits[0])
        checked += 1
    assert checked >= 5


def test_offsets_and_sentences_point_into_the_fields(bundled_build):
    result, _ = bundled_build
    for item in result.mentions:
        for m in item.mentions:
            text = item.paper.text(m.field)
            assert text[m.start : m.end] == m.text
            assert text[m.sentence_start : m.sentence_end] == m.sentence
            assert m.sentence_start <= m.start and m.end <= m.sentence_end


def test_abbreviation_links_long_and_short_form_and_proposes(rules_only):
    item = rules_only.extract_one(
        paper(
            "Counting People in Crowds",
            "We propose a Scene-Adaptive Attention Network (SAANet) for crowd counting. SAANet is trained end to end.",
        )
    )
    forms = {(m.text, m.type, m.role) for m in item.mentions}
    assert ("Scene-Adaptive Attention Network", EntityType.METHOD, Role.PROPOSES) in forms
    assert ("SAANet", EntityType.METHOD, Role.PROPOSES) in forms
    short = [m for m in item.mentions if m.text == "SAANet"]
    assert len(short) == 2 and short[0].long_form == "Scene-Adaptive Attention Network"


def test_known_methods_and_datasets_are_used_not_proposed(rules_only):
    item = rules_only.extract_one(
        paper("Better Detectors", "We train a ResNet-50 backbone and report results on the COCO and KITTI datasets.")
    )
    roles = {m.text: (m.type, m.role) for m in item.mentions}
    assert roles["COCO"] == (EntityType.DATASET, Role.USES)
    assert roles["KITTI"] == (EntityType.DATASET, Role.USES)
    assert any(t == EntityType.METHOD and r == Role.USES for t, r in roles.values())


def test_new_dataset_is_introduced(rules_only):
    item = rules_only.extract_one(
        paper(
            "A New Benchmark",
            "We introduce FooBar-5K, a new dataset of 5,000 annotated street scenes for depth estimation.",
        )
    )
    by_text = {m.text: m for m in item.mentions}
    assert by_text["FooBar-5K"].type == EntityType.DATASET and by_text["FooBar-5K"].role == Role.INTRODUCES
    assert by_text["depth estimation"].type == EntityType.TASK


def test_task_patterns(rules_only):
    item = rules_only.extract_one(
        paper("Transformers for Video Moment Retrieval", "We study the task of temporal sentence grounding.")
    )
    tasks = {m.text for m in item.mentions if m.type == EntityType.TASK}
    assert "Video Moment Retrieval" in tasks and "temporal sentence grounding" in tasks


def test_generic_words_are_not_mentions(rules_only):
    item = rules_only.extract_one(
        paper("On Methods", "Our method outperforms the baseline on this task and the dataset.")
    )
    assert not [m for m in item.mentions if m.text.lower() in {"our method", "method", "task", "dataset", "baseline"}]


@pytest.mark.parametrize(
    "short,window,expected",
    [
        ("CNN", "we use a convolutional neural network", "convolutional neural network"),
        ("GAN", "generative adversarial network", "generative adversarial network"),
        ("ViT", "the Vision Transformer", "Vision Transformer"),
    ],
)
def test_schwartz_hearst(short, window, expected):
    assert best_long_form(short, window) == expected


def test_a_long_form_leaves_latex_markup_out():
    text = r"We propose \emph{Draft-Conditioned Constrained Decoding (DCCD)} and \textit{Mixture of Personas} (MoP)."
    found = {a.short: (a.long, text[a.long_start : a.long_end]) for a in find_abbreviations(text)}
    assert found["DCCD"] == ("Draft-Conditioned Constrained Decoding",) * 2
    assert found["MoP"] == ("Mixture of Personas",) * 2


def test_abbreviations_ignore_citations_and_asides():
    assert find_abbreviations("accuracy improves (see Fig. 3) over (2019) work (ours)") == []
    assert not is_short_form("e.g.") and is_short_form("R-CNN")


def test_model_pipeline_finds_unseen_names(extractor):
    """The trained NER finds names that no vocabulary lists (a made-up method on a made-up dataset)."""
    if not extractor.config.use_model:
        pytest.skip("model disabled")
    item = extractor.extract_one(
        paper(
            "Zorblax: Efficient Zero-Shot Segmentation",
            "We propose Zorblax, a lightweight transformer for zero-shot semantic segmentation, "
            "and evaluate it on the QuuxScenes benchmark, where it outperforms Mask2Former.",
        )
    )
    found = {m.text for m in item.mentions}
    assert "Zorblax" in found and "QuuxScenes" in found


def test_pipeline_tokenizes_like_a_fresh_tokenizer(rules_only):
    """Adding ~21,000 phrase patterns must not change (or slow down) how abstracts are tokenized:
    the pipeline keeps the tokenizer that never saw the patterns."""
    import spacy

    text = "We train Mask R-CNN (ResNet-50) on COCO-2017 and ImageNet-1k; see https://x.org/a_b. e.g. it's 3x faster."
    fresh = spacy.blank("en").tokenizer
    assert [t.text for t in rules_only.nlp.make_doc(text)] == [t.text for t in fresh(text)]


def test_cue_phrases_find_what_the_token_patterns_describe(rules_only):
    """Cues that are plain word sequences run on a PhraseMatcher; optional words still match both ways."""
    with_as = rules_only.extract_one(paper("A study", "We evaluate on tasks such as image captioning and more."))
    without = rules_only.extract_one(paper("A study", "We evaluate on tasks including image captioning and more."))
    for item in (with_as, without):
        assert "image captioning" in {m.text for m in item.mentions if m.type == EntityType.TASK}


def test_a_phrase_after_a_cue_keeps_its_hyphenated_words(rules_only):
    """A hyphen inside a word does not end the phrase "tasks such as" names; a spaced dash still does."""
    item = rules_only.extract_one(
        paper("A study", "We test downstream tasks such as zero-shot image classification - and more.")
    )
    tasks = {m.text for m in item.mentions if m.type == EntityType.TASK}
    assert "zero-shot image classification" in tasks
    assert "zero" not in tasks


def test_a_number_alone_is_not_spread_as_a_name(rules_only):
    """Propagation copies a found name to its other occurrences; a bare number names nothing."""
    item = rules_only.extract_one(paper("A study", "We test on the 1000 dataset with 1000 images and 1000 classes."))
    assert not [m for m in item.mentions if m.source == "propagation" and m.text == "1000"]


def test_generic_task_word_yields_to_a_longer_task(rules_only):
    """A bare vocabulary task ("classification") never beats a more specific task found around it."""
    item = rules_only.extract_one(paper("A study", "We address image classification and also classification."))
    tasks = [m.text for m in item.mentions if m.type == EntityType.TASK]
    assert "image classification" in [t.lower() for t in tasks] and "classification" in tasks


def test_latex_markup_is_not_part_of_a_name(extractor):
    paper = Paper(
        "latex",
        None,
        "Personas for agents",
        r"We propose \textit{Mixture of Personas} (MoP) and \emph{Draft-Conditioned Constrained Decoding}.",
    )
    texts = [m.text for m in extractor.extract_one(paper).mentions]
    assert "Mixture of Personas" in texts and "Draft-Conditioned Constrained Decoding" in texts
    assert not [t for t in texts if "\\" in t or "{" in t]


def test_a_title_for_two_tasks_names_both(rules_only):
    item = rules_only.extract_one(
        paper("Learning Dense Attention for Depth Estimation and Image Deblurring", "We test.")
    )
    tasks = {m.text for m in item.mentions if m.type == EntityType.TASK and m.field == "title"}
    assert {"Depth Estimation", "Image Deblurring"} <= tasks
    assert not any(" and " in t for t in tasks)


def test_a_title_for_a_prognosis_or_a_simulation_names_a_task(rules_only):
    for title, task in (
        ("Hypergraph Learning with Privileged Knowledge for Ependymoma Prognosis", "Ependymoma Prognosis"),
        ("Mixture-of-Personas Language Models for Population Simulation", "Population Simulation"),
    ):
        item = rules_only.extract_one(paper(title, "We study it."))
        assert task in {m.text for m in item.mentions if m.type == EntityType.TASK}, title


def test_a_name_ending_in_a_size_or_a_capital_is_one_token(rules_only):
    doc = rules_only.nlp("We build Fishbone-136K from 10K meshes, test on HRBench8K. We train on ImageNet-1K.")
    words = [t.text for t in doc]
    assert {"Fishbone-136K", "HRBench8K", "ImageNet-1K"} <= set(words)
    assert words[words.index("10") + 1] == "K"  # a number's unit is still split off
    assert [t.text for t in doc if t.is_sent_start] == ["We", "We"]


def test_a_name_ending_in_a_capital_lets_go_of_the_full_stop(rules_only):
    doc = rules_only.nlp("Our study focuses on two datasets: iWildCam and FMoW. We show that validation is noisy.")
    assert "FMoW" in [t.text for t in doc]
    assert [t.text for t in doc if t.is_sent_start] == ["Our", "We"]


def test_well_known_methods_losses_and_tools_are_methods(extractor):
    item = extractor.extract_one(
        paper(
            "Robust Matching for Pose Estimation",
            "We fine-tune a vision-language model with QLoRA and GRPO, match features with RANSAC inside COLMAP, "
            "and train the descriptor with a triplet loss; retrieval uses FAISS.",
        )
    )
    found = {m.text: m.type for m in item.mentions}
    for name in ("QLoRA", "GRPO", "RANSAC", "COLMAP", "triplet loss", "FAISS"):
        assert found.get(name) is EntityType.METHOD, (name, found)


def test_the_vocabulary_finds_a_name_ending_in_a_size_as_the_text_tokenizes_it(rules_only):
    # the name is one token in the text; the vocabulary's pattern must be tokenized the same way
    item = rules_only.extract_one(
        paper("Dense prediction", "It reaches 51.3 mIoU on ADE20K and is pretrained on LAION-5B and CC12M.")
    )
    linked = {m.text: m.vocabulary_id for m in item.mentions if m.type == EntityType.DATASET}
    assert linked.get("ADE20K") == "dataset/ade20k"
    assert linked.get("LAION-5B") == "dataset/laion-5b" and linked.get("CC12M") == "dataset/cc12m"
