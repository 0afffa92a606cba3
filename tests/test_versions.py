"""kg_versions: released models named with their versions and sizes are one method mention each."""

from __future__ import annotations

from kg.records import Paper


def _mentions(extractor, abstract: str) -> dict[str, str]:
    return {m.text: m.type.value for m in extractor.extract_one(Paper("v", None, "A study", abstract)).mentions}


def test_a_known_models_version_and_size_are_one_method(extractor):
    found = _mentions(extractor, "We fine-tune Llama-3-8B-Instruct and compare it with GPT-3.5 Turbo.")
    assert found.get("Llama-3-8B-Instruct") == "method"
    assert found.get("GPT-3.5 Turbo") == "method"
    assert "Llama" not in found and "GPT-3.5" not in found


def test_a_coined_name_with_a_size_is_a_released_model(extractor):
    found = _mentions(extractor, "Small models such as SmolLM-135M follow the same scaling law.")
    assert found.get("SmolLM-135M") == "method"


def test_numbered_things_that_are_not_models_are_left_alone(extractor):
    found = _mentions(extractor, "Results on CIFAR-10 are in Table 2 and Section 4 of the appendix.")
    assert found.get("CIFAR-10") == "dataset"
    assert not any(text.startswith(("Table", "Section")) for text in found)
