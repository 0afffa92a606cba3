#!/usr/bin/env python3
"""Write the hash-checked locks the README installs from: ``requirements.lock`` (kg's dependencies) and
``requirements-test.lock`` (those plus the ``test`` extra), one file each for every supported Python
(3.10 ... 3.14) and platform: ``uv pip compile --universal`` writes environment markers where the pins
differ (numpy, for one, has no release for both 3.10 and 3.14).

    python scripts/lock.py            # keep the pins that still satisfy pyproject.toml, add what is new
    python scripts/lock.py --upgrade  # newest versions of everything
    python scripts/lock.py --no-check # skip the wheel check afterwards

Uses ``uv`` from PATH, or else installs ``uv`` with pip into a temporary virtual environment (from the
package index; nothing is installed for good). Asks PyPI only (``--no-config``: no uv.toml, no local
indexes). Afterwards runs ``scripts/check_wheels.py --lock`` on both files: every pin must have a wheel,
and a matching hash, for every Python and platform the project supports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UV = "uv==0.13.8"  # the version the committed locks were written with
LOCKS = {"requirements.lock": [], "requirements-test.lock": ["test"]}
OLDEST_PYTHON = "3.10"  # = requires-python in pyproject.toml


def run(command: list[str], **kwargs) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def find_uv(scratch: Path) -> str:
    found = shutil.which("uv")
    if found:
        return found
    print(f"lock: uv not on PATH: installing {UV} into a temporary virtual environment", flush=True)
    venv.EnvBuilder(with_pip=True).create(scratch / "uv-venv")
    bindir = scratch / "uv-venv" / ("Scripts" if os.name == "nt" else "bin")
    run([str(bindir / "python"), "-m", "pip", "install", "--quiet", UV])
    return str(bindir / ("uv.exe" if os.name == "nt" else "uv"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upgrade", action="store_true", help="newest versions, not the pins already locked")
    ap.add_argument("--no-check", action="store_true", help="do not run scripts/check_wheels.py afterwards")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-lock-") as scratch:
        uv = find_uv(Path(scratch))
        for name, extras in LOCKS.items():
            command = [
                uv,
                "pip",
                "compile",
                "pyproject.toml",
                "--universal",
                "--generate-hashes",
                "--python-version",
                OLDEST_PYTHON,
                "--no-config",
                "--index-url",
                "https://pypi.org/simple",
                "--custom-compile-command",
                "python scripts/lock.py",
                "--quiet",
                "-o",
                name,
            ]
            for extra in extras:
                command += ["--extra", extra]
            if args.upgrade:
                command.append("--upgrade")
            run(command, cwd=ROOT)
    if args.no_check:
        return 0
    check = [sys.executable, str(ROOT / "scripts" / "check_wheels.py")]
    for name in LOCKS:
        check += ["--lock", name]
    print("+", " ".join(check), flush=True)
    return subprocess.run(check, cwd=ROOT).returncode


if __name__ == "__main__":
    raise SystemExit(main())
