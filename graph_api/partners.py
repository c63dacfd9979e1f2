"""Partner search over HTTP: ``GET /partners`` answers JSON for programs and the search page for
people (by ``Accept``, or ``?format=json|html``); ``GET /search?q=`` autocompletes names across
all entities. The routes only translate: the work is ``citykg.partner_search`` and
``citykg.entity_search``, the same functions ``citykg partners`` calls.

A filter value that names nothing, or is not allowed, is a 422 naming the parameter; so is a
value of the wrong type (FastAPI's own validation) and an unknown parameter name.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from citykg.entity_search import ENTITY_TYPES, MAX_QUERY_CHARS, label_index, search
from citykg.errors import InvalidParameterError, NotAcceptableError
from citykg.layers import include_proposed, left_out_note, proposed_left_out
from citykg.partner_search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Filters,
    PARTICIPANT_TYPES,
    ROLES,
    check_filters,
    run_search,
)
from citykg.partner_table import MEDIA_TYPES, partner_table
from citykg.store import GraphStore
from graph_api.media_types import negotiate
from graph_api.pages import templates

FILTERS = ("text", "type", "country", "city", "programme", "project", "call", "role",
           "active_from", "active_to", "near", "copartner_type")
PAGE_OFFERS = {"application/json": "json", "text/html": "html", "text/csv": "csv", MEDIA_TYPES["xlsx"][0]: "xlsx"}
ERRORS = {422: {"description": "A filter value that names nothing or is not allowed, a value of the wrong type, or an unknown parameter"}}

Name = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS)]


def router(store: GraphStore) -> APIRouter:
    api = APIRouter(tags=["Partner search"])

    @api.get("/partners", responses={**ERRORS, 406: {"description": "Neither JSON nor HTML is acceptable"}})
    def partners(
        request: Request,
        text: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS, description="Words of a name, alias or acronym")] = None,
        type: Annotated[str | None, Query(description=f"One of {', '.join(PARTICIPANT_TYPES)}")] = None,
        country: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS, description="Country: id, IRI, name or ISO code")] = None,
        city: Name = None,
        programme: Name = None,
        project: Name = None,
        call: Name = None,
        role: Annotated[str | None, Query(description="coordinator, lead-partner or partner")] = None,
        active_from: Annotated[str | None, Query(description="ISO date: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
        active_to: Annotated[str | None, Query(description="ISO date: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
        near: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS, description="An organisation or city: rank by closeness to it")] = None,
        copartner_type: Annotated[str | None, Query(description=f"Only projects with another participant of this type (CityHall, University...): one of {', '.join(PARTICIPANT_TYPES)}")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        format: Annotated[str | None, Query(pattern="^(json|html|csv|xlsx)$", description="json, html, or a table to download: csv or xlsx (one row per organisation, project and reason, with citations)")] = None,
        include: Annotated[str | None, Query(description="`proposed`: include facts nobody has reviewed yet (marked as proposed)")] = None,
    ):
        """Organisations and cities that have worked on projects, filtered, ranked and explained:
        each result with its type, place, projects (role, allocation) and the reasons it matched,
        as paths through the graph, each step with its document and lines."""
        fmt = format or negotiate(request.headers.get("accept"), PAGE_OFFERS)
        if fmt is None:
            raise NotAcceptableError("/partners answers in application/json, text/html, text/csv or XLSX")
        given = dict(text=text, type=type, country=country, city=city, programme=programme, project=project,
                     call=call, role=role, active_from=active_from, active_to=active_to, near=near,
                     copartner_type=copartner_type)
        unknown = next((n for n in request.query_params if n not in (*FILTERS, "limit", "format", "include")), None)
        if unknown is not None:
            error = InvalidParameterError(unknown, request.query_params[unknown],
                                          f"no such parameter; the filters are {', '.join(FILTERS)}, limit, format, include")
            if fmt != "html":
                raise error
            return _page(store, given, limit, error=error)
        with_proposed = include_proposed(include)
        layer = store.layer(with_proposed)
        if fmt in MEDIA_TYPES:
            filters = check_filters(label_index(layer), **given, limit=limit)
            media_type, suffix = MEDIA_TYPES[fmt]
            body = partner_table(run_search(layer, filters), fmt, filters=filters.describe())
            return Response(body, media_type=media_type, headers={
                "Content-Disposition": f'attachment; filename="citykg-partners.{suffix}"', "Vary": "Accept"})
        if fmt == "json":
            filters = check_filters(label_index(layer), **given, limit=limit)
            results = run_search(layer, filters)
            left_out = 0 if with_proposed else proposed_left_out(store, [r.entity.id for r in results])
            return JSONResponse(
                {"query": filters.describe(), "layer": "all" if with_proposed else "reviewed",
                 "proposed_left_out": left_out, "count": len(results), "results": [r.to_dict() for r in results]},
                headers={"Vary": "Accept"},
            )
        return _page(store, given, limit, with_proposed=with_proposed)

    @api.get("/search", responses=ERRORS)
    def search_names(
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="The beginning of a name")],
        type: Annotated[list[str] | None, Query(description=f"Only entities of these classes: {', '.join(ENTITY_TYPES)}")] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> dict:
        """Autocompletion across all entities: names, aliases and acronyms, case- and
        diacritic-insensitive, tolerant of Romanian inflection and typos."""
        types = None
        if type:
            known = {t.lower(): t for t in ENTITY_TYPES}
            unknown = [t for t in type if t.lower() not in known]
            if unknown:
                raise InvalidParameterError("type", unknown[0], f"one of {', '.join(ENTITY_TYPES)}")
            types = {known[t.lower()] for t in type}
        hits = search(store, q, types=types, limit=limit)
        return {"q": q, "results": [asdict(h) for h in hits]}

    return api


def map_url(filters: Filters) -> str | None:
    """The map of a search's place, project or programme, or around what it is near; None when
    the search names none of these (a map of every match would be the whole graph)."""
    scope = {name: getattr(filters, name).id for name in ("project", "programme", "city", "country")
             if getattr(filters, name) is not None}
    if filters.near is not None:
        scope |= {"around": filters.near.id, "radius": "1"}
    return "/map?" + urlencode(scope) if scope else None


def _page(store: GraphStore, given: dict, limit: int, error: InvalidParameterError | None = None,
          with_proposed: bool = False) -> HTMLResponse:
    """The search page: the form, and the results when a filter is given (an error in place of
    them, with status 422, when a filter is wrong)."""
    form = {k: (v or "") for k, v in given.items()}
    form["limit"] = limit
    form["include"] = "proposed" if with_proposed else ""
    context = dict(form=form, types=PARTICIPANT_TYPES, roles=ROLES, max_chars=MAX_QUERY_CHARS,
                   results=None, error=None, candidates=(), query=None, json_url=None, map_url=None,
                   left_out_note=None)
    status = 200
    if error is not None:
        context["error"], status = str(error), 422
    elif any(v and str(v).strip() for v in given.values()):
        try:
            layer = store.layer(with_proposed)
            filters = check_filters(label_index(layer), **given, limit=limit)
            context["results"] = run_search(layer, filters)
            context["query"] = filters.describe()
            if not with_proposed:
                context["left_out_note"] = left_out_note(
                    proposed_left_out(store, [r.entity.id for r in context["results"]]))
            params = {k: v for k, v in given.items() if v} | {"limit": limit, "format": "json"} | (
                {"include": "proposed"} if with_proposed else {})
            context["json_url"] = "/partners?" + urlencode(params)
            context["csv_url"] = "/partners?" + urlencode(params | {"format": "csv"})
            context["xlsx_url"] = "/partners?" + urlencode(params | {"format": "xlsx"})
            context["map_url"] = map_url(filters)
        except InvalidParameterError as error:
            context["error"] = str(error)
            context["candidates"] = [
                {**c, "href": "/partners?" + urlencode({k: v for k, v in given.items() if v} | {error.parameter: c["id"]})}
                for c in error.candidates]
            status = 422
    body = templates.get_template("partners.html").render(**context)
    return HTMLResponse(body, status_code=status, headers={"Vary": "Accept"})
