"""All defaults in one frozen object.

>>> Config().base_iri
'https://w3id.org/kg/'
>>> Config().replace(workers=2).workers
2
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kg.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def ontology_dir() -> Path:
    """Folder of the shipped ontology, shapes and vocabulary (``ontologies/`` in the repository)."""
    try:
        return Path(str(resources.files("kg.ontologies")))
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        return Path(__file__).resolve().parent.parent / "ontologies"


def bundled_sample() -> Path:
    """The bundled sample: the arXiv cs.CV listing of 2022-01-03."""
    return Path(str(resources.files("kg.data"))) / "arxiv-cs.CV-2022-01-03.md"


def default_model_dir() -> Path:
    """The shipped trained spaCy NER (may be absent in a development checkout)."""
    return Path(str(resources.files("kg.extract"))) / "model"


@dataclass(frozen=True)
class Config:
    """Every tunable default of kg in one place."""

    base_iri: str = "https://w3id.org/kg/"
    ontology_iri: str = "https://w3id.org/kg/ontology#"
    use_model: bool = True  # the trained NER; off gives a rules-only pipeline
    model_dir: str = ""  # "" means the shipped model
    min_confidence: float = 0.5  # mentions below are dropped
    ner_confidence: float = 0.7  # confidence given to NER-only mentions
    specific_only: bool = True  # link only specific datasets/methods/tasks (kg.specificity)
    cooccurrence_min_support: int = 2  # papers a pair of entities needs to be stated as related
    workers: int = 1
    chunk_size: int = 256  # papers per worker task
    store_load_triples: int = 100_000  # triples per bulk load into a store (its memory grows with this)
    batch_size: int = 64  # nlp.pipe batch
    blas_threads: int = 1  # BLAS threads per extracting process (workers give parallelism)
    max_abstract_chars: int = 100_000  # longer abstracts are truncated for extraction, kept whole in the graph
    view_max_nodes: int = 5000
    view_physics: bool = False
    view_map_papers: int = 12  # papers embedded per entity of a map (most recent first)
    view_map_sentences: int = 1  # of those, how many carry their sentences
    view_map_min_cooccurrence: int = 2  # papers two entities share to be linked on a map
    view_map_threshold: int = 500  # `kg view` picks the map for graphs of more papers
    strict: bool = False
    engine: str = "local"  # extraction engine of builds: "local" or "dask"
    scheduler: str = ""  # Dask scheduler address ("" starts a LocalCluster)
    progress: bool = False  # progress bar on stderr for long builds
    relations: bool = True  # extract typed relations between entities (kg.extract.relations), state them in graphs
    relation_min_confidence: float = 0.5  # relations below are kept in `kg extract` records, not stated in the graph
    relation_label_floors: tuple[tuple[str, float], ...] = (("part-of", 0.9), ("subtask-of", 0.9))  # weak labels

    def __hash__(self) -> int:
        # a config is part of the cache key of every IRI maker (kg.rdf): hash its fields once, not per IRI
        value = self.__dict__.get("_hash")
        if value is None:
            value = self.__dict__["_hash"] = hash(dataclasses.astuple(self))
        return value

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}  # string hashes differ between processes

    def replace(self, **changes: object) -> Config:
        """A copy with some fields changed; unknown names raise ``ConfigError``."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise ConfigError(f"unknown config field(s) {sorted(unknown)}; valid: {', '.join(sorted(names))}")
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        """Read a ``[kg]`` table (or a flat file) of overrides."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(f"{path}: cannot read config: {err}") from err
        return cls().replace(**data.get("kg", data))

    @property
    def model_path(self) -> Path:
        return Path(self.model_dir) if self.model_dir else default_model_dir()
