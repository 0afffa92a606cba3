"""kg.resolve.variants: a method named with a modifier is, in its paper, the method it names plainly."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kg.records import EntityType, Link, Mention, Role
from kg.resolve.variants import fold_method_variants


def _link(entity: str, *texts: str, role: Role = Role.USES) -> Link:
    return Link("p", entity, role, tuple(Mention(EntityType.METHOD, "abstract", 0, len(t), t) for t in texts))


def test_a_variant_moves_onto_the_method_it_names_and_keeps_its_evidence():
    links = [
        _link("method/vision-language-model", "VLMs", "vision-language models"),
        _link("method/closed-source-vlm", "closed-source VLMs"),
        _link("method/k-means", "k-means"),
        _link("method/kmeans-solution", "k-means solutions"),
    ]
    out = fold_method_variants(links)
    assert [link.entity_id for link in out] == ["method/vision-language-model", "method/k-means"]
    assert {m.text for m in out[0].mentions} == {"VLMs", "vision-language models", "closed-source VLMs"}
    assert {m.text for m in out[1].mentions} == {"k-means", "k-means solutions"}


def test_own_methods_versions_terms_and_hyphenated_names_stay_links_of_their_own():
    links = [
        _link("method/k-means", "k-means"),
        _link("method/regularized-k-means", "Regularized k-means", role=Role.PROPOSES),
        _link("method/v-jepa", "V-JEPA"),
        _link("method/v-jepa-2", "V-JEPA 2"),
        _link("method/diffusion-model", "diffusion models"),
        _link("method/latent-diffusion-model", "latent diffusion models"),
        _link("method/tacq", "TaCQ"),
        _link("method/tacq-based-quantization", "TaCQ-based quantization"),
    ]
    out = fold_method_variants(links, is_term=lambda entity: entity == "method/latent-diffusion-model")
    assert out == links


def test_a_name_holding_two_methods_is_no_variant_of_either():
    links = [_link("method/clip", "CLIP"), _link("method/sam", "SAM"), _link("method/clip-sam", "CLIP and SAM fusion")]
    assert fold_method_variants(links) == links


_NAMES = st.sampled_from(
    ["GAN", "GANs", "conditional GANs", "ViT", "ViT-B", "frozen ViT", "frozen ViT encoder", "UNet"]
)


@given(st.lists(st.tuples(_NAMES, st.sampled_from([Role.USES, Role.PROPOSES])), min_size=1, max_size=6))
def test_folding_loses_no_mention_and_adds_no_link(rows):
    links = [_link(f"method/m{i}", text, role=role) for i, (text, role) in enumerate(rows)]
    out = fold_method_variants(links)
    assert sorted(m.text for link in out for m in link.mentions) == sorted(
        m.text for link in links for m in link.mentions
    )
    assert [link.entity_id for link in out] == [
        link.entity_id for link in links if link.entity_id in {o.entity_id for o in out}
    ]
    assert all(link in [o.entity_id for o in out] for link in (x.entity_id for x in links if x.role is Role.PROPOSES))


def test_a_paper_that_names_a_method_with_and_without_a_modifier_links_it_once(extractor, tmp_path):
    row = {
        "id": "2601.00003",
        "title": "Sharper Samples from Few Steps",
        "abstract": "Diffusion models generate images by iterative denoising. Yet generative diffusion models "
        "take hundreds of steps, so we distil a teacher into a one-step student. The student matches the "
        "teacher on two benchmarks.",
    }
    src = tmp_path / "papers.jsonl"
    src.write_text(json.dumps(row) + "\n", encoding="utf-8")
    from kg.build.pipeline import run

    build = run([src], extractor.config, extractor=extractor)
    linked = {m.text: link.entity_id for link in build.links for m in link.mentions}
    assert linked.get("generative diffusion models") == linked.get("Diffusion models") is not None
