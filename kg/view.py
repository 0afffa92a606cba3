"""The HTML view: one self-contained file that explores the graph in a browser, offline, at any size.

The page inlines the vis-network script shipped inside the ``pyvis`` package (no CDN, no Bootstrap),
carries the graph as escaped JSON in a ``<script type="application/json">`` element and renders every
piece of text with DOM APIs (``textContent``), so a hostile title shows as text. Positions are computed
here with igraph (Fruchterman-Reingold, seeded: the same graph gives the same bytes) and drawn fixed,
which is what lets a browser open 5,000 nodes in about a second; ``physics=True`` adds a brief
stabilisation on top.

>>> from kg.records import Paper, Entity, Link, EntityType, Role
>>> from kg.graph import build_graph
>>> g = build_graph(
...     [Paper(id="2201.00001", version=1, title="ResNets on ImageNet", abstract="We use ImageNet.")],
...     [Entity(id="dataset/imagenet", type=EntityType.DATASET, label="ImageNet", aliases=(("ImageNet", 1),))],
...     [Link("2201.00001", "dataset/imagenet", Role.USES)])
>>> import tempfile, pathlib
>>> out = write_html(g, pathlib.Path(tempfile.mkdtemp()) / "view.html", title="demo")
>>> html = out.read_text(encoding="utf-8")
>>> html.startswith("<!DOCTYPE html>"), "cdn" in html.lower(), 'id="kg-data"' in html
(True, False, True)
"""
from __future__ import annotations

import difflib
import html
import json
import os
import random
import re
import statistics
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import igraph
import networkx as nx

from kg.errors import KGError

KINDS = ("paper", "dataset", "method", "task")
VIS_VERSION = "9.1.2"
#: median on-screen edge length, in vis-network units, that positions are scaled to
EDGE_LENGTH = 150.0
LABEL_CHARS = 48

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# ----------------------------------------------------------------------------------------------- sub-views


def resolve(graph: nx.MultiDiGraph, focus: str) -> str:
    """The node id that ``focus`` names: an id, a label or an alias, compared case-insensitively.

    An exact id wins; when several nodes share a label or alias, the one with most neighbours
    (then the smallest id) is taken. An unknown name raises ``KGError`` listing close matches.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("method/resnet", kind="method", label="ResNet", aliases=[["residual network", 2]])
    >>> resolve(g, "RESIDUAL NETWORK")
    'method/resnet'
    >>> resolve(g, "resnett")
    Traceback (most recent call last):
    ...
    kg.errors.KGError: no node named 'resnett'; close matches: ResNet
    """
    if focus in graph:
        return focus
    wanted = focus.strip().casefold()
    hits = [node for node, names in _names(graph) if wanted in names]
    if hits:
        return min(hits, key=lambda node: (-len(_neighbours(graph, node)), node))
    choices: dict[str, str] = {}
    for node, attrs in graph.nodes(data=True):
        for name in (node, str(attrs.get("label", "")), *(str(a[0]) for a in attrs.get("aliases") or ())):
            choices.setdefault(name.casefold(), str(attrs.get("label") or node))
    close = difflib.get_close_matches(wanted, sorted(choices), n=5, cutoff=0.6)
    shown = sorted(dict.fromkeys(choices[c] for c in close))
    hint = f"; close matches: {', '.join(shown)}" if shown else "; no close matches"
    raise KGError(f"no node named {focus!r}{hint}")


def subgraph(graph: nx.MultiDiGraph, focus: str, hops: int = 1) -> nx.MultiDiGraph:
    """The nodes within ``hops`` steps of ``focus`` (edges followed both ways), with the edges among them.

    >>> g = nx.MultiDiGraph([("paper/1", "task/a"), ("paper/2", "task/a"), ("paper/2", "task/b")])
    >>> sorted(subgraph(g, "task/a", hops=1))
    ['paper/1', 'paper/2', 'task/a']
    >>> sorted(subgraph(g, "task/a", hops=2))
    ['paper/1', 'paper/2', 'task/a', 'task/b']
    """
    if hops < 0:
        raise KGError(f"hops must be >= 0, not {hops}")
    start = resolve(graph, focus)
    seen, frontier = {start}, [start]
    for _ in range(hops):
        frontier = [n for node in frontier for n in sorted(_neighbours(graph, node)) if n not in seen]
        seen.update(frontier)
    return graph.subgraph(seen).copy()


