"""The passage view: ``GET /documents/{key}?lines=9-10`` shows a source document's cited lines
highlighted, with its title, kind, language and date (HTML for people, JSON for programs). Every
citation of the pages links here; the work is ``citykg.document_passage``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from citykg.config import Settings
from citykg.document_passage import document_passage
from citykg.errors import NotAcceptableError
from citykg.store import GraphStore
from graph_api.media_types import negotiate
from graph_api.pages import templates

OFFERS = {"application/json": "json", "text/html": "html"}


def router(store: GraphStore, settings: Settings) -> APIRouter:
    api = APIRouter(tags=["Documents"])

    @api.get("/documents/{key}", responses={404: {"description": "No such document"},
                                            422: {"description": "Lines that are not a line or a range, or beyond the document"}})
    def passage(
        key: str,
        request: Request,
        lines: Annotated[str | None, Query(description="The cited lines: 9 or 9-12")] = None,
        format: Annotated[str | None, Query(pattern="^(json|html)$")] = None,
    ) -> Response:
        """A source document with the cited lines marked and a few lines around them."""
        fmt = format or negotiate(request.headers.get("accept"), OFFERS)
        if fmt is None:
            raise NotAcceptableError("/documents answers in text/html or application/json")
        found = document_passage(store, settings, key, lines)
        if fmt == "json":
            return JSONResponse(found.to_dict(), headers={"Vary": "Accept"})
        body = templates.get_template("document.html").render(passage=found, key=key)
        return HTMLResponse(body, headers={"Vary": "Accept"})

    return api
