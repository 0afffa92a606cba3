"""The issue's cases on the bundled listing, written from what their text says."""

from __future__ import annotations

from kg.names import join_coined_names, spells
from kg.records import EntityType, Mention


def _entity_of(result, paper_id: str, text: str) -> set[str]:
    return {
        link.entity_id for link in result.links if link.paper_id == paper_id for m in link.mentions if m.text == text
    }


def test_a_coined_name_is_spelled_by_the_starts_of_its_long_name():
    assert spells("SAANet", "Scene-Adaptive Attention Network")
    assert spells("PiFeNet", "Pillar-Feature Network")
    assert spells("FooGAN", "Focal-Object Generative Adversarial Network")
    assert not spells("Transformer", "Scene-Adaptive Attention Network")  # no coined name
    assert not spells("SAANet", "Attention Network")  # letters left over
    assert not spells("GAN", "generative adversarial")  # "N" unaccounted for


def test_join_leaves_names_of_other_types_apart():
    found = join_coined_names(
        [
            Mention(EntityType.TASK, "title", 0, 22, "Scene-Adaptive Analysis"),
            Mention(EntityType.METHOD, "abstract", 0, 6, "SAANet"),
        ]
    )
    assert all(not m.long_form and not m.short_form for m in found)


def test_the_title_name_and_its_short_name_are_one_entity(bundled_build):
    result, _ = bundled_build
    # "Scene-Adaptive Attention Network for Crowd Counting" ... "termed SAANet"
    assert _entity_of(result, "2112.15509", "SAANet") == _entity_of(
        result, "2112.15509", "Scene-Adaptive Attention Network"
    )
    # "PiFeNet: Pillar-Feature Network for Real-Time 3D Pedestrian Detection from Point Cloud"
    pifenet = [p.id for p in result.papers if p.title.startswith("PiFeNet")][0]
    assert _entity_of(result, pifenet, "PiFeNet") == _entity_of(result, pifenet, "Pillar-Feature Network")


def test_a_name_introduced_as_a_dataset_is_a_dataset(bundled_build):
    result, _ = bundled_build
    # "we first introduce a high-quality dataset for FSS, named FS2K" ... "the proposed FS2K dataset"
    fs2k = {e.type for e in result.entities if e.label == "FS2K"}
    assert fs2k == {EntityType.DATASET}


def test_a_mathematical_tool_is_not_a_task(bundled_build):
    result, _ = bundled_build
    assert not [e for e in result.entities if "spherical harmonic" in e.label.lower() and e.type is EntityType.TASK]
