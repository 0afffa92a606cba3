"""kg_listed_names: the names of a list a dataset noun heads or ends, or that holds a dataset, are datasets."""

from __future__ import annotations

import spacy
from hypothesis import given
from hypothesis import strategies as st

from kg.extract.listed import dataset_list_items
from kg.records import Paper


def _types(extractor, abstract: str, title: str = "A study") -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for m in extractor.extract_one(Paper("l", None, title, abstract)).mentions:
        found.setdefault(m.text, set()).add(m.type.value)
    return found


def test_a_list_a_dataset_noun_ends_is_a_list_of_datasets(extractor):
    types = _types(extractor, "We evaluate our calibrator on the Qorvex-Seq and TramFlux-V2X real-world datasets.")
    assert types.get("Qorvex-Seq") == {"dataset"} and types.get("TramFlux-V2X") == {"dataset"}


def test_a_list_a_dataset_noun_leads_is_a_list_of_datasets(extractor):
    abstract = (
        "We evaluate the router on two dense prediction benchmarks, Zimbra-v2 and Pascal Quorn, where it wins. "
        "Experiments on four datasets (Luvo-HistoSeg, Brix-WSSS, Gorm, and Brix) show gains."
    )
    types = _types(extractor, abstract)
    for name in ("Zimbra-v2", "Pascal Quorn", "Luvo-HistoSeg", "Brix-WSSS", "Gorm", "Brix"):
        assert types.get(name) == {"dataset"}, name
    assert "HistoSeg" not in types  # the whole listed name, not the coined word inside it


def test_environments_and_simulators_a_paper_evaluates_in_are_datasets(extractor):
    # interactive environments and simulators used as benchmarks count as datasets (the guidelines)
    abstract = (
        "Experiments on three distinct interactive environments, i.e., LabQuest, Shopverse, and Craftbench, "
        "show steady gains. We also drive in simulators such as VELO and SkyGym."
    )
    types = _types(extractor, abstract)
    for name in ("LabQuest", "Shopverse", "Craftbench", "VELO", "SkyGym"):
        assert types.get(name) == {"dataset"}, name


def test_names_listed_with_a_known_dataset_are_datasets(extractor):
    types = _types(extractor, "Experiments on ImageNet, Waterbirds, CelebA, and Fairvex confirm that it explains more.")
    assert types.get("Waterbirds") == {"dataset"} and types.get("Fairvex") == {"dataset"}


def test_a_list_of_models_or_a_sentence_start_is_not_a_list_of_datasets(extractor):
    types = _types(extractor, "Zandor, Quillix and Brevo are strong models. Datasets are scarce in this field.")
    assert not any("dataset" in found for found in types.values())
    types = _types(extractor, "It beats all RGB and most RGB-D and D methods on the ImageNet and Quarxel datasets.")
    assert "D" not in types and types.get("Quarxel") == {"dataset"}


def test_a_title_list_is_read_by_no_list_rule():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("Learning From Noisy And Clean Datasets\n\nWe study it.")
    doc.user_data["kg_title_end"] = len("Learning From Noisy And Clean Datasets")
    assert dataset_list_items(doc) == []


@given(
    st.lists(
        st.sampled_from(["Zork", "QuixNet", ",", "and", "datasets", "(", ")", "on", "the", "-", "v2"]), max_size=25
    )
)
def test_listed_names_never_overlap_and_stay_in_the_text(words):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp(" ".join(words))
    items = dataset_list_items(doc)
    assert all(0 <= a < b <= len(doc) for a, b in items)
    assert all(not doc[a:b].text.startswith((",", "-")) for a, b in items)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(items, items[1:]))
