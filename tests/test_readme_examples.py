"""Every documented example of README.md (and of the ```python / ```bash blocks in docs/*.md) runs on the
bundled listing, so a documented call that no longer works breaks CI.

* ``python`` blocks: each top-level statement is one test case, run with ``exec`` in a fresh namespace in a
  temporary working directory that holds ``listing.md`` (the bundled listing) and ``outputs/graph.ttl``
  (the bundled build). A statement that uses a name (``g``) gets it from the statement of the block that
  last bound it; each statement runs once per session, whichever test needs it first.
* shell blocks (``bash``, ``sh``, ``console``, and ``$ `` lines of unlabelled blocks): each command line is
  one test case. ``kg ...`` runs as ``python -m kg ...`` in its own temporary directory (seeded like the
  Python one) and must exit 0, or the code in ``EXPECTED_RC``. Anything else must be listed in ``SKIPS``.
* ``json`` blocks (the extract contract, in docs/inputs-and-outputs.md) are checked against what
  ``kg build`` writes.
* ``sparql`` blocks are run by tests/test_readme_queries.py, not here.

Every command of README.md itself runs: its two "Set up" commands in ``.ci/run`` (they install and run
this suite), all the others here (``test_every_readme_command_runs`` allows no other skip).

Placeholder inputs the README names (``more.xml``, ``papers.jsonl.gz``, ``big/store`` ...) are made from
the small real fixtures in tests/data (``PLACEHOLDERS``); what cannot run in a test is in ``SKIPS`` with
the reason; a README example that is wrong is in ``XFAIL`` with the reason (strict: it must fail). Rules
are matched by a substring of the example, not by line number, so they survive edits of the README.
Test ids name the file and line: ``README.md:49:kg_query_top-datasets``.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_LANGS = {"bash", "sh", "shell", "console", "zsh"}
PYTHON_LANGS = {"python", "py", "python3"}
COMMAND_TIMEOUT = 300  # seconds, per command

# --- rules, each keyed by a substring of the example -------------------------------------------------

SKIPS: dict[str, str] = {
    "--require-hashes -r requirements.lock": "set-up: creates a venv and installs from PyPI; the test runs inside that environment",
    "--require-hashes -r requirements-test.lock": "set-up: creates a venv, installs from PyPI and runs the whole test suite (this file included)",
    "benchmarks/convert_gold.py": "needs the gold annotations in ../shared/gold, which are not shipped",
    "benchmarks/quality.py --speed 5000": "every dev set of ../shared/gold (not shipped), then speed on 5,000 corpus abstracts: minutes",
    "dask scheduler": "starts a long-running Dask scheduler server; tests/test_scale.py builds on a local Dask cluster",
    "dask worker": "starts a Dask worker that connects to a scheduler at tcp://10.0.0.5:8786 (network)",
    "--engine dask --scheduler tcp://10.0.0.5:8786": "needs the Dask scheduler at tcp://10.0.0.5:8786; tests/test_scale.py builds on a local Dask cluster",
    "benchmarks/build_corpus.py": "builds the 74,728-abstract corpus (../shared, not shipped): minutes",
    "benchmarks/store_benchmark.py": "loads a synthetic store of 1,000,000 papers and times queries: minutes to 40 minutes",
    "benchmarks/paper_level/agreement.py": "a benchmark script printing the annotators' agreement; its scorer (kg.paper_eval) is tested in "
    "tests/test_paper_eval.py",
    "arxiv-2025-2026.jsonl.gz -o big --store big/store": "builds the 74,728-abstract corpus of ../shared (not shipped): minutes",
    "arxiv-2025-2026.jsonl.gz | head -5000": "cuts the first 5,000 papers of the corpus of ../shared (not shipped)",
    "first5000.jsonl --relations": "times kg on those 5,000 corpus papers: a minute; the tests run kg extract and kg build on small data",
    "benchmarks/topk_audit.py big/store": "reads the store of the whole corpus (the build above); tests/test_readme_examples.py runs kg on small data",
    "benchmarks/fuzz.py --examples 10000": "70,000 hypothesis examples, about 7 minutes; tests/test_fuzz.py runs the same targets with 200 each",
    "benchmarks/view_benchmark.py": "lays out and draws synthetic graphs of up to 5,000 nodes in headless Chromium: minutes; "
    "tests/test_view_browser.py drives the browser on the bundled view",
}

# the rules that name README.md's "Set up" commands, which .ci/run runs (see test_every_readme_command_runs)
SETUP_SKIPS = ("--require-hashes -r requirements.lock", "--require-hashes -r requirements-test.lock")

XFAIL: dict[str, str] = {}

EXPECTED_RC: dict[str, int] = {
    # papers.jsonl is tests/data/broken/bad-json.jsonl: one of its lines is rejected, so --strict exits 1
    "kg build papers.jsonl --strict": 1,
}

# Python statements that need an optional package: the test is skipped (with the reason) without it.
REQUIRES: dict[str, str] = {".to_pandas()": "pandas"}

GOLD = {
    "id": "d1",
    "text": "We apply deep residual networks to image classification on ImageNet.",
    "spans": [
        {"start": 9, "end": 31, "type": "method"},
        {"start": 35, "end": 55, "type": "task"},
        {"start": 59, "end": 67, "type": "dataset"},
    ],
}


def _corpus_rows() -> list[str]:
    return [line for line in (DATA / "corpus-sample.jsonl").read_text(encoding="utf-8").splitlines() if line]


def _readme_query_one() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sparql\n(.*?)```", text, flags=re.S)[0]


def _bundled_listing() -> Path:
    from kg.config import bundled_sample

    return bundled_sample()


# placeholder file names of the README -> what the test puts there (made only where an example names it)
PLACEHOLDERS: dict[str, Callable[[Path], None]] = {
    "more.xml": lambda p: shutil.copyfile(DATA / "arxiv-api.atom.xml", p),
    "papers.jsonl.gz": lambda p: shutil.copyfile(DATA / "corpus-sample.jsonl.gz", p),
    "papers.jsonl": lambda p: shutil.copyfile(DATA / "broken" / "bad-json.jsonl", p),
    "corpus.jsonl.gz": lambda p: shutil.copyfile(DATA / "corpus-sample.jsonl.gz", p),
    # big/store is the bundled listing and the first 12 corpus-sample papers; new.jsonl the other 8
    "new.jsonl": lambda p: p.write_text("".join(row + "\n" for row in _corpus_rows()[12:]), encoding="utf-8"),
    "todays-listing.md": lambda p: shutil.copyfile(_bundled_listing(), p),
    "gold.jsonl": lambda p: p.write_text(json.dumps(GOLD) + "\n", encoding="utf-8"),
    "kg.toml": lambda p: p.write_text(
        '[kg]\ncooccurrence_min_support = 1\nbase_iri = "https://example.org/kg/"\n', encoding="utf-8"
    ),
    "benchmarks/gold/scier_dev.jsonl": lambda p: p.write_text(json.dumps(GOLD) + "\n", encoding="utf-8"),
    "queries/papers-using-dataset.rq": lambda p: p.write_text(_readme_query_one(), encoding="utf-8"),
    # the paper-level development set, 6 of its papers (the whole set is scored by benchmarks, not tests)
    "benchmarks/paper_level/dev.jsonl": lambda p: p.write_text(
        "".join((ROOT / "benchmarks" / "paper_level" / "dev.jsonl").read_text(encoding="utf-8").splitlines(True)[:6]),
        encoding="utf-8",
    ),
    "benchmarks/paper_level/heldout.jsonl": lambda p: p.write_text(
        "".join(
            (ROOT / "benchmarks" / "paper_level" / "heldout.jsonl").read_text(encoding="utf-8").splitlines(True)[:6]
        ),
        encoding="utf-8",
    ),
}
BIG = "big/"  # the 74,728-paper build of the README: a copy of the session's small store build


# --- collection ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    doc: str  # README.md or docs/NAME.md
    line: int  # 1-based line of the example in doc
    kind: str  # python, shell or json
    text: str  # the statement, the command line or the json text
    block: int = 0  # index of the fenced block in doc (Python names are shared within a block)
    argv: tuple[str, ...] = field(default=(), compare=False)

    @property
    def id(self) -> str:
        if self.kind == "json":
            return f"{self.doc}:{self.line}:json"
        words = self.argv[:3] if self.argv else self.text.split("(")[0].replace(" = ", "=").split()[:3]
        slug = re.sub(r"[^A-Za-z0-9_.=/-]+", "_", "_".join(words))[:40]
        return f"{self.doc}:{self.line}:{slug}"


def _blocks(path: Path) -> list[tuple[str, int, list[str]]]:
    """The fenced blocks of a markdown file: (language, line of the first content line, lines)."""
    blocks, lang, start, lines = [], None, 0, []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fence = re.match(r"\s*```\s*([\w+-]*)", line)
        if lang is None and fence:
            lang, start, lines = fence.group(1).lower(), n + 1, []
        elif lang is not None and re.match(r"\s*```\s*$", line):
            blocks.append((lang, start, lines))
            lang = None
        elif lang is not None:
            lines.append(line)
    return blocks


def _python_examples(doc: str, index: int, start: int, lines: list[str]) -> list[Example]:
    source = "\n".join(lines)
    tree = ast.parse(source)
    return [
        Example(doc, start + stmt.lineno - 1, "python", ast.get_source_segment(source, stmt) or "", index)
        for stmt in tree.body
    ]


def _shell_examples(doc: str, index: int, start: int, lines: list[str], prompt_only: bool) -> list[Example]:
    examples, pending, first = [], "", 0
    for offset, raw in enumerate(lines):
        line = raw.strip()
        if prompt_only or line.startswith("$ "):
            if not line.startswith("$ "):
                continue  # output of a transcript
            line = line[2:]
        if not pending:
            first = start + offset
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        command, pending = (pending + line).strip(), ""
        argv = tuple(shlex.split(command, comments=True)) if command else ()
        if argv:
            examples.append(Example(doc, first, "shell", command, index, argv))
    return examples


def collect() -> list[Example]:
    examples: list[Example] = []
    for path in DOCUMENTS:
        doc = path.relative_to(ROOT).as_posix()
        for index, (lang, start, lines) in enumerate(_blocks(path)):
            if lang in PYTHON_LANGS:
                examples += _python_examples(doc, index, start, lines)
            elif lang in SHELL_LANGS:
                examples += _shell_examples(doc, index, start, lines, prompt_only=lang == "console")
            elif lang == "" and any(line.startswith("$ ") for line in lines):
                examples += _shell_examples(doc, index, start, lines, prompt_only=True)
            elif lang == "json":
                examples.append(Example(doc, start, "json", "\n".join(lines), index))
    return examples


EXAMPLES = collect()
PYTHON = [e for e in EXAMPLES if e.kind == "python"]
SHELL = [e for e in EXAMPLES if e.kind == "shell"]
JSON = [e for e in EXAMPLES if e.kind == "json"]


def _rule(table: dict[str, Any], example: Example) -> Any:
    for key, value in table.items():
        if key in example.text:
            return value
    return None


def _params(examples: list[Example]) -> list[Any]:
    params = []
    for example in examples:
        marks = []
        if (reason := _rule(SKIPS, example)) is not None:
            marks.append(pytest.mark.skip(reason=reason))
        if (reason := _rule(XFAIL, example)) is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(example, id=example.id, marks=marks))
    return params


# --- working directories ------------------------------------------------------------------------------


def _seed(folder: Path, text: str, graph_ttl: Path, big: Callable[[], Path] | None = None) -> Path:
    """What every example finds in its working directory, and the placeholders that ``text`` names."""
    shutil.copyfile(_bundled_listing(), folder / "listing.md")
    (folder / "outputs").mkdir(exist_ok=True)
    shutil.copyfile(graph_ttl, folder / "outputs" / "graph.ttl")
    for name, make in PLACEHOLDERS.items():
        if re.search(r"(?<![\w./-])" + re.escape(name) + r"(?![\w.-])", text):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            make(folder / name)
    if big is not None and BIG in text and not _creates_big(text):
        shutil.copytree(big(), folder / "big")
    return folder


def _creates_big(command: str) -> bool:
    """A ``kg build -o big/`` without ``--update`` makes big/ itself."""
    argv = shlex.split(command, comments=True)
    return argv[:2] in (["kg", "build"], [".venv/bin/kg", "build"]) and "--update" not in argv


@pytest.fixture(scope="session")
def graph_ttl(bundled_build) -> Path:
    """``outputs/graph.ttl`` of the bundled listing, built once per session."""
    return bundled_build[1] / "graph.ttl"


@pytest.fixture(scope="session")
def big_build(tmp_path_factory, graph_ttl) -> Callable[[], Path]:
    """Stands for the README's large build ``big/`` (with its store ``big/store``): the bundled listing and
    the first 12 papers of tests/data/corpus-sample.jsonl, built by ``kg build`` with a store once, when
    first asked for."""
    built: list[Path] = []

    def get() -> Path:
        if not built:
            base = tmp_path_factory.mktemp("big-build")
            shutil.copyfile(_bundled_listing(), base / "listing.md")
            (base / "first.jsonl").write_text("".join(row + "\n" for row in _corpus_rows()[:12]), encoding="utf-8")
            result = _kg(["build", "listing.md", "first.jsonl", "-o", "big", "--store", "big/store"], base)
            assert result.returncode == 0, result.stdout + result.stderr
            built.append(base / "big")
        return built[0]

    return get


# --- Python -------------------------------------------------------------------------------------------


class DependencyFailed(Exception):
    pass


_BUILTINS = set(dir(builtins))
_done: dict[Example, dict[str, Any] | BaseException] = {}


def _names(stmt: ast.AST) -> tuple[set[str], set[str]]:
    """Names a statement reads and binds (at its top level)."""
    read, bound = set(), set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return read - _BUILTINS, bound


def _dependencies(example: Example) -> list[Example]:
    """The earlier statements of the block that last bound each name this one reads (transitively)."""
    block = [e for e in PYTHON if (e.doc, e.block) == (example.doc, example.block) and e.line < example.line]
    needed, deps = _names(ast.parse(example.text))[0], set()
    for earlier in reversed(block):
        bound = _names(ast.parse(earlier.text))[1]
        if needed & bound:
            deps |= {earlier, *_dependencies(earlier)}
            needed -= bound
    return sorted(deps, key=lambda e: e.line)


def _execute(example: Example) -> dict[str, Any]:
    """Run one statement (once per session) in a fresh namespace holding what it depends on."""
    if example not in _done:
        namespace: dict[str, Any] = {"__name__": "__readme__"}
        for dep in _dependencies(example):
            try:
                namespace.update(_execute(dep))
            except BaseException as err:
                raise DependencyFailed(f"{example.id} needs {dep.id} ({dep.text!r}), which failed: {err!r}") from err
        tree = ast.parse(example.text, mode="exec")
        ast.increment_lineno(tree, example.line - 1)
        try:
            exec(compile(tree, example.doc, "exec"), namespace)  # noqa: S102 - the README's own code
            _done[example] = {k: v for k, v in namespace.items() if k != "__builtins__"}
        except BaseException as err:
            _done[example] = err
    outcome = _done[example]
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


@pytest.mark.parametrize("example", _params(PYTHON))
def test_python_example(example: Example, tmp_path, monkeypatch, graph_ttl) -> None:
    if (module := _rule(REQUIRES, example)) is not None:
        pytest.importorskip(module, reason=f"{example.text!r} needs {module}")
    monkeypatch.chdir(_seed(tmp_path, example.text, graph_ttl))
    _execute(example)


# --- shell --------------------------------------------------------------------------------------------


def _kg(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def _kg_args(example: Example) -> list[str] | None:
    """The arguments after ``kg``, or None when the command is not a kg command."""
    argv = list(example.argv)
    if argv and argv[0] in ("kg", ".venv/bin/kg"):
        return argv[1:]
    return None


@dataclass
class ShellRun:
    folder: Path
    result: subprocess.CompletedProcess


@pytest.fixture(scope="session")
def shell_runs(request, tmp_path_factory, graph_ttl, big_build) -> dict[Example, ShellRun]:
    """Every selected shell example that runs, two at a time, each in its own folder: ran once for all."""
    selected = {
        item.callspec.params["example"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_shell_example" and hasattr(item, "callspec")
    }
    todo = [e for e in SHELL if e in selected and _rule(SKIPS, e) is None and _kg_args(e) is not None]
    if any(BIG in e.text and not _creates_big(e.text) for e in todo):
        big_build()  # before the threads start

    def run(example: Example) -> tuple[Example, ShellRun]:
        folder = _seed(tmp_path_factory.mktemp(f"L{example.line}-"), example.text, graph_ttl, big_build)
        return example, ShellRun(folder, _kg(_kg_args(example) or [], folder))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, todo))


@pytest.mark.parametrize("example", _params(SHELL))
def test_shell_example(example: Example, shell_runs) -> None:
    args = _kg_args(example)
    assert args is not None, (
        f"{example.id}: {example.text!r} is not a kg command; run it here or add it to SKIPS with the reason"
    )
    run = shell_runs[example]
    expected = _rule(EXPECTED_RC, example) or 0
    output = f"$ {example.text}\n--- stdout\n{run.result.stdout[-3000:]}\n--- stderr\n{run.result.stderr[-3000:]}"
    rc = run.result.returncode
    assert rc == expected, output
    if expected == 1 and "--strict" in args:
        assert "rejected:" in run.result.stderr, output
    for flag in ("-o", "--output"):
        if flag in args and (target := args[args.index(flag) + 1]) != "-":
            assert (run.folder / target).exists(), f"{target} was not written\n{output}"


# --- the extract contract -----------------------------------------------------------------------------


def _written(bundled_build, paper: str) -> dict[str, Any]:
    with open(bundled_build[1] / "mentions.jsonl", encoding="utf-8") as f:
        for line in f:
            if json.loads(line)["id"] == paper:
                return json.loads(line)
    raise AssertionError(f"{paper} is not in the bundled build's mentions.jsonl")


@pytest.mark.parametrize("example", [pytest.param(e, id=e.id) for e in JSON])
def test_json_example_has_the_keys_kg_writes(example: Example, bundled_build) -> None:
    documented = json.loads(example.text)
    actual = _written(bundled_build, documented["id"])
    assert set(documented) <= set(actual)
    assert {k: actual[k] for k in documented if k != "mentions"} == {
        k: v for k, v in documented.items() if k != "mentions"
    }
    keys = {key for m in actual["mentions"] for key in m}
    for mention in documented["mentions"]:
        assert set(mention) <= keys


STABLE = ("type", "field", "start", "end", "text", "label", "entity", "role", "link_role", "in_graph")


@pytest.mark.parametrize("example", _params(JSON))
def test_json_example_mentions_are_what_kg_finds(example: Example, bundled_build) -> None:
    """Each documented mention keeps the contract (``paper[field][start:end] == text``) and is one that kg
    finds there (same span, entity and roles; confidence and source may change with the model)."""
    documented = json.loads(example.text)
    actual = _written(bundled_build, documented["id"])
    for mention in documented["mentions"]:
        if mention["field"] in documented:
            span = documented[mention["field"]][mention["start"] : mention["end"]]
            assert span == mention["text"], f"{mention['field']}[{mention['start']}:{mention['end']}] is {span!r}"
        shown = {k: mention[k] for k in STABLE if k in mention}
        found = [{k: m.get(k) for k in shown} for m in actual["mentions"] if m["text"] == mention["text"]]
        assert shown in found, f"documented {shown}; kg finds {found}"


# --- the collection itself ----------------------------------------------------------------------------


def test_examples_were_collected() -> None:
    assert len(PYTHON) >= 10 and len(SHELL) >= 10 and JSON
    assert ["build"] in [_kg_args(e) for e in SHELL]  # `kg build`, the first command of the README


@pytest.mark.parametrize("table", ["SKIPS", "XFAIL", "EXPECTED_RC", "REQUIRES", "PLACEHOLDERS"])
def test_every_rule_matches_an_example(table: str) -> None:
    """A rule for an example the documents no longer have is stale: remove it (or fix its key)."""
    rules = globals()[table]
    stale = [key for key in rules if not any(key in e.text for e in EXAMPLES)]
    assert not stale, f"{table} rules that match no example: {stale}"


def _setup_commands() -> list[str]:
    """The bash lines of README.md's "Set up" section, read as .ci/run reads them (by position)."""
    commands, in_section, in_block = [], False, False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_section = line == "## Set up"
        elif in_section and line.startswith("```"):
            in_block = not in_block
        elif in_section and in_block:
            commands.append(line)
    return commands


def test_every_readme_command_runs() -> None:
    """Every command of README.md is run: the two "Set up" commands by .ci/run (the first builds and must
    reproduce outputs/, the second runs this suite), every other one by this file, none skipped."""
    setup = _setup_commands()
    assert len(setup) == 2 and "kg build" in setup[0] and "python -m pytest" in setup[1], setup
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "readme_command 1" in ci and "readme_command 2" in ci
    readme = [e for e in EXAMPLES if e.doc == "README.md" and e.kind == "shell"]
    skipped = {e.text for e in readme if _rule(SKIPS, e) is not None}
    assert skipped == set(setup), f"README commands skipped here that .ci/run does not run: {skipped - set(setup)}"
    assert all(any(key in command for key in SETUP_SKIPS) for command in setup)
    assert all(_kg_args(e) is not None for e in readme if e.text not in skipped)
    assert not [e for e in EXAMPLES if e.doc == "README.md" and _rule(XFAIL, e) is not None]
