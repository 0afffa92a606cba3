"""Packaging stays honest, offline: what kg imports is declared, core dependencies have no upper bound,
the classifiers match the Pythons that scripts/check_wheels.py checks, and the locks cover pyproject."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
SUPPORTED = ["3.10", "3.11", "3.12", "3.13", "3.14"]

# Import name -> distribution name, where they differ and the distribution may not be installed here.
IMPORT_TO_DIST = {
    "yaml": "pyyaml",
    "igraph": "igraph",
    "sklearn": "scikit-learn",
    "PIL": "pillow",
    "dateutil": "python-dateutil",
    "bs4": "beautifulsoup4",
    "distributed": "distributed",
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements: list[str]) -> set[str]:
    """Distribution names a list of requirements brings in. ``dask[distributed]`` brings ``distributed``
    too: an extra named after a package (dask's is) installs that package."""
    names = set()
    for line in requirements:
        requirement = Requirement(line)
        names.add(canonical(requirement.name))
        names.update(canonical(extra) for extra in requirement.extras)
    return names


CORE = declared(PROJECT["dependencies"])
EXTRAS = {extra: declared(requirements) for extra, requirements in PROJECT["optional-dependencies"].items()}


def distribution(module: str) -> str:
    installed = metadata.packages_distributions().get(module)
    if installed:
        return canonical(installed[0])
    return canonical(IMPORT_TO_DIST.get(module, module))


class Imports(ast.NodeVisitor):
    """Top-level modules a file imports, each marked eager (runs when the module is imported) or lazy
    (inside a function, a ``try`` that catches ImportError, or ``if TYPE_CHECKING``); also packages
    whose data files are read through ``importlib.resources.files("name")``."""

    def __init__(self) -> None:
        self.found: list[tuple[str, bool, int]] = []  # (module, lazy, line)
        self._lazy = 0

    def _add(self, name: str, node: ast.AST) -> None:
        self.found.append((name.split(".")[0], self._lazy > 0, node.lineno))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self._add(node.module, node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "files"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            self._add(node.args[0].value, node)
        self.generic_visit(node)

    def _lazily(self, node: ast.AST) -> None:
        self._lazy += 1
        self.generic_visit(node)
        self._lazy -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _lazily

    def visit_Try(self, node: ast.Try) -> None:
        caught = {getattr(h.type, "id", None) for h in node.handlers}
        caught |= {getattr(e, "id", None) for h in node.handlers if isinstance(h.type, ast.Tuple) for e in h.type.elts}
        if caught & {"ImportError", "ModuleNotFoundError"}:
            self._lazy += 1
            for child in node.body:
                self.visit(child)
            self._lazy -= 1
            for child in node.handlers + node.orelse + node.finalbody:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            self._lazily(node)
        else:
            self.generic_visit(node)


def third_party_imports() -> list[tuple[str, bool, str]]:
    """(module, lazy, where) for every import in kg/**/*.py of a module neither stdlib nor kg's own."""
    found = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        visitor = Imports()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for module, lazy, line in visitor.found:
            if module in sys.stdlib_module_names or module in {"kg", "__future__"}:
                continue
            found.append((module, lazy, f"{path.relative_to(ROOT)}:{line}"))
    return found


IMPORTS = third_party_imports()


def test_the_scan_sees_what_kg_is_known_to_use() -> None:
    """Guards the scanner itself: eager, lazy and resources.files() uses of known packages are found."""
    eager = {m for m, lazy, _ in IMPORTS if not lazy}
    lazy = {m for m, lazy, _ in IMPORTS if lazy}
    assert {"spacy", "rdflib", "igraph"} <= eager
    assert {"pyoxigraph", "pyvis", "pandas", "distributed"} <= lazy  # pyvis: resources.files("pyvis")


def test_every_import_is_declared() -> None:
    every = CORE.union(*EXTRAS.values())
    missing = [
        f"{where}: {module} (distribution {distribution(module)})"
        for module, _, where in IMPORTS
        if distribution(module) not in every
    ]
    assert not missing, "imported but declared neither in dependencies nor in an extra:\n" + "\n".join(missing)


def test_eager_imports_are_core_dependencies() -> None:
    """An extra may only be imported lazily: `import kg` must work with the core dependencies alone."""
    wrong = [f"{where}: {module}" for module, lazy, where in IMPORTS if not lazy and distribution(module) not in CORE]
    assert not wrong, "imported when kg is imported, but only in an extra:\n" + "\n".join(wrong)


def test_every_core_dependency_is_used() -> None:
    used = {distribution(module) for module, _, _ in IMPORTS}
    unused = sorted(CORE - used)
    assert not unused, f"core dependencies kg never imports (drop them, or say here why they stay): {unused}"


@pytest.mark.parametrize("line", PROJECT["dependencies"])
def test_core_dependency_has_no_upper_bound(line: str) -> None:
    """An upper bound (<, <=, ==, ~=, ===) on a core dependency breaks fresh installs the day a release
    it excludes is the only one with wheels for a new Python (spaCy 3.8.4 and Python 3.13)."""
    capped = [str(s) for s in Requirement(line).specifier if s.operator in {"<", "<=", "==", "~=", "==="}]
    assert not capped, f"{line}: upper bound {capped}; pin versions in requirements.lock instead (scripts/lock.py)"


def test_requires_python_and_classifiers_match_the_checked_pythons() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import check_wheels
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert check_wheels.PYTHONS == SUPPORTED
    assert PROJECT["requires-python"] == f">={SUPPORTED[0]}"  # no upper cap: pip would pick an old kg
    classifiers = PROJECT["classifiers"]
    listed = [
        c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert listed == SUPPORTED
    assert "Programming Language :: Python :: 3 :: Only" in classifiers


def lock_pins(name: str) -> list[tuple[str, Version, Marker | None, int]]:
    """(name, version, marker, number of hashes) of each entry of a lock."""
    text = re.sub(r"\\\n", " ", (ROOT / name).read_text(encoding="utf-8"))
    pins = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            requirement = Requirement(line.split("--hash=")[0].strip())
            (spec,) = requirement.specifier
            assert spec.operator == "==", line
            pins.append((canonical(requirement.name), Version(spec.version), requirement.marker, line.count("--hash=")))
    return pins


@pytest.mark.parametrize("name,extras", [("requirements.lock", []), ("requirements-test.lock", ["test"])])
@pytest.mark.parametrize("python", SUPPORTED)
def test_lock_covers_pyproject(name: str, extras: list[str], python: str) -> None:
    """Each requirement of pyproject (with the lock's extras) is pinned, with hashes, to a version it
    allows, on every supported Python: so a change to pyproject.toml without `python scripts/lock.py`
    fails here."""
    env = {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "sys_platform": "linux",
        "platform_machine": "x86_64",
        "platform_system": "Linux",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    pins = [(n, v, h) for n, v, m, h in lock_pins(name) if m is None or m.evaluate(env)]
    assert all(h > 0 for _, _, h in pins)
    pinned: dict[str, Version] = {}
    for n, v, _ in pins:
        assert pinned.setdefault(n, v) == v, f"{name}: two pins of {n} on Python {python}"
    wanted = PROJECT["dependencies"] + [r for e in extras for r in PROJECT["optional-dependencies"][e]]
    for line in wanted:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(env):
            continue
        n = canonical(requirement.name)
        assert n in pinned, f"{name} lacks {n} on Python {python}: run python scripts/lock.py"
        assert requirement.specifier.contains(pinned[n], prereleases=True), (
            f"{name} pins {n}=={pinned[n]}, outside {requirement.specifier}: run python scripts/lock.py"
        )


def test_every_package_folder_is_packaged() -> None:
    """A folder of kg/ with an ``__init__.py`` that pyproject's ``packages`` leaves out would be missing
    from the wheel (an install from it fails on import, not at build time)."""
    folders = {"kg"} | {
        "kg." + ".".join(p.parent.relative_to(ROOT / "kg").parts)
        for p in (ROOT / "kg").rglob("__init__.py")
        if p.parent != ROOT / "kg"
    }
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert folders <= listed, sorted(folders - listed)
