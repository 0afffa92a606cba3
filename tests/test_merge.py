"""kg_merge: a candidate's trimmed boundaries."""

from __future__ import annotations

from kg.records import Paper


def _texts(extractor, abstract: str) -> set[str]:
    return {m.text for m in extractor.extract_one(Paper("m", None, "A study", abstract)).mentions}


def test_a_task_tail_word_goes_but_never_half_a_compound(extractor):
    found = _texts(extractor, "We study the segmentation task. MP3DObject serves multi-task DG evaluation.")
    assert "segmentation" in found and "segmentation task" not in found
    assert not any(text.endswith("-") for text in found)
