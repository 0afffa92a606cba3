/* Shared by the paper view (view.js) and the map (map.js): DOM helpers, the type styles, evidence
   sentences, search, and the label layer that draws, at each zoom, the labels chosen for it in Python
   (kg/view/labels.py). Text reaches the page through textContent only. */
var KG = (function () {
  "use strict";
  var STYLE = {
    paper:   {name: "Papers",   shape: "dot",      color: "#94a3b8", border: "#64748b"},
    dataset: {name: "Datasets", shape: "square",   color: "#3b82f6", border: "#1d4ed8"},
    method:  {name: "Methods",  shape: "diamond",  color: "#f97316", border: "#c2410c"},
    task:    {name: "Tasks",    shape: "triangle", color: "#22c55e", border: "#15803d"}
  };
  var OTHER = {name: "Other", shape: "dot", color: "#a855f7", border: "#7e22ce"};
  var LABEL_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

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
  function swatch(kind, color) {
    var s = style(kind), ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg"), shape;
    svg.setAttribute("viewBox", "0 0 12 12"); svg.setAttribute("class", "sw");
    if (s.shape === "dot") { shape = document.createElementNS(ns, "circle"); shape.setAttribute("cx", 6); shape.setAttribute("cy", 6); shape.setAttribute("r", 5); }
    else if (s.shape === "square") { shape = document.createElementNS(ns, "rect"); shape.setAttribute("x", 1); shape.setAttribute("y", 1); shape.setAttribute("width", 10); shape.setAttribute("height", 10); }
    else { shape = document.createElementNS(ns, "polygon"); shape.setAttribute("points", s.shape === "diamond" ? "6,0.5 11.5,6 6,11.5 0.5,6" : "6,1 11.5,11 0.5,11"); }
    shape.setAttribute("fill", color || s.color); shape.setAttribute("stroke", color ? "#334155" : s.border);
    svg.appendChild(shape);
    return svg;
  }
  // a sentence with the span behind a link marked (hl: offsets inside the sentence)
  function evidence(ev) {
    var s = ev.sentence || ev.text || "", parts;
    if (ev.hl && ev.hl[0] >= 0 && ev.hl[1] <= s.length) {
      parts = [s.slice(0, ev.hl[0]), el("mark", {text: s.slice(ev.hl[0], ev.hl[1])}), s.slice(ev.hl[1])];
    } else parts = [s];
    var src = [ev.field, ev.source, ev.confidence != null ? "confidence " + ev.confidence : ""].filter(Boolean).join(" \u00b7 ");
    return el("div", {class: "ev"}, parts.concat(src ? [el("span", {class: "src", text: src})] : []));
  }
  // the ids of items whose label or aliases contain the query: exact names first, then prefixes, then weight
  function search(items, query, limit) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    items.forEach(function (n) {
      var at = n.haystack.indexOf(q);
      if (at < 0) return;
      var exact = n.haystack.split("\n").indexOf(q) >= 0;
      hits.push({id: n.id, rank: exact ? 0 : (at === 0 || n.haystack.charAt(at - 1) === "\n" ? 1 : 2), weight: n.weight});
    });
    hits.sort(function (a, b) { return a.rank - b.rank || b.weight - a.weight || (a.id < b.id ? -1 : 1); });
    return hits.slice(0, limit || 12).map(function (h) { return h.id; });
  }
  function haystack(label, aliases) {
    return [label].concat((aliases || []).map(function (a) { return a[0]; })).join("\n").toLowerCase();
  }
  /* Labels drawn over the network at a constant size on screen. Each item has x, y, short, font (px)
     and z, the first zoom level that shows it (level k: scale base * 2^(k/2)). state.shown(id) says
     whether a node is drawn at all; with state.dim (a selection), only the labels of state.forced (the
     selection, state.first, and its neighbours) are drawn, heaviest first, none over another. */
  function labelLayer(network, items, base, state) {
    var drawn = [], byWeight = items.slice().sort(function (a, b) { return (b.weight || 0) - (a.weight || 0); });
    function font(n, scale) { var px = n.font || 12; return (px >= 15 ? "600 " : "") + (px / scale) + "px " + LABEL_FONT; }
    function draw(ctx, n, scale) {
      var y = n.y + (n.r || 0) + 2 / scale;
      ctx.lineWidth = 3 / scale;
      ctx.strokeText(n.short, n.x, y); ctx.fillText(n.short, n.x, y);
      drawn.push(n.id);
    }
    // with a selection: its neighbourhood's labels, heaviest first, each where it overlaps none drawn
    function drawForced(ctx, scale) {
      var boxes = [];
      var order = byWeight.filter(function (n) { return state.forced.has(n.id) && state.shown(n.id); });
      order.sort(function (a, b) { return (b.id === state.first) - (a.id === state.first); });
      order.forEach(function (n) {
        ctx.font = font(n, scale);
        var w = ctx.measureText(n.short).width, h = (n.font || 12) * 1.3 / scale, top = n.y + (n.r || 0);
        var box = [n.x - w / 2, top, n.x + w / 2, top + h];
        if (boxes.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; })) return;
        boxes.push(box); draw(ctx, n, scale);
      });
    }
    network.on("afterDrawing", function (ctx) {
      var scale = network.getScale(), level = currentLevel();
      var a = network.DOMtoCanvas({x: 0, y: 0}), b = network.DOMtoCanvas({x: ctx.canvas.clientWidth, y: ctx.canvas.clientHeight});
      drawn = [];
      ctx.save();
      ctx.textAlign = "center"; ctx.textBaseline = "top"; ctx.lineJoin = "round";
      ctx.strokeStyle = "rgba(248,250,252,0.92)"; ctx.fillStyle = "#1e293b";
      if (state.dim) drawForced(ctx, scale);
      else items.forEach(function (n) {
        if (n.z == null || n.z > level || !state.shown(n.id)) return;
        if (n.x < a.x - 200 / scale || n.x > b.x + 200 / scale || n.y < a.y - 50 / scale || n.y > b.y + 20 / scale) return;
        ctx.font = font(n, scale); draw(ctx, n, scale);
      });
      ctx.restore();
    });
    function currentLevel() { return Math.max(0, Math.floor(2 * Math.log2(network.getScale() / base) + 1e-9)); }
    return {drawn: function () { return drawn.slice(); }, level: currentLevel};
  }
  // the tooltip: a title on hover
  function tooltip(network, text) {
    var tip = $("tip");
    network.on("hoverNode", function (p) {
      tip.textContent = text(p.node); tip.style.display = "block";
      tip.style.left = (p.pointer.DOM.x + 14) + "px"; tip.style.top = (p.pointer.DOM.y + 10) + "px";
    });
    network.on("blurNode", function () { tip.style.display = "none"; });
    network.on("dragStart", function () { tip.style.display = "none"; });
  }
  // the search box: results as a list, Enter selects the first
  function searchBox(find, item, select) {
    var box = $("search"), results = $("search-results");
    box.addEventListener("input", function () {
      results.replaceChildren.apply(results, find(box.value).map(function (id) { return item(id); }));
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { var first = find(box.value)[0]; if (first) select(first); }
    });
    return function clear() { box.value = ""; results.replaceChildren(); };
  }
  // the counts above the search box: nodes drawn of the view, links between them
  function counter(view, edges) {
    return function updateCounts() {
      $("node-count").textContent = String(view.length);
      var drawn = 0;
      edges.forEach(function (e) { if (view.get(e.from) && view.get(e.to)) drawn++; });
      $("edge-count").textContent = String(drawn);
    };
  }
  /* What both views do last: search, tooltip, the Fit and Reset buttons, the first fit, and the
     window.kgView API the tests and the benchmark drive (view.api holds the view's own functions). */
  function finish(view) {
    var network = view.network, api = view.api;
    var clearSearch = searchBox(view.search, view.navItem, view.select);
    tooltip(network, view.tip);
    $("fit").addEventListener("click", function () { network.fit({animation: false}); });
    $("reset").addEventListener("click", function () { clearSearch(); view.reset(); view.clear(); network.fit({animation: false}); });
    view.updateCounts();
    view.hint();
    network.fit({animation: false});
    api.nodeCount = function () { return view.view.length; };
    api.selectNode = view.select;
    api.clearSelection = view.clear;
    api.search = view.search;
    api.labels = view.labels.drawn;
    api.level = view.labels.level;
    api.details = function () { return $("details").textContent; };
    Object.keys(view.more).forEach(function (k) { api[k] = view.more[k]; });
    window.kgView = api;
  }
  // an entity's relations stated in text (kg.view.relations rows: relation, "out" or "in", other id, its
  // label, papers, a sentence), under a heading; select(id) goes to the other entity when the page has it
  function relations(box, rows, select) {
    if (!rows || !rows.length) return;
    box.appendChild(el("h3", {text: "Stated relations (" + rows.length + ")"}));
    var list = el("ul", {class: "navlist relations"});
    rows.forEach(function (r) {
      var what = (r[1] === "out" ? r[0] + " \u2192" : "\u2190 " + r[0]) + " \u00b7 " + r[4] + (r[4] === 1 ? " paper" : " papers");
      list.appendChild(el("li", {class: "relation", onclick: function () { select(r[2]); }},
        [swatch(r[2].split("/")[0]), el("span", {text: r[3]}), el("span", {class: "role", text: what})]));
      if (r[5]) list.appendChild(evidence({sentence: r[5]}));
    });
    box.appendChild(list);
  }
  function ready(network, api) {
    network.once("afterDrawing", function () {
      api.ready = true; api.firstDrawMs = performance.now(); document.body.setAttribute("data-ready", "1");
    });
  }
  return {STYLE: STYLE, style: style, $: $, el: el, swatch: swatch, evidence: evidence, relations: relations, search: search,
          haystack: haystack, labelLayer: labelLayer, counter: counter, finish: finish, ready: ready};
})();
