"""The one small error hierarchy of kg. Only the CLI turns these into exit codes.

>>> print(InputError("missing abstract", source="a.md", line=3, hint="add a '>' line"))
a.md:3: missing abstract (add a '>' line)
"""
from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """Bad input: carries the file, the line, what is wrong and what to do."""

    exit_code = 2

    def __init__(self, message: str, *, source: str = "", line: int = 0, hint: str = "") -> None:
        self.message = message
        self.source = source
        self.line = line
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}: " if self.source else ""
        what = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{what}"


class ConfigError(KGError):
    """An unknown name, a bad option or an invalid configuration value."""

    exit_code = 2


class ModelError(KGError):
    """The extraction pipeline or its shipped model could not be loaded."""


class StoreError(KGError):
    """A graph or store could not be read or written."""


class ValidationError(KGError):
    """A graph does not conform to the SHACL shapes."""

    exit_code = 3


def unknown_name(kind: str, name: str, valid: "list[str] | tuple[str, ...]") -> ConfigError:
    """The error for a registry lookup that failed, listing the valid names.

    >>> str(unknown_name("exporter", "xml", ["turtle", "nt"]))
    "unknown exporter 'xml'; valid: nt, turtle"
    """
    return ConfigError(f"unknown {kind} {name!r}; valid: {', '.join(sorted(valid))}")
