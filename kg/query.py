"""``KnowledgeGraph``: the questions a researcher asks, over an in-memory rdflib graph or a persistent
pyoxigraph store. Every method is SPARQL underneath; values are bound as RDF terms (checked and escaped by
``values_clause``), never formatted into the query from the input.

>>> g = KnowledgeGraph.example()                  # or kg.load("outputs/graph.ttl")
>>> [p.id for p in g.papers(method="FooGAN")]
['2201.00001']
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import rdflib
from rdflib import Literal, URIRef, Variable

from kg.config import Config
from kg.errors import ConfigError, KGError, StoreError, unknown_name
from kg.rdf import NARROW_INTEGERS

KGO = "https://w3id.org/kg/ontology#"
PREFIXES = f"""PREFIX kgo: <{KGO}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
CLASSES = {"dataset": "Dataset", "method": "Method", "task": "Task"}
PREDICATES = {
    "dataset": ("usesDataset", "introducesDataset"),
    "method": ("usesMethod", "proposesMethod"),
    "task": ("addressesTask",),
}
ROLE_OF = {"usesDataset": "uses", "introducesDataset": "introduces", "usesMethod": "uses",
           "proposesMethod": "proposes", "addressesTask": "addresses"}
_LINK_VALUES = " ".join(f"kgo:{p}" for ps in PREDICATES.values() for p in ps)
#: where kg's own queries take their bound values (a SPARQL comment, so a query without values still parses)
VALUES_HERE = "#kg:values\n"
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def values_clause(bindings: Mapping[str, Any]) -> str:
    """A ``VALUES`` row binding variables to RDF terms. Each term is written by ``kg.rdf.term_text``
    (IRIs checked, literals escaped), so no value can change the query around it.

    Oxigraph plans a query before it substitutes bound variables, so a lookup such as "the evidence of
    this paper for this entity" would scan every annotation; values written into the query let it start
    from the paper (milliseconds instead of seconds on a large store).

    >>> print(values_clause({"e": URIRef("https://x/a"), "name": Literal('say "hi"')}))
    VALUES (?e ?name) { (<https://x/a> "say \\"hi\\"") }
    >>> values_clause({"e": URIRef("https://x/a> . ?s ?p <https://x/b")})
    Traceback (most recent call last):
    kg.errors.StoreError: cannot write rdflib.term.URIRef('https://x/a> . ?s ?p <https://x/b'): not a valid IRI
    """
    from kg.rdf import term_text

    names = list(bindings)
    bad = [name for name in names if not _VARIABLE.fullmatch(name)]
    if bad:
        raise KGError(f"invalid variable name(s) {bad}")
    terms = " ".join(term_text(bindings[name]) for name in names)
    return f"VALUES ({' '.join('?' + name for name in names)}) {{ ({terms}) }}"


# the tokens of SPARQL text that can hold a brace or a keyword without being one: comments, strings, IRIs
_SPARQL_TOKENS = re.compile(r"""
    (?P<skip> \#[^\n]*
            | '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
            | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*"
            | <[^<>"{}|^`\\\x00-\x20]*> )
  | (?P<word> [?$]?[A-Za-z_][A-Za-z0-9_-]*(?::[A-Za-z0-9_.-]*)? )
  | (?P<open> [{(] ) | (?P<close> [})] )
""", re.VERBOSE | re.DOTALL)


def _where_brace(query: str) -> int:
    """The offset just inside the opening brace of the query's WHERE clause: the first ``{`` at the top
    level (outside comments, strings, IRIs, parentheses), or for a CONSTRUCT the first after ``WHERE``.

    >>> q = 'PREFIX x: <http://x/#> SELECT ?s WHERE { ?s x:p "{" }'
    >>> q[_where_brace(q):]
    ' ?s x:p "{" }'
    >>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> q[_where_brace(q):]
    ' ?s ?p ?o }'
    """
    depth, form, after_where = 0, "", False
    for match in _SPARQL_TOKENS.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind == "word" and depth == 0:
            word = text.upper()
            if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and not form:
                form = word
            elif word == "WHERE":
                after_where = True
        elif kind == "open":
            if text == "{" and depth == 0 and (form != "CONSTRUCT" or after_where):
                if form == "CONSTRUCT" and re.search(r"CONSTRUCT\s+WHERE\s*$", query[:match.start()], re.IGNORECASE):
                    raise KGError("values cannot be bound in a CONSTRUCT WHERE { } query; write its template out")
                return match.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    raise KGError("cannot bind values: the query has no WHERE { } clause")


