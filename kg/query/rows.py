"""What queries answer: ``Rows`` (a list, with ``to_pandas``) of plain frozen rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kg.errors import KGError


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
