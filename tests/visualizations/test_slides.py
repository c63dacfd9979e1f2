"""Issue 19, point 4: maps ready for a slide. Labels that do not overlap at 1920x1080 (measured on
the drawn figure), names instead of ids, every edge style in the legend, download buttons, and
large maps grouped instead of refused."""

from __future__ import annotations

import pytest
from matplotlib import rc_context

from citykg.store import EmbeddedStore
from visualizations import style
from visualizations.html import render_html
from visualizations.network import load_network
from visualizations.picture import RC, draw_figure, render_picture


def label_boxes(graph, width=1920, height=1080):
    with rc_context(RC):
        figure = draw_figure(graph, width=width, height=height, lang="ro")
        renderer = figure.canvas.get_renderer()
        return [text.get_window_extent(renderer) for axes in figure.axes for text in axes.texts
                if text.get_gid() == "label"], figure.bbox


@pytest.mark.parametrize("filters", [{}, {"around": "city/cluj-napoca", "radius": 2}, {"project": "CapaCITIES"}])
def test_no_two_labels_overlap_at_1920x1080(built_store, filters):
    """Labels overlapped in dense clusters: measured here on the figure as drawn."""
    graph = load_network(built_store, **filters)
    boxes, frame = label_boxes(graph)
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[:i] if a.overlaps(b)]
    assert overlaps == []
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)
    assert len(boxes) >= 0.6 * min(graph.number_of_nodes(), 150), "most entities keep their label"


def test_the_focus_is_always_labelled(built_store):
    graph = load_network(built_store, project="CapaCITIES")
    with rc_context(RC):
        figure = draw_figure(graph)
    shown = {text.get_text() for axes in figure.axes for text in axes.texts if text.get_gid() == "label"}
    assert graph.nodes["https://w3id.org/citykg/project/capacities"]["label"] in shown


def test_every_edge_style_is_in_both_legends(built_store):
    graph = load_network(built_store, around="city/cluj-napoca", radius=2)
    families = style.families_in(graph)
    assert len(families) >= 3
    page = render_html(graph)
    assert [f for f in style.EDGE_STYLES if f'data-family="{f}"' in page] == families
    svg = render_picture(graph, fmt="svg", lang="en").decode()
    for family in families:
        assert style.EDGE_LABELS[family]["en"] in svg


def test_the_page_has_download_buttons(built_store):
    page = render_html(load_network(built_store, project="CapaCITIES"))
    for fmt in ("png", "svg", "gexf"):
        assert f'class="download" data-format="{fmt}"' in page


def test_names_not_ids_for_codes_and_countries(cordis_settings):
    """A CORDIS import's programme parts and countries were labelled by id ("cordis-horizon-2-5", "gb")."""
    graph = load_network(EmbeddedStore(cordis_settings.store))
    by_id = [n for n, d in graph.nodes(data=True) if d["label"] == n.rsplit("/", 1)[-1]]
    assert by_id == []
    gb = "https://w3id.org/citykg/country/gb"
    if gb in graph:
        assert graph.nodes[gb]["label"] in ("GB", "Regatul Unit", "United Kingdom")


def test_a_large_map_is_grouped_with_counts_and_drawn(built_store):
    graph = load_network(built_store, max_nodes=20)
    assert graph.graph["aggregated"] > 20
    labels = [d["label"] for _, d in graph.nodes(data=True)]
    assert any("\n(" in label for label in labels), labels
    page = render_html(graph)
    assert "grupate după tip și țară" in page
    boxes, _ = label_boxes(graph)
    assert len(boxes) == graph.number_of_nodes()


def test_one_node_per_thing(built_store):
    """The Mission appeared twice: the knowledge base's and a name a document gave it, unlinked."""
    from visualizations.network import build_network

    kg, ckg = "https://w3id.org/citykg/", "https://w3id.org/citykg/ontology#"
    rows = [
        {"node": kg + "initiative/green-towns", "type": ckg + "Mission", "label": "Misiunea pentru orașe verzi și curate din Europa până în 2040", "labelLang": "ro"},
        {"node": kg + "initiative/misiunea-pentru-orase-verzi", "type": ckg + "Mission", "label": "Misiunea pentru orase verzi si curate din Europa", "labelLang": "ro"},
        {"node": kg + "project/p", "type": ckg + "Project", "label": "Proiect", "labelLang": "ro"},
        {"node": kg + "project/p", "type": ckg + "Project", "relation": ckg + "relatedTo", "target": kg + "initiative/misiunea-pentru-orase-verzi"},
    ]
    graph = build_network(rows)
    assert graph.number_of_nodes() == 2  # the best-connected stands for both
    assert graph.nodes[kg + "initiative/misiunea-pentru-orase-verzi"]["same_as"] == [kg + "initiative/green-towns"]
    assert graph.has_edge(kg + "project/p", kg + "initiative/misiunea-pentru-orase-verzi")
    names = [d["name"] for _, d in load_network(built_store).nodes(data=True) if d["kind"] == "initiative"]
    assert len(names) == len(set(names))


def test_same_named_events_stay_apart():
    from visualizations.network import build_network

    rows = [{"node": f"https://w3id.org/citykg/event/e{i}", "type": "https://w3id.org/citykg/ontology#Event",
             "label": "Sesiune online de întrebări", "labelLang": "ro"} for i in (1, 2)]
    assert build_network(rows).number_of_nodes() == 2
