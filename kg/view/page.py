"""The page: ``template.html`` with its CSS, the vis-network script (inlined from pyvis), the data as
escaped JSON and the page's own scripts, written as ONE self-contained file that works from ``file://``.

In: the data of a view (``kg.view.data`` or ``kg.view.mapdata``). Out: HTML text, or a file written
atomically. Every piece of text reaches the screen through ``textContent``: a hostile title shows as text.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from kg.errors import KGError

VIS_VERSION = "9.1.2"
#: the scripts of each view, in order: shared helpers first
SCRIPTS = {"papers": ("base.js", "view.js"), "map": ("base.js", "map.js")}


def script_json(data: object) -> str:
    """JSON safe to put inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028/9 become ``\\uXXXX``.

    >>> script_json({"t": "</script><b>&\\u2028"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    >>> json.loads(script_json({"t": "</script>"}))["t"]
    '</script>'
    """
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), default=str)  # U+2028/9 escaped here
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(data: dict, *, title: str = "kg") -> str:
    """The HTML of a view whose data says its ``mode`` (``papers`` or ``map``).

    >>> text = page({"mode": "papers", "title": "</title>", "nodes": []}, title="</title>")
    >>> text.startswith("<!DOCTYPE html>"), "<title>&lt;/title&gt;</title>" in text
    (True, True)
    """
    parts = {
        "HEAD": head(title, VIEW_POLICY),
        "CSS": asset("view.css"),
        "VIS": vis_script(),
        "DATA": script_json(data),
        "JS": "\n".join(asset(name) for name in SCRIPTS[data.get("mode", "papers")]),
    }
    return re.sub(r"%%(HEAD|CSS|VIS|DATA|JS)%%", lambda m: parts[m.group(1)], asset("template.html"))


#: what a page may load: nothing from anywhere; its own inline scripts and styles (a view), or styles only
VIEW_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:"
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def head(title: str, policy: str) -> str:
    """The start of an offline page (``head.html``): its title, escaped, and its Content-Security-Policy.

    >>> "<title>a &lt;b&gt;</title>" in head("a <b>", REPORT_POLICY)
    True
    """
    escaped = html.escape(title).replace("\u2028", "&#x2028;").replace("\u2029", "&#x2029;")
    return asset("head.html").replace("%%CSP%%", policy).replace("%%TITLE%%", escaped)


def write_page(text: str, path: str | os.PathLike[str]) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file renamed over it) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@cache
def asset(name: str) -> str:
    """A file shipped beside this module (the template, the CSS, the scripts)."""
    return (resources.files("kg.view") / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def vis_script() -> str:
    """The vis-network standalone build shipped with pyvis, ready to inline."""
    lib = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js"
    try:
        script = lib.read_text(encoding="utf-8")
    except OSError as err:  # pragma: no cover - a broken pyvis install
        raise KGError(f"pyvis does not ship vis-network {VIS_VERSION} at {lib}: {err}") from err
    lines = [line for line in script.split("\n") if not line.startswith("//# sourceMappingURL=")]
    return "\n".join(lines).replace("</script", "<\\/script").replace("<!--", "<\\!--")
