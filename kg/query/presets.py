"""The preset questions of ``KnowledgeGraph`` (papers, entities, top, related, timeline, evidence, stats),
each one SPARQL query or a few; those between two entities (stated relations, co-occurrence) are in
``kg.query.relations``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from rdflib import Literal, URIRef

from kg.errors import ConfigError, unknown_name
from kg.query.relations import RelationPresets
from kg.query.rows import EntityRow, Evidence, PaperRow, Related, Rows
from kg.query.sparql import _LINK_VALUES, CLASSES, KGO, PREDICATES, ROLE_OF, VALUES_HERE

if TYPE_CHECKING:
    pass


class Presets(RelationPresets):
    """The preset questions, mixed into ``KnowledgeGraph``: each needs its ``sparql``, ``entity_iri``,
    ``_id`` and ``config``; those between two entities come from ``RelationPresets``."""

    def papers(
        self,
        dataset: str | None = None,
        method: str | None = None,
        task: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Rows:
        """Papers linked to every given entity (any role), within [since, until] by date, sorted by id;
        with ``limit``, one page of at most that many from ``offset`` on (a popular dataset has thousands of
        papers, and on a large store most of an answer's time is spent reading the titles).

        >>> from kg import KnowledgeGraph
        >>> g = KnowledgeGraph.example()
        >>> [p.id for p in g.papers(dataset="CIFAR-10", method="GAN")]
        ['2201.00001', '2201.00002']
        >>> [p.id for p in g.papers(dataset="cifar-10", since="2022-01-04")]
        ['2201.00002']
        >>> [p.id for p in g.papers(dataset="CIFAR-10", limit=1, offset=1)]
        ['2201.00002']
        """
        if (limit is not None and limit < 0) or offset < 0:
            raise ConfigError(f"limit and offset must be 0 or more, not {limit} and {offset}")
        where, filt, bindings = self._paper_filters({"dataset": dataset, "method": method, "task": task}, since, until)
        projection = " ".join(f"?{name}" for name in bindings)
        if limit is None:  # the whole answer: titles and dates in the same query
            rows = self.sparql(
                f"""SELECT DISTINCT ?p ?id ?title ?date {projection} WHERE {{ {VALUES_HERE}
                {where}
                ?p kgo:arxivId ?id ; dcterms:title ?title .
                OPTIONAL {{ ?p dcterms:date ?date }}
                {filt}
            }} ORDER BY ?id""",
                **bindings,
            )
            return Rows(
                PaperRow(r["id"], r["title"], r["date"] or "", f"https://arxiv.org/abs/{r['id']}") for r in rows
            )
        page = None if filt else self._linked_page(bindings, int(limit), offset)
        if page is not None:
            return page
        return self._page(
            where,
            filt,
            projection,
            bindings,
            bool(filt),
            f" LIMIT {int(limit)}" + (f" OFFSET {int(offset)}" if offset else ""),
        )

    def _paper_filters(
        self, entities: dict[str, str | None], since: str | None, until: str | None
    ) -> tuple[str, str, dict[str, URIRef | Literal]]:
        """The patterns of ``papers`` (a link to each given entity, any role), its date filter and the
        values they bind."""
        patterns: list[str] = []
        bindings: dict[str, URIRef | Literal] = {}
        for name, value in entities.items():
            if value:
                values = " ".join(f"kgo:{p}" for p in PREDICATES[name])
                patterns.append(f"?p ?r_{name} ?{name} . VALUES ?r_{name} {{ {values} }}")
                bindings[name] = URIRef(self.entity_iri(value, name))
        filters = []
        if since:
            filters.append("STR(?date) >= STR(?since)")
            bindings["since"] = Literal(str(since))
        if until:
            filters.append("STR(?date) <= STR(?until)")
            bindings["until"] = Literal(str(until))
        return "\n".join(patterns), f"FILTER({' && '.join(filters)})" if filters else "", bindings

    def _linked_page(self, bindings: dict[str, Any], limit: int, offset: int) -> Rows | None:
        """A page of the papers linked to given entities: the papers read straight from the index of each
        entity's links, sorted on their IRIs (the base, then the arXiv id) and cut in Python, then the ids,
        titles and dates of that page only (``None`` when no entity is given or an IRI is not kg's). A
        popular dataset has thousands of papers: as a query, the join and sort of their ids took most of a
        lookup's time on a large store."""
        base = self.config.base_iri + "paper/"
        found = [
            self._backend.subjects([KGO + p for p in PREDICATES[name]], str(bindings[name]))
            for name in ("dataset", "method", "task")
            if name in bindings
        ]
        if not found:
            return None
        chosen = set.intersection(*found)
        if not all(p.startswith(base) for p in chosen):
            return None
        ordered = sorted(chosen, key=lambda p: unquote(p[len(base) :]))  # ORDER BY the arXiv id
        page_rows = self._papers_by_iri(ordered[offset : offset + limit])
        return Rows(page_rows[p] for p in ordered[offset : offset + limit] if p in page_rows)

    def _page(self, where: str, filt: str, projection: str, bindings: dict[str, Any], dated: bool, page: str) -> Rows:
        """A page: the papers sorted and cut on their ids (short literals a store keeps inline), then the
        titles and dates of that page only (on a large store, reading every title of a popular dataset's
        thousands of papers took most of the time)."""
        rows = self.sparql(
            f"""SELECT DISTINCT ?p ?id {projection} WHERE {{ {VALUES_HERE}
            {where}
            ?p kgo:arxivId ?id .
            {"?p dcterms:date ?date ." if dated else ""}
            {filt}
        }} ORDER BY ?id{page}""",
            **bindings,
        )
        details = self._titles_and_dates([str(r["p"]) for r in rows])
        return Rows(
            PaperRow(r["id"], *details.get(str(r["p"]), ("", "")), f"https://arxiv.org/abs/{r['id']}") for r in rows
        )

    def _papers_by_iri(self, papers: Sequence[str]) -> dict[str, PaperRow]:
        """Paper IRI -> its row, for the given papers that have an arXiv id and a title."""
        from kg.rdf import term_text

        if not papers:
            return {}
        values = " ".join(term_text(URIRef(p)) for p in papers)
        return {
            str(r["p"]): PaperRow(r["id"], r["title"], r["date"] or "", f"https://arxiv.org/abs/{r['id']}")
            for r in self.sparql(f"""SELECT DISTINCT ?p ?id ?title ?date WHERE {{ VALUES ?p {{ {values} }}
                    ?p kgo:arxivId ?id ; dcterms:title ?title . OPTIONAL {{ ?p dcterms:date ?date }} }}""")
        }

    def _titles_and_dates(self, papers: Sequence[str], batch: int = 500) -> dict[str, tuple[str, str]]:
        """Paper IRI -> (title, date or "") for the given papers, ``batch`` papers a query."""
        from kg.rdf import term_text

        out: dict[str, tuple[str, str]] = {}
        for start in range(0, len(papers), batch):
            values = " ".join(term_text(URIRef(p)) for p in papers[start : start + batch])
            for r in self.sparql(f"""SELECT ?p ?title ?date WHERE {{ VALUES ?p {{ {values} }}
                    ?p dcterms:title ?title . OPTIONAL {{ ?p dcterms:date ?date }} }}"""):
                out[str(r["p"])] = (r["title"], r["date"] or "")
        return out

    def entities(self, type: str | None = None, min_papers: int = 1) -> Rows:
        """Entities (of a type) with how many papers link them, most linked first.

        >>> from kg import KnowledgeGraph
        >>> [(e.label, e.papers) for e in KnowledgeGraph.example().entities("dataset")]
        [('CIFAR-10', 2), ('CelebA', 1)]
        """
        types = [type] if type else list(CLASSES)
        for t in types:
            if t not in CLASSES:
                raise unknown_name("entity type", t, list(CLASSES))
        out: list[EntityRow] = []
        for t in types:
            # kg writes each entity's number of linking papers (kgo:paperCount): reading it is one lookup per
            # entity, where counting the links is a pass over all of them; graphs without it are counted
            rows = self.sparql(f"""SELECT ?e ?label ?n WHERE {{
                ?e a kgo:{CLASSES[t]} ; skos:prefLabel ?label . OPTIONAL {{ ?e kgo:paperCount ?n }}
            }}""")
            if any(r["n"] is None for r in rows):
                values = " ".join(f"kgo:{p}" for p in PREDICATES[t])
                rows = self.sparql(f"""SELECT ?e ?label (COUNT(DISTINCT ?p) AS ?n) WHERE {{
                    ?e a kgo:{CLASSES[t]} ; skos:prefLabel ?label .
                    OPTIONAL {{ ?p ?r ?e . VALUES ?r {{ {values} }} }}
                }} GROUP BY ?e ?label""")
            out.extend(
                EntityRow(self._id(r["e"]), t, r["label"], int(r["n"])) for r in rows if int(r["n"]) >= min_papers
            )
        return Rows(sorted(out, key=lambda e: (-e.papers, e.label.lower(), e.id)))

    def top(self, type: str, n: int = 10) -> Rows:
        """The ``n`` entities of a type linked by the most papers (in the order of ``entities``).

        The store sorts the stored paper counts and hands over the leaders only (with any entity tied
        with the last of them), so a store of hundreds of thousands of entities answers in about a second.

        >>> from kg import KnowledgeGraph
        >>> [e.id for e in KnowledgeGraph.example().top("method", 1)]
        ['method/gan']
        """
        if type not in CLASSES:
            raise unknown_name("entity type", type, list(CLASSES))
        if n <= 0:
            return Rows([])
        if not self._has_paper_counts(type):
            return Rows(self.entities(type)[:n])
        cls = CLASSES[type]
        last = self.sparql(f"SELECT ?n WHERE {{ ?e a kgo:{cls} ; kgo:paperCount ?n }} ORDER BY DESC(?n) LIMIT {int(n)}")
        if not last:
            return Rows([])
        floor = max(1, int(last[-1]["n"]))
        rows = self.sparql(f"""SELECT ?e ?label ?n WHERE {{
            ?e a kgo:{cls} ; kgo:paperCount ?n . FILTER(?n >= {floor}) ?e skos:prefLabel ?label }}""")
        out = [EntityRow(self._id(r["e"]), type, r["label"], int(r["n"])) for r in rows]
        return Rows(sorted(out, key=lambda e: (-e.papers, e.label.lower(), e.id))[:n])

    def _has_paper_counts(self, type: str) -> bool:
        """Whether every entity of a type carries its paper count (kg writes ``kgo:paperCount``)."""
        missing = self.sparql(f"""SELECT ?e WHERE {{ ?e a kgo:{CLASSES[type]} .
            FILTER NOT EXISTS {{ ?e kgo:paperCount ?n }} }} LIMIT 1""")
        return not missing

    def count(self, type: str) -> int:
        """How many entities of a type the graph holds.

        >>> from kg import KnowledgeGraph
        >>> KnowledgeGraph.example().count("dataset")
        2
        """
        if type not in CLASSES:
            raise unknown_name("entity type", type, list(CLASSES))
        return int(self.sparql(f"SELECT (COUNT(?e) AS ?n) WHERE {{ ?e a kgo:{CLASSES[type]} }}")[0]["n"])

    def related(self, entity: str, type: str | None = None) -> Rows:
        """Entities that appear in the same papers as ``entity``, with the number of shared papers.

        >>> from kg import KnowledgeGraph
        >>> [(r.label, r.count) for r in KnowledgeGraph.example().related("CIFAR-10", type="method")]
        [('Generative Adversarial Network', 2), ('FooGAN', 1)]
        """
        if type is not None and type not in CLASSES:
            raise unknown_name("entity type", type, list(CLASSES))
        iri = URIRef(self.entity_iri(entity))
        type_filter = f"?o a kgo:{CLASSES[type]} ." if type else ""
        rows = self.sparql(
            f"""SELECT ?e ?o ?label ?cls (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {VALUES_HERE}
            ?p ?r ?e . ?p ?r2 ?o . VALUES ?r {{ {_LINK_VALUES} }} VALUES ?r2 {{ {_LINK_VALUES} }}
            ?o skos:prefLabel ?label ; a ?cls . VALUES ?cls {{ kgo:Dataset kgo:Method kgo:Task }}
            {type_filter}
            FILTER(?o != ?e)
        }} GROUP BY ?e ?o ?label ?cls""",
            e=iri,
        )
        out = [Related(self._id(r["o"]), r["cls"].rsplit("#", 1)[-1].lower(), r["label"], int(r["n"])) for r in rows]
        return Rows(sorted(out, key=lambda r: (-r.count, r.label.lower(), r.id)))

    def timeline(self, entity: str) -> Rows:
        """Papers per listing date that link ``entity``, oldest first: rows of (date, papers).

        >>> from kg import KnowledgeGraph
        >>> KnowledgeGraph.example().timeline("GAN")
        [{'date': '2022-01-03', 'papers': 1}, {'date': '2022-01-04', 'papers': 1}]
        """
        rows = self.sparql(
            f"""SELECT ?e ?date (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {VALUES_HERE}
            ?p ?r ?e . VALUES ?r {{ {_LINK_VALUES} }} ?p dcterms:date ?date .
        }} GROUP BY ?e ?date ORDER BY ?date""",
            e=URIRef(self.entity_iri(entity)),
        )
        return Rows({"date": str(r["date"]), "papers": int(r["n"])} for r in rows)

    def evidence(self, paper: str, entity: str) -> Rows:
        """Why a paper is linked to an entity: the sentences and character spans, in text order.

        >>> from kg import KnowledgeGraph
        >>> e = KnowledgeGraph.example().evidence("2201.00001", "FooGAN")[0]
        >>> (e.role, e.field, e.start, e.end, e.text, e.source)
        ('proposes', 'title', 0, 6, 'FooGAN', 'pattern:title-colon')
        """
        paper_iri = URIRef(paper if paper.startswith("http") else self.config.base_iri + "paper/" + paper)
        entity_iri = self.entity_iri(entity)
        rows = self.sparql(
            f"""SELECT ?p ?e ?role ?field ?start ?end ?text ?sentence ?component ?confidence WHERE {{
            {VALUES_HERE}
            ?t oa:hasSource ?p . ?a oa:hasTarget ?t ; oa:hasBody ?e .
            ?a a oa:Annotation ; kgo:field ?field ; kgo:role ?role .
            ?t oa:hasSelector ?pos , ?quote .
            ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
            ?quote a oa:TextQuoteSelector ; oa:exact ?text .
            OPTIONAL {{ ?a kgo:sentence ?sentence }}
            OPTIONAL {{ ?a kgo:confidence ?confidence }}
            OPTIONAL {{ ?a prov:wasAttributedTo ?component }}
        }}""",
            p=paper_iri,
            e=URIRef(entity_iri),
        )
        out = [
            Evidence(
                self._id(str(paper_iri)),
                self._id(entity_iri),
                ROLE_OF.get(str(r["role"]).rsplit("#", 1)[-1], str(r["role"])),
                r["field"],
                int(r["start"]),
                int(r["end"]),
                r["text"],
                r["sentence"] or "",
                str(r["component"] or "").rsplit("/", 1)[-1],
                float(r["confidence"] or 0),
            )
            for r in rows
        ]
        return Rows(sorted(out, key=lambda e: (e.field != "title", e.start, e.end)))

    def stats(self, n: int = 5) -> dict[str, Any]:
        """Counts per type and the top entities per type.

        >>> from kg import KnowledgeGraph
        >>> KnowledgeGraph.example().stats(n=1)["dataset"]
        {'count': 2, 'top': [('CIFAR-10', 2)]}
        """
        papers = self.sparql("SELECT (COUNT(?p) AS ?n) WHERE { ?p a kgo:Paper }")[0]["n"]
        out: dict[str, Any] = {"papers": int(papers)}
        for t in CLASSES:
            out[t] = {"count": self.count(t), "top": [(r.label, r.papers) for r in self.top(t, n)]}
        return out
