"""Incremental resolution (kg.build.incremental): an update of a resolution equals resolving the final papers anew."""

from __future__ import annotations

import marshal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import incremental
from kg.errors import StoreError
from kg.records import EntityType as T
from kg.records import Mention, Paper, PaperMentions
from kg.resolve import Resolver
from kg.vocabulary import Vocabulary

# surface forms that collide on purpose: spelling variants, abbreviations with competing long forms,
# versions of a base name, vocabulary terms, plurals
SURFACES = {
    T.DATASET: [
        "CIFAR10",
        "CIFAR-10",
        "cifar 10 dataset",
        "ImageNet",
        "ImageNet-1k",
        "ImageNet 21k",
        "COCO",
        "MS COCO",
        "KITTI",
        "the KITTI benchmark",
    ],
    T.METHOD: [
        "CNN",
        "CNNs",
        "convolutional neural network",
        "Convolutional Neural Networks",
        "GAN",
        "generative adversarial network",
        "RL",
        "reinforcement learning",
        "representation learning",
        "ResNet",
        "ResNet-50",
        "ResNet50",
        "Mask R-CNN",
        "MaskRCNN",
        "ViT",
        "Vision Transformer",
    ],
    T.TASK: [
        "object detection",
        "Object Detection",
        "SR",
        "super-resolution",
        "speech recognition",
        "semantic segmentation",
        "VQA",
        "visual question answering",
    ],
}
LONG_FORMS = {
    "CNN": ["convolutional neural network"],
    "GAN": ["generative adversarial network"],
    "RL": ["reinforcement learning", "representation learning"],
    "ViT": ["Vision Transformer"],
    "SR": ["super-resolution", "speech recognition"],
    "VQA": ["visual question answering"],
}


@pytest.fixture(scope="module")
def vocabulary():
    return Vocabulary.load()


@st.composite
def mentions(draw):
    type_ = draw(st.sampled_from(sorted(SURFACES)))
    text = draw(st.sampled_from(SURFACES[type_]))
    long_form = draw(st.sampled_from(["", *LONG_FORMS.get(text, [])]))
    return Mention(type_, "abstract", 0, len(text), text, long_form=long_form)


def paper(pid: str, version: int, found: list[Mention]) -> PaperMentions:
    return PaperMentions(Paper(pid, version, "t", "a"), tuple(found))


def resolved(items, vocabulary):
    """A fresh resolution of ``items``: the table and every paper's links."""
    resolver = Resolver(vocabulary)
    for item in items:
        resolver.observe(item)
    table = resolver.finish()
    links = {item.paper.id: table.link(item) for item in items}
    table.entities()
    return table, links


def snapshot(table, links):
    """What a build writes of a resolution: every paper's links, every entity's record and paper count."""
    return (
        {pid: [(l.entity_id, l.role, l.mentions) for l in item_links] for pid, item_links in links.items()},
        [(e, table.n_papers(e.id)) for e in table.entities()],
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(st.lists(mentions(), max_size=6), min_size=1, max_size=8),
    later=st.lists(st.tuples(st.integers(0, 20), st.lists(mentions(), max_size=6)), max_size=6),
    use_vocabulary=st.booleans(),
)
def test_an_update_equals_a_fresh_resolution(vocabulary, first, later, use_vocabulary):
    vocab = vocabulary if use_vocabulary else None
    papers = {str(i): paper(str(i), 1, found) for i, found in enumerate(first)}
    table, links = resolved(list(papers.values()), vocab)
    # the update: a new version of an existing paper (its index within range), or a new paper
    added: dict[str, PaperMentions] = {}
    for n, found in later:
        pid = str(n) if n < len(first) else f"new{n}"
        version = (papers[pid].paper.version + 1) if pid in papers else 1
        added.pop(pid, None)
        added[pid] = paper(pid, version, found)
    removed = [papers[pid] for pid in added if pid in papers]
    kept = {pid: item for pid, item in papers.items() if pid not in added}
    result = incremental.update(table, removed, list(added.values()), lambda ids: [kept[pid] for pid in sorted(ids)])
    links.update({pid: item_links for pid, (_, item_links) in result.links.items()})
    for entity in result.entities:
        table.entity(entity)
    assert not result.removed_entities & set(table.surfaces)
    final = [*kept.values(), *added.values()]
    expected = snapshot(*resolved(final, vocab))
    assert snapshot(table, links) == expected
    # the update says which entities changed: every other one has the record it had
    before = dict(snapshot(*resolved(list(papers.values()), vocab))[1])
    for entity, n in expected[1]:
        if entity.id not in result.entities:
            assert any(e == entity and m == n for e, m in before.items()), entity.id


def test_resolution_does_not_depend_on_paper_order(vocabulary):
    found = [[Mention(T.METHOD, "abstract", 0, 3, "CNN", long_form=f)] for f in LONG_FORMS["CNN"] * 2] + [
        [Mention(T.METHOD, "abstract", 0, 3, text)] for text in SURFACES[T.METHOD]
    ]
    items = [paper(str(i), 1, f) for i, f in enumerate(found)]
    assert snapshot(*resolved(items, vocabulary)) == snapshot(*resolved(items[::-1], vocabulary))


def test_state_round_trips(vocabulary, tmp_path):
    items = [
        paper(str(i), 1, [Mention(T.DATASET, "abstract", 0, len(t), t)]) for i, t in enumerate(SURFACES[T.DATASET])
    ]
    table, links = resolved(items, vocabulary)
    incremental.save_state(table, {"0": (0, 10)}, tmp_path / "state")
    loaded, positions = incremental.load_state(tmp_path / "state", vocabulary)
    assert positions == {"0": (0, 10)}
    assert [e for e in loaded.entities()] == table.entities()
    assert {i.paper.id: loaded.links_of(i) for i in items} == links
    assert incremental.load_state(tmp_path / "missing", vocabulary) is None


def test_damaged_or_older_state(vocabulary, tmp_path):
    items = [
        paper(str(i), 1, [Mention(T.DATASET, "abstract", 0, len(t), t)]) for i, t in enumerate(SURFACES[T.DATASET])
    ]
    table, _ = resolved(items, vocabulary)
    state = tmp_path / "state"
    incremental.save_state(table, {"0": (0, 10)}, state)
    whole = state.read_bytes()
    state.write_bytes(whole[: len(whole) // 2])  # cut off mid-way: an interrupted copy
    with pytest.raises(StoreError, match="damaged build state.*rebuild without --update"):
        incremental.load_state(state, vocabulary)
    state.write_bytes(marshal.dumps((2, {}, {})))  # the previous format, one marshalled tuple: resolve again
    assert incremental.load_state(state, vocabulary) is None
