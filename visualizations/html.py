"""The interactive map: one self-contained HTML file that works with the network off.

pyvis assembles the vis-network nodes, edges and options; the page around them is our own
template (pyvis's templates load Bootstrap and vis-network from CDNs whatever ``cdn_resources``
says), with vis-network's script and style inlined from the copy pyvis ships (or the npm package
``vis-network`` under ``node_modules/``, when a pyvis without it is installed). Every label and
tooltip reaches the page as JSON in a ``<script type="application/json">`` block (``<``, ``>``
and ``&`` escaped) or as autoescaped text, and vis-network shows string tooltips as text, so a
label like ``<script>`` is shown, never run. ``external_resources`` checks the result: no script,
stylesheet, font or image may come from anywhere but the file itself.

The layout starts from the seeded positions of ``layout.py``; vis-network then runs a short
stabilisation and switches physics off (a box on the page turns it back on). Maps above
``PHYSICS_LIMIT`` nodes are drawn from the seeded positions without physics.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date as Date
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import networkx as nx
from pyvis.network import Network

from citykg.config import PROJECT_ROOT
from citykg.errors import StoreError
from citykg.namespaces import BASE
from visualizations import style
from visualizations.layout import DEFAULT_SEED, layout

PHYSICS_LIMIT = 1000


def stabilisation_iterations(n: int) -> int:
    """Fewer iterations for larger maps: they start from the seeded layout, so little is left to do."""
    return 150 if n <= 150 else 80 if n <= 400 else 40


# --- vis-network, inlined -------------------------------------------------------------------------


def _asset_candidates() -> list[tuple[Path, Path]]:
    """(script, stylesheet) pairs, best first: pyvis's bundled copies, then node_modules."""
    import pyvis

    candidates = []
    root = Path(pyvis.__file__).parent
    for folder in (root / "templates" / "lib", root / "lib"):
        for version in sorted(folder.glob("vis-*"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.name)], reverse=True):
            candidates.append((version / "vis-network.min.js", version / "vis-network.css"))
    npm = PROJECT_ROOT / "node_modules" / "vis-network"
    candidates.append((npm / "standalone" / "umd" / "vis-network.min.js", npm / "styles" / "vis-network.min.css"))
    return candidates


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, ready to inline (source-map comments removed)."""
    for script, stylesheet in _asset_candidates():
        if script.is_file() and stylesheet.is_file():
            js = script.read_text(encoding="utf-8")
            css = stylesheet.read_text(encoding="utf-8")
            js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)
            css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
            # "</script" or "</style" inside the inlined text would end the element early
            if re.search(r"</script|<!--", js, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
                raise StoreError(f"{script.parent} cannot be inlined: it contains a closing tag")
            return js, css
    raise StoreError(
        "vis-network is missing: neither pyvis's bundled copy nor node_modules/vis-network "
        "(`npm install vis-network`) was found"
    )


# --- the page ------------------------------------------------------------------------------------

PAGE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ vis_css|safe }}</style>
<style>
  html, body { margin: 0; height: 100%; font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1a1a1a; background: #fff; }
  body { display: flex; flex-direction: column; }
  header { padding: 12px 20px 6px; border-bottom: 1px solid #e0e0e0; display: flex; gap: 24px; align-items: flex-end; flex-wrap: wrap; }
  header .titles { flex: 1 1 auto; min-width: 300px; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  .subtitle { font-size: 16px; margin: 0; color: #333; }
  .generated { font-size: 13px; margin: 4px 0 0; color: #595959; }
  #controls { display: flex; gap: 12px; align-items: center; font-size: 15px; flex-wrap: wrap; }
  #controls input[type=search] { font-size: 15px; padding: 5px 8px; width: 260px; }
  #controls button { font-size: 15px; padding: 5px 12px; }
  #status { font-size: 14px; color: #7A3500; min-height: 1em; }
  #downloads a { margin-left: 6px; color: #0b3d91; cursor: pointer; }
  main { flex: 1 1 auto; position: relative; min-height: 300px; }
  #map { position: absolute; inset: 0; }
  #legend { position: absolute; top: 12px; right: 12px; background: rgba(255,255,255,.95); border: 1px solid #ccc; border-radius: 6px; padding: 10px 14px; font-size: 15px; }
  #legend h2 { font-size: 16px; margin: 0 0 6px; }
  #legend ul { list-style: none; margin: 0; padding: 0; }
  #legend li { display: flex; align-items: center; gap: 8px; margin: 5px 0; }
  #legend .size { font-size: 13px; color: #595959; margin-top: 8px; }
  #message { position: absolute; top: 45%; left: 0; right: 0; text-align: center; font-size: 24px; color: #404040; pointer-events: none; }
  #details { position: absolute; left: 12px; bottom: 12px; max-width: 460px; max-height: 40%; overflow: auto; background: rgba(255,255,255,.97); border: 1px solid #ccc; border-radius: 6px; padding: 8px 12px; font-size: 14px; }
  #details h2 { font-size: 16px; margin: 0 0 4px; }
  #details a { color: #0b3d91; margin-right: 6px; }
  div.vis-tooltip { white-space: pre-line; font-family: inherit; font-size: 14px; max-width: 460px; }
</style>
<script>{{ vis_js|safe }}</script>
</head>
<body>
<header>
  <div class="titles">
    <h1>{{ title }}</h1>
    {% if subtitle %}<p class="subtitle">{{ subtitle }}</p>{% endif %}
    <p class="generated">{{ generated }}</p>
  </div>
  <form id="controls" role="search" onsubmit="return false">
    <input id="find" type="search" list="entities" placeholder="{{ text.find }}" aria-label="{{ text.find }}">
    <datalist id="entities">{% for name in names %}<option value="{{ name }}">{% endfor %}</datalist>
    <button id="find-button" type="submit">{{ text.find_button }}</button>
    <button id="reset" type="button">{{ text.reset }}</button>
    <label><input id="physics" type="checkbox"{% if physics %} checked{% endif %}> {{ text.physics }}</label>
    <span id="downloads" hidden>{{ text.download }}:
      {% for fmt in ("png", "svg", "gexf") %}<a class="download" data-format="{{ fmt }}" download>{{ fmt|upper }}</a> {% endfor %}</span>
    <span id="status" role="status"></span>
  </form>
</header>
<main>
  <div id="map"></div>
  {% if message %}<div id="message" role="status">{{ message }}</div>{% endif %}
  <aside id="details" hidden aria-live="polite"></aside>
  {% if legend %}
  <aside id="legend" aria-label="{{ text.legend }}">
    <h2>{{ text.legend }}</h2>
    <ul>
    {% for item in legend %}
      <li data-kind="{{ item.kind }}"><svg width="20" height="20" viewBox="-10 -10 20 20" aria-hidden="true">{{ item.symbol|safe }}</svg><span>{{ item.label }} ({{ item.count }})</span></li>
    {% endfor %}
    </ul>
    {% if edge_legend %}
    <h2>{{ text.ties }}</h2>
    <ul>
    {% for item in edge_legend %}
      <li data-family="{{ item.family }}"><svg width="34" height="12" viewBox="0 0 34 12" aria-hidden="true"><line x1="1" y1="6" x2="33" y2="6" stroke="{{ item.colour }}" stroke-width="{{ item.width }}"{% if item.dashes %} stroke-dasharray="5 4"{% endif %}/></svg><span>{{ item.label }} ({{ item.count }})</span></li>
    {% endfor %}
    </ul>
    {% endif %}
    <p class="size">{{ size_note }}</p>
  </aside>
  {% endif %}
</main>
<script id="map-data" type="application/json">{{ data|tojson }}</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var state = { network: null, stabilised: false, startedAt: performance.now(), stabilisedAt: null, kinds: data.kinds };
  window.citykgMap = state;
  var container = document.getElementById("map");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  state.network = network;
  var physicsBox = document.getElementById("physics");
  function stabilised() {
    if (state.stabilised) { return; }
    state.stabilised = true;
    state.stabilisedAt = performance.now();
    network.setOptions({ physics: { enabled: false } });
    physicsBox.checked = false;
    network.fit();
  }
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", stabilised);
  } else {
    network.once("afterDrawing", stabilised);
  }
  physicsBox.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physicsBox.checked, stabilization: false } });
  });

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase();
  }
  var search = data.nodes.map(function (n) { return { id: n.id, text: fold(n.search) }; });
  // served by citykg: the same map as a picture or for Gephi, from the same filters
  if (window.location.protocol !== "file:") {
    document.querySelectorAll("a.download").forEach(function (link) {
      var params = new URLSearchParams(window.location.search);
      params.set("format", link.dataset.format);
      link.href = window.location.pathname + "?" + params.toString();
    });
    document.getElementById("downloads").hidden = false;
  }
  var status = document.getElementById("status");
  function highlight(ids) {
    var keep = {};
    ids.forEach(function (id) {
      keep[id] = true;
      network.getConnectedNodes(id).forEach(function (other) { keep[other] = true; });
    });
    nodes.update(data.nodes.map(function (n) { return { id: n.id, opacity: ids.length && !keep[n.id] ? 0.15 : 1 }; }));
  }
  function find() {
    var query = fold(document.getElementById("find").value.trim());
    if (!query) { reset(); return; }
    var words = query.split(/[^a-z0-9]+/).filter(Boolean);  // every word, in any order: "primaria cluj"
    var found = search.filter(function (s) {
      return words.every(function (w) { return s.text.indexOf(w) >= 0; });
    }).map(function (s) { return s.id; });
    if (!found.length) {
      status.textContent = data.text.not_found.replace("{query}", document.getElementById("find").value.trim());
      return;
    }
    status.textContent = "";
    network.selectNodes(found);
    highlight(found);
    network.fit({ nodes: found.concat(network.getConnectedNodes(found[0])), animation: { duration: 400 } });
  }
  function reset() {
    status.textContent = "";
    document.getElementById("find").value = "";
    network.unselectAll();
    highlight([]);
    network.fit({ animation: { duration: 300 } });
  }
  document.getElementById("controls").addEventListener("submit", function (event) { event.preventDefault(); find(); });
  document.getElementById("find").addEventListener("change", find);
  document.getElementById("reset").addEventListener("click", reset);
  // the selected entity: its page and the passages its sources cite, as links when served
  var served = window.location.protocol !== "file:";
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var details = document.getElementById("details");
  function link(text, href) {
    var element = document.createElement(served && href ? "a" : "span");
    element.textContent = text;
    if (served && href) { element.href = href; }
    return element;
  }
  function showDetails(id) {
    var node = byId[id];
    details.replaceChildren();
    if (!node) { details.hidden = true; return; }
    var heading = document.createElement("h2");
    heading.append(link(node.name || node.label, node.page));
    details.append(heading);
    if (node.cites && node.cites.length) {
      var line = document.createElement("p");
      line.append(document.createTextNode(data.text.sources + ": "));
      node.cites.forEach(function (cite) { line.append(link(cite, data.passages[cite])); });
      details.append(line);
    }
    details.hidden = false;
  }
  network.on("selectNode", function (params) { highlight(params.nodes); showDetails(params.nodes[0]); });
  network.on("deselectNode", function (params) { if (!params.nodes.length) { highlight([]); details.hidden = true; } });
})();
</script>
</body>
</html>
"""
)