def top_subgraph(graph: nx.MultiDiGraph, n: int) -> nx.MultiDiGraph:
    """The ``n`` entities with most papers (ties by id) and every paper linked to them.

    >>> g = nx.MultiDiGraph([("paper/1", "task/a"), ("paper/2", "task/a"), ("paper/2", "task/b")])
    >>> for node in ("paper/1", "paper/2"):
    ...     g.nodes[node]["kind"] = "paper"
    >>> sorted(top_subgraph(g, 1))
    ['paper/1', 'paper/2', 'task/a']
    """
    if n < 0:
        raise KGError(f"top must be >= 0, not {n}")
    entities = [node for node, kind in graph.nodes(data="kind") if kind != "paper"]
    ranked = sorted(entities, key=lambda node: (-len(_neighbours(graph, node)), node))[:n]
    keep = set(ranked).union(*(_neighbours(graph, node) for node in ranked))
    return graph.subgraph(keep).copy()


# ----------------------------------------------------------------------------------------------- layout


def layout(graph: nx.MultiDiGraph, *, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Seeded positions for vis-network: igraph Fruchterman-Reingold per connected component, packed.

    Each component is laid out on its own and scaled so that its median edge is ``EDGE_LENGTH`` long;
    components are then packed in rows, largest first (laid out together, small components and
    isolated nodes would drift far from the main one). igraph lays out 5,000 nodes in about a second
    (networkx ``spring_layout`` takes ~9 s for 2,000). Coordinates are rounded to 0.1: the same graph
    always gives the same numbers.

    >>> pos = layout(nx.MultiDiGraph([("paper/1", "task/a"), ("paper/2", "task/b")]))
    >>> sorted(pos), pos == layout(nx.MultiDiGraph([("paper/1", "task/a"), ("paper/2", "task/b")]))
    (['paper/1', 'paper/2', 'task/a', 'task/b'], True)
    """
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in graph.edges() if u != v})
    membership = igraph.Graph(n=len(nodes), edges=pairs).connected_components().membership
    members: dict[int, list[int]] = {}
    for vertex, component in enumerate(membership):
        members.setdefault(component, []).append(vertex)
    edges_of: dict[int, list[tuple[int, int]]] = {}
    for a, b in pairs:
        edges_of.setdefault(membership[a], []).append((a, b))
    components = sorted(members, key=lambda c: (-len(members[c]), members[c][0]))
    rng = random.Random(seed)
    igraph.set_random_number_generator(rng)  # FR jitters coincident nodes with the global RNG
    try:
        drawn = [(members[c], _component_layout(members[c], edges_of.get(c, []), rng)) for c in components]
    finally:
        igraph.set_random_number_generator(random)  # igraph's default
    coords = _pack(drawn, margin=EDGE_LENGTH)
    return {nodes[v]: (round(x, 1), round(y, 1)) for v, (x, y) in coords.items()}


def _component_layout(vertices: list[int], edges: list[tuple[int, int]], rng: random.Random) -> list[tuple[float, float]]:
    """FR positions of one connected component, centred, median edge ``EDGE_LENGTH`` long."""
    if len(vertices) == 1:
        return [(0.0, 0.0)]
    local = {v: i for i, v in enumerate(vertices)}
    pairs = [(local[a], local[b]) for a, b in edges]
    radius = len(vertices) ** 0.5
    start = [[rng.uniform(-radius, radius), rng.uniform(-radius, radius)] for _ in vertices]
    coords = igraph.Graph(n=len(vertices), edges=pairs).layout_fruchterman_reingold(seed=start, niter=500).coords
    cx = statistics.fmean(x for x, _ in coords)
    cy = statistics.fmean(y for _, y in coords)
    typical = statistics.median(((coords[a][0] - coords[b][0]) ** 2 + (coords[a][1] - coords[b][1]) ** 2) ** 0.5
                                for a, b in pairs)
    scale = EDGE_LENGTH / (typical or 1.0)
    return [((x - cx) * scale, (y - cy) * scale) for x, y in coords]


def _pack(drawn: list[tuple[list[int], list[tuple[float, float]]]], margin: float) -> dict[int, tuple[float, float]]:
    """Shelf packing of component layouts (largest first) into rows about as wide as the whole is tall."""
    boxes = []
    for vertices, coords in drawn:
        xs, ys = [x for x, _ in coords], [y for _, y in coords]
        gap = margin if len(vertices) > 1 else margin / 3  # isolated nodes sit in a tighter grid
        boxes.append((vertices, coords, min(xs), min(ys), max(xs) - min(xs) + gap, max(ys) - min(ys) + gap))
    row_width = max(max(w for *_, w, _ in boxes), sum(w * h for *_, w, h in boxes) ** 0.5 * 1.2)
    out: dict[int, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for vertices, coords, left, top, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for v, (px, py) in zip(vertices, coords):
            out[v] = (px - left + x, py - top + y)
        x, row_height = x + w, max(row_height, h)
    cx = (min(p[0] for p in out.values()) + max(p[0] for p in out.values())) / 2
    cy = (min(p[1] for p in out.values()) + max(p[1] for p in out.values())) / 2
    return {v: (px - cx, py - cy) for v, (px, py) in out.items()}


# ----------------------------------------------------------------------------------------------- page data


def view_data(graph: nx.MultiDiGraph, shown: nx.MultiDiGraph, *, title: str = "kg", physics: bool = False) -> dict:
    """The JSON payload of the page: ``shown``'s nodes with positions and ``graph``-wide degrees, and its links.

    Degrees (distinct neighbours) come from the whole ``graph`` so that a focused view keeps the sizes
    and the minimum-degree filter of the full one. Evidence spans are turned into ``hl`` offsets inside
    their sentence so that the page can highlight them.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("paper/1", kind="paper", label="T", title="T", abstract="We use MNIST. It works.")
    >>> g.add_node("dataset/mnist", kind="dataset", label="MNIST")
    >>> _ = g.add_edge("paper/1", "dataset/mnist", key="uses", role="uses", confidence=1.0, evidence=[
    ...     {"field": "abstract", "start": 7, "end": 12, "text": "MNIST", "sentence": "We use MNIST."}])
    >>> d = view_data(g, g)
    >>> [(n["id"], n["degree"]) for n in d["nodes"]], d["links"][0]["evidence"][0]["hl"]
    ([('paper/1', 1), ('dataset/mnist', 1)], [7, 12])
    """
    positions = layout(shown)
    nodes = []
    for node, attrs in shown.nodes(data=True):
        kind = str(attrs.get("kind") or (node.split("/", 1)[0] if "/" in node else "paper"))
        label = str(attrs.get("label") or node)
        item: dict[str, object] = {
            "id": node, "kind": kind, "label": label, "short": _shorten(label),
            "x": positions[node][0], "y": positions[node][1], "degree": len(_neighbours(graph, node)),
        }
        if kind == "paper":
            for key in ("arxiv_id", "version", "url", "date", "authors", "categories"):
                if attrs.get(key) not in (None, "", []):
                    item[key] = attrs[key]
        else:
            for key in ("aliases", "vocabulary_id", "broader", "n_papers"):
                if attrs.get(key) not in (None, "", []):
                    item[key] = attrs[key]
        nodes.append(item)
    links = []
    for u, v, key, attrs in shown.edges(keys=True, data=True):
        texts = {f: str(shown.nodes[u].get(f) or "") for f in ("title", "abstract")}
        links.append({
            "from": u, "to": v, "role": str(attrs.get("role", key)), "confidence": attrs.get("confidence"),
            "evidence": [_evidence(ev, texts) for ev in attrs.get("evidence") or ()],
        })
    kinds = {kind: sum(1 for n in nodes if n["kind"] == kind) for kind in KINDS}
    return {"title": title, "physics": physics, "nodes": nodes, "links": links,
            "total": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}, "kinds": kinds}


def script_json(data: object) -> str:
    """JSON safe to put inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028/9 become ``\\uXXXX``.

    >>> script_json({"t": "</script><b>&\\u2028"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    >>> json.loads(script_json({"t": "</script>"}))["t"]
    '</script>'
    """
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), default=str)
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text) if any(c in text for c in "<>&") else text


# ----------------------------------------------------------------------------------------------- the page


def render_html(graph: nx.MultiDiGraph, *, focus: str | None = None, hops: int = 1, top: int | None = None,
                title: str = "kg", physics: bool = False) -> str:
    """The page as a string; see ``write_html``."""
    shown = graph
    if focus is not None:
        shown = subgraph(shown, focus, hops)
    if top is not None:
        shown = top_subgraph(shown, top)
    parts = {"TITLE": html.escape(title).replace("\u2028", "&#x2028;").replace("\u2029", "&#x2029;"),
             "VIS": _vis_script(),
             "DATA": script_json(view_data(graph, shown, title=title, physics=physics))}
    return re.sub(r"%%(TITLE|VIS|DATA)%%", lambda m: parts[m.group(1)], _TEMPLATE)


def write_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], *, focus: str | None = None, hops: int = 1,
               top: int | None = None, title: str = "kg", physics: bool = False) -> Path:
    """Write the view as ONE self-contained HTML file (atomically) and return its path.

    ``focus`` (an id, label or alias) keeps the nodes within ``hops`` of it; ``top`` keeps the ``top``
    entities with most papers and their papers (after ``focus``, when both are given). The file makes
    no network request and works from ``file://``; ``physics=True`` lets vis-network settle the
    precomputed layout briefly after loading.
    """
    path = Path(path)
    page = render_html(graph, focus=focus, hops=hops, top=top, title=title, physics=physics)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ----------------------------------------------------------------------------------------------- helpers


def _neighbours(graph: nx.MultiDiGraph, node: str) -> set[str]:
    return (set(graph.successors(node)) | set(graph.predecessors(node))) - {node}


def _names(graph: nx.MultiDiGraph) -> Iterable[tuple[str, set[str]]]:
    for node, attrs in graph.nodes(data=True):
        names = {node.casefold(), str(attrs.get("label", "")).casefold()}
        names.update(str(alias[0]).casefold() for alias in attrs.get("aliases") or ())
        yield node, names


def _shorten(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "\u2026"


def _evidence(ev: dict, texts: dict[str, str]) -> dict[str, object]:
    """One evidence item for the page, with ``hl``: the span's offsets inside ``sentence``."""
    sentence, span = str(ev.get("sentence") or ""), str(ev.get("text") or "")
    start, end = ev.get("start"), ev.get("end")
    field_text = texts.get(str(ev.get("field")), "")
    hl: list[int] | None = None
    if not sentence and isinstance(start, int) and isinstance(end, int) and field_text:
        lo, hi = max(0, start - 100), min(len(field_text), end + 100)
        sentence, hl = field_text[lo:hi], [start - lo, end - lo]
    elif isinstance(start, int) and isinstance(end, int) and sentence:
        at = field_text.find(sentence)
        if at >= 0 and at <= start and end <= at + len(sentence):
            hl = [start - at, end - at]
    if hl is None and span and sentence:
        at = sentence.find(span)
        if at < 0:
            at = sentence.casefold().find(span.casefold())
        hl = [at, at + len(span)] if at >= 0 else None
    return {"field": ev.get("field", ""), "text": span, "sentence": sentence, "hl": hl,
            "source": ev.get("source", ""), "confidence": ev.get("confidence")}


@lru_cache(maxsize=1)
def _vis_script() -> str:
    """The vis-network standalone build shipped with pyvis, ready to inline."""
    lib = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js"
    try:
        script = lib.read_text(encoding="utf-8")
    except OSError as err:  # pragma: no cover - a broken pyvis install
        raise KGError(f"pyvis does not ship vis-network {VIS_VERSION} at {lib}: {err}") from err
    lines = [line for line in script.split("\n") if not line.startswith("//# sourceMappingURL=")]
    return "\n".join(lines).replace("</script", "<\\/script").replace("<!--", "<\\!--")


_TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<title>%%TITLE%%</title>
<style>
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a}
body{display:flex}
#side{width:360px;flex:none;height:100%;overflow-y:auto;background:#fff;border-right:1px solid #e2e8f0;padding:16px 18px}
#canvas{flex:1;height:100%;position:relative;background:#f8fafc}
#graph{position:absolute;inset:0}
h1{font-size:18px;margin:0 0 2px}
h2{font-size:16px;margin:4px 0 6px;line-height:1.3;word-wrap:break-word}
h3{font-size:11px;letter-spacing:.06em;text-transform:uppercase;color:#64748b;margin:16px 0 6px}
.muted{color:#64748b;font-size:12.5px}
section{border-top:1px solid #e2e8f0;padding-top:4px;margin-top:12px}
input[type=search]{width:100%;padding:7px 10px;border:1px solid #cbd5e1;border-radius:6px;font:inherit}
input[type=search]:focus{outline:2px solid #93c5fd;border-color:#60a5fa}
#search-results{list-style:none;margin:4px 0 0;padding:0}
#search-results li,.navlist li{padding:4px 6px;border-radius:4px;cursor:pointer;display:flex;gap:6px;align-items:baseline}
#search-results li:hover,.navlist li:hover{background:#f1f5f9}
.legend label{display:flex;align-items:center;gap:8px;padding:2px 0;cursor:pointer}
.legend .n{margin-left:auto;color:#64748b;font-variant-numeric:tabular-nums}
.row{display:flex;align-items:center;gap:8px}
input[type=range]{flex:1}
button{font:inherit;font-size:12.5px;padding:4px 10px;border:1px solid #cbd5e1;background:#fff;border-radius:6px;cursor:pointer}
button:hover{background:#f1f5f9}
.badge{display:inline-block;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;padding:1px 7px;border-radius:10px;color:#fff}
.role{font-size:11px;color:#475569;background:#f1f5f9;border-radius:8px;padding:0 6px;white-space:nowrap}
.sw{flex:none;width:12px;height:12px}
ul.navlist{list-style:none;padding:0;margin:0}
.ev{margin:2px 0 8px 18px;padding:4px 8px;border-left:3px solid #e2e8f0;color:#334155;font-size:13px}
.ev .src{display:block;color:#94a3b8;font-size:11px}
mark{background:#fde68a;border-radius:2px;padding:0 1px}
a{color:#2563eb}
#tip{position:absolute;pointer-events:none;background:#0f172a;color:#fff;font-size:12px;padding:3px 8px;border-radius:4px;max-width:360px;display:none;z-index:5}
</style>
</head>
<body>
<aside id="side">
  <h1 id="kg-title"></h1>
  <div class="muted"><span id="node-count">0</span> nodes drawn of <span id="node-total">0</span> &middot; <span id="edge-count">0</span> links</div>
  <section>
    <h3>Search</h3>
    <input id="search" type="search" placeholder="Label or alias&hellip;" autocomplete="off" aria-label="Search nodes">
    <ul id="search-results"></ul>
  </section>
  <section>
    <h3>Types</h3>
    <div class="legend" id="legend"></div>
    <h3>Minimum degree</h3>
    <div class="row"><input id="min-degree" type="range" min="0" max="1" value="0" aria-label="Minimum degree"><span id="min-degree-value">0</span></div>
    <div class="row" style="margin-top:10px"><button id="reset" type="button">Reset view</button><button id="fit" type="button">Fit</button></div>
  </section>
  <section>
    <h3>Details</h3>
    <div id="details"><p class="muted">Click a node to see its papers, entities and evidence.</p></div>
  </section>
</aside>
<main id="canvas"><div id="graph"></div><div id="tip"></div></main>
<script type="application/json" id="kg-data">%%DATA%%</script>
<script>%%VIS%%</script>
<script>
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var STYLE = {
    paper:   {name: "Papers",   shape: "dot",      color: "#94a3b8", border: "#64748b"},
    dataset: {name: "Datasets", shape: "square",   color: "#3b82f6", border: "#1d4ed8"},
    method:  {name: "Methods",  shape: "diamond",  color: "#f97316", border: "#c2410c"},
    task:    {name: "Tasks",    shape: "triangle", color: "#22c55e", border: "#15803d"}
  };
  var OTHER = {name: "Other", shape: "dot", color: "#a855f7", border: "#7e22ce"};
  function style(kind) { return STYLE[kind] || OTHER; }
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (k === "onclick") node.addEventListener("click", attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c != null) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function swatch(kind) {
    var s = style(kind), ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg"), shape;
    svg.setAttribute("viewBox", "0 0 12 12"); svg.setAttribute("class", "sw");
    if (s.shape === "dot") { shape = document.createElementNS(ns, "circle"); shape.setAttribute("cx", 6); shape.setAttribute("cy", 6); shape.setAttribute("r", 5); }
    else if (s.shape === "square") { shape = document.createElementNS(ns, "rect"); shape.setAttribute("x", 1); shape.setAttribute("y", 1); shape.setAttribute("width", 10); shape.setAttribute("height", 10); }
    else { shape = document.createElementNS(ns, "polygon"); shape.setAttribute("points", s.shape === "diamond" ? "6,0.5 11.5,6 6,11.5 0.5,6" : "6,1 11.5,11 0.5,11"); }
    shape.setAttribute("fill", s.color); shape.setAttribute("stroke", s.border);
    svg.appendChild(shape);
    return svg;
  }

  // ---- indexes
  var byId = new Map(), links = new Map(), neighbours = new Map(), maxDegree = 0;
  DATA.nodes.forEach(function (n) {
    byId.set(n.id, n); links.set(n.id, []); neighbours.set(n.id, new Set());
    n.haystack = [n.label].concat((n.aliases || []).map(function (a) { return a[0]; })).join("\n").toLowerCase();
    maxDegree = Math.max(maxDegree, n.degree);
  });
  DATA.links.forEach(function (l) {
    if (!byId.has(l.from) || !byId.has(l.to)) return;
    links.get(l.from).push(l); links.get(l.to).push(l);
    neighbours.get(l.from).add(l.to); neighbours.get(l.to).add(l.from);
  });

  // ---- the network
  function visNode(n) {
    var s = style(n.kind);
    return {id: n.id, label: n.kind !== "paper" || paperLabels ? n.short : undefined, x: n.x, y: n.y, value: n.degree, shape: s.shape,
            color: {background: s.color, border: s.border, highlight: {background: s.color, border: "#0f172a"},
                    hover: {background: s.color, border: "#0f172a"}},
            opacity: 1, font: {color: "#1e293b"}};
  }
  var paperLabels = DATA.nodes.length <= 60;  // titles are long: on big views they show on hover and click
  var nodes = new vis.DataSet(DATA.nodes.map(visNode));
  var seen = new Set(), edges = new vis.DataSet();
  DATA.links.forEach(function (l) {
    var id = l.from + "\u0000" + l.to;
    if (!seen.has(id) && byId.has(l.from) && byId.has(l.to)) { seen.add(id); edges.add({id: id, from: l.from, to: l.to}); }
  });
  var filter = {kinds: new Set(Object.keys(STYLE).concat(["other"])), minDegree: 0};
  var view = new vis.DataView(nodes, {filter: function (item) {
    var n = byId.get(item.id);
    return filter.kinds.has(STYLE[n.kind] ? n.kind : "other") && n.degree >= filter.minDegree;
  }});
  var options = {
    autoResize: true,
    nodes: {borderWidth: 1, scaling: {min: 6, max: 36, label: {enabled: true, min: 11, max: 22, drawThreshold: 7, maxVisible: 26},
            customScalingFunction: function (min, max, total, value) { return max === min ? 0.3 : Math.sqrt((value - min) / (max - min)); }},
            font: {face: "system-ui, sans-serif", strokeWidth: 3, strokeColor: "#f8fafc"}},
    edges: {smooth: false, width: 0.6, selectionWidth: 1, color: {color: "#cbd5e1", highlight: "#64748b", hover: "#64748b", opacity: 0.8}},
    interaction: {hover: true, hideEdgesOnDrag: DATA.nodes.length > 1500, hideEdgesOnZoom: DATA.nodes.length > 1500, tooltipDelay: 150, multiselect: false},
    physics: DATA.physics ? {enabled: true, solver: "forceAtlas2Based", stabilization: {enabled: true, iterations: 150, fit: true}} : false,
    layout: {improvedLayout: false, randomSeed: 0}
  };
  var network = new vis.Network($("graph"), {nodes: view, edges: edges}, options);
  if (DATA.physics) network.once("stabilizationIterationsDone", function () { network.setOptions({physics: false}); });

  var api = {network: network, nodes: nodes, edges: edges, view: view, data: DATA, ready: false, firstDrawMs: null};
  network.once("afterDrawing", function () {
    api.ready = true; api.firstDrawMs = performance.now(); document.body.setAttribute("data-ready", "1");
  });

  // ---- counts, legend, filters
  function updateCounts() {
    $("node-count").textContent = String(view.length);
    var drawn = 0;
    edges.forEach(function (e) { if (view.get(e.from) && view.get(e.to)) drawn++; });
    $("edge-count").textContent = String(drawn);
  }
  $("kg-title").textContent = DATA.title;
  $("node-total").textContent = String(DATA.nodes.length);
  Object.keys(STYLE).forEach(function (kind) {
    var box = el("input", {type: "checkbox", "data-kind": kind});
    box.checked = true;
    box.addEventListener("change", function () { if (box.checked) filter.kinds.add(kind); else filter.kinds.delete(kind); view.refresh(); updateCounts(); });
    $("legend").appendChild(el("label", {}, [box, swatch(kind), STYLE[kind].name, el("span", {class: "n", text: String(DATA.kinds[kind] || 0)})]));
  });
  var slider = $("min-degree");
  slider.max = String(Math.max(1, maxDegree));
  slider.addEventListener("input", function () { setMinDegree(Number(slider.value)); });
  function setMinDegree(k) {
    filter.minDegree = k; slider.value = String(k); $("min-degree-value").textContent = String(k); view.refresh(); updateCounts();
  }
  function setKinds(kinds) {
    filter.kinds = new Set(kinds.concat(["other"]));
    document.querySelectorAll("#legend input").forEach(function (b) { b.checked = filter.kinds.has(b.getAttribute("data-kind")); });
    view.refresh(); updateCounts();
  }

  // ---- neighbourhood highlight
  var dimmed = false;
  function highlight(id) {
    var keep = new Set(neighbours.get(id) || []); keep.add(id);
    nodes.update(DATA.nodes.map(function (n) {
      var on = keep.has(n.id);
      var item = {id: n.id, opacity: on ? 1 : 0.15, font: {color: on ? "#1e293b" : "rgba(30,41,59,0.12)"}};
      if (n.kind === "paper" && !paperLabels) item.label = n.id === id ? n.short : undefined;
      return item;
    }));
    dimmed = true;
  }
  function unhighlight() {
    if (!dimmed) return;
    nodes.update(DATA.nodes.map(function (n) { return {id: n.id, opacity: 1, font: {color: "#1e293b"}, label: visNode(n).label}; }));
    dimmed = false;
  }

  // ---- details
  function navItem(id, extra) {
    var n = byId.get(id);
    return el("li", {onclick: function () { selectNode(id); }}, [swatch(n.kind), el("span", {text: n.label})].concat(extra || []));
  }
  function evidence(ev) {
    var s = ev.sentence || ev.text || "", parts = [];
    if (ev.hl && ev.hl[0] >= 0 && ev.hl[1] <= s.length) {
      parts = [s.slice(0, ev.hl[0]), el("mark", {text: s.slice(ev.hl[0], ev.hl[1])}), s.slice(ev.hl[1])];
    } else parts = [s];
    var src = [ev.field, ev.source, ev.confidence != null ? "confidence " + ev.confidence : ""].filter(Boolean).join(" \u00b7 ");
    return el("div", {class: "ev"}, parts.concat([el("span", {class: "src", text: src})]));
  }
  function paperDetails(n, box) {
    box.appendChild(el("h2", {text: n.label}));
    if (n.url) box.appendChild(el("div", {}, [el("a", {href: n.url, target: "_blank", rel: "noopener noreferrer",
      text: "arXiv:" + (n.arxiv_id || n.id) + (n.version ? "v" + n.version : "")})]));
    if (n.authors && n.authors.length) box.appendChild(el("div", {class: "authors", text: n.authors.join(", ")}));
    var meta = [n.date, (n.categories || []).join(" ")].filter(Boolean).join(" \u00b7 ");
    if (meta) box.appendChild(el("div", {class: "muted", text: meta}));
    var mine = links.get(n.id).slice().sort(function (a, b) {
      var x = byId.get(a.to), y = byId.get(b.to);
      return x.kind.localeCompare(y.kind) || x.label.localeCompare(y.label) || a.role.localeCompare(b.role);
    });
    box.appendChild(el("h3", {text: "Entities (" + mine.length + ")"}));
    var list = el("ul", {class: "navlist"});
    mine.forEach(function (l) {
      list.appendChild(navItem(l.to, [el("span", {class: "role", text: l.role})]));
      l.evidence.forEach(function (ev) { list.appendChild(evidence(ev)); });
    });
    box.appendChild(list);
  }
  function entityDetails(n, box) {
    box.appendChild(el("h2", {text: n.label}));
    var meta = [n.vocabulary_id ? "vocabulary: " + n.vocabulary_id : "", n.n_papers != null ? n.n_papers + " papers in the graph" : ""].filter(Boolean).join(" \u00b7 ");
    if (meta) box.appendChild(el("div", {class: "muted", text: meta}));
    if (n.aliases && n.aliases.length) {
      box.appendChild(el("h3", {text: "Aliases"}));
      box.appendChild(el("div", {class: "aliases", text: n.aliases.map(function (a) { return a[0] + " \u00d7" + a[1]; }).join(", ")}));
    }
    if (n.broader && n.broader.length) {
      box.appendChild(el("h3", {text: "Broader"}));
      var up = el("ul", {class: "navlist"});
      n.broader.forEach(function (b) { up.appendChild(byId.has(b) ? navItem(b) : el("li", {text: b})); });
      box.appendChild(up);
    }
    var mine = links.get(n.id).slice().sort(function (a, b) {
      var x = byId.get(a.from), y = byId.get(b.from);
      return (y.date || "").localeCompare(x.date || "") || x.label.localeCompare(y.label);
    });
    box.appendChild(el("h3", {text: "Papers (" + mine.length + ")"}));
    var list = el("ul", {class: "navlist"});
    mine.forEach(function (l) { list.appendChild(navItem(l.from, [el("span", {class: "role", text: l.role})])); });
    box.appendChild(list);
  }
  function showDetails(id) {
    var box = $("details"), n = byId.get(id);
    box.replaceChildren();
    if (!n) return;
    var s = style(n.kind);
    var badge = el("span", {class: "badge", text: n.kind}); badge.style.background = s.border;
    box.appendChild(badge);
    (n.kind === "paper" ? paperDetails : entityDetails)(n, box);
  }
  function selectNode(id) {
    if (!byId.has(id)) return false;
    if (view.get(id)) {
      network.selectNodes([id]);
      network.focus(id, {scale: Math.max(network.getScale(), 0.8), animation: {duration: 300, easingFunction: "easeInOutQuad"}});
    }
    highlight(id); showDetails(id);
    return true;
  }
  function clearSelection() {
    network.unselectAll(); unhighlight();
    $("details").replaceChildren(el("p", {class: "muted", text: "Click a node to see its papers, entities and evidence."}));
  }
  network.on("click", function (p) { if (p.nodes.length) selectNode(p.nodes[0]); else if (!p.edges.length) clearSelection(); });

  // ---- search
  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    DATA.nodes.forEach(function (n) {
      var at = n.haystack.indexOf(q);
      if (at < 0) return;
      var exact = n.haystack.split("\n").indexOf(q) >= 0;
      hits.push({id: n.id, rank: exact ? 0 : (at === 0 || n.haystack.charAt(at - 1) === "\n" ? 1 : 2), degree: n.degree});
    });
    hits.sort(function (a, b) { return a.rank - b.rank || b.degree - a.degree || (a.id < b.id ? -1 : 1); });
    return hits.slice(0, 12).map(function (h) { return h.id; });
  }
  var box = $("search"), results = $("search-results");
  box.addEventListener("input", function () {
    results.replaceChildren.apply(results, search(box.value).map(function (id) { return navItem(id); }));
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { var first = search(box.value)[0]; if (first) selectNode(first); }
  });

  // ---- tooltip, buttons
  var tip = $("tip");
  network.on("hoverNode", function (p) {
    tip.textContent = byId.get(p.node).label; tip.style.display = "block";
    tip.style.left = (p.pointer.DOM.x + 14) + "px"; tip.style.top = (p.pointer.DOM.y + 10) + "px";
  });
  network.on("blurNode", function () { tip.style.display = "none"; });
  network.on("dragStart", function () { tip.style.display = "none"; });
  $("fit").addEventListener("click", function () { network.fit({animation: false}); });
  $("reset").addEventListener("click", function () {
    box.value = ""; results.replaceChildren(); setKinds(Object.keys(STYLE)); setMinDegree(0); clearSelection(); network.fit({animation: false});
  });

  updateCounts();
  network.fit({animation: false});
  api.nodeCount = function () { return view.length; };
  api.selectNode = selectNode;
  api.clearSelection = clearSelection;
  api.search = search;
  api.setKinds = setKinds;
  api.setMinDegree = setMinDegree;
  api.details = function () { return $("details").textContent; };
  window.kgView = api;
})();
</script>
</body>
</html>
"""
