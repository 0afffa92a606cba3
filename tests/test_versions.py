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


def test_a_size_may_stand_for_the_version(extractor):
    found = _mentions(extractor, "We distil it into SmolLM-1.7B and Jackalope-7b, two small open models.")
    assert found.get("SmolLM-1.7B") == "method"
    assert found.get("Jackalope-7b") == "method"


def test_released_model_families_are_methods(extractor):
    found = _mentions(
        extractor,
        "We compare Qwen2.5, Gemma-2B and Claude with DeepSeek-R1 on the same prompts, using images made by Sora.",
    )
    for name in ("Qwen2.5", "Gemma-2B", "Claude", "Sora"):
        assert found.get(name) == "method", (name, found)


def test_figure_and_table_parts_are_no_models(extractor):
    found = _mentions(extractor, "As Figure 2b and Table 3B show, the gains hold for every split.")
    assert not any(text.startswith(("Figure", "Table")) for text in found)


def test_a_size_in_thousands_glued_to_a_name_is_no_model(extractor):
    found = _mentions(extractor, "Results on HRBench4K and HRBench8K show that high-resolution perception improves.")
    assert found.get("HRBench4K") != "method" and found.get("HRBench8K") != "method", found
