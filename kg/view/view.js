/* The paper view: papers and their entities. Entities shared by two or more papers are larger and
   labelled (heaviest first, never overlapping); entities seen once are faded until asked for; a
   paper shows its title on hover. Uses KG (base.js). */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var $ = KG.$, el = KG.el, STYLE = KG.STYLE, style = KG.style;
  var FADED = 0.3;

  // ---- indexes
  var byId = new Map(), links = new Map(), neighbours = new Map(), maxDegree = 0;
  DATA.nodes.forEach(function (n) {
    byId.set(n.id, n); links.set(n.id, []); neighbours.set(n.id, new Set());
    n.haystack = KG.haystack(n.label, n.aliases); n.weight = n.degree;
    maxDegree = Math.max(maxDegree, n.degree);
  });
  DATA.links.forEach(function (l) {
    if (!byId.has(l.from) || !byId.has(l.to)) return;
    links.get(l.from).push(l); links.get(l.to).push(l);
    neighbours.get(l.from).add(l.to); neighbours.get(l.to).add(l.from);
  });

  // ---- the network
  var showOnce = false, selected = null;
  function opacity(n) { return n.once && !showOnce ? FADED : 1; }
  function visNode(n) {
    var s = style(n.kind);
    var value = n.kind === "paper" ? 1 : (n.once ? 1 : 2 + n.degree * 2);
    return {id: n.id, x: n.x, y: n.y, value: value, shape: s.shape, opacity: opacity(n),
            color: {background: s.color, border: s.border, highlight: {background: s.color, border: "#0f172a"},
                    hover: {background: s.color, border: "#0f172a"}}};
  }
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
    nodes: {borderWidth: 1, scaling: {min: 5, max: 30, label: {enabled: false},
            customScalingFunction: function (min, max, total, value) { return max === min ? 0.3 : Math.sqrt((value - min) / (max - min)); }}},
    edges: {smooth: false, width: 0.6, selectionWidth: 1, color: {color: "#cbd5e1", highlight: "#64748b", hover: "#64748b", opacity: 0.8}},
    interaction: {hover: true, hideEdgesOnDrag: DATA.nodes.length > 1500, hideEdgesOnZoom: DATA.nodes.length > 1500, tooltipDelay: 150, multiselect: false},
    physics: DATA.physics ? {enabled: true, solver: "forceAtlas2Based", stabilization: {enabled: true, iterations: 150, fit: true}} : false,
    layout: {improvedLayout: false, randomSeed: 0}
  };
  var network = new vis.Network($("graph"), {nodes: view, edges: edges}, options);
  if (DATA.physics) network.once("stabilizationIterationsDone", function () { network.setOptions({physics: false}); });
  var api = {network: network, nodes: nodes, edges: edges, view: view, data: DATA, ready: false, firstDrawMs: null};
  KG.ready(network, api);

  // ---- labels: the shared entities by zoom (kg/view/labels.py); a selection labels its neighbourhood
  var labelState = {forced: new Set(), first: null, dim: false, shown: function (id) { return !!view.get(id); }};
  var maxValue = 2 + 2 * maxDegree;  // vis sizes nodes 5..30 by sqrt of value (options.nodes.scaling)
  DATA.nodes.forEach(function (n) { n.r = 5 + 25 * Math.sqrt((visNode(n).value - 1) / Math.max(1, maxValue - 1)); });
  var labels = KG.labelLayer(network, DATA.nodes.filter(function (n) { return n.kind !== "paper"; }), DATA.base || 1, labelState);

  // ---- counts, legend, filters
  var updateCounts = KG.counter(view, edges);
  $("kg-title").textContent = DATA.title;
  $("node-total").textContent = DATA.nodes.length + " nodes";
  Object.keys(STYLE).forEach(function (kind) {
    var box = el("input", {type: "checkbox", "data-kind": kind});
    box.checked = true;
    box.addEventListener("change", function () { if (box.checked) filter.kinds.add(kind); else filter.kinds.delete(kind); view.refresh(); updateCounts(); });
    $("legend").appendChild(el("label", {}, [box, KG.swatch(kind), STYLE[kind].name, el("span", {class: "n", text: String(DATA.kinds[kind] || 0)})]));
  });
  var onceBox = el("input", {type: "checkbox", id: "show-once"});
  onceBox.addEventListener("change", function () { setShowOnce(onceBox.checked); });
  var nOnce = DATA.nodes.filter(function (n) { return n.once; }).length;
  $("legend").appendChild(el("label", {class: "once"}, [onceBox, "Entities of one paper", el("span", {class: "n", text: String(nOnce)})]));
  function setShowOnce(on) {
    showOnce = on; onceBox.checked = on; restyle();
  }
  $("min-label").textContent = "Minimum degree";
  var slider = $("min-degree");
  slider.max = String(Math.max(1, maxDegree));
  slider.addEventListener("input", function () { setMinDegree(Number(slider.value)); });
  function setMinDegree(k) {
    filter.minDegree = k; slider.value = String(k); $("min-degree-value").textContent = String(k); view.refresh(); updateCounts();
  }
  function setKinds(kinds) {
    filter.kinds = new Set(kinds.concat(["other"]));
    document.querySelectorAll("#legend input[data-kind]").forEach(function (b) { b.checked = filter.kinds.has(b.getAttribute("data-kind")); });
    view.refresh(); updateCounts();
  }

  // ---- neighbourhood highlight
  function restyle() {
    var keep = null;
    if (selected) { keep = new Set(neighbours.get(selected) || []); keep.add(selected); }
    labelState.forced = new Set(keep ? Array.from(keep).filter(function (id) { return byId.get(id).kind !== "paper" || id === selected; }) : []);
    labelState.dim = !!keep; labelState.first = selected;
    nodes.update(DATA.nodes.map(function (n) {
      return {id: n.id, opacity: keep ? (keep.has(n.id) ? 1 : 0.12) : opacity(n)};
    }));
    network.redraw();
  }

  // ---- details
  function navItem(id, extra) {
    var n = byId.get(id);
    return el("li", {onclick: function () { selectNode(id); }}, [KG.swatch(n.kind), el("span", {text: n.label})].concat(extra || []));
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
    linkList(box, "Entities", mine, "to");
  }
  // a heading and the links of a node, each with its role and the evidence behind it
  function linkList(box, title, mine, end) {
    box.appendChild(el("h3", {text: title + " (" + mine.length + ")"}));
    var list = el("ul", {class: "navlist"});
    mine.forEach(function (l) {
      list.appendChild(navItem(l[end], [el("span", {class: "role", text: l.role})]));
      l.evidence.forEach(function (ev) { list.appendChild(KG.evidence(ev)); });
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
    KG.relations(box, n.rel, selectNode);
    var mine = links.get(n.id).slice().sort(function (a, b) {
      var x = byId.get(a.from), y = byId.get(b.from);
      return (y.date || "").localeCompare(x.date || "") || x.label.localeCompare(y.label);
    });
    linkList(box, "Papers", mine, "from");
  }
  function showDetails(id) {
    var box = $("details"), n = byId.get(id);
    box.replaceChildren();
    if (!n) return;
    var badge = el("span", {class: "badge", text: n.kind}); badge.style.background = style(n.kind).border;
    box.appendChild(badge);
    (n.kind === "paper" ? paperDetails : entityDetails)(n, box);
  }
  function selectNode(id) {
    if (!byId.has(id)) return false;
    if (view.get(id)) {
      network.selectNodes([id]);
      network.focus(id, {scale: Math.max(network.getScale(), 0.8), animation: {duration: 300, easingFunction: "easeInOutQuad"}});
    }
    selected = id; restyle(); showDetails(id);
    return true;
  }
  function hint() { $("details").replaceChildren(el("p", {class: "muted", text: "Click a node to see its papers, entities and evidence."})); }
  function clearSelection() { network.unselectAll(); selected = null; restyle(); hint(); }
  network.on("click", function (p) { if (p.nodes.length) selectNode(p.nodes[0]); else if (!p.edges.length) clearSelection(); });

  // ---- search, tooltip, buttons, API
  KG.finish({network: network, api: api, view: view, labels: labels, updateCounts: updateCounts, hint: hint,
             search: function (query) { return KG.search(DATA.nodes, query, 12); }, navItem: function (id) { return navItem(id); },
             select: selectNode, clear: clearSelection, tip: function (id) { return byId.get(id).label; },
             reset: function () { setKinds(Object.keys(STYLE)); setMinDegree(0); setShowOnce(false); },
             more: {setKinds: setKinds, setMinDegree: setMinDegree, setShowOnce: setShowOnce}});
})();