def inject_values(query: str, bindings: Mapping[str, Any]) -> str:
    """The query with a ``VALUES`` block (``values_clause``: each value written as an RDF term, escaped)
    at the start of its WHERE clause, so that every variable of the clause is bound, whether the query
    projects it or not, the same way on every engine.

    >>> print(inject_values("SELECT ?p WHERE { ?p ?r ?d }", {"d": URIRef("https://x/a")}))
    SELECT ?p WHERE { VALUES (?d) { (<https://x/a>) } ?p ?r ?d }
    """
    if not bindings:
        return query
    at = _where_brace(query)
    return f"{query[:at]} {values_clause(bindings)}{query[at:]}"


class Rows(list):
    """A list of plain records that can become a pandas DataFrame."""

    def to_pandas(self) -> Any:
        try:
            import pandas as pd
        except ImportError as err:
            raise KGError("to_pandas() needs pandas: pip install 'kg[pandas]'") from err
        return pd.DataFrame([asdict(r) if hasattr(r, "__dataclass_fields__") else dict(r) for r in self])


@dataclass(frozen=True)
class PaperRow:
    id: str
    title: str
    date: str
    url: str


@dataclass(frozen=True)
class EntityRow:
    id: str
    type: str
    label: str
    papers: int


@dataclass(frozen=True)
class Related:
    id: str
    type: str
    label: str
    count: int


@dataclass(frozen=True)
class Pair:
    a: str
    a_label: str
    b: str
    b_label: str
    count: int


@dataclass(frozen=True)
class Evidence:
    paper: str
    entity: str
    role: str
    field: str
    start: int
    end: int
    text: str
    sentence: str
    source: str
    confidence: float


def _python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(value) if hasattr(value, "isoformat") else value
    return str(term)


_XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(_XSD_NS + name for name in (
    "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "int", "long",
    "short", "byte", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"))
_PLAIN_INTEGER = re.compile(r"[+-]?[0-9]+")
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def ox_value(term: Any) -> Any:
    """The Python value of a pyoxigraph term: IRIs as strings, literals as rdflib's ``toPython`` gives them
    (``str``, ``int``, ``Decimal``, dates as ISO strings), converted directly for the common datatypes
    (a query may return many rows) and through rdflib for the others.

    >>> import pyoxigraph as ox
    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> [ox_value(t) for t in (ox.NamedNode("https://x/a"), ox.Literal("a"), ox.Literal("7", datatype=ox.NamedNode(xsd + "integer")),
    ...                         ox.Literal("2025-01-02", datatype=ox.NamedNode(xsd + "date")), None)]
    ['https://x/a', 'a', 7, '2025-01-02', None]
    """
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    if datatype is None:  # an IRI or a blank node
        return term.value
    value, language, datatype = term.value, term.language, datatype.value
    if not language:
        if datatype == _XSD_STRING:
            return value
        if datatype in _INTEGERS and _PLAIN_INTEGER.fullmatch(value):
            return int(value)
        if datatype == _XSD_NS + "date" and _PLAIN_DATE.fullmatch(value):
            return value
    return _python(Literal(value, lang=language, datatype=None if language else URIRef(datatype)))


class _Rdflib:
    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph

    def select(self, query: str, bindings: Mapping[str, Any]) -> list[dict[str, Any]]:
        # rdflib evaluates with the variables bound from the start: no need to write them into the query
        result = self.graph.query(query, initBindings={Variable(k): v for k, v in bindings.items()})
        names = [str(v) for v in result.vars or []]
        return [{n: _python(row[i]) for i, n in enumerate(names)} for row in result]

    def subjects(self, predicates: Sequence[str], object_: str) -> set[str]:
        """The subjects of triples with one of ``predicates`` and the IRI ``object_``."""
        return {str(s) for p in predicates for s in self.graph.subjects(URIRef(p), URIRef(object_))}


class _Oxigraph:
    def __init__(self, store: Any) -> None:
        self.store = store

    @staticmethod
    def _term(value: Any) -> Any:
        import pyoxigraph as ox

        if isinstance(value, URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, rdflib.BNode):
            return ox.BlankNode(str(value))
        if isinstance(value, Literal):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            if value.datatype:
                return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
            return ox.Literal(str(value))
        raise StoreError(f"cannot bind {value!r}")

    @staticmethod
    def _value(term: Any) -> Any:
        """The Python value of a pyoxigraph term, the same as rdflib's ``toPython`` gives (see ``ox_value``)."""
        return ox_value(term)

    def select(self, query: str, bindings: Mapping[str, Any]) -> list[dict[str, Any]]:
        import pyoxigraph as ox

        if VALUES_HERE in query and bindings:  # kg's own queries: values written where the query wants them
            solutions = self.store.query(query.replace(VALUES_HERE, values_clause(bindings) + "\n"))
        else:
            subs = {ox.Variable(k): self._term(v) for k, v in bindings.items()}
            solutions = self.store.query(query, substitutions=subs)
        names = [v.value for v in solutions.variables]
        return [dict(zip(names, map(ox_value, row))) for row in solutions]

    def subjects(self, predicates: Sequence[str], object_: str) -> set[str]:
        """The subjects of triples with one of ``predicates`` and the IRI ``object_``: an index read, with
        none of a query's planning, joins or sorting."""
        import pyoxigraph as ox

        target, graph = ox.NamedNode(object_), ox.DefaultGraph()
        return {q.subject.value for p in predicates for q in self.store.quads_for_pattern(None, ox.NamedNode(p), target, graph)}


def spellings(name: str) -> list[str]:
    """A name as written, then in lower, upper and title case (each once): the labels looked up first.

    >>> spellings("cifar-10")
    ['cifar-10', 'CIFAR-10', 'Cifar-10']
    """
    out: list[str] = []
    for form in (name, name.lower(), name.upper(), name.title()):
        if form not in out:
            out.append(form)
    return out


ENGINES = ("oxigraph", "rdflib")


class KnowledgeGraph:
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
    def from_rdflib(cls, graph: rdflib.Graph, config: Config = Config(), engine: str = "oxigraph") -> "KnowledgeGraph":
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
    def example(cls) -> "KnowledgeGraph":
        """A tiny graph of two papers (no extraction involved), for examples and quick experiments.

        >>> [p.id for p in KnowledgeGraph.example().papers()]
        ['2201.00001', '2201.00002']
        """
        from kg import rdf
        from kg.records import Entity, EntityType, Link, Mention, Paper, Role

        t1, t2 = "FooGAN: Better Image Generation", "Generating Faces"
        a1 = "We propose FooGAN, a GAN evaluated on CIFAR-10."
        a2 = "A GAN for face generation, evaluated on CIFAR-10 and CelebA."
        papers = [Paper("2201.00001", 1, t1, a1, ("A. Author",), ("cs.CV",), "2022-01-03"),
                  Paper("2201.00002", 1, t2, a2, ("B. Author",), ("cs.CV",), "2022-01-04")]

        def m(type_, field, text, whole, role, source="vocabulary"):
            start = whole.index(text)
            return Mention(type_, field, start, start + len(text), text, whole, 0, len(whole), role, 0.9, source)

        D, M, T = EntityType.DATASET, EntityType.METHOD, EntityType.TASK
        links = [
            Link("2201.00001", "method/foogan", Role.PROPOSES, (m(M, "title", "FooGAN", t1, Role.PROPOSES, "pattern:title-colon"),)),
            Link("2201.00001", "method/gan", Role.USES, (m(M, "abstract", "GAN", a1, Role.USES),)),
            Link("2201.00001", "dataset/cifar-10", Role.USES, (m(D, "abstract", "CIFAR-10", a1, Role.USES),)),
            Link("2201.00001", "task/image-generation", Role.ADDRESSES, (m(T, "title", "Image Generation", t1, Role.ADDRESSES),)),
            Link("2201.00002", "method/gan", Role.USES, (m(M, "abstract", "GAN", a2, Role.USES),)),
            Link("2201.00002", "dataset/cifar-10", Role.USES, (m(D, "abstract", "CIFAR-10", a2, Role.USES),)),
            Link("2201.00002", "dataset/celeba", Role.USES, (m(D, "abstract", "CelebA", a2, Role.USES),)),
        ]
        entities = [Entity("method/foogan", M, "FooGAN", (("FooGAN", 1),)),
                    Entity("method/gan", M, "Generative Adversarial Network", (("GAN", 2),), "method/gan"),
                    Entity("dataset/cifar-10", D, "CIFAR-10", (("CIFAR-10", 2),), "dataset/cifar-10"),
                    Entity("dataset/celeba", D, "CelebA", (("CelebA", 1),), "dataset/celeba"),
                    Entity("task/image-generation", T, "Image Generation", (("Image Generation", 1),))]
        return cls.from_rdflib(rdf.to_rdflib(papers, entities, links))

    @classmethod
    def from_file(cls, path: str | Path, config: Config = Config(), engine: str = "oxigraph") -> "KnowledgeGraph":
        """A graph file (Turtle, N-Triples, JSON-LD) loaded into memory."""
        import pyoxigraph as ox

        path = Path(path)
        formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
                   ".json": ox.RdfFormat.JSON_LD}
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
    def open_store(cls, path: str | Path, config: Config = Config()) -> "KnowledgeGraph":
        """A persistent pyoxigraph store (as written by ``kg build --store DIR``)."""
        import pyoxigraph as ox

        try:
            store = ox.Store.read_only(str(path)) if Path(path).exists() else None
        except OSError as err:
            raise StoreError(f"{path}: cannot open store: {err}") from err
        if store is None:
            raise StoreError(f"{path}: no store here", )
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
        bound = {k: v if isinstance(v, (URIRef, Literal)) else
                 (URIRef(v) if isinstance(v, str) and v.startswith(("http://", "https://")) else Literal(v))
                 for k, v in bindings.items()}
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
            rows = self.sparql(f"""SELECT ?name ?e ?n WHERE {{
                {{ ?e skos:prefLabel ?l }} UNION {{ ?e skos:altLabel ?l }}
                FILTER(LCASE(STR(?l)) = LCASE(STR(?name)))
                {type_filter}
                OPTIONAL {{ ?e kgo:paperCount ?n }}
            }}""", name=entity)
        if not rows:
            raise KGError(f"no entity called {entity!r}; try `kg query` on entities or a label from entities.csv")
        return min(rows, key=lambda r: (-int(r["n"] or 0), r["e"]))["e"]

    def papers(self, dataset: str | None = None, method: str | None = None, task: str | None = None,
               since: str | None = None, until: str | None = None, limit: int | None = None,
               offset: int = 0) -> Rows:
        """Papers linked to every given entity (any role), within [since, until] by date, sorted by id;
        with ``limit``, one page of at most that many from ``offset`` on (a popular dataset has thousands of
        papers, and on a large store most of an answer's time is spent reading the titles).

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
        patterns, bindings = [], {}
        for name, value in (("dataset", dataset), ("method", method), ("task", task)):
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
        where = "\n".join(patterns)
        filt = f"FILTER({' && '.join(filters)})" if filters else ""
        projection = " ".join(f"?{name}" for name in bindings)
        page = f" LIMIT {int(limit)}" + (f" OFFSET {int(offset)}" if offset else "") if limit is not None else ""
        if limit is None:  # the whole answer: titles and dates in the same query
            rows = self.sparql(f"""SELECT DISTINCT ?p ?id ?title ?date {projection} WHERE {{ {VALUES_HERE}
                {where}
                ?p kgo:arxivId ?id ; dcterms:title ?title .
                OPTIONAL {{ ?p dcterms:date ?date }}
                {filt}
            }} ORDER BY ?id""", **bindings)
            return Rows(PaperRow(r["id"], r["title"], r["date"] or "", f"https://arxiv.org/abs/{r['id']}") for r in rows)
        if not filters:
            # a page of the papers linked to given entities: the papers read straight from the index of
            # each entity's links, sorted on their IRIs (the base, then the arXiv id) and cut in Python,
            # then the ids, titles and dates of that page only. A popular dataset has thousands of papers:
            # as a query, the join and sort of their ids took most of a lookup's time on a large store
            base = self.config.base_iri + "paper/"
            found = [self._backend.subjects([KGO + p for p in PREDICATES[name]], str(bindings[name]))
                     for name in ("dataset", "method", "task") if name in bindings]
            if found:
                chosen = set.intersection(*found)
                if all(p.startswith(base) for p in chosen):
                    chosen = sorted(chosen, key=lambda p: unquote(p[len(base):]))  # ORDER BY the arXiv id
                    page_rows = self._papers_by_iri(chosen[offset:offset + int(limit)])
                    return Rows(page_rows[p] for p in chosen[offset:offset + int(limit)] if p in page_rows)
        # a page: the papers sorted and cut on their ids (short literals a store keeps inline), then the
        # titles and dates of that page only (on a large store, reading every title of a popular dataset's
        # thousands of papers took most of the time)
        rows = self.sparql(f"""SELECT DISTINCT ?p ?id {projection} WHERE {{ {VALUES_HERE}
            {where}
            ?p kgo:arxivId ?id .
            {"?p dcterms:date ?date ." if filters else ""}
            {filt}
        }} ORDER BY ?id{page}""", **bindings)
        details = self._titles_and_dates([str(r["p"]) for r in rows])
        return Rows(PaperRow(r["id"], *details.get(str(r["p"]), ("", "")), f"https://arxiv.org/abs/{r['id']}")
                    for r in rows)

    def _papers_by_iri(self, papers: Sequence[str]) -> dict[str, PaperRow]:
        """Paper IRI -> its row, for the given papers that have an arXiv id and a title."""
        from kg.rdf import term_text

        if not papers:
            return {}
        values = " ".join(term_text(URIRef(p)) for p in papers)
        return {str(r["p"]): PaperRow(r["id"], r["title"], r["date"] or "", f"https://arxiv.org/abs/{r['id']}")
                for r in self.sparql(f"""SELECT DISTINCT ?p ?id ?title ?date WHERE {{ VALUES ?p {{ {values} }}
                    ?p kgo:arxivId ?id ; dcterms:title ?title . OPTIONAL {{ ?p dcterms:date ?date }} }}""")}

    def _titles_and_dates(self, papers: Sequence[str], batch: int = 500) -> dict[str, tuple[str, str]]:
        """Paper IRI -> (title, date or "") for the given papers, ``batch`` papers a query."""
        from kg.rdf import term_text

        out: dict[str, tuple[str, str]] = {}
        for start in range(0, len(papers), batch):
            values = " ".join(term_text(URIRef(p)) for p in papers[start:start + batch])
            for r in self.sparql(f"""SELECT ?p ?title ?date WHERE {{ VALUES ?p {{ {values} }}
                    ?p dcterms:title ?title . OPTIONAL {{ ?p dcterms:date ?date }} }}"""):
                out[str(r["p"])] = (r["title"], r["date"] or "")
        return out

    def entities(self, type: str | None = None, min_papers: int = 1) -> Rows:
        """Entities (of a type) with how many papers link them, most linked first.

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
            out.extend(EntityRow(self._id(r["e"]), t, r["label"], int(r["n"])) for r in rows if int(r["n"]) >= min_papers)
        return Rows(sorted(out, key=lambda e: (-e.papers, e.label.lower(), e.id)))

    def top(self, type: str, n: int = 10) -> Rows:
        """The ``n`` entities of a type linked by the most papers (in the order of ``entities``).

        The store sorts the stored paper counts and hands over the leaders only (with any entity tied
        with the last of them), so a store of hundreds of thousands of entities answers in about a second.

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

        >>> KnowledgeGraph.example().count("dataset")
        2
        """
        if type not in CLASSES:
            raise unknown_name("entity type", type, list(CLASSES))
        return int(self.sparql(f"SELECT (COUNT(?e) AS ?n) WHERE {{ ?e a kgo:{CLASSES[type]} }}")[0]["n"])

    def related(self, entity: str, type: str | None = None) -> Rows:
        """Entities that appear in the same papers as ``entity``, with the number of shared papers.

        >>> [(r.label, r.count) for r in KnowledgeGraph.example().related("CIFAR-10", type="method")]
        [('Generative Adversarial Network', 2), ('FooGAN', 1)]
        """
        if type is not None and type not in CLASSES:
            raise unknown_name("entity type", type, list(CLASSES))
        iri = URIRef(self.entity_iri(entity))
        type_filter = f"?o a kgo:{CLASSES[type]} ." if type else ""
        rows = self.sparql(f"""SELECT ?e ?o ?label ?cls (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {VALUES_HERE}
            ?p ?r ?e . ?p ?r2 ?o . VALUES ?r {{ {_LINK_VALUES} }} VALUES ?r2 {{ {_LINK_VALUES} }}
            ?o skos:prefLabel ?label ; a ?cls . VALUES ?cls {{ kgo:Dataset kgo:Method kgo:Task }}
            {type_filter}
            FILTER(?o != ?e)
        }} GROUP BY ?e ?o ?label ?cls""", e=iri)
        out = [Related(self._id(r["o"]), r["cls"].rsplit("#", 1)[-1].lower(), r["label"], int(r["n"])) for r in rows]
        return Rows(sorted(out, key=lambda r: (-r.count, r.label.lower(), r.id)))

    def cooccurrence(self, type_a: str, type_b: str) -> Rows:
        """Pairs of entities of two types linked by the same papers, with counts (e.g. dataset x task).

        >>> [(p.a_label, p.b_label, p.count) for p in KnowledgeGraph.example().cooccurrence("dataset", "task")]
        [('CIFAR-10', 'Image Generation', 1)]
        """
        for t in (type_a, type_b):
            if t not in CLASSES:
                raise unknown_name("entity type", t, list(CLASSES))
        va = " ".join(f"kgo:{p}" for p in PREDICATES[type_a])
        vb = " ".join(f"kgo:{p}" for p in PREDICATES[type_b])
        rows = self.sparql(f"""SELECT ?a ?al ?b ?bl (COUNT(DISTINCT ?p) AS ?n) WHERE {{
            ?p ?ra ?a . VALUES ?ra {{ {va} }} ?p ?rb ?b . VALUES ?rb {{ {vb} }}
            ?a skos:prefLabel ?al . ?b skos:prefLabel ?bl . FILTER(?a != ?b)
        }} GROUP BY ?a ?al ?b ?bl""")
        out = [Pair(self._id(r["a"]), r["al"], self._id(r["b"]), r["bl"], int(r["n"])) for r in rows]
        return Rows(sorted(out, key=lambda p: (-p.count, p.a_label.lower(), p.b_label.lower())))

    def relations(self, type_a: str, type_b: str, n: int = 10) -> Rows:
        """The ``n`` strongest relations the graph states from one type to another (``kgo:Cooccurrence``:
        a dataset used for a task, a method applied to a task or evaluated on a dataset, stated for pairs
        with ``cooccurrence_min_support`` shared papers or more), most supporting papers first, then by
        labels: the answer of README query 7 for any of the three relations.

        On a large store this reads only the strongest pairs' entities and labels: the query that joins
        every co-occurrence with its entities and labels before sorting took 13-16 s on a million papers.

        >>> [(p.a_label, p.b_label, p.count) for p in KnowledgeGraph.example().relations("method", "dataset")]
        [('Generative Adversarial Network', 'CIFAR-10', 2)]
        """
        from kg.rdf import RELATIONS, term_text

        kinds = {(a.value, b.value): str(role) for (a, b), role in RELATIONS.items()}
        if (type_a, type_b) not in kinds:
            raise unknown_name("relation (type pair)", f"{type_a} {type_b}", [f"{a} {b}" for a, b in sorted(kinds)])
        if n <= 0:
            return Rows([])
        role = f"<{kinds[type_a, type_b]}>"
        # 1. the n-th largest support of the relation. The subquery is evaluated on its own, so that a
        #    store hash-joins its rows with the role's (a nested loop reads each node's role in turn: 5 s
        #    on a million papers' 519,000 co-occurrences, against 1 s)
        top = self.sparql(f"""SELECT ?support WHERE {{
            {{ SELECT ?c ?support WHERE {{ ?c kgo:supportCount ?support }} LIMIT 1000000000000 }}
            ?c kgo:role {role} .
        }} ORDER BY DESC(?support) LIMIT {int(n)}""")
        if not top:
            return Rows([])
        floor = min(int(r["support"]) for r in top)
        # 2. every co-occurrence at least that strong (of any relation: one index scan), then the entities
        #    and labels of those of this relation only, a batch at a time
        strong = [str(r["c"]) for r in self.sparql(
            f"SELECT ?c WHERE {{ ?c kgo:supportCount ?support . FILTER(?support >= {floor}) }}")]
        out: list[Pair] = []
        for start in range(0, len(strong), 500):
            values = " ".join(term_text(URIRef(c)) for c in strong[start:start + 500])
            out.extend(Pair(self._id(r["a"]), r["al"], self._id(r["b"]), r["bl"], int(r["support"])) for r in self.sparql(
                f"""SELECT ?a ?al ?b ?bl ?support WHERE {{ VALUES ?c {{ {values} }}
                    ?c kgo:role {role} ; kgo:supportCount ?support ; kgo:subjectEntity ?a ; kgo:objectEntity ?b .
                    ?a skos:prefLabel ?al . ?b skos:prefLabel ?bl . }}"""))
        # SPARQL's ORDER BY DESC(?support) ?a_label ?b_label: labels in code point order
        return Rows(sorted(out, key=lambda p: (-p.count, p.a_label, p.b_label, p.a, p.b))[:n])

    def stated_relations(self, entity: str | None = None, label: str | None = None, side: str = "any") -> Rows:
        """Relations papers state in text (a build with ``Config.relations``), of ``entity`` as ``subject``,
        ``object`` or ``any``, of one ``label`` (``evaluated-with``, ``used-for``, ...), with papers and
        sentences: ``kg.relation_graph.stated_relations``.

        >>> KnowledgeGraph.example().stated_relations("GAN")  # the example graph states none
        []
        """
        from kg.relation_graph import stated_relations

        return Rows(stated_relations(self, entity, label, side))

    def timeline(self, entity: str) -> Rows:
        """Papers per listing date that link ``entity``, oldest first: rows of (date, papers).

        >>> KnowledgeGraph.example().timeline("GAN")
        [{'date': '2022-01-03', 'papers': 1}, {'date': '2022-01-04', 'papers': 1}]
        """
        rows = self.sparql(f"""SELECT ?e ?date (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {VALUES_HERE}
            ?p ?r ?e . VALUES ?r {{ {_LINK_VALUES} }} ?p dcterms:date ?date .
        }} GROUP BY ?e ?date ORDER BY ?date""", e=URIRef(self.entity_iri(entity)))
        return Rows({"date": str(r["date"]), "papers": int(r["n"])} for r in rows)

    def evidence(self, paper: str, entity: str) -> Rows:
        """Why a paper is linked to an entity: the sentences and character spans, in text order.

        >>> e = KnowledgeGraph.example().evidence("2201.00001", "FooGAN")[0]
        >>> (e.role, e.field, e.start, e.end, e.text, e.source)
        ('proposes', 'title', 0, 6, 'FooGAN', 'pattern:title-colon')
        """
        paper_iri = URIRef(paper if paper.startswith("http") else self.config.base_iri + "paper/" + paper)
        entity_iri = self.entity_iri(entity)
        rows = self.sparql(f"""SELECT ?p ?e ?role ?field ?start ?end ?text ?sentence ?component ?confidence WHERE {{
            {VALUES_HERE}
            ?t oa:hasSource ?p . ?a oa:hasTarget ?t ; oa:hasBody ?e .
            ?a a oa:Annotation ; kgo:field ?field ; kgo:role ?role .
            ?t oa:hasSelector ?pos , ?quote .
            ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
            ?quote a oa:TextQuoteSelector ; oa:exact ?text .
            OPTIONAL {{ ?a kgo:sentence ?sentence }}
            OPTIONAL {{ ?a kgo:confidence ?confidence }}
            OPTIONAL {{ ?a prov:wasAttributedTo ?component }}
        }}""", p=paper_iri, e=URIRef(entity_iri))
        out = [Evidence(self._id(str(paper_iri)), self._id(entity_iri), ROLE_OF.get(str(r["role"]).rsplit("#", 1)[-1], str(r["role"])),
                        r["field"], int(r["start"]), int(r["end"]), r["text"], r["sentence"] or "",
                        str(r["component"] or "").rsplit("/", 1)[-1], float(r["confidence"] or 0)) for r in rows]
        return Rows(sorted(out, key=lambda e: (e.field != "title", e.start, e.end)))

    def stats(self, n: int = 5) -> dict[str, Any]:
        """Counts per type and the top entities per type.

        >>> KnowledgeGraph.example().stats(n=1)["dataset"]
        {'count': 2, 'top': [('CIFAR-10', 2)]}
        """
        papers = self.sparql("SELECT (COUNT(?p) AS ?n) WHERE { ?p a kgo:Paper }")[0]["n"]
        out: dict[str, Any] = {"papers": int(papers)}
        for t in CLASSES:
            out[t] = {"count": self.count(t), "top": [(r.label, r.papers) for r in self.top(t, n)]}
        return out

    # ----------------------------------------------------------------------------------------- export
    def to_networkx(self):
        """A networkx MultiDiGraph of papers and entities (edges keyed by role).

        >>> g = KnowledgeGraph.example().to_networkx()
        >>> g.number_of_nodes(), sorted(k for _, _, k in g.edges(keys=True))[:2]
        (7, ['addresses', 'proposes'])
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        for r in self.sparql("SELECT ?p ?id ?title ?date WHERE { ?p a kgo:Paper ; kgo:arxivId ?id ; dcterms:title ?title . OPTIONAL { ?p dcterms:date ?date } }"):
            graph.add_node("paper/" + r["id"], kind="paper", label=r["title"], title=r["title"], arxiv_id=r["id"],
                           date=r["date"] or "", url=f"https://arxiv.org/abs/{r['id']}")
        for row in self.entities(min_papers=0):
            graph.add_node(row.id, kind=row.type, label=row.label, n_papers=row.papers)
        for r in self.sparql(f"SELECT ?id ?r ?e WHERE {{ ?p ?r ?e ; kgo:arxivId ?id . VALUES ?r {{ {_LINK_VALUES} }} }}"):
            role = ROLE_OF[r["r"].rsplit("#", 1)[-1]]
            graph.add_edge("paper/" + r["id"], self._id(r["e"]), key=role, role=role)
        return graph

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

    def show(self, focus: str | None = None, hops: int = 1, top: int | None = None, physics: bool = False,
             height: int = 600) -> Any:
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
        return iri[len(self.config.base_iri):] if iri.startswith(self.config.base_iri) else iri


def _to_rdflib(term: Any, predicate: str = "") -> Any:
    """A pyoxigraph term as an rdflib term, as kg wrote it: a store keeps numbers by value and gives them
    back in its own canonical form, so an integer object of ``predicate`` is typed again as kg types it
    and a whole decimal gets its ".0" back.

    >>> import pyoxigraph as ox
    >>> _to_rdflib(ox.Literal("1", datatype=ox.NamedNode(_XSD_NS + "decimal")))
    rdflib.term.Literal('1.0', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    """
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        datatype = None if term.language or term.datatype.value == _XSD_STRING else term.datatype.value
        value = term.value
        if datatype == _XSD_NS + "integer" and predicate in NARROW_INTEGERS and not value.startswith("-"):
            datatype = NARROW_INTEGERS[predicate]  # the store gave back xsd:integer, by value
        elif datatype == _XSD_NS + "decimal" and "." not in value:
            value += ".0"  # the store writes a whole decimal "1"; kg (and rdflib) write "1.0"
        return Literal(value, lang=term.language, datatype=URIRef(datatype) if datatype else None)
    return rdflib.BNode(term.value)


def _triple_to_rdflib(quad: Any) -> tuple[Any, Any, Any]:
    """A pyoxigraph quad (or triple) as an rdflib triple (``_to_rdflib``).

    >>> import pyoxigraph as ox
    >>> start = "http://www.w3.org/ns/oa#start"
    >>> _triple_to_rdflib(ox.Quad(ox.NamedNode("https://x/s"), ox.NamedNode(start), ox.Literal(3)))[2].datatype[-18:]
    'nonNegativeInteger'
    """
    predicate = quad.predicate.value
    return _to_rdflib(quad.subject), URIRef(predicate), _to_rdflib(quad.object, predicate)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