#: Legend symbols: inline SVG (no external image), same shapes as the map.
SYMBOLS = {
    "dot": '<circle r="7" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
    "diamond": '<polygon points="0,-8 8,0 0,8 -8,0" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
    "star": '<polygon points="0,-9 2.6,-3.2 8.6,-2.8 4,1.2 5.3,7.3 0,4 -5.3,7.3 -4,1.2 -8.6,-2.8 -2.6,-3.2" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/>',
    "triangle": '<polygon points="0,-8 8,6 -8,6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
    "triangleDown": '<polygon points="0,8 8,-6 -8,-6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
    "square": '<rect x="-7" y="-7" width="14" height="14" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
    "hexagon": '<polygon points="8,0 4,6.9 -4,6.9 -8,0 -4,-6.9 4,-6.9" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
}


def _options(n: int, physics: bool) -> dict:
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1.5,
            "font": {"size": 16, "face": "DejaVu Sans, Arial, sans-serif", "color": "#1a1a1a", "strokeWidth": 4, "strokeColor": "#ffffff"},
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "font": {"size": 12, "align": "middle", "color": "#333333", "strokeWidth": 4, "strokeColor": "#ffffff"},
            "selectionWidth": 2,
        },
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -9000, "centralGravity": 0.15, "springLength": 170,
                "springConstant": 0.025, "damping": 0.35, "avoidOverlap": 0.6,
            },
            "stabilization": {"enabled": physics, "iterations": stabilisation_iterations(n), "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": True, "keyboard": {"enabled": True, "bindToWindow": False}},
        "layout": {"randomSeed": DEFAULT_SEED, "improvedLayout": False},
    }


