"""Issue 19, point 2: partner search by Mission and by a co-partner's type, and its results as
CSV and XLSX (one row per organisation, project and reason, with citations), over the real build."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from citykg.errors import InvalidParameterError
from citykg.partner_search import partner_search
from citykg.partner_table import COLUMNS, partner_rows
from graph_api.app import create_app


@pytest.fixture(scope="module")
def client(built_settings, built_store):
    with TestClient(create_app(built_settings, built_store)) as client:
        yield client


def test_romanian_universities_with_a_city_hall_as_co_partner(built_store):
    results = partner_search(built_store, type="University", country="RO", copartner_type="CityHall")
    assert {r.entity.id for r in results} == {"org/utcn", "org/ubb"}  # with Primăria Cluj-Napoca in Blueprint
    reason = next(r for r in results[0].reasons if r.kind == "participation")
    assert "with Primăria Municipiului Cluj-Napoca (CityHall)" in reason.text
    assert any(step.subject.id == "org/primaria-cluj-napoca" and step.sources for step in reason.steps)


def test_a_city_hall_is_not_its_own_co_partner(built_store):
    results = partner_search(built_store, type="CityHall", copartner_type="CityHall", country="RO")
    assert "org/primaria-cluj-napoca" not in {r.entity.id for r in results}


def test_an_unknown_co_partner_type_names_the_parameter(built_store):
    with pytest.raises(InvalidParameterError) as raised:
        partner_search(built_store, copartner_type="Spaceship")
    assert raised.value.parameter == "copartner_type"


def test_one_row_per_organisation_project_and_reason_with_citations(built_store):
    results = partner_search(built_store, programme="Cities Mission", country="RO")
    rows = partner_rows(results)
    uefiscdi = [r for r in rows if r["organisation_id"] == "org/uefiscdi"]
    participation = next(r for r in uefiscdi if r["reason_kind"] == "participation")
    assert participation["project_id"] == "project/capacities" and participation["role"] == "partner"
    assert "004_3898277bb4aeef29.txt:" in participation["citations"]
    country = next(r for r in uefiscdi if r["reason_kind"] == "country")
    assert country["project_id"] == "" and country["citations"]
    matched = {(r.entity.id, p.project.id) for r in results for p in r.projects if p.matched}
    assert matched <= {(row["organisation_id"], row["project_id"]) for row in rows}


def test_csv_and_xlsx_over_http(client):
    """``format=csv`` answered the framework's JSON error."""
    params = {"type": "University", "country": "RO", "copartner_type": "CityHall"}
    response = client.get("/partners", params={**params, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS and {r["organisation_id"] for r in rows} == {"org/utcn", "org/ubb"}
    book = client.get("/partners", params={**params, "format": "xlsx"})
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content))["partners"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == COLUMNS and len(table) == len(rows) + 1
    assert {r[0] for r in table[1:]} == {"org/utcn", "org/ubb"}


def test_a_bad_filter_in_an_export_is_a_4xx_in_json(client):
    response = client.get("/partners", params={"country": "Atlantis", "format": "csv"})
    assert response.status_code == 422 and response.json()["parameter"] == "country"
