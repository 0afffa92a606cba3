"""kg_roles: what a paper does with each method and dataset it names."""

from __future__ import annotations

from kg.records import Paper


def _roles(extractor, title: str, abstract: str) -> dict[str, str]:
    return {m.text: m.role.value for m in extractor.extract_one(Paper("r", None, title, abstract)).mentions}


def test_a_new_name_opening_the_title_before_for_is_proposed(extractor):
    roles = _roles(
        extractor,
        "Multipole Attention for Efficient Long Context Reasoning",
        "Large reasoning models are slow on long contexts. Attention over distant tokens is approximated.",
    )
    assert roles.get("Multipole Attention") == "proposes"


def test_a_known_method_opening_the_title_is_used(extractor):
    roles = _roles(
        extractor,
        "Transformers for Crowd Counting",
        "We study how far plain Transformers go on dense crowds and compare them with CNN counters.",
    )
    assert roles.get("Transformers") == "uses"


def test_what_we_propose_is_proposed_and_what_we_compare_with_is_used(extractor):
    roles = _roles(
        extractor,
        "Faster point cloud registration",
        "We propose PointReg, a registration network. PointReg outperforms ICP on two benchmarks.",
    )
    assert roles.get("PointReg") == "proposes"
    assert roles.get("ICP") == "uses"
