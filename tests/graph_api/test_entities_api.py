"""GET /entities/{kind}/{slug} over the real build: an HTML page for people, JSON-LD and Turtle for
programs, by content negotiation; 404 naming an unknown id; labels from documents shown as text."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from citykg.config import Settings
from citykg.store import MemoryStore
from graph_api import entities
from graph_api.app import create_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
KG = "https://w3id.org/citykg/"


@pytest.fixture(scope="module")
def client(built_settings, built_store):
    with TestClient(create_app(built_settings, built_store)) as client:
        yield client


def test_the_html_page_of_an_organisation(client):
    response = client.get("/entities/org/utcn", headers=HTML)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert "Accept" in response.headers["vary"]
    page = response.text
    assert "Universitatea Tehnică din Cluj-Napoca" in page and "Technical University of Cluj-Napoca" in page
    assert 'href="http://www.wikidata.org/entity/Q729296"' in page
    assert 'href="https://ror.org/03r8nwp71"' in page
    assert 'href="/entities/project/netzerocities-pnrr"' in page
    assert "500 000 EUR" in page and "500.000 euro" in page  # 000:11
    assert "000_2d257a1268e77571.txt:19" in page  # memberOf EUT+
    assert 'href="/entities/org/upb"' in page  # a partner


def test_the_page_embeds_the_neighbourhood_map_or_links_to_it(built_settings, built_store):
    """With the app's own /map (an included router): an iframe; in an app without one: a link."""
    with TestClient(create_app(built_settings, built_store)) as client:
        assert client.get("/map", params={"around": "city/cluj-napoca", "radius": 1}).status_code == 200
        page = client.get("/entities/city/cluj-napoca", headers=HTML).text
    assert '<iframe class="map" src="/map?around=city/cluj-napoca&amp;radius=1"' in page
    without_map = FastAPI()
    without_map.include_router(entities.router(built_store))
    with TestClient(without_map) as client:
        page = client.get("/entities/city/cluj-napoca", headers=HTML).text
    assert "<iframe" not in page and 'href="/map?around=city/cluj-napoca&amp;radius=1"' in page


def test_a_project_page_lists_its_participants(client):
    page = client.get("/entities/project/co4cities", headers=HTML).text
    for city in ("city/torino", "city/gdansk", "city/cluj-napoca", "city/budapesta"):
        assert f'href="/entities/{city}"' in page
    assert "003_6bd5139cbfa8aace.txt:97" in page  # Torino, lead partner


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type"),
    [
        ("application/ld+json", ox.RdfFormat.JSON_LD, "application/ld+json"),
        ("text/turtle", ox.RdfFormat.TURTLE, "text/turtle"),
        ("text/turtle;q=0.9, application/ld+json;q=0.5", ox.RdfFormat.TURTLE, "text/turtle"),
    ],
)
def test_json_ld_and_turtle_by_content_negotiation(client, accept, fmt, media_type):
    response = client.get("/entities/org/utcn", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    graph = {q.triple for q in ox.parse(response.content, format=fmt)}
    utcn = ox.NamedNode(KG + "org/utcn")
    assert ox.Triple(utcn, ox.NamedNode("https://w3id.org/citykg/ontology#ror"), ox.NamedNode("https://ror.org/03r8nwp71")) in graph
    assert ox.Triple(utcn, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                     ox.Literal("Technical University of Cluj-Napoca", language="en")) in graph
    evidence = [t for t in graph if t.predicate.value.endswith("#lineStart")]
    assert evidence  # every statement's lines come along


def test_format_parameter(client):
    assert client.get("/entities/org/utcn", params={"format": "ttl"}).headers["content-type"].startswith("text/turtle")
    json.loads(client.get("/entities/org/utcn", params={"format": "jsonld"}, headers=HTML).text)
    assert client.get("/entities/org/utcn", params={"format": "pdf"}).status_code == 406


def test_an_unknown_entity_is_a_404_page_that_names_it(client):
    response = client.get("/entities/org/nobody-here", headers=HTML)
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "<code>org/nobody-here</code>" in response.text
    programs = client.get("/entities/org/nobody-here", headers={"Accept": "application/ld+json"})
    assert programs.status_code == 404 and "org/nobody-here" in programs.json()["error"]
    odd = client.get("/entities/ORG/<script>x", headers=HTML)
    assert odd.status_code == 404 and "<script>x" not in odd.text and "ORG/&lt;script&gt;x" in odd.text


def test_not_acceptable(client):
    assert client.get("/entities/org/utcn", headers={"Accept": "image/png"}).status_code == 406


def test_html_in_a_label_from_a_document_is_shown_as_text(tmp_path: Path):
    evil = "<script>alert('label')</script>"
    kg, ckg = KG, KG + "ontology#"
    skos, rdf = "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    n = ox.NamedNode
    org = n(kg + "org/evil")
    quads = [
        ox.Quad(org, n(rdf + "type"), n(ckg + "Organisation"), n(kg + "graph/kb")),
        ox.Quad(org, n(skos + "prefLabel"), ox.Literal(evil, language="ro"), n(kg + "graph/kb")),
        ox.Quad(org, n(skos + "altLabel"), ox.Literal('"><img src=x onerror=alert(2)>', language="ro"), n(kg + "graph/kb")),
        ox.Quad(org, n(ckg + "homepage"), n("javascript:alert(3)"), n(kg + "graph/kb")),
    ]
    path = tmp_path / "evil.nq"
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    store = MemoryStore()
    store.publish([path])
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get("/entities/org/evil", headers=HTML).text
    assert evil not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
