"""The map in a real browser: headless Debian Chromium through Playwright, the server on loopback.

The page must load with no request to any host but the server, draw its canvas, list every kind
of entity on the map in its legend, and find an entity. A screenshot goes to test-artifacts/.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from matplotlib import image

from citykg.config import PROJECT_ROOT
from visualizations.network import load_network

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
BUSIEST_PROJECT = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT ?project (COUNT(?who) AS ?n) WHERE { ?project ckg:coordinator|ckg:leadPartner|ckg:partner ?who . }
GROUP BY ?project ORDER BY DESC(?n) ?project LIMIT 1
"""


@pytest.fixture(scope="module")
def server(live_server):
    return live_server


@pytest.fixture(scope="module")
def project(built_store) -> str:
    return built_store.select(BUSIEST_PROJECT)[0]["project"].value


@pytest.mark.parametrize("name, params", [("project", {"lang": "en"}), ("whole-graph", {"lang": "ro"})])
def test_the_map_page_works_offline_in_chromium(server, browser, built_store, project, name, params):
    if name == "project":
        params = {**params, "project": project}
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = page.goto(f"{server}/map?{query}")
    assert response.status == 200
    page.wait_for_function("window.citykgMap && window.citykgMap.stabilised", timeout=60_000)

    assert errors == []
    own = urlsplit(server).netloc
    assert requests and all(urlsplit(url).netloc == own for url in requests), requests

    drawn = page.evaluate(
        """() => {
            const canvas = document.querySelector('#map canvas');
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
            return {width: canvas.width, height: canvas.height, painted};
        }"""
    )
    assert drawn["width"] > 800 and drawn["painted"] > 1000, drawn

    graph = load_network(built_store, project=params.get("project"), lang=params["lang"])
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    legend = page.eval_on_selector_all("#legend li[data-kind]", "items => items.map(i => i.dataset.kind)")
    assert set(legend) == kinds and len(legend) == len(kinds)
    ties = page.eval_on_selector_all("#legend li[data-family]", "items => items.map(i => i.dataset.family)")
    assert set(ties) == {data["family"] for *_, data in graph.edges(data=True)}  # every edge style

    some = sorted(graph.nodes[n]["name"] for n in graph)[0]
    page.fill("#find", some)
    page.press("#find", "Enter")
    assert page.evaluate("window.citykgMap.network.getSelectedNodes().length") >= 1

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map-{name}.png"))
    page.close()


def test_the_png_export_has_the_size_asked_and_is_not_blank(server, project):
    import httpx

    response = httpx.get(f"{server}/map", params={"project": project, "format": "png"}, timeout=120)
    assert response.status_code == 200
    picture = image.imread(io.BytesIO(response.content), format="png")
    assert picture.shape[:2] == (1080, 1920)
    rgb = (picture[:, :, :3] * 255).round()
    assert (rgb < 250).any(axis=2).mean() > 0.005
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "map-project-export.png").write_bytes(response.content)


def test_find_primaria_cluj_and_download_the_png_from_the_page(server, browser):
    """The find box missed "primaria cluj" (which /search finds); the page had no download button."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page.goto(f"{server}/map?around=Cluj-Napoca&radius=1")
    page.wait_for_function("window.citykgMap && window.citykgMap.stabilised", timeout=60_000)
    page.fill("#find", "primaria cluj")
    page.press("#find", "Enter")
    selected = page.evaluate("window.citykgMap.network.getSelectedNodes()")
    assert "https://w3id.org/citykg/org/primaria-cluj-napoca" in selected
    assert page.is_visible("#downloads")
    with page.expect_download() as download:
        page.click("a.download[data-format=png]")
    picture = image.imread(download.value.path(), format="png")
    assert picture.shape[:2] == (1080, 1920)
    page.close()


def test_the_entity_and_partner_pages_link_to_the_map(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/entities/org/utcn")
    page.click("a.map-link")
    page.wait_for_function("window.citykgMap && window.citykgMap.stabilised", timeout=60_000)
    assert "around=org" in page.url and "utcn" in page.url
    page.goto(f"{server}/partners?project=CO4CITIES")
    page.click("a.map-link")
    page.wait_for_function("window.citykgMap && window.citykgMap.stabilised", timeout=60_000)
    assert "project=project" in page.url and "co4cities" in page.url
    page.close()


def test_a_clicked_entity_shows_its_page_and_passages_as_links(server, browser):
    """The map's citations read "000:5": now each opens its passage, and the entity its page."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/map?project=CapaCITIES")
    page.wait_for_function("window.citykgMap && window.citykgMap.stabilised", timeout=60_000)
    node = "https://w3id.org/citykg/project/capacities"
    x, y = page.evaluate(
        """(id) => { const n = window.citykgMap.network; const p = n.canvasToDOM(n.getPosition(id));
                     const box = document.getElementById('map').getBoundingClientRect();
                     return [box.left + p.x, box.top + p.y]; }""", node)
    page.mouse.click(x, y)
    page.wait_for_selector("#details:not([hidden])")
    assert page.get_attribute("#details h2 a", "href") == "/entities/project/capacities"
    passages = page.eval_on_selector_all("#details p a", "links => links.map(a => a.getAttribute('href'))")
    assert passages and all(href.startswith("/documents/004_3898277bb4aeef29?lines=") for href in passages)
    page.click("#details p a")
    page.wait_for_selector("ol.passage li.cited mark")
    page.close()
