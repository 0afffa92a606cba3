"""kg.nonentities: kinds of names that are never a method, and how resolution uses them."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.nonentities import core_name, inside_url, kind_of, kinds, looks_named
from kg.records import EntityType, Mention, Paper
from kg.resolve import GENERIC, MIN_SPECIFICITY, Resolver, resolve
from kg.vocabulary import Vocabulary


def test_every_kind_knows_its_examples():
    data = json.loads(resources.files("kg.data").joinpath("nonentities.json").read_text(encoding="utf-8"))
    assert [k.name for k in kinds()] == list(data["kinds"])
    for kind in kinds():
        assert kind.examples, kind.name
        for example in kind.examples:
            assert kind.matches(example), (kind.name, example)
        for pattern in data["kinds"][kind.name].get("patterns", ()):
            assert any(p.search(pattern["example"]) for p in kind.patterns), pattern["id"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("mAP@0.5", "metric"),
        ("Recall@10", "metric"),
        ("AUC=0.87", "metric"),
        ("HD95", "metric"),
        ("5-fold cross-validation", "protocol"),
        ("Leave-One-Subject-Out", "protocol"),
        ("FPGAs", "hardware"),
        ("whole slide images", "data_kind"),
        ("endotracheal intubation", "disease"),
        ("low-field magnetic resonance imaging", "modality"),
        ("mode collapse", "phenomenon"),
        ("Hyperparameter Tuning", "process"),
        ("Pre-trained language models", "umbrella"),
        ("Gaussian Splatting-assisted", "adjective"),
        ("GPT-style autoregressive", "adjective_head"),
        ("Towards Trustworthy Medical Agents", "title_fragment"),
        ("L12-L30", "range_or_size"),
        ("7B parameter models", "range_or_size"),
        ("https://huggingface.co/org/Model-R1", "markup_or_url"),
    ],
)
def test_names_that_are_never_a_method(name, kind):
    assert kind_of(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "ResNet-50",
        "Swin Transformer",
        "LoRA",
        "Learning without Forgetting",
        "Kullback-Leibler divergence",
        "Mixture-of-Experts",
        "3D Gaussian Splatting",
        "Proximal Policy Optimization",
        "vision-language model",
        "diffusion model",
        "Res$^2$CLIP",
        "DETR-style",
    ],
)
def test_methods_are_not_taken_for_non_entities(name):
    assert kind_of(name) == ""


def test_an_acronym_is_judged_by_the_words_it_stands_for():
    assert kind_of("DR", long_form="Diabetic Retinopathy") == "disease"
    assert kind_of("EHRs", long_form="Electronic Health Records") == "data_kind"
    assert kind_of("LOVO", long_form="Leave-One-Video-Out") == "protocol"
    # an adjective's head is judged in the name only: "VAR (visual autoregressive)" names a model
    assert kind_of("VAR", long_form="visual autoregressive") == ""


@pytest.mark.parametrize(
    ("name", "type_", "kind"),
    [
        ("English", "dataset", "natural_language"),
        ("Korean", "task", "natural_language"),
        ("Extensive", "dataset", "relative_word"),
        ("LiDAR", "dataset", "data_name"),
        ("WSIs", "dataset", "data_name"),
        ("COVID-19", "dataset", "data_name"),
        ("3D", "task", "dimension"),
        ("Position", "method", "paper_label"),
        ("AI", "task", "field_name"),
        ("XAI", "method", "field_name"),
        ("KGs", "method", "data_kind"),
    ],
)
def test_names_that_are_no_entity_of_any_type_the_data_names(name, type_, kind):
    assert kind_of(name, type_=type_) == kind


@pytest.mark.parametrize(
    ("name", "type_"),
    [
        ("Korean Benchmark", "dataset"),  # words around such a name make another name
        ("COVID-19 Radiography Database", "dataset"),
        ("IU X-Ray", "dataset"),
        ("3D reconstruction", "task"),
        ("Position Embedding", "method"),
        ("PRIOR", "method"),
        ("EHR analysis", "task"),
    ],
)
def test_names_that_hold_such_words_are_judged_by_the_model(name, type_):
    assert kind_of(name, type_=type_) == ""


def test_kinds_are_judged_for_methods_only_unless_the_data_says_otherwise():
    # tasks and datasets named with such words are often right ("image super-resolution", "IU X-Ray")
    assert kind_of("Diabetic Retinopathy", type_="task") == ""
    assert kind_of("IU X-Ray", type_="dataset") == ""


def test_text_inside_a_url_is_no_mention():
    sentence = "Code and models are available at https://github.com/someone/Geo-R1."
    at = sentence.index("Geo-R1")
    assert inside_url(sentence, at, at + len("Geo-R1"))
    plain = "We compare Geo-R1 with two baselines (see www.example.org for details)."
    assert not inside_url(plain, plain.index("Geo-R1"), plain.index("Geo-R1") + 6)


def test_core_names_drop_generic_tails_and_adjective_suffixes():
    assert core_name("SegResNet models") == "SegResNet"
    assert core_name("CLIP-based encoders") == "CLIP"
    assert core_name("YOLO-based detector") == "YOLO"
    assert core_name("Colorlaus module") == "Colorlaus"
    assert core_name("framework") == "framework"
    assert looks_named("SegResNet") and not looks_named("diffusion")


@given(
    st.one_of(st.text(max_size=40), st.sampled_from([e for k in kinds() for e in k.examples])),
    st.text(max_size=40),
    st.sampled_from(["dataset", "method", "task"]),
)
def test_any_text_gets_a_kind_or_none_and_a_core(name, long_form, type_):
    assert kind_of(name, long_form, type_) in {"", *(k.name for k in kinds())}
    # the one-table lookup gives the first kind of the data that matches, as asking each kind would
    assert kind_of(name, "", type_) == next((k.name for k in kinds() if type_ in k.types and k.matches(name)), "")
    core = core_name(name)
    if core != name:  # words dropped from the end, and perhaps a suffix from the last one kept
        kept = core.split(" ")
        assert name.split()[: len(kept) - 1] == kept[:-1] and name.split()[len(kept) - 1].startswith(kept[-1])
        assert len(core) < len(name)


def _mention(text: str, long_form: str = "", sentence: str = "", start: int = 0) -> Mention:
    return Mention(
        EntityType.METHOD, "abstract", start, start + len(text), text, sentence=sentence or text, long_form=long_form
    )


@pytest.fixture(scope="module")
def table():
    resolver = Resolver(Vocabulary.load())
    return resolver.finish()


def test_resolution_never_links_a_non_entity(table):
    for mention in [
        _mention("mAP@0.5"),
        _mention("5-fold cross-validation"),
        _mention("FPGA"),
        _mention("DR", long_form="Diabetic Retinopathy"),
        _mention("EHRs", long_form="Electronic Health Records"),
    ]:
        assert table.specificity(mention) == GENERIC, mention.text
    sentence = "Our code is at https://github.com/someone/Geo-R1 and on our page."
    at = sentence.index("Geo-R1")
    assert table.specificity(_mention("Geo-R1", sentence=sentence, start=at)) == GENERIC
    assert table.specificity(_mention("Geo-R1")) > GENERIC


def test_a_method_is_judged_by_its_core_name_when_that_is_a_name(table):
    assert table.specificity(_mention("SegResNet models")) == max(
        table.specificity(_mention("SegResNet")), table._name_specificity(EntityType.METHOD, "SegResNet models", "", "")
    )
    # "diffusion" is a word, not a name: "diffusion-based framework" is judged as written
    assert table.specificity(_mention("diffusion-based framework")) == table._name_specificity(
        EntityType.METHOD, "diffusion-based framework", "", ""
    )


def test_a_name_the_paper_proposes_is_linked_even_when_its_words_look_generic(extractor):
    item = extractor.extract_one(
        Paper(
            "2505.00001",
            1,
            "LLM-Sieve: How Many Parameters Does a Task Need?",
            "We propose LLM-Sieve, a framework that prunes large language models to the parameters a task needs. "
            "LLM-Sieve removes 20-75% of the parameters with a loss of 1-5% in accuracy on four tasks.",
        )
    )
    sieve = [m for m in item.mentions if m.text == "LLM-Sieve"]
    assert sieve and all(m.type is EntityType.METHOD for m in sieve)
    resolver = Resolver(Vocabulary.load())
    resolver.observe(item)
    table = resolver.finish()
    assert max(table.specificity(m) for m in sieve) <= MIN_SPECIFICITY  # the words alone would not make a link
    _, links = resolve([item], Vocabulary.load())
    assert any(link.entity_id == table.entity_for(sieve[0]) for link in links)


def test_metrics_and_protocols_are_reported_but_not_linked(extractor):
    item = extractor.extract_one(
        Paper(
            "2508.00002",
            1,
            "Automated Segmentation of Brain Tumours",
            "We train a SegResNet on multi-parametric scans. Under 5-fold cross-validation it reaches a Dice of "
            "0.91 and an HD95 of 3.2 mm, and mAP@0.5 of 0.88 for lesion detection on an FPGA.",
        )
    )
    _, links = resolve([item], Vocabulary.load())
    never = {"HD95", "mAP@0.5", "5-fold cross-validation", "FPGA"}
    assert never & {m.text for m in item.mentions}  # the extractor reports some of them (SciER marks such spans)
    assert not never & {m.text for link in links for m in link.mentions}
