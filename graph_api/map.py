"""GET /map: the network map, as a page (inline) or a file to download; drawn in a query worker,
under the query time limit, so that no map holds the server (issue 23)."""

from __future__ import annotations

import re
from typing import Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from citykg.layers import include_proposed, proposed_left_out
from citykg.store import GraphStore
from citykg.workers import CallJob, QueryWorkers
from visualizations.maps import FORMATS

ENTITY = "an entity id (KIND/slug, e.g. project/netzerocities-pnrr) or IRI"
RESPONSES = {
    200: {
        "description": "The map: an HTML page shown inline, or a PNG, SVG, GEXF or GraphML download.",
        "content": {"text/html": {}, "image/png": {}, "image/svg+xml": {}, "application/gexf+xml": {}, "application/graphml+xml": {}},
    },
    400: {"description": "Unknown format, type, language or size; a radius outside 1-3; a map too large to draw."},
    404: {"description": "An entity the graph does not know (the message names it)."},
    422: {"description": "The map took longer than CITYKG_QUERY_TIMEOUT to draw and was stopped."},
}


def _filename(fmt: str, *names: Optional[str]) -> str:
    slug = next((re.sub(r"[^a-z0-9-]+", "-", n.rstrip("/").rsplit("/", 1)[-1].lower()) for n in names if n), "all")
    return f"citykg-map-{slug.strip('-') or 'all'}.{fmt}"


def router(store: GraphStore, workers: QueryWorkers) -> APIRouter:
    api = APIRouter()

    @api.get("/map", responses=RESPONSES, response_class=Response)
    async def network_map(
        request: Request,
        project: Optional[str] = Query(None, description=f"A project: its ties and where its participants are; {ENTITY}."),
        programme: Optional[str] = Query(None, description="A programme: what it funds and their ties."),
        city: Optional[str] = Query(None, description="A city or district: what is there and its projects."),
        country: Optional[str] = Query(None, description="A country: what is there and its projects."),
        types: Optional[str] = Query(None, description="Kinds or classes to keep, comma-separated (organisation, project, University, ...)."),
        around: Optional[str] = Query(None, description=f"Every entity within `radius` ties of this one; {ENTITY}."),
        radius: int = Query(2, description="With `around`: 1 to 3 ties."),
        lang: str = Query("ro", description="Labels in ro or en."),
        fmt: str = Query("html", alias="format", description=f"One of {', '.join(FORMATS)}."),
        title: Optional[str] = Query(None, description="Title of the map (a default names the ecosystem)."),
        size: str = Query("degree", description="Node size by `degree` (number of ties) or `budget` (in euro)."),
        width: int = Query(1920, description="Picture width in pixels (png, svg)."),
        height: int = Query(1080, description="Picture height in pixels (png, svg)."),
        include: Optional[str] = Query(None, description="`proposed`: include facts nobody has reviewed yet."),
    ) -> Response:
        """The network map of the filters given; several filters keep what they share. The HTML
        page works offline (nothing loads from elsewhere) and can be embedded in an iframe. From
        reviewed facts unless ``include=proposed``; the ``Citykg-Proposed-Left-Out`` header says
        how many proposed facts about the entities asked for (all, without one) were left out."""
        with_proposed = include_proposed(include)
        # Drawn in a query worker, under the query time limit (see citykg.workers.CallJob).
        result = await workers.call(CallJob("visualizations.maps:make_map", tuple(dict(
            fmt=fmt, project=project, programme=programme, city=city, country=country,
            types=[types] if types else None, around=around, radius=radius, lang=lang, title=title,
            size_by=size, width=width, height=height, include_proposed=with_proposed,
        ).items())), request.is_disconnected)
        focus = [e for e in (project, programme, city, country, around) if e]
        layer = {"Citykg-Layer": "all" if with_proposed else "reviewed",
                 "Citykg-Proposed-Left-Out": "0" if with_proposed else str(proposed_left_out(store, focus or None))}
        if fmt == "html":
            return HTMLResponse(result.content, headers=layer)
        filename = _filename(fmt, project, programme, city, country, around)
        return Response(
            result.content,
            media_type=result.media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"', **layer},
        )

    return api
