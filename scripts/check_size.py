"""Module and function sizes in kg/: every module over 400 lines and every function over 60 lines is
printed; the script exits 1 when one of them is not an exception.

An exception is a line in the ``README.md`` of the module's package folder (``kg/README.md`` for the
top-level modules, ``kg/extract/README.md`` for ``kg/extract/``, ...) of the form

    size-exception: <module file or module.py:function> -- <why>

for example ``size-exception: resolve.py -- issue 19 in progress`` (the whole module, and so its
functions) or ``size-exception: rules.py:match_patterns -- one table of cases``. A method is named by its
function name. Names are relative to the package folder.

    python scripts/check_size.py            # kg/ of this checkout
    python scripts/check_size.py --root DIR --max-module 400 --max-function 60
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "kg"
EXCEPTION = re.compile(r"^\s*[-*]?\s*size-exception:\s*(\S+)\s+--\s+\S")


def exceptions(folder: Path) -> set[str]:
    """The names ``folder/README.md`` lists as size exceptions."""
    readme = folder / "README.md"
    if not readme.is_file():
        return set()
    return {
        m.group(1).strip("`")
        for line in readme.read_text(encoding="utf-8").splitlines()
        if (m := EXCEPTION.match(line))
    }


def functions(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """Every function and method of a module with its length in lines (decorators included)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            yield node.name, node.end_lineno - start + 1  # type: ignore[operator]


def oversized(root: Path, max_module: int, max_function: int) -> Iterator[tuple[str, str, bool]]:
    """(what, size, excused) for every module and function over the limits."""
    for path in sorted(root.rglob("*.py")):
        listed = exceptions(path.parent)
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n") + (not text.endswith("\n") and bool(text))
        name = path.relative_to(root).as_posix()
        if lines > max_module:
            yield name, f"{lines} lines", path.name in listed
        for function, length in functions(ast.parse(text, str(path))):
            if length > max_function:
                yield (
                    f"{name}:{function}",
                    f"{length} lines",
                    path.name in listed or f"{path.name}:{function}" in listed,
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="package folder to check (default: kg/)")
    parser.add_argument("--max-module", type=int, default=400, help="lines per module (default 400)")
    parser.add_argument("--max-function", type=int, default=60, help="lines per function (default 60)")
    args = parser.parse_args(argv)
    failed = 0
    for what, size, excused in oversized(args.root, args.max_module, args.max_function):
        print(f"{what}: {size}" + ("  (exception: see the package's README.md)" if excused else "  NOT LISTED"))
        failed += not excused
    if failed:
        print(
            f"check_size: {failed} over the limits and not listed as a size-exception in the package's README.md",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
