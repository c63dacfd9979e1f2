"""Reviewed and proposed facts kept apart: every answer comes from the reviewed layer unless asked,
says how many proposed facts it left out, and marks proposed facts where it includes them.

The real build of the five source documents: extraction proposes events, calls and a second
Mission there that the knowledge base does not have.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from citykg.layers import named_query, proposed_left_out
from citykg.store import PROPOSED_GRAPHS
from graph_api.app import create_app

CKG = "https://w3id.org/citykg/ontology#"
PROPOSED_EVIDENCE = f"""
PREFIX ckg: <{CKG}>
SELECT ?g (COUNT(?e) AS ?n) WHERE {{ GRAPH ?g {{ ?e a ckg:Evidence ; ckg:reviewed false }} }} GROUP BY ?g
"""
PROPOSED_EVENT = "event/003-6bd5139cbfa8aace-sofia-bulgaria"  # an event line of 003 no reviewer has named
BLUEPRINT = "project/blueprint-net-zero-neighborhoods"


@pytest.fixture(scope="module")
def client(built_settings, built_store):
    with TestClient(create_app(built_settings, built_store)) as client:
        yield client


def test_proposed_facts_are_in_their_own_graphs_and_only_there(built_store):
    rows = built_store.select(PROPOSED_EVIDENCE)
    assert rows, "the five documents have facts the knowledge base does not state"
    assert all(r["g"].value.startswith(PROPOSED_GRAPHS) for r in rows)
    reviewed = built_store.reviewed()
    assert reviewed.select(PROPOSED_EVIDENCE) == []
    assert set(reviewed.named_graphs()).isdisjoint(r["g"].value for r in rows)
    # the knowledge base's facts that extraction also found keep both pieces of evidence, reviewed
    both = reviewed.select(f"""PREFIX ckg: <{CKG}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?m WHERE {{ ?e rdf:predicate ckg:coordinator ; rdf:subject <https://w3id.org/citykg/project/netzerocities-pnrr> ;
        ckg:method ?m }}""")
    assert {"reviewed"} < {r["m"].value for r in both}


def test_a_named_query_leaves_proposed_events_out_unless_asked(built_store, client):
    reviewed, left_out = named_query(built_store, "events_by_date", {}, False)
    everything, none_left = named_query(built_store, "events_by_date", {}, True)
    reviewed_events = {row["event"].value for row in reviewed}
    all_events = {row["event"].value for row in everything}
    assert "https://w3id.org/citykg/" + PROPOSED_EVENT in all_events - reviewed_events
    assert left_out == proposed_left_out(built_store) > 0 and none_left == 0
    response = client.get("/queries/events_by_date", headers={"Accept": "text/csv"})
    assert PROPOSED_EVENT not in response.text
    assert response.headers["citykg-layer"] == "reviewed"
    assert int(response.headers["citykg-proposed-left-out"]) == left_out
    included = client.get("/queries/events_by_date?include=proposed", headers={"Accept": "text/csv"})
    assert PROPOSED_EVENT in included.text and included.headers["citykg-proposed-left-out"] == "0"
    bad = client.get("/queries/events_by_date?include=everything")
    assert bad.status_code == 422 and "proposed" in bad.json()["error"]


def test_partner_search_marks_proposed_roles_and_counts_what_it_left_out(client):
    reviewed = client.get("/partners", params={"project": BLUEPRINT, "format": "json"}).json()
    assert reviewed["layer"] == "reviewed" and reviewed["proposed_left_out"] > 0
    sources = [s for r in reviewed["results"] for reason in r["reasons"] for step in reason["steps"] for s in step["sources"]]
    assert sources and not any(s["proposed"] for s in sources)
    included = client.get("/partners", params={"project": BLUEPRINT, "format": "json", "include": "proposed"}).json()
    marked = [s for r in included["results"] for reason in r["reasons"] for step in reason["steps"] for s in step["sources"]
              if s["proposed"]]
    assert marked and all(s["cite"].endswith("(proposed)") for s in marked)
    assert included["proposed_left_out"] == 0
    page = client.get("/partners", params={"project": BLUEPRINT}, headers={"Accept": "text/html"}).text
    assert 'name="include" value="proposed"' in page and "proposed fact" in page and 'class="proposed"' not in page
    page = client.get("/partners", params={"project": BLUEPRINT, "include": "proposed"}, headers={"Accept": "text/html"}).text
    assert '<mark class="proposed"' in page and "checked" in page


def test_an_entity_only_extraction_minted_is_shown_only_when_asked(client):
    missing = client.get(f"/entities/{PROPOSED_EVENT}", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "include=proposed" in missing.text
    page = client.get(f"/entities/{PROPOSED_EVENT}?include=proposed", headers={"Accept": "text/html"})
    assert page.status_code == 200 and '<mark class="proposed">' in page.text
    utcn = client.get("/entities/org/utcn", headers={"Accept": "text/html"})
    assert utcn.headers["citykg-layer"] == "reviewed" and 'id="left-out"' in utcn.text


def test_the_map_says_how_many_proposed_facts_it_left_out(client):
    reviewed = client.get("/map", params={"project": BLUEPRINT, "format": "gexf"})
    included = client.get("/map", params={"project": BLUEPRINT, "format": "gexf", "include": "proposed"})
    assert int(reviewed.headers["citykg-proposed-left-out"]) > 0
    assert included.headers["citykg-proposed-left-out"] == "0"
    assert reviewed.content != included.content


def test_sparql_takes_the_reviewed_layer_as_a_parameter(client):
    query = f"PREFIX ckg: <{CKG}> SELECT (COUNT(?e) AS ?n) WHERE {{ ?e ckg:reviewed false ; a ckg:Evidence }}"
    union = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    reviewed = client.get("/sparql", params={"query": query, "layer": "reviewed"},
                          headers={"Accept": "application/sparql-results+json"})
    count = lambda r: int(r.json()["results"]["bindings"][0]["n"]["value"])  # noqa: E731
    assert count(union) > 0 and count(reviewed) == 0
    assert client.get("/sparql", params={"query": query, "layer": "mine"}).status_code == 400
