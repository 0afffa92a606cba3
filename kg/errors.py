"""The one small error hierarchy of kg. Only the CLI turns these into exit codes.

>>> print(InputError("missing abstract", source="a.md", line=3, hint="add a '>' line"))
a.md:3: missing abstract (add a '>' line)
"""

from __future__ import annotations

from os import PathLike


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


class OutputError(KGError):
    """The system refused what a build needs to write (or lock): a full disk, a permission, a read-only
    folder, a file where a folder should be. Says what kg was doing and on which file, what to do, and
    that the previous outputs are unchanged (a build never changes them before it has everything).

    >>> print(OutputError("disk full", "writing the spool", "out/.kg-staging-1/new.spool",
    ...                   "free some space and run again", "out"))
    disk full while writing the spool (out/.kg-staging-1/new.spool): free some space and run again; the previous outputs in out are unchanged
    """

    def __init__(
        self, problem: str, doing: str, path: str | PathLike[str] = "", hint: str = "", out: str | PathLike[str] = ""
    ) -> None:
        self.problem, self.doing, self.path, self.hint, self.out = problem, doing, str(path), hint, str(out)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        what = f": {self.hint}" if self.hint else ""
        kept = f"; the previous outputs in {self.out} are unchanged" if self.out else ""
        return f"{self.problem} while {self.doing}{where}{what}{kept}"


class BusyError(OutputError):
    """Another kg build (or another program) holds an output folder or a store; nothing was changed."""


class ValidationError(KGError):
    """A graph does not conform to the SHACL shapes."""

    exit_code = 3


def unknown_name(kind: str, name: str, valid: list[str] | tuple[str, ...]) -> ConfigError:
    """The error for a registry lookup that failed, listing the valid names.

    >>> str(unknown_name("exporter", "xml", ["turtle", "nt"]))
    "unknown exporter 'xml'; valid: nt, turtle"
    """
    return ConfigError(f"unknown {kind} {name!r}; valid: {', '.join(sorted(valid))}")
