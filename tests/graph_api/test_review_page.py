"""The review page in a real browser: headless Chromium through Playwright, the real server on
loopback, the real build before and after.

One document reviewed end to end by keyboard (merge a new name into an existing entity, accept a
role, reject a date), then rebuilt: the knowledge base has the decisions, the graph's reviewed
layer and partner search answer with them, and nothing decided is proposed again.
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
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.visualizations.test_map_browser import ARTIFACTS

DOCUMENT = "001_4743cbcc972cd821"
EVENT = "event/001-4743cbcc972cd821-cluj-napoca-2030-catre-neutralitate-climatica"
PROJECT = "project/blueprint-net-zero-neighborhoods"
TOKEN = "review-token"
REJECTED_DATE = f"""PREFIX ckg: <https://w3id.org/citykg/ontology#>
ASK {{ <https://w3id.org/citykg/{EVENT}> ckg:startDate ?date }}"""


@pytest.fixture()
def settings(tmp_path: Path, sources_dir: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    return Settings(store=tmp_path / "store", sources=sources_dir, inbox=tmp_path / "inbox",
                    imports=tmp_path / "imports", knowledge=knowledge, update_token=TOKEN)


def roles_of(server: str, participant: str) -> dict[str, list[dict]]:
    """Partner search (default: reviewed layer) for the project: role -> sources of the participant."""
    answer = httpx.get(f"{server}/partners", params={"project": PROJECT, "format": "json"}, timeout=120).json()
    result = next(r for r in answer["results"] if r["entity"]["id"] == participant)
    return {p["role"]: p for p in result["projects"] if p["project"]["id"] == PROJECT}


def test_a_document_reviewed_by_keyboard_is_in_the_graph_after_the_rebuild(settings: Settings):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    build(settings)
    env = {"CITYKG_STORE": str(settings.store), "CITYKG_SOURCES": str(settings.sources),
           "CITYKG_INBOX": str(settings.inbox), "CITYKG_IMPORTS": str(settings.imports),
           "CITYKG_KNOWLEDGE": str(settings.knowledge), "CITYKG_UPDATE_TOKEN": TOKEN}
    with citykg_server(env) as server:
        assert "coordinator" not in roles_of(server, "org/primaria-cluj-napoca")  # proposed only, so left out
        queue = httpx.get(f"{server}/review", params={"format": "json"}).json()["documents"]
        assert DOCUMENT in [d["key"] for d in queue]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: errors.append(str(error)))
            assert page.goto(f"{server}/review/{DOCUMENT}").status == 200
            page.fill("#token", TOKEN)
            page.dispatch_event("#token", "change")
            items = page.locator("li.proposal")
            assert items.count() == 3
            new_name = page.locator(f'li.proposal[data-id="{EVENT}"]')
            assert "dezbatere-cluj-napoca-2030" in new_name.locator("select.into").input_value()  # did you mean
            assert page.locator("mark[data-item]").count() >= 2  # the words of the proposals, in their sentence

            new_name.focus()
            page.keyboard.press("j")
            page.keyboard.press("j")  # the date
            date = page.locator("li.proposal.fact").nth(1)
            assert "startDate" in date.inner_text()
            page.keyboard.press("r")
            page.wait_for_selector("li.proposal.fact.decided")
            page.keyboard.press("m")  # back on the first undecided: the new name
            page.wait_for_selector(f'li.proposal.decided[data-id="{EVENT}"]')
            page.keyboard.press("a")  # the last one: the coordinator
            page.wait_for_function("document.querySelectorAll('li.proposal.decided').length === 3")
            assert "error" not in (page.get_attribute("#status", "class") or "")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "review-page.png"))
            browser.close()
        assert errors == []
        own = urlsplit(server).netloc
        assert all(urlsplit(url).netloc == own for url in requests), requests

        log = [json.loads(line) for line in (settings.knowledge / "decisions.jsonl").read_text().splitlines()]
        assert [d["decision"] for d in log] == ["reject", "merge", "accept"]
        assert all(d["lines"] and d["rule"] and d["when"] for d in log)

        build(settings)  # the decisions are reviewed facts now; the server sees the new build
        coordinator = roles_of(server, "org/primaria-cluj-napoca").get("coordinator")
        assert coordinator is not None  # reviewed now: in the default answer
        assert not httpx.get(f"{server}/sparql", params={"query": REJECTED_DATE},
                             headers={"Accept": "application/sparql-results+json"}).json()["boolean"]
        missing = httpx.get(f"{server}/entities/{EVENT}", params={"include": "proposed", "format": "jsonld"})
        assert missing.status_code == 404  # merged: not proposed again
        assert httpx.get(f"{server}/review/{DOCUMENT}", params={"format": "json"}).status_code == 404
