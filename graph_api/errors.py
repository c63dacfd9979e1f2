"""Every error answer of the service, mapped once: a domain error (``citykg.errors``), an HTTP
error of the framework (an unknown path, a method not allowed), a request that fails
validation, and any unexpected failure (500) each become one status and one body.

The body is an HTML page for a browser (``Accept`` prefers ``text/html`` to JSON) and JSON for
a program: ``{"error": message, "status": code}``, plus ``parameter``, ``value`` and
``candidates`` (the entities a name may have meant: id, name, type) for a filter or parameter
value that names nothing or more than one entity.
"""

from __future__ import annotations

import sys
import traceback
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from citykg.errors import (
    BusyError,
    CityKGError,
    ClientGoneError,
    DecisionRefusedError,
    ForbiddenError,
    InvalidParameterError,
    MethodNotAllowedError,
    NotAcceptableError,
    NotFoundError,
    PayloadTooLargeError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyStoreError,
    ResultTooLargeError,
    StoreError,
    UnsupportedMediaTypeError,
)
from graph_api.media_types import negotiate
from graph_api.pages import templates

#: Each error class's HTTP status; an error takes the status of its nearest class listed here.
ERROR_STATUS = {
    QueryError: 400,
    ForbiddenError: 403,
    NotFoundError: 404,
    MethodNotAllowedError: 405,
    NotAcceptableError: 406,
    PayloadTooLargeError: 413,
    UnsupportedMediaTypeError: 415,
    QueryTimeoutError: 422,
    ResultTooLargeError: 422,
    ClientGoneError: 499,  # nginx's "client closed request": nobody reads it
    InvalidParameterError: 422,
    DecisionRefusedError: 422,
    ReadOnlyStoreError: 501,
    StoreError: 503,
    BusyError: 503,
}
#: A browser's answer is a page; anything else (a program, ``*/*``, no ``Accept``) gets JSON.
ERROR_OFFERS = {"application/json": "json", "text/html": "html"}
TITLES = {
    400: "Cerere greșită / Bad request", 403: "Interzis / Forbidden", 404: "Nu există / Not found",
    405: "Metodă nepermisă / Method not allowed", 406: "Format indisponibil / Not acceptable",
    413: "Prea mare / Too large", 415: "Format necunoscut / Unsupported media type",
    422: "Valoare greșită / Invalid value", 500: "Eroare internă / Internal error",
    501: "Nu se poate / Not implemented", 503: "Ocupat / Unavailable",
}


def error_status(error: CityKGError) -> int:
    return next((ERROR_STATUS[kind] for kind in type(error).__mro__ if kind in ERROR_STATUS), 400)


def wants_html(request: Request) -> bool:
    return negotiate(request.headers.get("accept"), ERROR_OFFERS) == "html"


def error_response(request: Request, status: int, message: str, *, headers: dict | None = None,
                   details: dict | None = None) -> Response:
    """The error as a page or as JSON, as the client prefers."""
    details = details or {}
    if wants_html(request):
        body = templates.get_template("error.html").render(
            status=status, title=TITLES.get(status, f"Eroare / Error {status}"), message=message,
            parameter=details.get("parameter"), candidates=[
                {**c, "href": _with(request, details["parameter"], c["id"])} for c in details.get("candidates", ())])
        return HTMLResponse(body, status_code=status, headers={**(headers or {}), "Vary": "Accept"})
    return JSONResponse({"error": message, "status": status, **details}, status_code=status,
                        headers={**(headers or {}), "Vary": "Accept"})


def _with(request: Request, parameter: str, value: str) -> str:
    """The same request with one parameter set to ``value``: a candidate's link."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != parameter] + [(parameter, value)]
    return f"{request.url.path}?{urlencode(params)}"


def parameter_details(error: InvalidParameterError) -> dict:
    return {"parameter": error.parameter, "value": str(error.value), "candidates": error.candidates}


def install(app: FastAPI) -> None:
    """Map every error of the app to its answer."""

    @app.exception_handler(CityKGError)
    async def domain_error(request: Request, error: CityKGError) -> Response:
        details = parameter_details(error) if isinstance(error, InvalidParameterError) else None
        return error_response(request, error_status(error), str(error), details=details)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return error_response(request, error.status_code, str(error.detail), headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        problems = error.errors()
        message = "; ".join(f"parameter {'.'.join(map(str, p['loc'][1:])) or p['loc'][0]!r}: {p['msg']}"
                            for p in problems)
        first = problems[0] if problems else {}
        details = {"parameter": ".".join(map(str, first.get("loc", ())[1:])), "detail": [
            {k: v for k, v in p.items() if k in ("loc", "msg", "type")} for p in problems]}
        return error_response(request, 422, message, details=details)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        # the server's fault: said plainly to the client, the traceback kept for the log
        traceback.print_exception(error, file=sys.stderr)
        return error_response(request, 500, f"the server failed on this request ({type(error).__name__}); "
                                            "the log has the details")
