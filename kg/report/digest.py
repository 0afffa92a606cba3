"""What a set of papers brought: counts, the datasets introduced and methods proposed (each with its
paper and sentence), the most addressed tasks and most used datasets and methods; against an earlier
graph, the entities never seen before and how the leading ones grew over the graph's history.

In: the records of a build (``kg.records``: papers, entities, links) and optionally a ``KnowledgeGraph``.
Out: a ``Digest``, plain frozen data that ``kg.report.render`` writes as HTML or Markdown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.graph import arxiv_url
from kg.records import Entity, Link, Paper, Role

TOP = 10
RISING = 5


@dataclass(frozen=True)
class Claim:
    """An entity a paper introduces or proposes, with the sentence that says so (``hl``: the span in it)."""

    entity: str
    label: str
    paper: str
    title: str
    url: str
    sentence: str
    hl: tuple[int, int] | None


@dataclass(frozen=True)
class Digest:
    """Everything a report says, sorted: the same papers always give the same digest."""

    papers: int
    dates: tuple[str, ...]
    introduced: tuple[Claim, ...]
    proposed: tuple[Claim, ...]
    top: dict[str, tuple[tuple[str, int], ...]]  # type -> (label, papers), most first
    graph: str = ""  # the earlier graph compared with, if any
    graph_papers: int = 0
    new: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)  # type -> (label, papers here)
    rising: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()  # (label, ((month, papers), ...))


def digest(papers: Sequence[Paper], entities: Sequence[Entity], links: Sequence[Link]) -> Digest:
    """The digest of a build's records.

    >>> from kg.query import KnowledgeGraph
    >>> from kg.records import Mention, EntityType
    >>> p = Paper("2201.00001", 1, "FooGAN", "We propose FooGAN.", date="2022-01-03")
    >>> m = Mention(EntityType.METHOD, "abstract", 11, 17, "FooGAN", "We propose FooGAN.", role=Role.PROPOSES)
    >>> d = digest([p], [Entity("method/foogan", EntityType.METHOD, "FooGAN")],
    ...            [Link("2201.00001", "method/foogan", Role.PROPOSES, (m,))])
    >>> d.papers, d.proposed[0].label, d.proposed[0].hl, d.top["method"]
    (1, 'FooGAN', (11, 17), (('FooGAN', 1),))
    """
    by_id = {e.id: e for e in entities}
    by_paper = {p.id: p for p in papers}
    counts: dict[str, Counter[str]] = {"task": Counter(), "dataset": Counter(), "method": Counter()}
    for _, entity_id in sorted({(l.paper_id, l.entity_id) for l in links}):
        counts[by_id[entity_id].type.value][entity_id] += 1
    top = {
        kind: tuple(
            (by_id[e].label, n)
            for e, n in sorted(c.items(), key=lambda en: (-en[1], by_id[en[0]].label.lower(), en[0]))[:TOP]
        )
        for kind, c in counts.items()
    }
    return Digest(
        papers=len(papers),
        dates=tuple(sorted({p.date for p in papers if p.date})),
        introduced=_claims(links, Role.INTRODUCES, by_id, by_paper),
        proposed=_claims(links, Role.PROPOSES, by_id, by_paper),
        top=top,
    )


def _claims(
    links: Sequence[Link], role: Role, by_id: dict[str, Entity], by_paper: dict[str, Paper]
) -> tuple[Claim, ...]:
    out = []
    for link in links:
        if link.role is not role:
            continue
        mention = min(link.mentions, key=lambda m: (m.field != "title", m.start), default=None)
        sentence = mention.sentence if mention else ""
        hl = None
        if mention and sentence:
            at = sentence.find(mention.text)
            hl = (at, at + len(mention.text)) if at >= 0 else None
        paper = by_paper[link.paper_id]
        out.append(
            Claim(link.entity_id, by_id[link.entity_id].label, paper.id, paper.title, arxiv_url(paper.id), sentence, hl)
        )
    return tuple(sorted(out, key=lambda c: (c.label.lower(), c.entity, c.paper)))


def compare(d: Digest, entities: Sequence[Entity], links: Sequence[Link], graph: Any, name: str) -> Digest:
    """``d`` with what is new against ``graph`` (a ``KnowledgeGraph``): the entities it has never seen,
    and the papers per month, over its history, of the listing's leading entities it knows."""
    from dataclasses import replace

    ids = sorted({l.entity_id for l in links})
    by_id = {e.id: e for e in entities}
    known = _known(graph, ids, by_id)
    papers_here = Counter(e for _, e in {(l.paper_id, l.entity_id) for l in links})
    new: dict[str, list[tuple[str, int]]] = {"task": [], "dataset": [], "method": []}
    for e in ids:
        if e not in known:
            new[by_id[e].type.value].append((by_id[e].label, papers_here[e]))
    leading = sorted((e for e in ids if e in known), key=lambda e: (-papers_here[e], by_id[e].label.lower(), e))[
        :RISING
    ]
    rising = tuple((by_id[e].label, _months(graph.timeline(known[e]))) for e in leading)
    n = int(graph.sparql("SELECT (COUNT(?p) AS ?n) WHERE { ?p a kgo:Paper }")[0]["n"])
    return replace(
        d,
        graph=name,
        graph_papers=n,
        rising=rising,
        new={k: tuple(sorted(v, key=lambda ln: (-ln[1], ln[0].lower()))) for k, v in new.items()},
    )