def entity_page(iri: str) -> str | None:
    """The entity's page on the server that serves the map (``/entities/org/utcn``)."""
    return f"/entities/{iri.removeprefix(BASE)}" if iri.startswith(BASE) and "/" in iri.removeprefix(BASE) else None


def _cites(data: dict) -> list[str]:
    """Every citation of an entity on the map: where its facts and its name are stated."""
    cited = [source for fact in data.get("facts") or [] for source in fact.get("sources", ())]
    return list(dict.fromkeys(cited + list(data.get("sources") or ())))


def _pyvis_network(graph: nx.MultiDiGraph, lang: str, size_by: str, physics: bool) -> Network:
    net = Network(directed=True, cdn_resources="in_line")
    positions = layout(graph)
    scale = 110 * math.sqrt(max(graph.number_of_nodes(), 1))
    sizes = style.node_sizes(graph, size_by)
    for node in sorted(graph, key=str):
        data = graph.nodes[node]
        kind = style.kind_style(data.get("kind", "organisation"))
        x, y = positions[node]
        net.add_node(
            node,
            label=data.get("label") or str(node),
            shape=kind.shape,
            color={
                "background": kind.colour, "border": kind.border,
                "highlight": {"background": kind.colour, "border": "#000000"},
                "hover": {"background": kind.colour, "border": "#000000"},
            },
            size=round(sizes[node], 1),
            borderWidth=4 if data.get("focus") else 1.5,
            font={"size": 20, "bold": True} if data.get("focus") else {},
            title=style.tooltip(data, lang),
            x=round(x * scale, 1),
            y=round(y * scale, 1),
            kind=data.get("kind"),
            search=" ".join(filter(None, (data.get("name_ro"), data.get("name_en"), data.get("acronym"), data.get("label")))),
            name=data.get("name"),
            page=entity_page(node),
            cites=_cites(data),
        )
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), e[2])):
        edge = style.edge_style(data.get("family", "other"))
        options = {
            "title": style.edge_tooltip(data),
            "color": {"color": edge.colour, "highlight": "#000000", "hover": "#000000", "opacity": 0.85},
            "width": edge.width,
            "dashes": edge.dashes,
            "relation": key,
        }
        if data.get("role"):
            options["label"] = data.get("label", key)
        net.add_edge(u, v, **options)
    net.options = _options(graph.number_of_nodes(), physics)
    return net


