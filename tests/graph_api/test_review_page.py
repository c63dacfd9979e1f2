"""The review page in a real browser: headless Chromium through Playwright, the real server on
loopback, the real build before and after.

Two documents reviewed by keyboard: 001 accepted whole with one key (a coordinator partner search
leaves out while it is proposed); in 003 a new event name merged into the reviewed event it is,
another rejected, a date accepted for the merged event, and a copy of a reviewed call's budget
(which would double a sum of call budgets) rejected. Then the rebuild: the knowledge base has the
decisions, partner search and the graph answer with them, and nothing decided is proposed again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from citykg.build import build
from citykg.config import PROJECT_ROOT, Settings
from tests.helpers import citykg_server
from tests.visualizations.test_map_browser import ARTIFACTS

WHOLE = "001_4743cbcc972cd821"
DOCUMENT = "003_6bd5139cbfa8aace"
VILNIUS = "event/003-6bd5139cbfa8aace-vilnius-lituania"
SOFIA = "event/003-6bd5139cbfa8aace-sofia-bulgaria"
SEMINAR = "event/eui-seminar-vilnius-2022"
CALL = "call/eui-ia-call-1"
PROJECT = "project/blueprint-net-zero-neighborhoods"
TOKEN = "review-token"
CALL_BUDGETS = f"""PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT (COUNT(DISTINCT ?amount) AS ?n) WHERE {{ <https://w3id.org/citykg/{CALL}> ckg:budget ?amount }}"""


@pytest.fixture()
def settings(tmp_path: Path, sources_dir: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    return Settings(store=tmp_path / "store", sources=sources_dir, inbox=tmp_path / "inbox",
                    imports=tmp_path / "imports", knowledge=knowledge, update_token=TOKEN)


def roles_of(server: str, participant: str) -> dict[str, dict]:
    """Partner search (default: reviewed layer) for the project: role -> the participant's project."""
    answer = httpx.get(f"{server}/partners", params={"project": PROJECT, "format": "json"}, timeout=120).json()
    result = next(r for r in answer["results"] if r["entity"]["id"] == participant)
    return {p["role"]: p for p in result["projects"] if p["project"]["id"] == PROJECT}


def call_budgets(server: str) -> int:
    """Budgets of the call in the whole graph (the union /sparql answers from by default)."""
    answer = httpx.get(f"{server}/sparql", params={"query": CALL_BUDGETS}, headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_documents_reviewed_by_keyboard_are_in_the_graph_after_the_rebuild(settings: Settings, browser):
    """Drives the session's one Chromium (tests/conftest.py): a second Playwright in the same
    process would find the first one's event loop running."""
    build(settings)
    env = {"CITYKG_STORE": str(settings.store), "CITYKG_SOURCES": str(settings.sources),
           "CITYKG_INBOX": str(settings.inbox), "CITYKG_IMPORTS": str(settings.imports),
           "CITYKG_KNOWLEDGE": str(settings.knowledge), "CITYKG_UPDATE_TOKEN": TOKEN}
    with citykg_server(env) as server:
        assert "coordinator" not in roles_of(server, "org/primaria-cluj-napoca")  # proposed only, so left out
        assert call_budgets(server) == 2  # the reviewed budget and a proposed copy
        queue = [d["key"] for d in httpx.get(f"{server}/review", params={"format": "json"}).json()["documents"]]
        assert {WHOLE, DOCUMENT} <= set(queue)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        try:
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))

            assert page.goto(f"{server}/review/{WHOLE}").status == 200
            page.fill("#token", TOKEN)
            page.dispatch_event("#token", "change")
            page.locator("li.proposal").first.focus()
            page.keyboard.press("A")  # the whole document, one key
            page.wait_for_function("[...document.querySelectorAll('li.proposal')].every(li => li.classList.contains('decided'))")

            assert page.goto(f"{server}/review/{DOCUMENT}").status == 200  # the token is kept for the tab
            vilnius = page.locator(f'li.proposal[data-id="{VILNIUS}"]')
            assert vilnius.locator("select.into").input_value() == SEMINAR  # did you mean the seminar?
            assert page.locator("mark[data-item]").count() >= 2  # the words of the proposals, in their sentence
            vilnius.focus()
            page.keyboard.press("m")
            page.wait_for_selector(f'li.proposal.decided[data-id="{VILNIUS}"]')
            assert page.evaluate("document.activeElement.dataset.id") == SOFIA  # the next undecided
            page.keyboard.press("r")
            page.wait_for_selector(f'li.proposal.decided[data-id="{SOFIA}"]')
            date = page.locator("li.proposal.fact", has_text="startDate").filter(has_text=VILNIUS)
            date.focus()
            page.keyboard.press("a")
            page.wait_for_selector("li.proposal.fact.decided")
            budget = page.locator("li.proposal.fact", has_text=CALL)
            budget.focus()
            page.keyboard.press("r")
            page.wait_for_function("document.querySelectorAll('li.proposal.decided').length === 4")
            assert "error" not in (page.get_attribute("#status", "class") or "")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "review-page.png"))
        finally:
            page.close()
        assert errors == []
        own = urlsplit(server).netloc
        assert all(urlsplit(url).netloc == own for url in requests), requests

        log = [json.loads(line) for line in (settings.knowledge / "decisions.jsonl").read_text().splitlines()]
        assert [d["decision"] for d in log if d["document"] == DOCUMENT] == ["merge", "reject", "accept", "reject"]
        assert all(d["lines"] and d["rule"] and d["when"] for d in log)

        build(settings)  # the decisions are reviewed facts now; the server sees the new build
        assert "coordinator" in roles_of(server, "org/primaria-cluj-napoca")  # reviewed now: in the default answer
        assert call_budgets(server) == 1  # the copy is not proposed again
        for merged_or_rejected in (VILNIUS, SOFIA):
            answer = httpx.get(f"{server}/entities/{merged_or_rejected}", params={"include": "proposed", "format": "jsonld"})
            assert answer.status_code == 404
        seminar = httpx.get(f"{server}/entities/{SEMINAR}", params={"format": "jsonld"}).text
        assert "Vilnius (Lituania)" in seminar  # the merged name is an alias
