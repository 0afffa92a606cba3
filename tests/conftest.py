"""Shared fixtures: tiny real data files under tests/data and one build of the bundled listing."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def sample_listing() -> Path:
    from kg.config import bundled_sample

    return bundled_sample()


@pytest.fixture(scope="session")
def extractor():
    """One extraction pipeline for the whole session (loading it takes a second or two)."""
    from kg.config import Config
    from kg.extract import Extractor

    return Extractor(Config())


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory, extractor):
    """The bundled listing built once, with its output files."""
    from kg.build import pipeline

    out = tmp_path_factory.mktemp("bundled")
    result = pipeline.build(None, out, extractor.config, records=True, extractor=extractor)
    return result, out


@pytest.fixture(scope="session")
def bundled_graph(bundled_build):
    import kg

    return kg.load(bundled_build[1] / "graph.ttl")


@pytest.fixture(scope="session")
def kg_runner():
    """Runs ``kg`` commands as forked children of one warm process (``tests/kg_runner.py``): separate
    processes that start in milliseconds, for tests that run many builds."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kg_runner", Path(__file__).parent / "kg_runner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    runner = module.Runner()
    yield runner
    runner.close()


def write_papers(rows: list[dict], path: Path) -> Path:
    """JSON Lines of corpus-sample rows."""
    import json

    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus_rows() -> list[dict]:
    """The 20 papers of tests/data/corpus-sample.jsonl."""
    import json

    return [
        json.loads(line) for line in (DATA / "corpus-sample.jsonl").read_text(encoding="utf-8").splitlines() if line
    ]


@pytest.fixture(scope="session")
def small_store(tmp_path_factory, kg_runner, corpus_rows) -> Path:
    """A streaming build of the first 12 papers of the corpus sample with its store (``out/store``);
    copy it before changing it."""
    base = tmp_path_factory.mktemp("small-store")
    inputs = write_papers(corpus_rows[:12], base / "first.jsonl")
    result = kg_runner.kg(
        "build",
        str(inputs),
        "--no-model",
        "-o",
        str(base / "out"),
        "--store",
        str(base / "out" / "store"),
        log=base / "build.log",
    )
    assert result["rc"] == 0, result["log"]
    return base / "out"
