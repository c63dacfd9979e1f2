"""The review loop over HTTP: ``GET /review`` lists the documents with proposals (newest first),
``GET /review/{key}`` shows one document's text with each proposal highlighted in its sentence,
``POST /review/{key}/decisions`` records a decision (update token needed). HTML for people, JSON
for programs (``Accept`` or ``?format=json``); the work is ``ingest.proposals`` and
``ingest.decisions``, the same functions ``citykg review`` calls.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from citykg.build import load_ontology
from citykg.config import Settings
from citykg.errors import InvalidParameterError, NotAcceptableError
from citykg.store import GraphStore
from graph_api.media_types import negotiate
from graph_api.partners import templates
from graph_api.update_token import require_update_token
from ingest.decisions import ACTIONS, Decision, decide, decided
from ingest.knowledge_base import KIND_TYPES
from ingest.proposals import DocumentProposals, document_proposals, review_queue

OFFERS = {"application/json": "json", "text/html": "html"}
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class DecisionBody(BaseModel):
    """One decision: ``action`` on ``target`` (a fact id or an entity id; none for accept-all)."""

    action: str = Field(description=f"one of {', '.join(ACTIONS)}")
    target: str = Field("", description="the fact id or entity id decided (empty for accept-all)")
    into: str | None = Field(None, description="merge: the id of the existing entity the new name is")
    type: str | None = Field(None, description="accept an entity as this type (of the same kind)")
    value: str | None = Field(None, description="accept a fact with this value instead")
    role: str | None = Field(None, description="accept a participation with this role instead")
    object: str | None = Field(None, description="accept a relation pointing to this entity instead")
    reviewer: str | None = Field(None, description="who decided (written to the decisions log)")


def highlighted(proposals: DocumentProposals) -> list[dict[str, Any]]:
    """The document's lines, each cut into pieces: the words a proposal was read from are marked
    with its id, and every line a proposal cites carries the ids of its proposals."""
    items = [(e.id, e.lines, e.surface) for e in proposals.entities] + [(f.id, f.lines, f.surface) for f in proposals.facts]
    out = []
    for n, line in enumerate(proposals.lines, 1):
        here = [(i, surface) for i, (first, last), surface in items if first <= n <= last]
        marks = []
        for item, surface in here:
            at = line.find(surface) if surface else -1
            if at >= 0 and not any(a < at + len(surface) and at < b for a, b, _ in marks):
                marks.append((at, at + len(surface), item))
        pieces, pos = [], 0
        for start, end, item in sorted(marks):
            pieces += [(line[pos:start], None), (line[start:end], item)]
            pos = end
        pieces.append((line[pos:], None))
        out.append({"n": n, "pieces": [p for p in pieces if p[0]], "items": [i for i, _ in here]})
    return out


def router(store: GraphStore, settings: Settings) -> APIRouter:
    api = APIRouter(tags=["Review"])
    folders = [settings.sources, settings.inbox]
    ontology = load_ontology()

    def fmt_of(request: Request, format: str | None) -> str:
        fmt = format or negotiate(request.headers.get("accept"), OFFERS)
        if fmt is None:
            raise NotAcceptableError("/review answers in application/json or text/html")
        return fmt

    def check_key(key: str) -> str:
        if not KEY.match(key):
            raise InvalidParameterError("document", key, "a document key is its file name without the suffix")
        return key

    @api.get("/review", responses={406: {"description": "Neither JSON nor HTML is acceptable"}})
    def queue(request: Request, format: Annotated[str | None, Query(pattern="^(json|html)$")] = None):
        """The documents with proposed facts or names nobody has reviewed yet, newest first."""
        entries = review_queue(store, folders)
        if fmt_of(request, format) == "json":
            return JSONResponse({"documents": [asdict(e) for e in entries]}, headers={"Vary": "Accept"})
        body = templates.get_template("review.html").render(entries=entries)
        return HTMLResponse(body, headers={"Vary": "Accept"})

    @api.get("/review/{key}", responses={404: {"description": "No proposals for this document"}})
    def document(key: str, request: Request, format: Annotated[str | None, Query(pattern="^(json|html)$")] = None):
        """One document's proposals: new names with "did you mean" candidates, facts with their
        lines, rule, confidence and words; and what was decided since the last build."""
        proposals = document_proposals(store, check_key(key), folders)
        done = decided(settings.knowledge, key)
        if fmt_of(request, format) == "json":
            data = asdict(proposals)
            data.pop("source")
            return JSONResponse(data | {"decided": done}, headers={"Vary": "Accept"})
        body = templates.get_template("review_document.html").render(
            p=proposals, lines=highlighted(proposals), decided=done, types=KIND_TYPES,
            writable=bool(settings.update_token))
        return HTMLResponse(body, headers={"Vary": "Accept"})

    @api.post("/review/{key}/decisions", responses={
        403: {"description": "No update token, or the server is read-only"},
        404: {"description": "The document proposes no such fact or entity"},
        422: {"description": "Refused, nothing written: the reason (an unknown type, a line that does not exist...)"}})
    def decision(key: str, body: DecisionBody, request: Request) -> dict:
        """Record a decision into the knowledge base (``knowledge/``) and the decisions log; the
        next build has it as reviewed. Needs ``Authorization: Bearer CITYKG_UPDATE_TOKEN``."""
        require_update_token(request, settings, "a review decision")
        proposals = document_proposals(store, check_key(key), folders)
        outcome = decide(settings.knowledge, settings.sources, ontology, proposals,
                         Decision(key, **body.model_dump()))
        return {"message": outcome.message, "files": outcome.files, "decisions": outcome.log}

    return api
