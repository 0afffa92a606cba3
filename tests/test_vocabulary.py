"""The shipped vocabulary (ontologies/vocabulary/*.jsonl) and its loader, kg.vocabulary.

Only the shipped files are used: these tests do not need ../shared.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import spacy

from kg.errors import ConfigError
from kg.records import EntityType
from kg.slug import entity_id
from kg.vocabulary import (
    CURATED_FILE,
    Term,
    Vocabulary,
    default_folder,
    is_exact_surface,
    read_terms,
    surface_key,
)

FOLDER = Path(__file__).resolve().parent.parent / "ontologies" / "vocabulary"
GENERATED = {"datasets.jsonl": "dataset", "methods.jsonl": "method", "tasks.jsonl": "task"}

#: names that must never be a term on their own: split names, placeholders, generic words
NOISE = {
    "n/a",
    "na",
    "-",
    "test",
    "val",
    "dev",
    "train",
    "2017 val",
    "test-dev",
    "images",
    "image",
    "video",
    "videos",
    "model",
    "models",
    "network",
    "networks",
    "dataset",
    "datasets",
    "data",
    "accuracy",
    "benchmark",
    "synthetic",
    "real",
    "mixed",
    "all",
    "other",
    "recognition",
    "retrieval",
    "prediction",
    "regression",
    "clustering",
    "learning",
    "attention",
    "convolution",
    "linear",
    "pooling",
    "text",
    "audio",
}


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load(FOLDER)


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for path in sorted(FOLDER.glob("*.jsonl")):
        out[path.name] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


@pytest.fixture(scope="module")
def patterns(vocab: Vocabulary) -> list[dict]:
    return vocab.ruler_patterns()


@pytest.fixture(scope="module")
def nlp(patterns: list[dict]) -> spacy.language.Language:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "vocab"})
    ruler.add_patterns(patterns)
    return nlp


def spans(nlp: spacy.language.Language, text: str) -> set[tuple[str, str, str]]:
    doc = nlp(text)
    return {(s.text, s.label_, s.id_) for s in doc.spans["vocab"]}


# ------------------------------------------------------------------ the files


def test_all_files_are_shipped_and_parse(rows: dict[str, list[dict]]) -> None:
    assert set(rows) == {*GENERATED, CURATED_FILE}
    for name in rows:
        assert read_terms(FOLDER / name), name
    assert (FOLDER / "README.md").is_file()


def test_default_folder_is_the_shipped_one(vocab: Vocabulary) -> None:
    assert default_folder().resolve() == FOLDER.resolve()
    assert len(Vocabulary.load()) == len(vocab)


def test_sizes_are_focused(vocab: Vocabulary) -> None:
    counts = {t: sum(1 for term in vocab if term.type == t) for t in EntityType}
    assert counts[EntityType.DATASET] > 2000
    assert counts[EntityType.TASK] > 1000
    assert counts[EntityType.METHOD] > 300
    assert len(vocab) < 15000


def test_rows_have_the_documented_shape(rows: dict[str, list[dict]]) -> None:
    keys = {"id", "type", "label", "alt", "broader", "source", "n"}
    for name, file_rows in rows.items():
        for row in file_rows:
            assert keys <= set(row) <= keys | {"case_sensitive", "generic"}, row
            assert isinstance(row["n"], int) and row["n"] >= 0
            assert row.get("case_sensitive", True) is True, row  # written only when true
            assert row["label"] not in row["alt"], row
            if name in GENERATED:
                assert row["type"] == GENERATED[name], row
            else:
                assert row["source"] == "curated", row


def test_generated_files_are_sorted_by_id(rows: dict[str, list[dict]]) -> None:
    for name in GENERATED:
        ids = [row["id"] for row in rows[name]]
        assert ids == sorted(ids), name


def test_ids_are_unique_and_the_slug_of_type_and_label(rows: dict[str, list[dict]]) -> None:
    for name, file_rows in rows.items():
        ids = [row["id"] for row in file_rows]
        assert len(ids) == len(set(ids)), name
        for row in file_rows:
            assert row["id"] == entity_id(row["type"], row["label"]), row


def test_generated_files_share_no_id(rows: dict[str, list[dict]]) -> None:
    seen: set[str] = set()
    for name in GENERATED:
        ids = {row["id"] for row in rows[name]}
        assert not ids & seen
        seen |= ids


def test_broader_ids_exist_and_form_no_cycle(vocab: Vocabulary) -> None:
    for term in vocab:
        for parent in term.broader:
            other = vocab.get(parent)
            assert other is not None, (term.id, parent)
            assert other.type == term.type, (term.id, parent)
            assert parent != term.id
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(term_id: str) -> None:
        assert state.get(term_id) != 1, f"cycle through {term_id}"
        if state.get(term_id) == 2:
            return
        state[term_id] = 1
        for parent in vocab.get(term_id).broader:  # type: ignore[union-attr]
            visit(parent)
        state[term_id] = 2

    for term in vocab:
        visit(term.id)


def test_known_hierarchy() -> None:
    vocab = Vocabulary.load(FOLDER)
    assert "dataset/imagenet" in vocab.get("dataset/imagenet-1k").broader  # type: ignore[union-attr]
    assert "task/object-detection" in vocab.get("task/3d-object-detection").broader  # type: ignore[union-attr]
    assert "method/vision-transformer" in vocab.get("method/swin-transformer").broader  # type: ignore[union-attr]


# ------------------------------------------------------------------ no noise


#: generic words that annotators mark as entities (SciER dev: "classification" alone is a task 50 of 59
#: times, "deep learning" a method 5 of 5); kept as hand-curated terms of one type, never generated
GENERIC_TERMS = {
    "classification": "task",
    "detection": "task",
    "segmentation": "task",
    "localization": "task",
    "tracking": "task",
    "deep learning": "method",
    "machine learning": "method",
}


def test_generic_words_are_curated_terms_of_one_type_only(vocab: Vocabulary) -> None:
    for term in vocab:
        for hit in {s.strip().lower() for s in term.surfaces} & set(GENERIC_TERMS):
            assert term.type.value == GENERIC_TERMS[hit] and term.source == "curated", (term.id, hit)
    assert vocab.lookup("classification", EntityType.TASK).id == "task/classification"  # type: ignore[union-attr]


def test_no_noise_entries(vocab: Vocabulary) -> None:
    for term in vocab:
        for surface in term.surfaces:
            assert surface.strip().lower() not in NOISE, (term.id, surface)
        label = term.label
        assert re.search(r"[A-Za-z]", label), term.id  # not numbers only
        assert len(label.split()) <= 8, term.id  # not a sentence
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .+'&/-]*", label), term.id  # no odd characters
        assert label == " ".join(label.split()), term.id
        assert not re.search(r"\b(test|val|dev)$", label, re.I), term.id  # no split names


def test_generated_tasks_that_are_methods_or_fields_are_overridden(vocab: Vocabulary) -> None:
    # the Papers-with-Code task lists hold algorithms and fields of study; curated rows say what they are
    for name in ("Thompson sampling", "dynamic time warping", "model predictive control", "conformal prediction"):
        assert vocab.lookup(name, EntityType.TASK).generic, name  # type: ignore[union-attr]
        method = vocab.lookup(name, EntityType.METHOD)
        assert method is not None and not method.generic, name
    for name in ("cloud computing", "game design", "object hallucination", "feature correlation"):
        assert vocab.lookup(name, EntityType.TASK).generic, name  # type: ignore[union-attr]
    assert not vocab.lookup("machine unlearning", EntityType.TASK).generic  # type: ignore[union-attr]


def test_tasks_are_task_phrases(vocab: Vocabulary) -> None:
    tasks = [t for t in vocab if t.type == EntityType.TASK]
    assert not [t.label for t in tasks if t.label.startswith("Translation ")]
    assert not [t.label for t in tasks if re.search(r" (for|using|with|on) ", t.label, re.I)]
    single = [t.label for t in tasks if len(re.split(r"[\s-]+", t.label)) == 1]
    assert len(single) < 40, single
    for name in ("Object Detection", "Semantic Segmentation", "3D Human Pose Estimation", "Image Classification"):
        assert vocab.lookup(name, EntityType.TASK) is not None, name


def test_well_known_terms_are_there(vocab: Vocabulary) -> None:
    expected = {
        "ImageNet": "dataset/imagenet",
        "MS COCO": "dataset/coco",
        "KITTI": "dataset/kitti",
        "Cityscapes": "dataset/cityscapes",
        "ADE20K": "dataset/ade20k",
        "PASCAL VOC": "dataset/pascal-voc",
        "nuScenes": "dataset/nuscenes",
        "ScanNet": "dataset/scannet",
        "CIFAR-100": "dataset/cifar-100",
        "ViT": "method/vision-transformer",
        "ResNet": "method/resnet",
        "U-Net": "method/u-net",
        "YOLO": "method/yolo",
        "BERT": "method/bert",
        "CLIP": "method/clip",
        "LSTM": "method/long-short-term-memory",
        "NeRF": "method/neural-radiance-field",
        "graph neural network": "method/graph-neural-network",
        "CNN": "method/convolutional-neural-network",
        "diffusion models": "method/diffusion-model",
        "semantic segmentation": "task/semantic-segmentation",
        "object detection": "task/object-detection",
        # released models and benchmarks of the years the corpus covers
        "GPT-4o": "method/gpt-4o",
        "Qwen2.5-VL": "method/qwen2-5-vl",
        "SAM2": "method/sam-2",
        "XLM-R": "method/xlm-roberta",
        "SigLIP": "method/siglip",
        "Humanity's Last Exam": "dataset/humanity-s-last-exam",
        "Mip-NeRF 360": "dataset/mip-nerf-360",
        "Mip-NeRF": "method/mip-nerf",
    }
    for surface, term_id in expected.items():
        term = vocab.lookup(surface)
        assert term is not None and term.id == term_id, (surface, term)


# ------------------------------------------------------------------ lookup


def test_cifar_variants_resolve_to_one_term(vocab: Vocabulary) -> None:
    found = {vocab.lookup(s).id for s in ("CIFAR10", "CIFAR-10", "CIFAR 10", "cifar-10", "Cifar10")}  # type: ignore[union-attr]
    assert found == {"dataset/cifar-10"}
    assert vocab.lookup("CIFAR-100").id == "dataset/cifar-100"  # type: ignore[union-attr]


def test_lookup_by_type_and_plural(vocab: Vocabulary) -> None:
    assert vocab.lookup("Generative Adversarial Networks").id == "method/generative-adversarial-network"  # type: ignore[union-attr]
    assert vocab.lookup("GANs").id == "method/generative-adversarial-network"  # type: ignore[union-attr]
    assert vocab.lookup("object detection", EntityType.DATASET) is None
    assert vocab.lookup("object detection", "task").id == "task/object-detection"  # type: ignore[union-attr]
    assert vocab.lookup("no such thing at all") is None


def test_case_sensitive_terms_only_match_their_case(vocab: Vocabulary) -> None:
    places = vocab.get("dataset/places")
    assert places is not None and places.case_sensitive
    assert vocab.lookup("Places").id == "dataset/places"  # type: ignore[union-attr]
    assert vocab.lookup("places") is None
    checked = 0
    for term in vocab:
        if term.case_sensitive and not term.label.islower():
            hit = vocab.lookup(term.label.lower())
            assert hit is None or hit.id != term.id, term.id
            checked += 1
    assert checked > 50


def test_short_acronyms_are_exact(vocab: Vocabulary) -> None:
    for term in vocab:
        if re.fullmatch(r"[A-Z]{2,3}", term.label):
            assert term.case_sensitive or term.source == "curated", term.id
    assert is_exact_surface("CLIP") and not is_exact_surface("Cityscapes")
    assert vocab.lookup("clip") is None and vocab.lookup("CLIP").id == "method/clip"  # type: ignore[union-attr]
    assert vocab.lookup("glue") is None and vocab.lookup("GLUE").id == "dataset/glue"  # type: ignore[union-attr]


def test_surface_key() -> None:
    assert surface_key("CIFAR-10") == surface_key("cifar 10") == surface_key("CIFAR10")
    assert surface_key("Vision Transformers") == surface_key("vision-transformer")
    assert surface_key("PointNet++") != surface_key("PointNet")
    assert surface_key("MSRS") != surface_key("MSR")  # acronyms are not plurals


# ------------------------------------------------------------------ ruler patterns


def test_ruler_patterns_shape(vocab: Vocabulary, patterns: list[dict]) -> None:
    assert len(patterns) >= len(vocab)
    labels = {"dataset": "DATASET", "method": "METHOD", "task": "TASK"}
    for pattern in patterns:
        assert set(pattern) == {"label", "pattern", "id"}
        assert pattern["label"] == labels[pattern["id"].split("/")[0]]
        assert pattern["id"] in vocab
        for token in pattern["pattern"]:
            assert set(token) - {"OP"} <= {"LOWER", "ORTH"}, pattern
    places = [p for p in patterns if p["id"] == "dataset/places"]
    assert places and all("ORTH" in tok for p in places for tok in p["pattern"])
    task = [p for p in patterns if p["id"] == "task/object-detection"]
    assert task and any(tok.get("LOWER") == "object" for p in task for tok in p["pattern"])


def test_patterns_are_fast(vocab: Vocabulary, patterns: list[dict]) -> None:
    for build in (vocab.ruler_patterns, vocab.phrase_patterns):
        start = time.process_time()  # CPU time: a busy machine does not make it fail
        build()
        assert time.process_time() - start < 3.0, build


def test_span_ruler_finds_terms_in_a_sentence(nlp: spacy.language.Language) -> None:
    text = (
        "We pre-train a Vision Transformer on ImageNet and fine-tune it for object detection "
        "and semantic segmentation on MS COCO and Cityscapes."
    )
    doc = nlp(text)
    found = {(s.text, s.label_, s.id_) for s in doc.spans["vocab"]}
    assert ("ImageNet", "DATASET", "dataset/imagenet") in found
    assert ("object detection", "TASK", "task/object-detection") in found
    assert ("MS COCO", "DATASET", "dataset/coco") in found
    assert ("Vision Transformer", "METHOD", "method/vision-transformer") in found
    assert all(s.id_ for s in doc.spans["vocab"])


def test_span_ruler_variants(nlp: spacy.language.Language) -> None:
    found = spans(
        nlp, "Results on CIFAR10, CIFAR-10 and CIFAR 10 with GANs and graph neural networks for object-detection."
    )
    assert {t for t, _, i in found if i == "dataset/cifar-10"} == {"CIFAR10", "CIFAR-10", "CIFAR 10"}
    assert ("GANs", "METHOD", "method/generative-adversarial-network") in found
    assert ("graph neural networks", "METHOD", "method/graph-neural-network") in found
    assert ("object-detection", "TASK", "task/object-detection") in found


def test_span_ruler_respects_case(nlp: spacy.language.Language) -> None:
    found = spans(nlp, "Tourists visit many places; a short clip shows how we glue the parts.")
    assert not {i for _, _, i in found} & {"dataset/places", "method/clip", "dataset/glue"}
    found = spans(nlp, "We test on Places and GLUE and compare with CLIP.")
    assert {"dataset/places", "method/clip", "dataset/glue"} <= {i for _, _, i in found}


# ------------------------------------------------------------------ loading errors and precedence


def write(folder: Path, name: str, lines: list[object]) -> Path:
    path = folder / name
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


ROW = {
    "id": "dataset/cifar-10",
    "type": "dataset",
    "label": "CIFAR-10",
    "alt": ["CIFAR10"],
    "broader": [],
    "source": "pwc",
    "n": 7,
}


@pytest.mark.parametrize(
    "bad, why",
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        ({**ROW, "id": "dataset/x", "type": "gadget"}, "type"),
        ({**ROW, "id": "method/cifar-10"}, "does not start with"),
        ({**ROW, "label": ""}, "label"),
        ({**ROW, "alt": "CIFAR10"}, "alt"),
        ({**ROW, "n": -1}, "'n'"),
        ({**ROW, "case_sensitive": "yes"}, "case_sensitive"),
        ({**ROW, "colour": "red"}, "unknown field"),
        (ROW, "duplicate id"),
    ],
)
def test_a_bad_row_raises_config_error_with_file_and_line(tmp_path: Path, bad: object, why: str) -> None:
    write(tmp_path, "datasets.jsonl", [ROW, "", bad])
    with pytest.raises(ConfigError) as info:
        Vocabulary.load(tmp_path)
    message = str(info.value)
    assert f"{tmp_path / 'datasets.jsonl'}:3:" in message
    assert why in message


def test_missing_folder_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Vocabulary.load(tmp_path / "nowhere")
    with pytest.raises(ConfigError):
        Vocabulary.load(tmp_path)  # no *.jsonl


def test_curated_wins_and_keeps_generated_popularity(tmp_path: Path) -> None:
    write(tmp_path, "datasets.jsonl", [ROW])
    curated = {**ROW, "alt": ["CIFAR 10"], "source": "curated", "n": 0, "case_sensitive": True}
    write(tmp_path, CURATED_FILE, [curated])
    vocab = Vocabulary.load(tmp_path)
    term = vocab.get("dataset/cifar-10")
    assert term == Term("dataset/cifar-10", EntityType.DATASET, "CIFAR-10", ("CIFAR 10",), (), "curated", 7, True)
    assert len(vocab) == 1 and list(vocab) == [term]


def test_two_generated_files_may_not_share_an_id(tmp_path: Path) -> None:
    write(tmp_path, "a.jsonl", [ROW])
    write(tmp_path, "b.jsonl", [ROW])
    with pytest.raises(ConfigError, match="also in a.jsonl"):
        Vocabulary.load(tmp_path)


def test_phrase_patterns_find_the_same_terms(vocab: Vocabulary, nlp: spacy.language.Language) -> None:
    fast = spacy.blank("en")
    patterns = vocab.phrase_patterns()
    assert set(patterns) == {"LOWER", "ORTH"}
    for attr, pats in patterns.items():
        assert all(set(p) == {"label", "pattern", "id"} and isinstance(p["pattern"], str) for p in pats)
        ruler = fast.add_pipe(
            "span_ruler",
            name=f"vocabulary_{attr.lower()}",
            config={"spans_key": "vocab", "phrase_matcher_attr": attr, "overwrite": False},
        )
        ruler.add_patterns(pats)
    text = (
        "We pre-train Vision Transformers on ImageNet-1k and CIFAR10 with GANs for object-detection, "
        "3D human pose estimation and semantic segmentation on MS COCO, KITTI and Places, "
        "not in other places, and compare with CLIP and Mask R-CNN."
    )
    expected = {(t, i) for t, _, i in spans(nlp, text)}
    doc = fast(text)
    found = {(s.text, s.id_) for s in doc.spans["vocab"]}
    assert found == expected
    assert ("Places", "dataset/places") in found and ("places", "dataset/places") not in found
