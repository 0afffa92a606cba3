"""kg_merge: a candidate's trimmed boundaries."""

from __future__ import annotations

from kg.records import Paper


def _texts(extractor, abstract: str) -> set[str]:
    return {m.text for m in extractor.extract_one(Paper("m", None, "A study", abstract)).mentions}


def test_a_task_tail_word_goes_but_never_half_a_compound(extractor):
    found = _texts(extractor, "We study the segmentation task. MP3DObject serves multi-task DG evaluation.")
    assert "segmentation" in found and "segmentation task" not in found
    assert not any(text.endswith("-") for text in found)


def _widened(title: str, ner: str, known: str) -> str:
    """What a known task inside a longer NER mention of a title widens to."""
    import spacy

    from kg.extract.components.merge import Merge, _Tokens
    from kg.extract.rules import Rules

    doc = spacy.blank("en")(title)
    ner_span = doc.char_span(title.index(ner), title.index(ner) + len(ner))
    known_span = doc.char_span(title.index(known), title.index(known) + len(known))
    merge = Merge(Rules.load(), {})
    start, end = merge._widen(
        known_span.start, known_span.end, "TASK", [(ner_span.start, ner_span.end, "TASK")], _Tokens(doc)
    )
    return doc[start:end].text


def test_a_known_task_takes_its_modifiers_from_the_ner_but_not_a_verb_or_a_judgement():
    title = "Graph Learning meets Crowd Counting: Recent Advances"
    assert _widened(title, "Graph Learning meets Crowd Counting", "Counting") == "Crowd Counting"
    title = "Rock Typing with Optimal Weakly Supervised Instance Segmentation"
    assert _widened(title, "Optimal Weakly Supervised Instance Segmentation", "Instance Segmentation") == (
        "Weakly Supervised Instance Segmentation"
    )
    title = "Learning Attention for Few-Shot Video Object Segmentation"
    assert _widened(title, "Few-Shot Video Object Segmentation", "Video Object Segmentation") == (
        "Few-Shot Video Object Segmentation"
    )


def test_a_phrase_after_a_cue_drops_its_article_and_a_trailing_pronoun(extractor):
    found = _texts(extractor, "Our images help downstream tasks such as the classical tracking one.")
    assert not any(text.endswith(" one") for text in found)


def test_a_candidate_starting_inside_a_hyphenated_word_starts_with_the_word():
    import spacy

    from kg.extract.components.merge import _Tokens, _trim

    doc = spacy.blank("en")("We present an end-to-end video text tracker and a non - local block.")
    tokens = _Tokens(doc)
    last_end = next(t.i for t in doc if t.text == "end" and doc[t.i - 1].text == "-")
    start, end = _trim(last_end, last_end + 4, "METHOD", tokens)
    assert doc[start:end].text == "end-to-end video text tracker"
    local = next(t.i for t in doc if t.text == "local")  # a spaced dash joins no word
    start, end = _trim(local, local + 2, "METHOD", tokens)
    assert doc[start:end].text == "local block"


def test_a_name_ends_with_the_short_part_a_glued_hyphen_adds(extractor):
    # a corrupted or long-tailed variant of a benchmark is a dataset of its own, not its base
    found = _texts(
        extractor,
        "We introduce SWE-Bench-CL, a continual benchmark built on SWE-Bench. Robustness is measured on "
        "CIFAR-10-C and CIFAR-100-LT; ImageNet-pretrained backbones read COCO-style boxes.",
    )
    assert {"SWE-Bench-CL", "CIFAR-10-C", "CIFAR-100-LT", "SWE-Bench"} <= found
    assert not {"CIFAR-10", "CIFAR-100"} & found  # never cut at the base
    assert "ImageNet" in found and not any(text.startswith(("ImageNet-", "COCO-")) for text in found)


def test_a_capitalised_method_name_lets_go_of_its_lower_case_kind_word(extractor):
    found = _texts(
        extractor,
        "The framework incorporates a Salient Region Selection module and an Adaptive Attention Gate mechanism. "
        "A plain attention module follows. Diffusion models and T2I models are strong.",
    )
    assert "Diffusion" not in found and "T2I" not in found
    assert {"Salient Region Selection", "Adaptive Attention Gate"} <= found
    assert not any(text.endswith(("module", "mechanism")) and text[:1].isupper() for text in found)


def test_a_known_dataset_before_a_task_is_the_data_the_task_is_run_on(extractor):
    item = extractor.extract_one(
        Paper(
            "m",
            None,
            "A study",
            "It reaches 52.2 mAP on COCO object detection and 51.3 mIoU on ADE20K semantic segmentation.",
        )
    )
    types = {m.text: m.type.value for m in item.mentions}
    assert types.get("COCO") == "dataset" and types.get("ADE20K") == "dataset"
    assert types.get("object detection") == "task" and types.get("semantic segmentation") == "task"
    assert "COCO object detection" not in types
