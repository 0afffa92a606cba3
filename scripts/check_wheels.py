#!/usr/bin/env python3
"""Can kg be installed from wheels alone on every supported Python and platform?

Usage (from the repository root)::

    python scripts/check_wheels.py                       # core dependencies, newest versions
    python scripts/check_wheels.py --lock requirements.lock --lock requirements-test.lock
    python scripts/check_wheels.py --extra test          # core dependencies plus the test extra

For each Python (3.10 ... 3.14) and platform (Linux x86-64 and aarch64 with glibc >= 2.28, macOS >= 11 on
Apple silicon) it asks pip to resolve, without installing anything,

    pip install --dry-run --ignore-installed --target TMP --only-binary=:all: \\
        --python-version X --platform P ... --report - REQUIREMENTS

and prints one line per combination: ``ok`` with the versions of the compiled packages that matter, or the
requirement that has no wheel there. Exit status: 0 when every combination resolves, 1 when one does not,
2 when the package index cannot be reached (then nothing was checked).

What is checked:

* without ``--lock``: kg's dependencies as ``pyproject.toml`` declares them (read with tomllib, so the
  local project need not be built: with ``--only-binary=:all:`` pip cannot build it from source), at the
  newest versions pip picks for that target;
* with ``--lock FILE``: every pinned line of a hash-checked lock (``scripts/lock.py``) whose environment
  marker holds on the target, installed ``--no-deps --require-hashes``: exactly what the README's
  install command installs there.

pip evaluates environment markers against the Python that runs it, not the target (pypa/pip#10050).
This script evaluates the markers of the requirements it passes itself (against the target), so a lock
check is exact; in a check of the unpinned dependencies, markers of *transitive* dependencies are still
evaluated against this interpreter (rarely matters: such packages are pure-Python backports).

pip older than 24.0 judges a foreign Python wrongly (pypa/pip#12215, #12216): with one, the script
installs a current pip into a temporary virtual environment and runs that.

Only the package index is asked (PyPI by default, ``--index-url`` to change it): pip's configuration
files and ``PIP_FIND_LINKS``/``PIP_EXTRA_INDEX_URL``/``PIP_CONSTRAINT`` of this machine are ignored, so
that a wheel found only on a local disk does not count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

try:
    from packaging.requirements import Requirement
except ModuleNotFoundError:  # packaging is not installed: pip carries a copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
GLIBC_MINOR = 28  # manylinux_2_28: Debian 10+, Ubuntu 20.04+, RHEL/Rocky/Alma 8+
MIN_PIP = (24, 0)
MACOS = "11_0"  # the first macOS on Apple silicon; pip also accepts newer-tagged wheels only up to this


def manylinux(arch: str) -> list[str]:
    """Every manylinux tag a glibc-2.28 system accepts, newest first (pip does not expand these)."""
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(GLIBC_MINOR, 4, -1)]
    legacy = {"x86_64": ["manylinux2014", "manylinux2010", "manylinux1"], "aarch64": ["manylinux2014"]}
    return tags + [f"{name}_{arch}" for name in legacy[arch]]


def posix(sys_platform: str, system: str, machine: str) -> dict[str, str]:
    return {
        "os_name": "posix",
        "sys_platform": sys_platform,
        "platform_system": system,
        "platform_machine": machine,
        "platform_python_implementation": "CPython",
        "implementation_name": "cpython",
        "platform_release": "",
        "platform_version": "",
    }


# name -> (pip --platform tags, the marker environment of that platform)
PLATFORMS: dict[str, tuple[list[str], dict[str, str]]] = {
    "linux-x86_64": (manylinux("x86_64"), posix("linux", "Linux", "x86_64")),
    "linux-aarch64": (manylinux("aarch64"), posix("linux", "Linux", "aarch64")),
    "macos-arm64": ([f"macosx_{MACOS}_arm64"], posix("darwin", "Darwin", "arm64")),
}
# Shown on an ok line: the compiled packages whose wheels decide where kg installs.
SHOWN = ["spacy", "thinc", "blis", "numpy", "igraph", "pyoxigraph"]
NETWORK_ERRORS = (
    "NewConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Name or service not known",
    "ConnectTimeout",
    "Connection refused",
    "ProxyError",
    "SSLError",
    "Failed to establish a new connection",
)


def environment(python: str, platform: str) -> dict[str, str]:
    env = dict(PLATFORMS[platform][1])
    env.update(python_version=python, python_full_version=f"{python}.0", implementation_version=f"{python}.0")
    return env


def project_requirements(extras: list[str]) -> list[str]:
    """The dependency strings of pyproject.toml: core, plus the named extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project.get("optional-dependencies", {})[extra]
    return requirements