def render_html(
    graph: nx.MultiDiGraph,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str | None = None,
    date: Date | None = None,
    size_by: str = "degree",
    physics: bool | None = None,
) -> str:
    """The map as one HTML page with everything inline; raises if anything would load from outside."""
    lang = style.check_lang(lang or graph.graph.get("lang", "ro"))
    date = date or Date.today()
    if physics is None:
        physics = 1 < graph.number_of_nodes() <= PHYSICS_LIMIT
    net = _pyvis_network(graph, lang, size_by, physics)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    counts: dict[str, int] = {}
    for _, data in graph.nodes(data=True):
        counts[data.get("kind")] = counts.get(data.get("kind"), 0) + 1
    legend = [
        {
            "kind": kind,
            "label": style.kind_style(kind).label[lang],
            "count": counts[kind],
            "symbol": SYMBOLS[style.kind_style(kind).shape].format(
                fill=style.kind_style(kind).colour, stroke=style.kind_style(kind).border
            ),
        }
        for kind in style.kinds_in(graph)
    ]
    ties: dict[str, int] = {}
    for *_, data in graph.edges(data=True):
        ties[data.get("family", "other")] = ties.get(data.get("family", "other"), 0) + 1
    edge_legend = [
        {"family": family, "label": style.EDGE_LABELS[family][lang], "count": ties[family],
         "colour": style.edge_style(family).colour, "width": style.edge_style(family).width,
         "dashes": style.edge_style(family).dashes}
        for family in style.families_in(graph)
    ]
    vis_js, vis_css = vis_assets()
    page = PAGE.render(
        lang=lang,
        title=title or style.text(lang, "title"),
        subtitle=subtitle if subtitle is not None else style.subtitle(graph, lang),
        generated=style.text(
            lang, "generated", date=date.isoformat(), nodes=graph.number_of_nodes(), edges=graph.number_of_edges()
        ),
        text=style.TEXT[lang],
        names=sorted({graph.nodes[n].get("name", str(n)) for n in graph}),
        legend=legend,
        edge_legend=edge_legend,
        size_note=style.text(lang, "size_" + size_by),
        message=graph.graph.get("message"),
        physics=physics,
        data={
            "nodes": nodes,
            "edges": edges,
            "options": json.loads(options) if isinstance(options, str) else options,
            "kinds": [item["kind"] for item in legend],
            "text": {"not_found": style.text(lang, "not_found", query="{query}"), "sources": style.text(lang, "sources")},
            "passages": graph.graph.get("passages", {}),
        },
        vis_js=vis_js,
        vis_css=vis_css,
    )
    outside = external_resources(page)
    if outside:
        raise StoreError(f"the map page would load {', '.join(outside)}; it must be self-contained")
    return page


