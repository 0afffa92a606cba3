"""Delta updates of a store (kg.build.delta, kg.store.update_store): the previous build's store, with the delta
to the next build applied, holds exactly the triples a full build of the next one writes.

The builds here are made by hand (papers, links, entities; no extraction) so that each kind of change
is there on purpose: a paper unchanged, a paper whose links moved to another entity (as when resolution
merges two clusters), a new version replacing a paper's links, a paper gone, a new paper, an entity whose
label, aliases and paper count change, an entity gone, co-occurrence pairs that lose or gain support,
an extraction component no annotation uses any more, and relations stated in text that move with their
papers' links (kg.relation_graph: a relation node's papers, its evidence in each paper's block).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg import rdf, relation_graph
from kg import store as store_module
from kg.build import delta
from kg.build import index as index_module
from kg.config import Config
from kg.errors import StoreError
from kg.records import Entity, EntityType, Link, Mention, Paper, PaperMentions, Relation, Role

D, M, T = EntityType.DATASET, EntityType.METHOD, EntityType.TASK
CONFIG = Config()


def paper(pid: str, abstract: str, version: int = 1) -> Paper:
    return Paper(pid, version, f"Paper {pid}", abstract, ("A. Author",), ("cs.CV",), "2025-01-02")


def mention(p: Paper, type_: EntityType, text: str, role: Role = Role.USES, source: str = "vocabulary") -> Mention:
    start = p.abstract.index(text)
    return Mention(type_, "abstract", start, start + len(text), text, p.abstract, 0, len(p.abstract), role, 0.9, source)


class Build:
    """A build by hand: papers with their mentions, each mention linked to an entity id."""

    def __init__(self) -> None:
        self.items: dict[str, PaperMentions] = {}
        self.links: dict[str, tuple[Link, ...]] = {}
        self.labels: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}

    def add(self, p: Paper, *linked: tuple[str, Mention], stated: tuple[tuple[str, int, int], ...] = ()) -> Build:
        """``stated``: relations (label, head, tail) between the linked mentions, by their place in ``linked``."""
        mentions = tuple(m for _, m in linked)
        relations = tuple(Relation(lab, mentions[h], mentions[t], 0.8, f"pattern:{lab}") for lab, h, t in stated)
        self.items[p.id] = PaperMentions(p, mentions, relations)
        by_entity: dict[str, list[Mention]] = {}
        for entity_id, m in linked:
            by_entity.setdefault(entity_id, []).append(m)
        self.links[p.id] = tuple(
            Link(p.id, e, max((m.role for m in ms), key=lambda r: r != Role.USES), tuple(ms))
            for e, ms in sorted(by_entity.items())
        )
        return self

    def entities(self) -> list[tuple[Entity, int]]:
        surfaces: dict[str, Counter] = {}
        papers: dict[str, set[str]] = {}
        for links in self.links.values():
            for link in links:
                surfaces.setdefault(link.entity_id, Counter()).update(m.text for m in link.mentions)
                papers.setdefault(link.entity_id, set()).add(link.paper_id)
        out = []
        for eid, forms in sorted(surfaces.items()):
            label = self.labels.get(eid, (forms.most_common(1)[0][0],))[0]
            out.append(
                (Entity(eid, EntityType(eid.split("/")[0]), label, tuple(sorted(forms.items()))), len(papers[eid]))
            )
        return out

    def triples(self) -> list[rdf.Triple]:
        entities = self.entities()
        links = [l for links in self.links.values() for l in links]
        stated = relation_graph.aggregate(self.items.values(), links, relation_graph.floors(CONFIG))
        return list(
            rdf.iter_triples([i.paper for i in self.items.values()], [e for e, _ in entities], links, CONFIG)
        ) + list(relation_graph.relation_triples(stated, CONFIG))

    def entity_papers(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for pid, links in self.links.items():
            for link in links:
                out.setdefault(link.entity_id, set()).add(pid)
        return out

    def index(self) -> index_module.Index:
        return index_module.Index(
            {pid: index_module.paper_digest(self.items[pid], self.links[pid]) for pid in self.items},
            {e.id: (index_module.entity_digest(e, n), e.label) for e, n in self.entities()},
        )


def load(triples: list[rdf.Triple], folder: Path) -> Path:
    nt = folder.with_suffix(".nt")
    rdf.write_ntriples(triples, nt)
    return store_module.load_store([nt], folder)


def canonical(triples: list[rdf.Triple]) -> set:
    store = ox.Store()
    store.extend(delta.to_quads(triples))
    return set(store)


def two_builds() -> tuple[Build, Build]:
    p1 = paper("2501.00001", "We train a GAN on CIFAR-10 for image generation.")
    p2 = paper("2501.00002", "The FooNet detector is evaluated on COCO for object detection.")
    p3 = paper("2501.00003", "A ResNet on CIFAR-10 for image classification.")
    p4 = paper("2501.00004", "We use SSD on COCO.")
    old = Build()
    old.add(
        p1,
        ("method/gan", mention(p1, M, "GAN")),
        ("dataset/cifar-10", mention(p1, D, "CIFAR-10")),
        ("task/image-generation", mention(p1, T, "image generation")),
        stated=(("trained-with", 0, 1),),
    )
    old.add(
        p2,
        ("method/foonet", mention(p2, M, "FooNet", Role.PROPOSES, "ner")),
        ("dataset/coco", mention(p2, D, "COCO")),
        ("task/object-detection", mention(p2, T, "object detection")),
        stated=(("evaluated-with", 0, 1), ("used-for", 0, 2)),
    )
    old.add(
        p3,
        ("method/resnet", mention(p3, M, "ResNet")),
        ("dataset/cifar-10", mention(p3, D, "CIFAR-10")),
        ("task/image-classification", mention(p3, T, "image classification")),
    )
    old.add(
        p4,
        ("method/ssd", mention(p4, M, "SSD")),
        ("dataset/coco", mention(p4, D, "COCO")),
        stated=(("evaluated-with", 0, 1),),
    )
    new = Build()
    new.items[p1.id], new.links[p1.id] = old.items[p1.id], old.links[p1.id]  # unchanged
    new.add(
        p2,
        ("method/foo-net", mention(p2, M, "FooNet", Role.PROPOSES)),  # links moved
        ("dataset/coco", mention(p2, D, "COCO")),
        ("task/object-detection", mention(p2, T, "object detection")),
        stated=(("evaluated-with", 0, 1), ("used-for", 0, 2)),
    )
    p3b = paper("2501.00003", "A ResNet on CIFAR-10 and COCO for object detection.", version=2)  # a new version
    new.add(
        p3b,
        ("method/resnet", mention(p3b, M, "ResNet")),
        ("dataset/cifar-10", mention(p3b, D, "CIFAR-10")),
        ("dataset/coco", mention(p3b, D, "COCO")),
        ("task/object-detection", mention(p3b, T, "object detection")),
        stated=(("used-for", 0, 3),),
    )
    # 2501.00004 is gone; 2501.00005 is new and renames CIFAR-10's label through its alias counts
    p5 = paper("2501.00005", "A GAN on CIFAR10 and CIFAR10 again.")
    new.add(
        p5,
        ("method/gan", mention(p5, M, "GAN")),
        ("dataset/cifar-10", mention(p5, D, "CIFAR10")),
        stated=(("trained-with", 0, 1),),
    )
    return old, new


def test_delta_gives_the_store_of_a_full_build(tmp_path):
    old, new = two_builds()
    previous = load(old.triples(), tmp_path / "store")
    before = set(ox.Store.read_only(str(previous)))
    old_index, new_index = old.index(), new.index()
    assert old_index.changed_papers(new_index) == {"2501.00002", "2501.00003", "2501.00005"}
    assert old_index.removed_papers(new_index) == {"2501.00004"}
    assert "image-classification" in " ".join(old_index.removed_entities(new_index))
    entities = {e.id: (e, n) for e, n in new.entities()}
    changed = {pid: (new.items[pid], new.links[pid]) for pid in old_index.changed_papers(new_index)}
    folder, counts = store_module.update_store(
        previous,
        lambda source: delta.compute_delta(
            source,
            changed,
            old_index.removed_papers(new_index),
            {eid: entities[eid] for eid in old_index.changed_entities(new_index)},
            old_index.removed_entities(new_index),
            {eid: e.type for eid, (e, _) in entities.items()},
            CONFIG,
            new.entity_papers(),
        ),
    )
    got = set(ox.Store.read_only(str(folder)))
    expected = canonical(new.triples())
    assert not (got - expected) and not (expected - got), (
        sorted(map(str, got - expected))[:3],
        sorted(map(str, expected - got))[:3],
    )
    assert counts["papers"] == 3 and counts["papers_removed"] == 1 and 0 < counts["triples_added"] < len(expected)
    # stated relations: foonet's two moved to foo-net, ssd's went with its paper, gan's gained one, resnet's is new
    assert counts["stated_relations"] == 7
    n = [t for t in expected if t.predicate == ox.NamedNode(str(rdf.KGO.statementCount))]
    assert sorted(int(t.object.value) for t in n) == [1, 1, 1, 2]
    # the component only 2501.00002's old link used is gone with it; the previous store is untouched
    ner = ox.NamedNode(str(rdf.component_iri("ner", CONFIG)))
    assert not list(ox.Store.read_only(str(folder)).quads_for_pattern(ner, None, None))
    assert set(ox.Store.read_only(str(previous))) == before


def test_unchanged_build_gives_an_empty_delta(tmp_path):
    old, _ = two_builds()
    previous = load(old.triples(), tmp_path / "store")
    entities = {e.id: (e, n) for e, n in old.entities()}
    source = store_module.open_store(previous)
    result = delta.compute_delta(
        source, {}, set(), {}, set(), {eid: e.type for eid, (e, _) in entities.items()}, CONFIG, old.entity_papers()
    )
    assert result.removed == [] and result.added == []
    # writing a block again changes nothing either: the same triples out and in cancel
    pid = "2501.00001"
    result = delta.compute_delta(
        source,
        {pid: (old.items[pid], old.links[pid])},
        set(),
        {"dataset/cifar-10": entities["dataset/cifar-10"]},
        set(),
        {},
        CONFIG,
        old.entity_papers(),
    )
    assert result.removed == [] and result.added == []


def test_a_failed_delta_leaves_no_folder_and_the_store_as_it_was(tmp_path):
    old, _ = two_builds()
    previous = load(old.triples(), tmp_path / "store")
    before = set(ox.Store.read_only(str(previous)))

    def boom(source):
        raise KeyboardInterrupt("stop")

    with pytest.raises(KeyboardInterrupt):
        store_module.update_store(previous, boom)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert set(ox.Store.read_only(str(previous))) == before


def test_digests_follow_what_the_triples_are_made_of():
    old, new = two_builds()
    pid = "2501.00002"
    assert index_module.paper_digest(old.items[pid], old.links[pid]) != index_module.paper_digest(
        new.items[pid], new.links[pid]
    )
    same = old.items["2501.00001"], old.links["2501.00001"]
    assert index_module.paper_digest(*same) == index_module.paper_digest(
        new.items["2501.00001"], new.links["2501.00001"]
    )
    gan = Entity("method/gan", M, "GAN", (("GAN", 2),))
    assert index_module.entity_digest(gan, 2) != index_module.entity_digest(
        Entity("method/gan", M, "GAN", (("GAN", 3),)), 2
    )


def test_keys_of_kg_triples_match_the_keys_of_their_quads(bundled_build):
    """The delta compares kg's triples with the store's by key without making quads of them first: for
    every triple kg writes (the bundled build: escapes, numbers, dates, language tags), both keys agree."""
    result, _ = bundled_build
    triples = list(rdf.iter_triples(result.papers, result.entities, result.links, result.config))
    quads = delta.to_quads(triples)
    assert len(quads) == len(triples)
    assert [delta.rdflib_key(t) for t in triples] == [delta.triple_key(q) for q in quads]
    stored = ox.Store()
    stored.extend(quads)  # the store keeps numbers canonical: still the same keys
    assert {delta.triple_key(q) for q in stored} == {delta.rdflib_key(t) for t in triples}


@pytest.mark.parametrize("piece_triples", [1, 7, 10**6])
def test_a_store_loaded_in_pieces_holds_every_triple_once(bundled_build, tmp_path, piece_triples):
    """The bulk load goes a few triples at a time (to bound its memory): whatever the piece size, the
    store holds exactly the triples of the file, the last piece (shorter than the others) included."""
    result, _ = bundled_build
    triples = list(rdf.iter_triples(result.papers, result.entities, result.links, result.config))
    if piece_triples == 1:
        triples = triples[:300]  # one bulk load per triple: keep it short
    if len(triples) % 7 == 0:
        triples = triples[:-1]  # a last piece of 7 shorter than the others, whatever the bundled build holds
    nt = tmp_path / "graph.nt"
    rdf.write_ntriples(triples, nt)
    n_lines = len(nt.read_bytes().splitlines())
    assert n_lines % 7, "the file should not split evenly into pieces of 7"
    folder = store_module.load_store([nt], tmp_path / "store", piece_triples=piece_triples)
    assert set(ox.Store.read_only(str(folder))) == canonical(triples)


@given(
    lines=st.lists(st.binary(max_size=5).map(lambda b: b.replace(b"\n", b"") + b"\n"), max_size=30),
    size=st.integers(1, 8),
)
def test_pieces_keep_every_line_in_order(lines, size):
    got = list(store_module.pieces(lines, size))
    assert b"".join(got) == b"".join(lines)
    assert [piece.count(b"\n") for piece in got] == [min(size, len(lines) - i) for i in range(0, len(lines), size)]


def test_pieces_need_a_positive_size():
    with pytest.raises(StoreError, match="at least 1"):
        list(store_module.pieces([b"a .\n"], 0))