def for_target(requirements: list[str], env: dict[str, str]) -> list[str]:
    """The requirements whose marker holds on the target, markers removed (pip would judge them here)."""
    kept = []
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(env):
            requirement.marker = None
            kept.append(str(requirement))
    return kept


def lock_lines(path: Path) -> list[tuple[str, list[str]]]:
    """(requirement with marker, [--hash=...]) for each entry of a pip-compile/uv style lock."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    entries = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            raise SystemExit(f"{path}: option lines are not supported here: {line}")
        parts = line.split("--hash=")
        entries.append((parts[0].strip(), ["--hash=" + h.strip() for h in parts[1:]]))
    return entries


def lock_for_target(entries: list[tuple[str, list[str]]], env: dict[str, str]) -> str:
    out = []
    for requirement_text, hashes in entries:
        requirement = Requirement(requirement_text)
        if requirement.marker is None or requirement.marker.evaluate(env):
            requirement.marker = None
            out.append(" ".join([str(requirement), *hashes]))
    return "\n".join(out) + "\n"


def pip_env() -> dict[str, str]:
    """This environment, less pip's configuration files and the options that add local wheel sources."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "PIP_FIND_LINKS",
            "PIP_EXTRA_INDEX_URL",
            "PIP_INDEX_URL",
            "PIP_CONSTRAINT",
            "PIP_NO_INDEX",
            "PIP_REQUIRE_VIRTUALENV",
            "PIP_TARGET",
            "PIP_USER",
        }
    }
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def pip_python(scratch: Path) -> str:
    """A Python whose pip judges a foreign target right: this one, or a temporary venv with a newer pip.

    pip 23.2 checks Requires-Python against the running interpreter despite ``--python-version`` (so it
    rejects, or quietly passes over, a release that needs a newer Python than this one: pypa/pip#12216)
    and wants ``--target`` with ``--dry-run`` (pypa/pip#12215)."""
    if pip_version(sys.executable) >= MIN_PIP:
        return sys.executable
    print(
        f"check_wheels: pip {'.'.join(map(str, pip_version(sys.executable)))} is older than "
        f"{'.'.join(map(str, MIN_PIP))}: installing a newer pip into a temporary virtual environment",
        flush=True,
    )
    venv.EnvBuilder(with_pip=True).create(scratch / "pip-venv")
    python = str(scratch / "pip-venv" / ("Scripts" if os.name == "nt" else "bin") / "python")
    done = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--timeout",
            "30",
            "--retries",
            "2",
            f"pip>={'.'.join(map(str, MIN_PIP))}",
        ]
    )
    if done.returncode != 0:
        print(
            "check_wheels: FAILED: could not install a newer pip: is the package index reachable? Nothing was checked.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return python


def pip_version(python: str) -> tuple[int, ...]:
    done = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True)
    match = re.match(r"pip (\d+)\.(\d+)", done.stdout)
    return (int(match.group(1)), int(match.group(2))) if match else (0,)


def resolve(
    python: str,
    platform: str,
    requirements: list[str] | None,
    lock: Path | None,
    index_url: str,
    pip: str = sys.executable,
) -> tuple[str, str]:
    """(status, text): status is ok, fail or offline."""
    env = environment(python, platform)
    with tempfile.TemporaryDirectory(prefix="kg-wheels-") as tmp:
        command = [
            pip,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--target",
            str(Path(tmp) / "target"),
            "--only-binary=:all:",
            "--no-cache-dir",
            "--python-version",
            python,
            "--implementation",
            "cp",
            "--index-url",
            index_url,
            "--timeout",
            "30",
            "--retries",
            "2",
            "--quiet",
            "--report",
            "-",
        ]
        for tag in PLATFORMS[platform][0]:
            command += ["--platform", tag]
        if lock is not None:
            requirements_file = Path(tmp) / "requirements.txt"
            requirements_file.write_text(lock_for_target(lock_lines(lock), env), encoding="utf-8")
            command += ["--no-deps", "--require-hashes", "-r", str(requirements_file)]
        else:
            command += for_target(requirements or [], env)
        done = subprocess.run(command, capture_output=True, text=True, env=pip_env())
    if done.returncode == 0:
        report = json.loads(done.stdout)
        versions = {
            item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
            for item in report["install"]
        }
        shown = ", ".join(f"{name} {versions[name]}" for name in SHOWN if name in versions)
        return "ok", f"{len(versions)} packages ({shown})"
    return why(done.stderr + done.stdout)


