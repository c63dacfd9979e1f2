"""Shared fixtures: the real build of the five source documents, once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from citykg.build import BuildReport, build
from citykg.config import PROJECT_ROOT, Settings
from citykg.store import EmbeddedStore
from tests.helpers import citykg_server

SOURCES = PROJECT_ROOT.parent / "shared" / "sources"
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    if not SOURCES.is_dir():
        pytest.fail(f"the source documents are expected in {SOURCES}")
    return SOURCES


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path) -> Settings:
    """Settings pointing at a store built from the real documents."""
    root = tmp_path_factory.mktemp("citykg")
    return Settings(store=root / "store", sources=sources_dir, inbox=root / "inbox", imports=root / "imports")


@pytest.fixture(scope="session")
def build_report(built_settings: Settings) -> BuildReport:
    return build(built_settings)


@pytest.fixture(scope="session")
def built_store(built_settings: Settings, build_report: BuildReport) -> EmbeddedStore:
    """The real graph, on disk, read-only, as the server sees it."""
    return EmbeddedStore(built_settings.store)


@pytest.fixture(scope="session")
def cordis_settings(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path) -> Settings:
    """Settings of a build of the documents with a small synthetic CORDIS import beside them."""
    from ingest.cordis import import_cordis
    from ingest.synthetic_cordis import generate

    root = tmp_path_factory.mktemp("with-cordis")
    generate(root / "cordis", projects=20, organisations=30, participations=60, seed=5)
    import_cordis(root / "cordis", root / "imports")
    settings = Settings(store=root / "store", sources=sources_dir, inbox=root / "inbox", imports=root / "imports")
    build(settings)
    return settings


#: Debian's Chromium, headless, with nothing that phones home: the browser tests drive it.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(built_settings: Settings, built_store: EmbeddedStore):
    """The real app under uvicorn on loopback, serving the real build; yields its base URL."""
    with citykg_server({"CITYKG_STORE": str(built_settings.store)}) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
