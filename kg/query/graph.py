"""``KnowledgeGraph``: a graph file or store opened for queries, SPARQL with bound values, entity lookup by
id, IRI, label or alias, and export (networkx, files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rdflib
from rdflib import Literal, URIRef

from kg.config import Config
from kg.errors import KGError, StoreError, unknown_name
from kg.query.backends import _Oxigraph, _Rdflib, _triple_to_rdflib, spellings
from kg.query.presets import Presets
from kg.query.rows import Rows
from kg.query.sparql import (
    _LINK_VALUES,
    CLASSES,
    PREFIXES,
    ROLE_OF,
    VALUES_HERE,
    inject_values,
)

ENGINES = ("oxigraph", "rdflib")


class KnowledgeGraph(Presets):
    """Query API over a built graph. Entity arguments accept an id, an IRI, a label or an alias.

    Queries run on pyoxigraph, in memory for a graph file and on disk for a store folder; the
    ``rdflib`` engine gives the same answers more slowly (used to cross-check the two).
    """

    def __init__(self, backend: _Rdflib | _Oxigraph, config: Config = Config()) -> None:
        self._backend = backend
        self.config = config
        self.name = "kg"  # the title of its views; kg.load names it after its file

    # ----------------------------------------------------------------------------------- construction
    @classmethod
    def from_rdflib(cls, graph: rdflib.Graph, config: Config = Config(), engine: str = "oxigraph") -> KnowledgeGraph:
        """A graph from an rdflib ``Graph`` (copied into an in-memory pyoxigraph store by default)."""
        if engine not in ENGINES:
            raise unknown_name("query engine", engine, ENGINES)
        if engine == "rdflib":
            return cls(_Rdflib(graph), config)
        import pyoxigraph as ox

        store = ox.Store()
        store.extend(ox.Quad(_Oxigraph._term(s), _Oxigraph._term(p), _Oxigraph._term(o)) for s, p, o in graph)
        return cls(_Oxigraph(store), config)

    @classmethod
    def example(cls) -> KnowledgeGraph:
        """A tiny graph of two papers (no extraction involved), for examples and quick experiments.

        >>> [p.id for p in KnowledgeGraph.example().papers()]
        ['2201.00001', '2201.00002']
        """
        from kg import rdf
        from kg.records import Entity, EntityType, Link, Mention, Paper, Role

        t1, t2 = "FooGAN: Better Image Generation", "Generating Faces"
        a1 = "We propose FooGAN, a GAN evaluated on CIFAR-10."
        a2 = "A GAN for face generation, evaluated on CIFAR-10 and CelebA."
        papers = [
            Paper("2201.00001", 1, t1, a1, ("A. Author",), ("cs.CV",), "2022-01-03"),
            Paper("2201.00002", 1, t2, a2, ("B. Author",), ("cs.CV",), "2022-01-04"),
        ]

        def m(type_, field, text, whole, role, source="vocabulary"):
            start = whole.index(text)
            return Mention(type_, field, start, start + len(text), text, whole, 0, len(whole), role, 0.9, source)

        D, M, T = EntityType.DATASET, EntityType.METHOD, EntityType.TASK
        links = [
            Link(
                "2201.00001",
                "method/foogan",
                Role.PROPOSES,
                (m(M, "title", "FooGAN", t1, Role.PROPOSES, "pattern:title-colon"),),
            ),
            Link("2201.00001", "method/gan", Role.USES, (m(M, "abstract", "GAN", a1, Role.USES),)),
            Link("2201.00001", "dataset/cifar-10", Role.USES, (m(D, "abstract", "CIFAR-10", a1, Role.USES),)),
            Link(
                "2201.00001",
                "task/image-generation",
                Role.ADDRESSES,
                (m(T, "title", "Image Generation", t1, Role.ADDRESSES),),
            ),
            Link("2201.00002", "method/gan", Role.USES, (m(M, "abstract", "GAN", a2, Role.USES),)),
            Link("2201.00002", "dataset/cifar-10", Role.USES, (m(D, "abstract", "CIFAR-10", a2, Role.USES),)),
            Link("2201.00002", "dataset/celeba", Role.USES, (m(D, "abstract", "CelebA", a2, Role.USES),)),
        ]
        entities = [
            Entity("method/foogan", M, "FooGAN", (("FooGAN", 1),)),
            Entity("method/gan", M, "Generative Adversarial Network", (("GAN", 2),), "method/gan"),
            Entity("dataset/cifar-10", D, "CIFAR-10", (("CIFAR-10", 2),), "dataset/cifar-10"),
            Entity("dataset/celeba", D, "CelebA", (("CelebA", 1),), "dataset/celeba"),
            Entity("task/image-generation", T, "Image Generation", (("Image Generation", 1),)),
        ]
        return cls.from_rdflib(rdf.to_rdflib(papers, entities, links))

    @classmethod
    def from_file(cls, path: str | Path, config: Config = Config(), engine: str = "oxigraph") -> KnowledgeGraph:
        """A graph file (Turtle, N-Triples, JSON-LD) loaded into memory."""
        import pyoxigraph as ox

        path = Path(path)
        formats = {
            ".ttl": ox.RdfFormat.TURTLE,
            ".nt": ox.RdfFormat.N_TRIPLES,
            ".jsonld": ox.RdfFormat.JSON_LD,
            ".json": ox.RdfFormat.JSON_LD,
        }
        if path.suffix not in formats:
            raise unknown_name("graph file extension", path.suffix, list(formats))
        if engine == "rdflib":
            graph = rdflib.Graph()
            try:
                graph.parse(str(path), format={".ttl": "turtle", ".nt": "nt"}.get(path.suffix, "json-ld"))
            except (OSError, SyntaxError, ValueError) as err:
                raise StoreError(f"{path}: cannot read graph: {err}") from err
            return cls(_Rdflib(graph), config)
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=formats[path.suffix])
        except (OSError, SyntaxError, ValueError) as err:
            raise StoreError(f"{path}: cannot read graph: {err}") from err
        return cls(_Oxigraph(store), config)

    @classmethod
    def open_store(cls, path: str | Path, config: Config = Config()) -> KnowledgeGraph:
        """A persistent pyoxigraph store (as written by ``kg build --store DIR``)."""
        import pyoxigraph as ox

        try:
            store = ox.Store.read_only(str(path)) if Path(path).exists() else None
        except OSError as err:
            raise StoreError(f"{path}: cannot open store: {err}") from err
        if store is None:
            raise StoreError(
                f"{path}: no store here",
            )
        return cls(_Oxigraph(store), config)

    @property
    def rdflib_graph(self) -> rdflib.Graph:
        """The graph as an rdflib ``Graph``, every triple with the terms it was written with (a store's
        integers typed again as kg typed them: ``kg.rdf.NARROW_INTEGERS``).

        >>> from kg.rdf import OA, XSD
        >>> {o.datatype for o in KnowledgeGraph.example().rdflib_graph.objects(None, OA.start)} == {XSD.nonNegativeInteger}
        True
        """
        if isinstance(self._backend, _Rdflib):
            return self._backend.graph
        graph = rdflib.Graph()
        for quad in self._backend.store:
            graph.add(_triple_to_rdflib(quad))
        return graph

    # ---------------------------------------------------------------------------------------- queries
    def sparql(self, query: str, **bindings: Any) -> Rows:
        """Run a SELECT query; keyword arguments bind variables of its WHERE clause, projected or not
        (strings that start with http:// or https:// and ``URIRef``s become IRIs, other values literals).
        The values go into a ``VALUES`` block at the start of the WHERE clause as escaped RDF terms, never
        as text pasted into the query. Standard prefixes (kgo, dcterms, skos, oa, prov, rdf, xsd) are
        predeclared.

        >>> g = KnowledgeGraph.example()
        >>> [r["p"][-10:] for r in g.sparql("SELECT ?p WHERE { ?p kgo:usesDataset ?d }",
        ...                                  d="https://w3id.org/kg/dataset/celeba")]
        ['2201.00002']
        """
        bound = {
            k: v
            if isinstance(v, (URIRef, Literal))
            else (URIRef(v) if isinstance(v, str) and v.startswith(("http://", "https://")) else Literal(v))
            for k, v in bindings.items()
        }
        text = query if "PREFIX kgo:" in query else PREFIXES + query
        if bound and VALUES_HERE not in text:  # a caller's query: values bound the same way on both engines
            text, bound = inject_values(text, bound), {}
        try:
            return Rows(self._backend.select(text, bound))
        except KGError:
            raise
        except Exception as err:  # parser errors of either engine
            raise KGError(f"SPARQL query failed: {err}") from err

    def entity_iri(self, entity: str, type: str | None = None) -> str:
        """The IRI of an entity given its id, IRI, label or alias (case-insensitive); among several
        entities of that name, the one linked by the most papers.

        Labels are looked up as written and in lower, upper and title case (index lookups); only when none
        of these matches are all labels compared case-insensitively (a scan of every label).

        >>> KnowledgeGraph.example().entity_iri("gan")
        'https://w3id.org/kg/method/gan'
        """
        if entity.startswith(("http://", "https://")):
            return entity
        if entity.count("/") == 1 and entity.split("/")[0] in CLASSES:
            candidate = self.config.base_iri + entity
            if self.sparql(f"SELECT ?e ?l WHERE {{ {VALUES_HERE} ?e skos:prefLabel ?l }} LIMIT 1", e=URIRef(candidate)):
                return candidate
        if type is not None and type not in CLASSES:
            raise unknown_name("entity type", type, list(CLASSES))
        # a FILTER, not a join: the class has thousands of members, the label a handful
        type_filter = f"FILTER EXISTS {{ ?e a kgo:{CLASSES[type]} }}" if type else ""
        exact = f"""SELECT ?name ?e ?n WHERE {{ {VALUES_HERE}
            {{ ?e skos:prefLabel ?name }} UNION {{ ?e skos:altLabel ?name }}
            {type_filter}
            OPTIONAL {{ ?e kgo:paperCount ?n }}
        }}"""
        rows = [row for form in spellings(entity) for row in self.sparql(exact, name=form)]
        if not rows:
            rows = self.sparql(
                f"""SELECT ?name ?e ?n WHERE {{
                {{ ?e skos:prefLabel ?l }} UNION {{ ?e skos:altLabel ?l }}
                FILTER(LCASE(STR(?l)) = LCASE(STR(?name)))
                {type_filter}
                OPTIONAL {{ ?e kgo:paperCount ?n }}
            }}""",
                name=entity,
            )
        if not rows:
            raise KGError(f"no entity called {entity!r}; try `kg query` on entities or a label from entities.csv")
        return min(rows, key=lambda r: (-int(r["n"] or 0), r["e"]))["e"]

    # ----------------------------------------------------------------------------------------- export
    def to_networkx(self):
        """A networkx MultiDiGraph of papers and entities: paper -> entity edges keyed by role, and the
        relations the papers state as typed entity -> entity edges keyed by their label (``used-for``,
        ``evaluated-with``, ...; ``kg.query.relations.add_stated_edges``).

        >>> g = KnowledgeGraph.example().to_networkx()
        >>> g.number_of_nodes(), sorted(k for _, _, k in g.edges(keys=True))[:2]
        (7, ['addresses', 'proposes'])
        """
        import networkx as nx

        from kg.query.relations import add_stated_edges

        graph = nx.MultiDiGraph()
        for r in self.sparql(
            "SELECT ?p ?id ?title ?date WHERE { ?p a kgo:Paper ; kgo:arxivId ?id ; dcterms:title ?title . OPTIONAL { ?p dcterms:date ?date } }"
        ):
            graph.add_node(
                "paper/" + r["id"],
                kind="paper",
                label=r["title"],
                title=r["title"],
                arxiv_id=r["id"],
                date=r["date"] or "",
                url=f"https://arxiv.org/abs/{r['id']}",
            )
        for row in self.entities(min_papers=0):
            graph.add_node(row.id, kind=row.type, label=row.label, n_papers=row.papers)
        for r in self.sparql(
            f"SELECT ?id ?r ?e WHERE {{ ?p ?r ?e ; kgo:arxivId ?id . VALUES ?r {{ {_LINK_VALUES} }} }}"
        ):
            role = ROLE_OF[r["r"].rsplit("#", 1)[-1]]
            graph.add_edge("paper/" + r["id"], self._id(r["e"]), key=role, role=role)
        return add_stated_edges(graph, self)

    def to_pandas(self, table: str) -> Any:
        """One of the tables of ``kg export`` (papers, entities, links, cooccurrences, relations) as a
        pandas DataFrame (``kg.export``).

        >>> KnowledgeGraph.example().to_pandas("papers")["id"].tolist()
        ['2201.00001', '2201.00002']
        """
        from kg.export import frame

        return frame(self, table)

    # -------------------------------------------------------------------------------------- notebooks
    def _repr_html_(self) -> str:
        from kg.notebook import summary_html

        return summary_html(self)

    def _repr_markdown_(self) -> str:
        from kg.notebook import summary_markdown

        return summary_markdown(self)

    def show(
        self, focus: str | None = None, hops: int = 1, top: int | None = None, physics: bool = False, height: int = 600
    ) -> Any:
        """The HTML view inline in a notebook, offline (``kg.notebook.show``; the options of ``kg view``)."""
        from kg.notebook import show

        return show(self, focus=focus, hops=hops, top=top, physics=physics, height=height)

    def save(self, path: str | Path) -> Path:
        """Write the graph as Turtle (``.ttl``), N-Triples (``.nt``) or JSON-LD (``.jsonld``).

        >>> import tempfile, pathlib
        >>> path = KnowledgeGraph.example().save(pathlib.Path(tempfile.mkdtemp()) / "g.ttl")
        >>> [p.id for p in __import__("kg").load(path).papers(method="FooGAN")]
        ['2201.00001']
        """
        from kg import rdf

        path = Path(path)
        exporter = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld"}.get(path.suffix)
        if exporter is None:
            raise unknown_name("file extension", path.suffix, [".ttl", ".nt", ".jsonld"])
        graph = self.rdflib_graph
        if exporter == "ntriples":
            rdf.write_ntriples(iter(graph), path)
        else:
            rdf.get_exporter(exporter)(graph, path)
        return path

    def _id(self, iri: str) -> str:
        return iri[len(self.config.base_iri) :] if iri.startswith(self.config.base_iri) else iri
