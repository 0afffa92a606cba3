/* The map: entities linked by the papers they share, clustered, sized by papers, labelled by weight
   without overlap at every zoom (levels chosen in kg/view/mapdata.py). Papers are rows of a table in
   the data, shown in the details panel when an entity is selected: never nodes. Uses KG (base.js). */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var $ = KG.$, el = KG.el, STYLE = KG.STYLE, style = KG.style;
  var TYPES = ["dataset", "method", "task"];

  // ---- indexes: nodes by id, each node's links (index of the other end, shared papers)
  var byId = new Map(), adjacent = DATA.nodes.map(function () { return []; }), maxPapers = 1;
  DATA.nodes.forEach(function (n, i) {
    n.index = i; byId.set(n.id, n); n.haystack = KG.haystack(n.label, n.aliases); n.weight = n.n;
    maxPapers = Math.max(maxPapers, n.n);
  });
  DATA.links.forEach(function (l) { adjacent[l[0]].push([l[1], l[2]]); adjacent[l[1]].push([l[0], l[2]]); });
  var clusterOf = new Map(DATA.clusters.map(function (c) { return [c.id, c]; }));

  // ---- the network: positions fixed, sizes by papers, colours by type or cluster
  var colourBy = "cluster", selected = null;
  function colour(n) {
    if (colourBy === "cluster") { var c = clusterOf.get(n.c).colour; return {background: c, border: "#334155"}; }
    var s = style(n.kind); return {background: s.color, border: s.border};
  }
  function visNode(n, dim) {
    var c = colour(n);
    return {id: n.id, x: n.x, y: n.y, size: n.r, shape: style(n.kind).shape, opacity: dim ? 0.12 : 1,
            color: {background: c.background, border: c.border, highlight: {background: c.background, border: "#0f172a"},
                    hover: {background: c.background, border: "#0f172a"}}};
  }
  var nodes = new vis.DataSet(DATA.nodes.map(function (n) { return visNode(n, false); }));
  var edges = new vis.DataSet(DATA.links.filter(function (l) { return l[3]; }).map(function (l) {
    return {id: l[0] + "-" + l[1], from: DATA.nodes[l[0]].id, to: DATA.nodes[l[1]].id, width: 0.5 + Math.log2(l[2])};
  }));
  var filter = {kinds: new Set(TYPES), minPapers: 0};
  var view = new vis.DataView(nodes, {filter: function (item) {
    var n = byId.get(item.id);
    return filter.kinds.has(n.kind) && n.n >= filter.minPapers;
  }});
  var options = {
    autoResize: true,
    nodes: {borderWidth: 1},
    edges: {smooth: false, selectionWidth: 1, color: {color: "#cbd5e1", highlight: "#475569", hover: "#475569", opacity: 0.55}},
    interaction: {hover: true, hideEdgesOnDrag: true, hideEdgesOnZoom: DATA.nodes.length > 1500, tooltipDelay: 150, multiselect: false},
    physics: false,
    layout: {improvedLayout: false, randomSeed: 0}
  };
  var network = new vis.Network($("graph"), {nodes: view, edges: edges}, options);
  var api = {network: network, nodes: nodes, edges: edges, view: view, data: DATA, ready: false, firstDrawMs: null};
  KG.ready(network, api);
  var labelState = {forced: new Set(), first: null, dim: false, shown: function (id) { return !!view.get(id); }};
  var labels = KG.labelLayer(network, DATA.nodes, DATA.base || 1, labelState);

  // ---- counts, legend, colour switch, filters
  var updateCounts = KG.counter(view, edges);
  $("kg-title").textContent = DATA.title;
  $("node-total").textContent = DATA.nodes.length + " entities of " + DATA.total.papers.toLocaleString("en") + " papers";
  TYPES.forEach(function (kind) {
    var box = el("input", {type: "checkbox", "data-kind": kind});
    box.checked = true;
    box.addEventListener("change", function () { if (box.checked) filter.kinds.add(kind); else filter.kinds.delete(kind); view.refresh(); updateCounts(); });
    $("legend").appendChild(el("label", {}, [box, KG.swatch(kind), STYLE[kind].name, el("span", {class: "n", text: String(DATA.kinds[kind] || 0)})]));
  });
  var clusterList = el("ul", {class: "clusters", hidden: ""});
  DATA.clusters.slice(0, 8).forEach(function (c) {
    clusterList.appendChild(el("li", {}, [KG.swatch("paper", c.colour), el("span", {text: c.label + " \u2026 (" + c.size + ")"})]));
  });
  $("legend").appendChild(clusterList);
  $("colour-by").hidden = false;
  document.querySelectorAll("#colour-by input").forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) setColourBy(radio.value); });
  });
  function setColourBy(mode) {
    colourBy = mode;
    document.querySelectorAll("#colour-by input").forEach(function (r) { r.checked = r.value === mode; });
    if (mode === "cluster") clusterList.removeAttribute("hidden"); else clusterList.setAttribute("hidden", "");
    restyle();
  }
  $("min-label").textContent = "Minimum papers";
  var slider = $("min-degree");
  slider.max = String(Math.ceil(Math.sqrt(maxPapers)));  // a square-root scale: fine steps among the small
  slider.addEventListener("input", function () { setMinPapers(Math.round(Math.pow(Number(slider.value), 2))); });
  function setMinPapers(k) {
    filter.minPapers = k; slider.value = String(Math.sqrt(k)); $("min-degree-value").textContent = String(k); view.refresh(); updateCounts();
  }
  function setKinds(kinds) {
    filter.kinds = new Set(kinds);
    document.querySelectorAll("#legend input[data-kind]").forEach(function (b) { b.checked = filter.kinds.has(b.getAttribute("data-kind")); });
    view.refresh(); updateCounts();
  }

  // ---- selection: the entity and its neighbours stay, the rest fades; their labels show
  function restyle() {
    var keep = null;
    if (selected) {
      keep = new Set([selected.id]);
      adjacent[selected.index].forEach(function (a) { keep.add(DATA.nodes[a[0]].id); });
    }
    labelState.forced = keep || new Set(); labelState.first = selected && selected.id; labelState.dim = !!keep;
    nodes.update(DATA.nodes.map(function (n) { return visNode(n, keep && !keep.has(n.id)); }));
  }
  function neighboursByType(n) {
    var out = {};
    adjacent[n.index].slice().sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; }).forEach(function (a) {
      var other = DATA.nodes[a[0]];
      (out[other.kind] = out[other.kind] || []).push({node: other, shared: a[1]});
    });
    return out;
  }
  function paperRow(row, highlight) {
    var p = DATA.papers[row[0]], url = "https://arxiv.org/abs/" + p[0];
    var item = el("li", {class: "paper"}, [
      el("a", {class: "t", href: url, target: "_blank", rel: "noopener noreferrer", text: p[1] || p[0]}),
      el("span", {class: "d", text: [p[2], "arXiv:" + p[0]].filter(Boolean).join(" \u00b7 ")}),
      el("span", {class: "role", text: row[1]})]);
    row[2].forEach(function (s) { item.appendChild(KG.evidence({sentence: s, hl: mark(s, highlight)})); });
    return item;
  }
  function mark(sentence, n) {  // the entity's name inside its sentence, when it is there as written
    var names = [n.label].concat((n.aliases || []).map(function (a) { return a[0]; }));
    var low = sentence.toLowerCase();
    for (var i = 0; i < names.length; i++) {
      var at = low.indexOf(names[i].toLowerCase());
      if (at >= 0) return [at, at + names[i].length];
    }
    return null;
  }
  function shared(a, b) {  // the embedded papers of a that b links too
    var mine = new Set(b.p.map(function (r) { return r[0]; }));
    return a.p.filter(function (r) { return mine.has(r[0]); });
  }
  function neighbourItem(n, other, count) {
    var more = el("ul", {class: "navlist", hidden: ""});
    var toggle = el("span", {class: "role", title: "papers linking both", text: count + " shared"});
    toggle.addEventListener("click", function (e) {
      e.stopPropagation();
      if (!more.childNodes.length) shared(n, other).forEach(function (r) { more.appendChild(paperRow(r, n)); });
      if (more.hasAttribute("hidden")) more.removeAttribute("hidden"); else more.setAttribute("hidden", "");
    });
    var li = el("li", {onclick: function () { selectNode(other.id); }}, [KG.swatch(other.kind), el("span", {text: other.label}), toggle]);
    return [li, more];
  }
  function showDetails(n) {
    var box = $("details");
    box.replaceChildren();
    var badge = el("span", {class: "badge", text: n.kind}); badge.style.background = style(n.kind).border;
    box.appendChild(badge);
    box.appendChild(el("h2", {text: n.label}));
    var c = clusterOf.get(n.c);
    box.appendChild(el("div", {class: "muted", text: n.n + " papers \u00b7 cluster of " + c.label + " (" + c.size + " entities)"}));
    if (n.aliases && n.aliases.length) box.appendChild(el("div", {class: "aliases", text: n.aliases.map(function (a) { return a[0]; }).join(", ")}));
    KG.relations(box, n.rel, selectNode);
    var near = neighboursByType(n);
    TYPES.forEach(function (kind) {
      if (!near[kind]) return;
      box.appendChild(el("h3", {text: "Strongest " + STYLE[kind].name.toLowerCase()}));
      var list = el("ul", {class: "navlist"});
      near[kind].slice(0, 5).forEach(function (x) { neighbourItem(n, x.node, x.shared).forEach(function (e) { list.appendChild(e); }); });
      box.appendChild(list);
    });
    box.appendChild(el("h3", {text: "Papers (" + (n.p.length < n.n ? n.p.length + " most recent of " + n.n : n.n) + ")"}));
    var papers = el("ul", {class: "navlist"});
    n.p.forEach(function (row) { papers.appendChild(paperRow(row, n)); });
    box.appendChild(papers);
  }
  function selectNode(id) {
    var n = byId.get(id);
    if (!n) return false;
    if (view.get(id)) {
      network.selectNodes([id]);
      network.focus(id, {scale: Math.max(network.getScale(), DATA.base * 2), animation: {duration: 300, easingFunction: "easeInOutQuad"}});
    }
    selected = n; restyle(); showDetails(n);
    return true;
  }
  function hint() { $("details").replaceChildren(el("p", {class: "muted", text: "Click an entity to see its papers, their sentences and its strongest neighbours."})); }
  function clearSelection() { network.unselectAll(); selected = null; restyle(); hint(); }
  network.on("click", function (p) { if (p.nodes.length) selectNode(p.nodes[0]); else if (!p.edges.length) clearSelection(); });

  // ---- search, tooltip, buttons, API
  function navItem(id) { var n = byId.get(id); return el("li", {onclick: function () { selectNode(id); }}, [KG.swatch(n.kind), el("span", {text: n.label}), el("span", {class: "role", text: n.n + " papers"})]); }
  setColourBy(colourBy);
  KG.finish({network: network, api: api, view: view, labels: labels, updateCounts: updateCounts, hint: hint,
             search: function (query) { return KG.search(DATA.nodes, query, 12); }, navItem: navItem, select: selectNode,
             clear: clearSelection, tip: function (id) { var n = byId.get(id); return n.label + " \u00b7 " + n.n + " papers"; },
             reset: function () { setKinds(TYPES); setMinPapers(0); setColourBy("cluster"); },
             more: {setKinds: setKinds, setMinPapers: setMinPapers, setColourBy: setColourBy}});
})();