def why(output: str) -> tuple[str, str]:
    """The failing requirement, from pip's error output."""
    if any(signature in output for signature in NETWORK_ERRORS):
        line = next((l for l in output.splitlines() if any(s in l for s in NETWORK_ERRORS)), "")
        return "offline", line.strip()[:300]
    missing = re.search(r"satisfies the requirement (.+?) \(from versions: ([^)]*)\)", output)
    if missing:
        versions = missing.group(2).split(", ")
        newest = (
            f"; newest with a wheel here: {versions[-1]}"
            if versions and versions[-1] != "none"
            else "; no wheel of any version here"
        )
        return "fail", f"no wheel for {missing.group(1)}{newest}"
    conflict = re.search(r"The conflict is caused by:\n(.*?)\n\n", output, re.S)
    if conflict:
        return "fail", "conflict: " + "; ".join(l.strip() for l in conflict.group(1).splitlines())
    hashes = re.search(r"(THESE PACKAGES DO NOT MATCH THE HASHES.*)", output, re.S)
    if hashes:
        return "fail", " ".join(hashes.group(1).split())[:300]
    lines = [l for l in output.splitlines() if l.startswith("ERROR")] or output.strip().splitlines() or ["pip failed"]
    return "fail", lines[-1][:300]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--lock",
        type=Path,
        action="append",
        default=[],
        help="check this lock file instead of pyproject's dependencies (repeatable)",
    )
    ap.add_argument("--extra", action="append", default=[], help="add this extra of pyproject (repeatable)")
    ap.add_argument("--python", action="append", choices=PYTHONS, help="only these Pythons")
    ap.add_argument("--platform", action="append", choices=sorted(PLATFORMS), help="only these platforms")
    ap.add_argument("--index-url", default="https://pypi.org/simple")
    ap.add_argument("--jobs", type=int, default=3, help="pip processes at once (default 3)")
    args = ap.parse_args(argv)

    targets: list[tuple[str, Path | None]] = [(str(p), p) for p in args.lock] or [
        ("pyproject" + "".join(f"[{e}]" for e in args.extra), None)
    ]
    requirements = project_requirements(args.extra)
    combos = [
        (name, lock, python, platform)
        for name, lock in targets
        for python in args.python or PYTHONS
        for platform in args.platform or list(PLATFORMS)
    ]
    with tempfile.TemporaryDirectory(prefix="kg-wheels-pip-") as scratch:
        return check_all(args, combos, requirements, pip_python(Path(scratch)))


def check_all(
    args: argparse.Namespace, combos: list[tuple[str, Path | None, str, str]], requirements: list[str], pip: str
) -> int:
    print(
        f"wheels only, from {args.index_url} (pip {'.'.join(map(str, pip_version(pip)))}); "
        f"Linux: glibc >= 2.{GLIBC_MINOR}, macOS >= {MACOS.replace('_', '.')}",
        flush=True,
    )

    def check(combo: tuple[str, Path | None, str, str]) -> tuple[str, str]:
        _, lock, python, platform = combo
        return resolve(python, platform, requirements, lock, args.index_url, pip)

    def show(combo: tuple[str, Path | None, str, str], result: tuple[str, str]) -> None:
        name, _, python, platform = combo
        print(f"{name:28} python {python:5} {platform:14} {result[0]:4} {result[1]}", flush=True)

    def unreachable(count: int) -> int:
        print(
            f"check_wheels: FAILED: the package index {args.index_url} could not be reached "
            f"({count} of {len(combos)} checks): nothing is known about those combinations",
            file=sys.stderr,
        )
        return 2

    # The first combination alone: an unreachable index then fails at once, not once per combination.
    first = check(combos[0])
    show(combos[0], first)
    if first[0] == "offline":
        return unreachable(len(combos))
    failed, offline = int(first[0] == "fail"), 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for combo, result in zip(combos[1:], pool.map(check, combos[1:])):
            show(combo, result)
            failed += result[0] == "fail"
            offline += result[0] == "offline"
    if offline:
        return unreachable(offline)
    print(f"{len(combos) - failed} of {len(combos)} combinations install from wheels")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
