"""scripts/check_size.py: modules over 400 lines and functions over 60 fail CI unless their package's
README.md lists them as a size-exception."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_size.py"


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def _function(name: str, lines: int) -> str:
    return f"def {name}():\n" + "".join(f"    x{i} = {i}\n" for i in range(lines - 1))


def test_kg_passes_with_its_listed_exceptions() -> None:
    result = _check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT LISTED" not in result.stdout


def test_an_oversized_function_fails_until_it_is_listed(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "small.py").write_text(_function("fine", 60), encoding="utf-8")
    (package / "big.py").write_text(_function("fine", 10) + "\n\n" + _function("long_one", 61), encoding="utf-8")
    result = _check("--root", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["pkg/big.py:long_one: 61 lines  NOT LISTED"]
    (package / "README.md").write_text(
        "# pkg\n\n- size-exception: big.py:long_one -- a table of cases\n", encoding="utf-8"
    )
    result = _check("--root", str(tmp_path))
    assert result.returncode == 0, result.stdout
    assert "exception" in result.stdout


def test_an_oversized_module_fails_and_a_listed_module_excuses_its_functions(tmp_path: Path) -> None:
    (tmp_path / "long.py").write_text(
        "".join(f"x{i} = {i}\n" for i in range(401)) + _function("long_one", 70), encoding="utf-8"
    )
    result = _check("--root", str(tmp_path))
    assert result.returncode == 1
    assert "long.py: 471 lines  NOT LISTED" in result.stdout
    assert "long.py:long_one: 70 lines  NOT LISTED" in result.stdout
    (tmp_path / "README.md").write_text("size-exception: long.py -- being split\n", encoding="utf-8")
    assert _check("--root", str(tmp_path)).returncode == 0
    assert _check("--root", str(tmp_path), "--max-module", "500").returncode == 0
