"""Scoring of extraction against gold spans (kg.evaluate), and the shipped NER model."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluate import GoldDoc, GoldSpan, format_table, read_gold, score, write_gold

TEXT = "We apply deep residual networks to image classification on ImageNet."
#        0         1         2         3         4         5         6
#        0123456789012345678901234567890123456789012345678901234567890123456789
METHOD = GoldSpan(9, 31, "method")  # deep residual networks
TASK = GoldSpan(35, 55, "task")  # image classification
DATASET = GoldSpan(59, 67, "dataset")  # ImageNet


def doc(*spans: GoldSpan, text: str = TEXT, id: str = "d1") -> GoldDoc:
    return GoldDoc(id, text, tuple(spans))


def test_offsets_of_the_fixture() -> None:
    assert TEXT[METHOD.start : METHOD.end] == "deep residual networks"
    assert TEXT[TASK.start : TASK.end] == "image classification"
    assert TEXT[DATASET.start : DATASET.end] == "ImageNet"


def test_perfect_prediction_scores_one_everywhere() -> None:
    s = score([doc(METHOD, TASK, DATASET)], [[(9, 31, "method"), (35, 55, "task"), (59, 67, "dataset")]])
    for t in ("dataset", "method", "task", "all"):
        assert s[t].strict.f1 == 1.0 and s[t].relaxed.f1 == 1.0


def test_strict_needs_exact_offsets_relaxed_needs_overlap() -> None:
    # "residual networks" (14, 31) overlaps the gold method; "image" (35, 40) overlaps the gold task
    s = score([doc(METHOD, TASK)], [[(14, 31, "method"), (35, 40, "task")]])
    assert s["method"].strict.tp == 0 and s["method"].relaxed.tp == 1
    assert s["task"].strict.f1 == 0.0 and s["task"].relaxed.f1 == 1.0
    assert s["all"].strict.f1 == 0.0 and s["all"].relaxed.f1 == 1.0


def test_type_must_match_even_when_relaxed() -> None:
    s = score([doc(METHOD)], [[(9, 31, "task")]])
    assert s["method"].relaxed.tp == 0 and s["method"].relaxed.recall == 0.0
    assert s["task"].relaxed.n_pred == 1 and s["task"].relaxed.precision == 0.0


def test_touching_spans_do_not_overlap() -> None:
    s = score([doc(METHOD)], [[(0, 9, "method"), (31, 35, "method")]])
    assert s["method"].relaxed.tp == 0


def test_one_prediction_cannot_match_two_gold_spans() -> None:
    g = doc(GoldSpan(9, 22, "method"), GoldSpan(23, 31, "method"))  # "deep residual" + "networks"
    s = score([g], [[(9, 31, "method")]])
    r = s["method"].relaxed
    assert (r.tp, r.n_pred, r.n_gold) == (1, 1, 2)
    assert r.precision == 1.0 and r.recall == 0.5


def test_one_gold_span_cannot_match_two_predictions() -> None:
    s = score([doc(METHOD)], [[(9, 13, "method"), (14, 31, "method")]])
    r = s["method"].relaxed
    assert (r.tp, r.n_pred, r.n_gold) == (1, 2, 1)
    assert r.precision == 0.5 and r.recall == 1.0


def test_matching_is_maximal_not_greedy() -> None:
    # gold A = (0, 10), B = (10, 12); prediction X = (5, 11) overlaps both, Y = (0, 3) only A.
    # greedy X->A would leave B unmatched; the maximum matching is X->B, Y->A.
    g = GoldDoc("m", "x" * 20, (GoldSpan(0, 10, "task"), GoldSpan(10, 12, "task")))
    s = score([g], [[(5, 11, "task"), (0, 3, "task")]])
    assert s["task"].relaxed.tp == 2


def test_duplicate_predictions_count_once() -> None:
    s = score([doc(DATASET)], [[(59, 67, "dataset"), (59, 67, "dataset")]])
    assert s["dataset"].strict.n_pred == 1 and s["dataset"].strict.precision == 1.0


def test_empty_cases() -> None:
    assert score([], [])["all"].strict.f1 == 0.0
    s = score([doc()], [[]])
    assert s["all"].strict.n_gold == 0 and s["all"].relaxed.f1 == 0.0
    s = score([doc(TASK)], [[]])
    assert s["task"].strict.recall == 0.0 and s["task"].strict.precision == 0.0
    s = score([doc()], [[(0, 2, "task")]])
    assert s["task"].relaxed.precision == 0.0 and s["task"].relaxed.n_pred == 1


def test_micro_average_over_types() -> None:
    s = score([doc(METHOD, TASK, DATASET)], [[(9, 31, "method"), (35, 40, "task")]])
    a = s["all"].strict
    assert (a.tp, a.n_pred, a.n_gold) == (1, 2, 3)
    assert s["all"].relaxed.tp == 2


def test_counts_add_up_across_documents() -> None:
    d2 = doc(DATASET, id="d2")
    s = score([doc(METHOD), d2], [[(9, 31, "method")], [(0, 2, "dataset")]])
    assert s["method"].strict.tp == 1 and s["dataset"].strict.n_pred == 1 and s["dataset"].strict.tp == 0


def test_mismatched_lengths_are_an_error() -> None:
    with pytest.raises(ValueError):
        score([doc()], [])


def test_format_table_lists_every_type() -> None:
    table = format_table(score([doc(METHOD)], [[(9, 31, "method")]]))
    lines = table.splitlines()
    assert [ln.split()[0] for ln in lines[1:]] == ["dataset", "method", "task", "all"]
    assert "1.000" in lines[2]


def test_read_gold_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "g.jsonl"
    docs = [doc(METHOD, TASK), doc(id="empty")]
    assert write_gold(p, docs) == 2
    assert list(read_gold(p)) == [doc(METHOD, TASK), doc(id="empty")]


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        '["a list"]',
        '{"id": "x", "text": "abc", "spans": [{"start": 0, "end": 9, "type": "task"}]}',
        '{"id": "x", "text": "abc", "spans": [{"start": 0, "end": 2, "type": "metric"}]}',
        '{"id": "x", "text": "abc", "spans": [{"start": "0", "end": 2, "type": "task"}]}',
        '{"id": 3, "text": "abc", "spans": []}',
    ],
)
def test_bad_gold_line_names_file_and_line(tmp_path: Path, bad: str) -> None:
    p = tmp_path / "g.jsonl"
    good = doc(METHOD).to_json()
    p.write_text(f"{good}\n\n{bad}\n{good}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_gold(p))
    assert err.value.line == 3
    assert err.value.source == str(p)
    assert f"{p}:3:" in str(err.value)


MODEL = Path(__file__).resolve().parents[1] / "kg" / "extract" / "model"


@pytest.mark.skipif(not (MODEL / "config.cfg").exists(), reason="shipped NER model not present in kg/extract/model")
def test_shipped_model_loads_offline_and_finds_entities() -> None:
    spacy = pytest.importorskip("spacy")
    import kg.extract.biluo  # noqa: F401  (registers the component the model's config names)

    nlp = spacy.load(MODEL)
    assert set(nlp.get_pipe("ner").entity_labels) == {"DATASET", "METHOD", "TASK"}
    assert not nlp.vocab.vectors.shape[0], "the shipped model must carry no vectors"
    text = (
        "We train a convolutional neural network for image classification on ImageNet "
        "and evaluate object detection on the COCO dataset."
    )
    ents = nlp(text).ents
    assert ents, "no entity found in a sentence full of them"
    assert {e.label_ for e in ents} <= {"DATASET", "METHOD", "TASK"}
