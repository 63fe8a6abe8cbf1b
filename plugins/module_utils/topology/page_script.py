# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology page's own stylesheet and script (Cytoscape.js does the drawing)."""

from __future__ import annotations

PAGE_STYLE = """
body{margin:0;font-family:Helvetica,Arial,sans-serif;display:flex;flex-direction:column;
height:100vh}
header{display:flex;gap:1em;align-items:center;padding:.5em 1em;background:#1f2937;color:#fff}
header h1{font-size:1.1em;margin:0}
#search{padding:.3em;min-width:16em}
main{flex:1;display:flex;min-height:0}
#cy{flex:1;min-width:0}
aside{width:20em;padding:.5em 1em;border-left:1px solid #ccc;overflow:auto;font-size:.9em}
aside h2{font-size:1em;margin:.8em 0 .3em}
#legend{list-style:none;padding:0;margin:0}
#legend li{display:flex;align-items:center;gap:.5em;margin:.2em 0}
#legend .swatch{width:1em;height:1em;border-radius:3px;display:inline-block}
pre{white-space:pre-wrap;word-break:break-all;margin:0}
"""

PAGE_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("topology-data").textContent);
  var title = JSON.parse(document.getElementById("topology-title").textContent);
  document.getElementById("title").textContent = title;
  document.title = title;

  var legend = document.getElementById("legend");
  function legendItem(colour, text, line) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colour;
    if (line) { swatch.style.height = "4px"; }
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(text));
    legend.appendChild(item);
  }
  data.legend.forEach(function (entry) { legendItem(entry.colour, entry.role, false); });
  legendItem("#d00000", "single point of failure / one-sided link", true);
  legendItem("#e69f00", "speed, duplex or MTU mismatch", true);

  var elements = [];
  data.nodes.forEach(function (node) {
    elements.push({
      group: "nodes",
      data: { id: node.id, label: node.id, colour: node.colour, info: node.info },
      position: { x: node.x, y: node.y },
      classes: node.spof ? ["spof"] : []
    });
  });
  data.edges.forEach(function (edge) {
    elements.push({
      group: "edges",
      data: { id: edge.id, source: edge.source, target: edge.target, label: edge.label,
              info: edge.info },
      classes: edge.classes
    });
  });

  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 30 },
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "label": "data(label)", "color": "#111",
        "text-valign": "bottom", "text-margin-y": 4, "font-size": 11, "width": 28,
        "height": 28 } },
      { selector: "node.spof", style: { "border-width": 4, "border-color": "#d00000" } },
      { selector: "node.match", style: { "border-width": 5, "border-color": "#ffd400",
        "width": 40, "height": 40 } },
      { selector: "node.dim", style: { "opacity": 0.25 } },
      { selector: "edge", style: { "width": 2, "line-color": "#9ca3af",
        "curve-style": "bezier" } },
      { selector: "edge.mismatch", style: { "line-color": "#e69f00", "width": 4 } },
      { selector: "edge.spof", style: { "line-color": "#d00000", "width": 4 } },
      { selector: "edge.onesided", style: { "line-color": "#d00000",
        "line-style": "dashed", "width": 3 } },
      { selector: "edge:selected", style: { "label": "data(label)", "font-size": 9 } }
    ]
  });

  var details = document.getElementById("details");
  cy.on("tap", "node, edge", function (event) {
    var element = event.target;
    var lines = [element.isNode() ? "device " + element.id() : "link"];
    var info = element.data("info") || {};
    Object.keys(info).forEach(function (key) {
      if (info[key] !== null && info[key] !== undefined) { lines.push(key + ": " + info[key]); }
    });
    details.textContent = lines.join("\n");
  });

  document.getElementById("search").addEventListener("input", function (event) {
    var term = String(event.target.value || "").trim().toLowerCase();
    var found = cy.collection();
    cy.nodes().forEach(function (node) {
      var hit = term !== "" && node.id().toLowerCase().indexOf(term) !== -1;
      node.toggleClass("match", hit);
      node.toggleClass("dim", term !== "" && !hit);
      if (hit) { found = found.union(node); }
    });
    if (found.length > 0) { cy.animate({ fit: { eles: found, padding: 80 }, duration: 200 }); }
    else if (term === "") { cy.fit(undefined, 30); }
  });

  var counts = "devices " + cy.nodes().length + ", links " + cy.edges().length;
  document.getElementById("counts").textContent = counts;
  document.body.dataset.nodes = String(cy.nodes().length);
  document.body.dataset.edges = String(cy.edges().length);
  document.body.dataset.state = "rendered";
})();
"""
