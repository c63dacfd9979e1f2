"""GET /queries and GET /queries/{name} over the real build: the same run_named_query as the CLI."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from citykg.queries import load_queries
from graph_api.app import create_app


@pytest.fixture(scope="module")
def client(built_settings, built_store):
    with TestClient(create_app(built_settings, built_store)) as client:
        yield client


def test_list_has_every_query_with_its_header(client):
    listed = {q["name"]: q for q in client.get("/queries").json()}
    assert set(listed) == set(load_queries())
    partners = listed["project_partners"]
    assert partners["title"]["ro"] and partners["title"]["en"]
    assert partners["params"][0]["name"] == "project" and partners["params"][0]["type"] == "entity"


def test_run_with_a_parameter_in_json_and_csv(client):
    response = client.get("/queries/project_partners", params={"project": "project/netzerocities-pnrr"})
    assert response.headers["content-type"] == "application/sparql-results+json"
    roles = {b["participant"]["value"].rsplit("/", 1)[-1]: b["role"]["value"] for b in response.json()["results"]["bindings"]}
    assert roles["upb"] == "coordinator"
    table = client.get("/queries/country_membership", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert {r["isoCode"] for r in rows if r["membership"] == "supporting"} == {"BE", "BG", "EE", "DE", "SI", "UA"}


def test_unknown_query_and_parameter(client):
    assert client.get("/queries/nope").status_code == 404
    response = client.get("/queries/project_partners", params={"projet": "x"})
    assert response.status_code == 400 and "has no parameter 'projet'" in response.json()["error"]