def _known(graph: Any, ids: Sequence[str], by_id: dict[str, Entity]) -> dict[str, str]:
    """Each entity id the graph has, and its id there: by IRI, or by a name (label or alias) that an entity of the same
    type there has as its label or other label (a corpus that saw "Info-GAN" too names InfoGAN
    ``method/info-gan``, a listing ``method/infogan``). One query a few hundred values at a time.

    >>> from kg.query import KnowledgeGraph
    >>> from kg.records import EntityType
    >>> mine = [Entity("method/foo-gan", EntityType.METHOD, "FooGAN"), Entity("dataset/x", EntityType.DATASET, "X1"),
    ...         Entity("dataset/foo", EntityType.DATASET, "FooGAN"), Entity("dataset/celeba", EntityType.DATASET, "C")]
    >>> _known(KnowledgeGraph.example(), [e.id for e in mine], {e.id: e for e in mine})
    {'dataset/celeba': 'dataset/celeba', 'method/foo-gan': 'method/foogan'}
    """
    from rdflib import Literal

    base = graph.config.base_iri
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        values = " ".join(f"<{base}{e}>" for e in ids[start : start + 500])
        rows = graph.sparql(f"SELECT ?e WHERE {{ VALUES ?e {{ {values} }} ?e skos:prefLabel ?l }}")
        found.update((str(r["e"])[len(base) :],) * 2 for r in rows)
    named: dict[tuple[str, str], list[str]] = {}  # (type, name) -> the ids of that name not found by IRI
    for e in ids:
        if e not in found:
            for name in dict.fromkeys([by_id[e].label, *(form for form, _ in by_id[e].aliases)]):
                named.setdefault((by_id[e].type.value, name), []).append(e)
    names = sorted({name for _, name in named})
    for start in range(0, len(names), 500):
        values = " ".join(Literal(name).n3() for name in names[start : start + 500])
        for r in graph.sparql(f"""SELECT DISTINCT ?name ?cls ?e WHERE {{ VALUES ?name {{ {values} }}
            {{ ?e skos:prefLabel ?name }} UNION {{ ?e skos:altLabel ?name }} ?e a ?cls }} ORDER BY ?e"""):
            for e in named.get((str(r["cls"]).rsplit("#", 1)[-1].lower(), str(r["name"])), ()):
                found.setdefault(e, str(r["e"])[len(base) :])
    return dict(sorted(found.items()))


def _months(timeline: Sequence[dict]) -> tuple[tuple[str, int], ...]:
    """Papers per month (YYYY-MM) from papers per date."""
    months: Counter[str] = Counter()
    for row in timeline:
        months[str(row["date"])[:7]] += int(row["papers"])
    return tuple(sorted(months.items()))
