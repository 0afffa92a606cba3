"""kg_task_heads: a task named by its head word alone takes the modifiers the text puts before it."""

from __future__ import annotations

from kg.records import Paper


def _tasks(extractor, abstract: str) -> set[str]:
    item = extractor.extract_one(Paper("t", None, "A study", abstract))
    return {m.text for m in item.mentions if m.type.value == "task"}


def test_a_bare_head_takes_its_modifiers(extractor):
    tasks = _tasks(extractor, "It holds organ classification in CT images and pen-tip tracking in videos.")
    assert "organ classification" in tasks
    assert "classification" not in tasks


def test_judgements_verbs_and_compounds_are_not_modifiers(extractor):
    tasks = _tasks(
        extractor,
        "Existing approaches mainly formulate radiology report generation as captioning. "
        "We aim at accurate report generation; the benchmark covers organ classification.",
    )
    assert not any(t.startswith(("formulate", "mainly", "accurate", "covers")) for t in tasks)


def test_a_head_in_a_list_stays_bare(extractor):
    tasks = _tasks(extractor, "It supports tasks such as classification, segmentation and detection.")
    assert not any(" " in t for t in tasks if t.endswith(("classification", "segmentation")))
