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
    from kg import pipeline

    out = tmp_path_factory.mktemp("bundled")
    result = pipeline.run(None, extractor.config, extractor=extractor)
    pipeline.write_outputs(result, out)
    return result, out


@pytest.fixture(scope="session")
def bundled_graph(bundled_build):
    import kg

    return kg.load(bundled_build[1] / "graph.ttl")
