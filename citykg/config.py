"""Settings, read once from ``CITYKG_*`` environment variables with defaults that work."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: The checkout the package runs from: ontology/, knowledge/ and queries/ are read from here.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _env(name: str, default: str) -> str:
    value = os.environ.get(f"CITYKG_{name}", "").strip()
    return value or default


def _env_optional(name: str) -> str | None:
    return os.environ.get(f"CITYKG_{name}", "").strip() or None


def _env_float(name: str, default: float) -> float:
    raw = _env(name, str(default))
    try:
        return float(raw)
    except ValueError as error:
        raise ValueError(f"CITYKG_{name} must be a number, got {raw!r}") from error


@dataclass(frozen=True)
class Settings:
    """Every knob of the project; documented in the README's settings table."""

    store: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "store")
    sources: Path = field(default_factory=lambda: PROJECT_ROOT.parent / "shared" / "sources")
    inbox: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "documents")
    imports: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "imports")
    # The reviewed knowledge base; an empty folder builds from extraction alone (to measure it).
    knowledge: Path = field(default_factory=lambda: PROJECT_ROOT / "knowledge")
    sparql_url: str | None = None
    update_url: str | None = None
    gsp_url: str | None = None
    base_iri: str = "https://w3id.org/citykg/"
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = 10.0
    update_token: str | None = None
    max_body_bytes: int = 1_000_000
    max_result_bytes: int = 50_000_000
    query_workers: int = 2

    @classmethod
    def from_env(cls) -> "Settings":
        defaults = cls()
        return cls(
            store=Path(_env("STORE", str(defaults.store))).expanduser(),
            sources=Path(_env("SOURCES", str(defaults.sources))).expanduser(),
            inbox=Path(_env("INBOX", str(defaults.inbox))).expanduser(),
            imports=Path(_env("IMPORTS", str(defaults.imports))).expanduser(),
            knowledge=Path(_env("KNOWLEDGE", str(defaults.knowledge))).expanduser(),
            sparql_url=_env_optional("SPARQL_URL"),
            update_url=_env_optional("SPARQL_UPDATE_URL"),
            gsp_url=_env_optional("GSP_URL"),
            host=_env("HOST", defaults.host),
            port=int(_env_float("PORT", defaults.port)),
            query_timeout=_env_float("QUERY_TIMEOUT", defaults.query_timeout),
            update_token=_env_optional("UPDATE_TOKEN"),
            max_body_bytes=int(_env_float("MAX_BODY_BYTES", defaults.max_body_bytes)),
            max_result_bytes=int(_env_float("MAX_RESULT_BYTES", defaults.max_result_bytes)),
            query_workers=int(_env_float("QUERY_WORKERS", defaults.query_workers)),
        )

    @property
    def remote(self) -> bool:
        return self.sparql_url is not None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (tests build their own ``Settings`` instead)."""
    return Settings.from_env()
