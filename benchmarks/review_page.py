"""How long reviewing one document takes in the browser, keys and server only (not reading).

The five source documents built into a temporary store with a copy of the knowledge base; the
document with the most proposals opened in headless Chromium on the review page; then once one
key press per proposal (``a``, each waiting for the server's answer) and once, on a fresh copy,
one ``A`` for the whole document. Prints the document's size, its proposals and the seconds.

    PYTHONPATH=. .venv/bin/python benchmarks/review_page.py
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import httpx

from citykg.build import build
from citykg.config import PROJECT_ROOT, Settings
from tests.helpers import citykg_server
from tests.visualizations.test_map_browser import CHROMIUM, CHROMIUM_ARGS

TOKEN = "benchmark"


def review(browser, server: str, key: str, whole: bool) -> float:
    """Seconds from the first key press to the last proposal decided."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(f"{server}/review/{key}")
    page.fill("#token", TOKEN)
    page.dispatch_event("#token", "change")
    total = page.locator("li.proposal").count()
    page.locator("li.proposal").first.focus()
    started = time.perf_counter()
    if whole:
        page.keyboard.press("A")
    else:
        for done in range(1, total + 1):
            page.keyboard.press("a")
            page.wait_for_function(f"document.querySelectorAll('li.proposal.decided').length >= {done}", timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll('li.proposal.decided').length === {total}", timeout=60_000)
    seconds = time.perf_counter() - started
    page.close()
    return seconds


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="citykg-review-page-") as tmp:
        root = Path(tmp)
        settings = Settings(store=root / "store", inbox=root / "inbox", imports=root / "imports",
                            knowledge=root / "knowledge", update_token=TOKEN)
        shutil.copytree(PROJECT_ROOT / "knowledge", settings.knowledge)
        build(settings)
        env = {"CITYKG_STORE": str(settings.store), "CITYKG_SOURCES": str(settings.sources),
               "CITYKG_INBOX": str(settings.inbox), "CITYKG_IMPORTS": str(settings.imports),
               "CITYKG_KNOWLEDGE": str(settings.knowledge), "CITYKG_UPDATE_TOKEN": TOKEN}
        with citykg_server(env) as server, sync_playwright() as playwright:
            queue = httpx.get(f"{server}/review", params={"format": "json"}).json()["documents"]
            entry = max(queue, key=lambda e: e["facts"] + e["entities"])
            text = (settings.sources / entry["file"]).read_text(encoding="utf-8")
            print(f"{entry['file']}: {len(text)} characters, {entry['entities']} new names, {entry['facts']} proposed "
                  "facts (a role and its participation count as two here, one on the page)")
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pristine = settings.knowledge.with_name("pristine")
            shutil.copytree(settings.knowledge, pristine)
            one_by_one = review(browser, server, entry["key"], whole=False)
            shutil.rmtree(settings.knowledge)
            shutil.copytree(pristine, settings.knowledge)
            whole = review(browser, server, entry["key"], whole=True)
            browser.close()
        print(f"one key per proposal: {one_by_one:.1f} s; one key for the whole document: {whole:.1f} s "
              "(keys and server; the time to read the sentences is the reviewer's)")


if __name__ == "__main__":
    main()
