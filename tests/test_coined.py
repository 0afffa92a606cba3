"""kg_coined_names: coined names no other component found, typed by what their contexts say."""

from __future__ import annotations

from kg.extract.coined import is_coined_word
from kg.records import Paper


def _types(extractor, abstract: str, title: str = "A study") -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for m in extractor.extract_one(Paper("c", None, title, abstract)).mentions:
        found.setdefault(m.text, set()).add(m.type.value)
    return found


def test_names_a_method_is_evaluated_on_are_datasets_and_so_are_those_listed_with_them(extractor):
    types = _types(extractor, "QuirkNet achieves strong results on ZetaBench9K, OmniFold-3D, and TerraQA2.")
    assert types.get("ZetaBench9K") == {"dataset"}
    assert types.get("OmniFold-3D") == {"dataset"} and types.get("TerraQA2") == {"dataset"}


def test_names_compared_with_or_listed_as_methods_are_methods(extractor):
    abstract = (
        "Unlike previous methods such as GlimpseKV and SnapTok, our cache keeps every token. "
        "It saves memory compared to DiffQ and runs with Llama-3 and Qwen2.5."
    )
    types = _types(extractor, abstract)
    assert types.get("GlimpseKV") == {"method"} and types.get("DiffQ") == {"method"}
    assert types.get("Qwen2.5") == {"method"}


def test_a_coined_word_the_text_says_nothing_of_is_not_a_mention(extractor):
    types = _types(extractor, "The ZorbPix3 sensor sits on the roof; its images are noisy.")
    assert "ZorbPix3" not in types


def test_what_looks_coined():
    assert all(map(is_coined_word, ["HRBench4K", "Hunyuan3D", "V*Bench", "EgoExo4D", "SWE-bench"]))
    words = ["3D", "4K", "10M", "benchmarks", "Benchmark", "COCO", "Transformer", "x}$", "CoT", "MoE"]
    assert not any(map(is_coined_word, words))


def test_a_name_glued_by_hyphens_is_one_coined_name(extractor):
    types = _types(
        extractor,
        "We introduce Quillo-Bench, a benchmark for agents that edit spreadsheets. "
        "Our parser reaches 2.5% mIoU gains on Q-Sketch val set.",
    )
    assert types.get("Quillo-Bench") == {"dataset"}
    assert types.get("Q-Sketch") == {"dataset"}
    assert "Quillo" not in types and "Bench" not in types


def test_capitalised_words_glued_by_hyphens_are_no_name(extractor):
    types = _types(
        extractor,
        "Real-World X-ray datasets pair LR-HR images; we report Macro-F1. AI-generated datasets and "
        "WSI-level benchmarks are scarce.",
    )
    assert not {"Real-World", "X-ray", "LR-HR", "AI-generated", "WSI-level"} & types.keys()
    assert "method" not in types.get("Macro-F1", set())


def _coined_alone(text: str) -> dict[str, str]:
    """What kg_coined_names alone finds in a text no other component has read."""
    import spacy

    from kg.extract.coined import CoinedNames

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_sized_names")
    nlp.add_pipe("sentencizer")
    doc = nlp(text)
    doc.spans["kg"] = []
    return {s.text: s.label_ for s in CoinedNames()(doc).spans["kg"]}


def test_a_name_with_a_dotted_version_is_typed_by_its_context():
    found = _coined_alone(
        "It outperforms leading systems including Zorblin 2.0, Quasarix 1.5 and Vexelia 3.1 in user studies. "
        "As shown in Section 2.1 and Table 3.2, it also outperforms Vexel 4.5."
    )
    assert found.get("Zorblin 2.0") == "METHOD" and found.get("Quasarix 1.5") == "METHOD"
    assert found.get("Vexelia 3.1") == "METHOD" and found.get("Vexel 4.5") == "METHOD"  # the full stop is no part
    assert not {"Section 2.1", "Table 3.2"} & found.keys()


def test_names_listed_after_a_plural_of_systems_or_assistants_are_methods():
    found = _coined_alone("We evaluate notable assistants such as QuillGPT, PandoraChat, and VidLlamix on our set.")
    assert found == {"QuillGPT": "METHOD", "PandoraChat": "METHOD", "VidLlamix": "METHOD"}
