"""Vocabulary terms (``Term``) and the ``*.jsonl`` files they are read from (``read_terms``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import ConfigError
from kg.records import EntityType

#: the file written by hand; its rows replace generated rows with the same id
CURATED_FILE = "curated.jsonl"


_FIELDS = frozenset({"id", "type", "label", "alt", "broader", "source", "n", "case_sensitive", "generic"})
_REQUIRED = ("id", "type", "label")


@dataclass(frozen=True)
class Term:
    """One vocabulary entry: a dataset, method or task with its names."""

    id: str  # "dataset/cifar-10": entity_id(type, label)
    type: EntityType
    label: str  # preferred name
    alt: tuple[str, ...] = ()  # other names (variants, acronyms, expansions)
    broader: tuple[str, ...] = ()  # ids of broader terms
    source: str = ""  # "pwc", "openmmlab", "timm", "curated" (joined with "+")
    n: int = 0  # popularity in the source, 0 when unknown
    case_sensitive: bool = False  # only the exact case of label and alts matches
    generic: bool = False  # found in text (mention-level benchmarks mark it) but never a graph node

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Label first, then the alternative names, without duplicates."""
        return tuple(dict.fromkeys((self.label, *self.alt)))

    def to_json(self) -> dict[str, Any]:
        """The row as written in the ``*.jsonl`` files."""
        row: dict[str, Any] = {
            "id": self.id,
            "type": self.type.value,
            "label": self.label,
            "alt": list(self.alt),
            "broader": list(self.broader),
            "source": self.source,
            "n": self.n,
        }
        if self.case_sensitive:
            row["case_sensitive"] = True
        if self.generic:
            row["generic"] = True
        return row


def _priority(term: Term) -> tuple[int, int, str]:
    """Sort key: curated first, then the most popular, then by id (deterministic)."""
    return (0 if "curated" in term.source else 1, -term.n, term.id)


def _term_from_row(row: object, source: str, line: int) -> Term:
    """Validate one parsed JSON row; raise ``ConfigError`` naming the file and line."""

    def bad(why: str) -> ConfigError:
        return ConfigError(f"{source}:{line}: bad vocabulary row: {why}")

    if not isinstance(row, dict):
        raise bad("not a JSON object")
    unknown = set(row) - _FIELDS
    if unknown:
        raise bad(f"unknown field(s) {sorted(unknown)}; valid: {', '.join(sorted(_FIELDS))}")
    for name in _REQUIRED:
        if not isinstance(row.get(name), str) or not row[name].strip():
            raise bad(f"field {name!r} must be a non-empty string")
    try:
        type_ = EntityType(row["type"])
    except ValueError:
        raise bad(f"type {row['type']!r} is not one of {', '.join(t.value for t in EntityType)}") from None
    if not row["id"].startswith(f"{type_.value}/"):
        raise bad(f"id {row['id']!r} does not start with {type_.value + '/'!r}")
    lists = {}
    for name in ("alt", "broader"):
        value = row.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad(f"field {name!r} must be a list of non-empty strings")
        lists[name] = tuple(value)
    n = row.get("n", 0)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise bad("field 'n' must be a non-negative integer")
    if not isinstance(row.get("source", ""), str):
        raise bad("field 'source' must be a string")
    for flag in ("case_sensitive", "generic"):
        if not isinstance(row.get(flag, False), bool):
            raise bad(f"field {flag!r} must be true or false")
    return Term(
        id=row["id"],
        type=type_,
        label=row["label"],
        alt=lists["alt"],
        broader=lists["broader"],
        source=row.get("source", ""),
        n=n,
        case_sensitive=row.get("case_sensitive", False),
        generic=row.get("generic", False),
    )


def read_terms(path: Path) -> list[Term]:
    """The terms of one ``*.jsonl`` file; blank lines are skipped, a bad row raises ``ConfigError``."""
    terms: list[Term] = []
    seen: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read vocabulary file: {err}") from err
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}:{number}: bad vocabulary row: invalid JSON ({err.msg})") from None
        term = _term_from_row(row, str(path), number)
        if term.id in seen:
            raise ConfigError(f"{path}:{number}: bad vocabulary row: duplicate id {term.id!r}")
        seen.add(term.id)
        terms.append(term)
    return terms