def write_html(graph: nx.MultiDiGraph, path: Path, **options) -> Path:
    path = Path(path)
    path.write_text(render_html(graph, **options), encoding="utf-8")
    return path


# --- the check -----------------------------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*['"]?(?P<url>[^'")\s]+)|@import\s+(?:url\()?\s*['"]?(?P<import>[^'")\s;]+)""", re.IGNORECASE)
_LOADING_ATTRIBUTES = {"src", "href", "srcset", "data", "poster", "action", "formaction", "background"}


def _is_outside(url: str) -> bool:
    url = url.strip().lower()
    return not (url.startswith(("data:", "#", "javascript:void", "about:blank")) or url == "")


class _ResourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in _LOADING_ATTRIBUTES and not (tag == "a" and name == "href"):
                for url in value.split(",") if name == "srcset" else [value]:
                    if _is_outside(url.split()[0] if url.split() else url):
                        self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self._css(value, tag)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._css(data, "style")

    def _css(self, css: str, where: str) -> None:
        for match in _CSS_URL.finditer(css):
            url = match.group("url") or match.group("import")
            if url and _is_outside(url):
                self.found.append(f"{where}: {url}")


def external_resources(page: str) -> list[str]:
    """Everything the page would fetch from elsewhere: script/img/iframe sources, stylesheets,
    CSS ``url()`` and ``@import`` (fonts included). Links a reader may click are not fetched."""
    finder = _ResourceFinder()
    finder.feed(page)
    finder.close()
    return finder.found
