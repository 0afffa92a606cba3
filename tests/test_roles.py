"""kg_roles: what a paper does with each method and dataset it names."""

from __future__ import annotations

import pytest

from kg.records import Paper

CASES = [
    (  # a new name opening the title before "for" is the paper's own method
        "Multipole Attention for Efficient Long Context Reasoning",
        "Large reasoning models are slow on long contexts. Attention over distant tokens is approximated.",
        {"Multipole Attention": "proposes"},
    ),
    (  # a method the vocabulary knows, opening the title, is used
        "Transformers for Crowd Counting",
        "We study how far plain Transformers go on dense crowds and compare them with CNN counters.",
        {"Transformers": "uses"},
    ),
    (  # what "we propose" names is proposed; what it is compared with is used
        "Faster point cloud registration",
        "We propose PointReg, a registration network. PointReg outperforms ICP on two benchmarks.",
        {"PointReg": "proposes", "ICP": "uses"},
    ),
    (  # the named parts the paper lists of its own framework are proposed with it
        "Audio-visual segmentation by suppression",
        "We propose a new segmenter. Our framework consists of a Modality Prior Decoder and a Token Gate.",
        {"Modality Prior Decoder": "proposes"},
    ),
]


@pytest.mark.parametrize(("title", "abstract", "expected"), CASES)
def test_roles_follow_what_the_paper_says(extractor, title: str, abstract: str, expected: dict[str, str]):
    roles = {m.text: m.role.value for m in extractor.extract_one(Paper("r", None, title, abstract)).mentions}
    assert {name: roles.get(name) for name in expected} == expected
