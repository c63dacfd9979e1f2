"""The interactive map page: self-contained, escaped, with legend, title, date and language."""

from __future__ import annotations

import json
import re
from datetime import date

import networkx as nx
import pytest
from pyvis.network import Network

from visualizations.html import PHYSICS_LIMIT, external_resources, render_html, vis_assets
from visualizations.network import build_network

HOSTILE = '<script>alert("label")</script> & <img src=x onerror=alert(1)>'


def data_of(page: str) -> dict:
    block = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def test_the_page_loads_nothing_from_elsewhere(small_graph):
    page = render_html(small_graph())
    assert external_resources(page) == []
    js, css = vis_assets()
    assert js in page and css in page, "vis-network's script and style are inlined"
    ours = page.replace(js, "").replace(css, "")
    assert "<link" not in ours and "cdn" not in ours.lower() and "http" not in ours.split('id="map-data"')[0]


def test_pyvis_own_page_would_load_from_cdns_and_the_check_sees_it():
    """Why the page has its own template: pyvis's loads Bootstrap from a CDN even "in_line"."""
    net = Network(cdn_resources="in_line")
    net.add_node(1)
    assert any("cdn" in found for found in external_resources(net.generate_html()))


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.example.org/x.js"></script>',
        '<link rel="stylesheet" href="//fonts.example.org/css">',
        "<style>@import url('https://fonts.example.org/a.css');</style>",
        "<style>body { background: url(http://example.org/a.png) }</style>",
        '<div style="background-image: url(https://example.org/b.png)"></div>',
        '<img src="https://example.org/c.png">',
    ],
)
def test_the_check_finds_every_way_of_loading(snippet):
    assert external_resources(f"<html><head></head><body>{snippet}</body></html>")
    assert not external_resources('<html><body><a href="https://example.org">a link</a><img src="data:image/png;base64,AA=="></body></html>')


def test_labels_are_shown_as_text_never_run(small_graph):
    page = render_html(small_graph(HOSTILE))
    assert HOSTILE not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page  # in the search list, as text
    labels = [node["label"] for node in data_of(page)["nodes"]]
    assert any("<script>" in label for label in labels)  # the data keeps the text itself
    assert not external_resources(page)


def test_legend_title_date_and_language(small_graph):
    page = render_html(small_graph(lang="en"), title="Partners <of> P", date=date(2025, 3, 14))
    assert "<h1>Partners &lt;of&gt; P</h1>" in page
    assert "Generated on 2025-03-14 from citykg (2 entities, 1 ties)" in page
    assert re.findall(r'<li data-kind="(\w+)"', page) == ["organisation", "project"]
    assert "Organisations (1)" in page and 'lang="en"' in page
    ro = render_html(small_graph(lang="ro"), date=date(2025, 3, 14))
    assert "Generat la 2025-03-14" in ro and "Organizații (1)" in ro and "Caută" in ro


def test_role_edges_are_labelled_and_tooltips_are_plain_text(small_graph):
    data = data_of(render_html(small_graph(lang="en")))
    (edge,) = data["edges"]
    assert edge["label"] == "partner" and edge["relation"] == "partner"
    node = next(n for n in data["nodes"] if n["id"].endswith("org/o"))
    assert node["title"].startswith("UTCN") and "<" not in node["title"]
    assert node["shape"] == "dot" and node["color"]["background"] == "#0072B2"


def test_physics_stabilises_small_maps_and_stays_off_for_large_ones(small_graph):
    assert data_of(render_html(small_graph()))["options"]["physics"]["enabled"] is True
    big = nx.MultiDiGraph(lang="en")
    for i in range(PHYSICS_LIMIT + 1):
        big.add_node(f"n{i}", kind="organisation", label=f"n{i}", name=f"n{i}")
    options = data_of(render_html(big))["options"]
    assert options["physics"]["enabled"] is False
    assert all("x" in node for node in data_of(render_html(big))["nodes"][:3])


def test_an_empty_map_shows_its_message():
    page = render_html(build_network([], lang="en"))
    assert '<div id="message" role="status">No entity matches these filters.</div>' in page
