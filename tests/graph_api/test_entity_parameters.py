"""Issue 19, point 1: every entity parameter (partner search, named queries, the map, the CLI)
takes an id, an IRI, a name, an acronym, an inflected or unaccented form; an ambiguous value is a
4xx listing the candidates; an unknown one a 4xx, never an empty 200; what each resolved to is
said with the answer. Errors are HTML pages for browsers and JSON for programs, 5xx included."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from citykg.cli import app as cli
from graph_api.app import create_app

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/map", {"project": "CO4CITIES"}),
        ("/map", {"around": "Cluj-Napoca", "radius": "1"}),
        ("/map", {"programme": "Horizon 2020"}),
        ("/queries/organisation_projects", {"organisation": "UTCN"}),
    ],
)
def test_names_the_issue_saw_refused_are_resolved(client, path, params):
    """They failed with "No scheme found in an absolute IRI" (raw JSON in the browser)."""
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text[:300]


def test_a_named_query_says_what_each_entity_parameter_resolved_to(client):
    response = client.get("/queries/organisation_projects", params={"organisation": "UTCN", "format": "json"})
    assert json.loads(response.headers["CityKG-Resolved"])["organisation"]["id"] == "org/utcn"
    assert response.json()["results"]["bindings"], "UTCN has projects"


def test_an_unknown_id_is_a_4xx_not_an_empty_200(client):
    response = client.get("/queries/organisation_projects", params={"organisation": "org/nonexist"})
    assert response.status_code == 422
    assert response.json()["parameter"] == "organisation" and "org/nonexist" in response.json()["error"]


def test_an_id_of_a_node_without_a_name_is_still_taken(client):
    response = client.get("/queries/participation_allocations",
                          params={"participation": "participation/netzerocities-pnrr--org-utcn--partner"})
    assert response.status_code == 200, response.text[:300]


def test_partner_search_does_not_quietly_swap_the_mission_for_a_project(client):
    """``project=Cities Mission`` became CapaCITIES; now it is the Mission, with its projects."""
    data = client.get("/partners", params={"project": "Cities Mission"}).json()
    assert data["query"]["project"]["id"] == "initiative/cities-mission"
    projects = {p["project"]["id"] for r in data["results"] for p in r["projects"] if p["matched"]}
    assert {"project/capacities", "project/blueprint-net-zero-neighborhoods"} <= projects


def test_the_organisations_of_the_mission_by_programme(client):
    """``programme=initiative/cities-mission`` was a 422."""
    response = client.get("/partners", params={"programme": "initiative/cities-mission", "country": "RO"})
    assert response.status_code == 200, response.text
    results = {r["entity"]["id"]: r for r in response.json()["results"]}
    assert "org/uefiscdi" in results
    steps = [s for r in results["org/uefiscdi"]["reasons"] for s in r["steps"]]
    mission_step = next(s for s in steps if (s["object"] or {}).get("id") == "initiative/cities-mission")
    assert mission_step["sources"], "the tie of the project to the Mission is cited"


@pytest.mark.parametrize("value", ["NetZeroCities", "NetZeRoCities"])
def test_an_ambiguous_project_is_a_4xx_listing_both(client, value):
    response = client.get("/partners", params={"project": value})
    assert response.status_code == 422
    data = response.json()
    assert {c["id"] for c in data["candidates"]} == {"project/netzerocities-h2020", "project/netzerocities-pnrr"}
    page = client.get("/partners", params={"project": value}, headers=BROWSER)
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert "project=project%2Fnetzerocities-pnrr" in page.text


def test_the_page_says_what_each_filter_resolved_to(client):
    page = client.get("/partners", params={"project": "CO4CITIES", "country": "Romania"}, headers=BROWSER)
    assert page.status_code == 200
    assert 'href="/entities/project/co4cities"' in page.text and "<code>country/ro</code>" in page.text


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/map", {"project": "NetZeroCities"}, 422),
        ("/queries/organisation_projects", {"organisation": "org/nonexist"}, 422),
        ("/queries/no_such_query", {}, 404),
        ("/no/such/page", {}, 404),
        ("/partners", {"limit": "many"}, 422),
        ("/map", {"format": "bmp"}, 400),
    ],
)
def test_browsers_get_an_error_page_programs_json(client, path, params, status):
    page = client.get(path, params=params, headers=BROWSER)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html"), page.text[:200]
    assert "<h1>" in page.text and 'href="/partners"' in page.text
    program = client.get(path, params=params, headers={"Accept": "application/json"})
    assert program.status_code == status and program.json()["status"] == status and program.json()["error"]


def test_the_map_error_page_links_each_candidate(client):
    page = client.get("/map", params={"project": "NetZeroCities"}, headers=BROWSER)
    assert 'href="/map?project=project%2Fnetzerocities-h2020"' in page.text
    assert 'href="/map?project=project%2Fnetzerocities-pnrr"' in page.text


def test_a_server_failure_is_a_page_for_browsers_and_json_for_programs(built_settings, built_store):
    app = create_app(built_settings, built_store)

    @app.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/fails", headers=BROWSER)
        assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
        assert "RuntimeError" in page.text
        program = client.get("/fails")
        assert program.status_code == 500 and program.json()["status"] == 500


def test_the_cli_takes_names_and_lists_candidates(built_settings, build_report, monkeypatch, tmp_path):
    monkeypatch.setenv("CITYKG_STORE", str(built_settings.store))
    from citykg.config import get_settings

    get_settings.cache_clear()
    try:
        runner = CliRunner()
        drawn = runner.invoke(cli, ["map", "--project", "CO4CITIES", "-o", str(tmp_path / "m.gexf")])
        assert drawn.exit_code == 0, drawn.output
        named = runner.invoke(cli, ["query", "organisation_projects", "-p", "organisation=UTCN", "-f", "csv"])
        assert named.exit_code == 0 and "organisation: UTCN -> org/utcn" in named.output
        ambiguous = runner.invoke(cli, ["partners", "--project", "NetZeroCities"])
        assert ambiguous.exit_code == 2
        assert "project/netzerocities-h2020" in ambiguous.output and "project/netzerocities-pnrr" in ambiguous.output
    finally:
        get_settings.cache_clear()
