"""Writes (SPARQL Update, Graph Store Protocol) only with ``Authorization: Bearer CITYKG_UPDATE_TOKEN``."""

from __future__ import annotations

import hmac

from fastapi import Request

from citykg.config import Settings
from citykg.errors import ForbiddenError


def require_update_token(request: Request, settings: Settings, what: str) -> None:
    """Refuse (403) unless the server has an update token and the request carries it."""
    if not settings.update_token:
        raise ForbiddenError(
            f"{what} is disabled: this server is read-only (it takes writes only when started "
            "with CITYKG_UPDATE_TOKEN)"
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), settings.update_token.encode()
    ):
        raise ForbiddenError(f"{what} needs the update token: 'Authorization: Bearer TOKEN'")
