"""The query page at ``/``: a SPARQL editor served by the app itself, so it works offline.

The editor is YASGUI (npm package ``@zazuko/yasgui``, copied to ``graph_api/static/vendor/`` by
``make``, not committed); where it is not installed the page falls back to a plain editor of its
own (a text area, a results table). Either way the analysts' named queries are the examples,
grouped (the service's internal ones are not shown), with their parameters' defaults as a VALUES
block and a form for their parameters (``/queries/NAME?format=html``); the project's prefixes are
filled in; an IRI of the graph in the results opens its entity page here; results download as
CSV or JSON from ``/sparql?format=``. Every asset is local: no request leaves the machine.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt

from citykg import __version__
from citykg.config import PROJECT_ROOT
from citykg.errors import QueryError
from citykg.namespaces import BASE, sparql_prologue
from citykg.queries import GROUPS, NamedQuery, load_queries
from citykg.store import bind_values

HERE = Path(__file__).resolve().parent
MODEL_DOC = PROJECT_ROOT / "docs" / "model.md"
STATIC_DIR = HERE / "static"
YASGUI_FILES = ("vendor/yasgui.min.js", "vendor/yasgui.min.css")
DEFAULT_QUERY = """SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities)
WHERE {
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), STR(ckg:)))
}
GROUP BY ?class
ORDER BY DESC(?entities)
"""

_templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape())


def yasgui_installed() -> bool:
    return all((STATIC_DIR / name).is_file() for name in YASGUI_FILES)


def example(named: NamedQuery) -> dict:
    """A named query as an editor example: its text with the defaults bound in a VALUES block."""
    try:
        text = bind_values(named.text, named.bindings({}))
    except QueryError:
        text = named.text
    return {"name": named.name, "title": named.title, "description": named.description, "query": text,
            "params": [p.name for p in named.params]}


def render_page() -> str:
    """The editor and the analysts' named queries by group (the service's own are left out)."""
    queries = [named for named in load_queries().values() if not named.internal]
    examples = [example(named) for named in queries]
    grouped = [(GROUPS[group], [e for e, named in zip(examples, queries) if named.group == group])
               for group in GROUPS if group != "internal"]
    config = {
        "endpoint": "/sparql",
        "base": BASE,
        "defaultQuery": sparql_prologue() + "\n" + DEFAULT_QUERY,
        "examples": examples,
    }
    # "</" would end the <script> element that carries the JSON.
    config_json = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return _templates.get_template("query_page.html").render(
        version=__version__, yasgui=yasgui_installed(), config_json=config_json,
        groups=[(title, items) for title, items in grouped if items],
    )


def render_model_page() -> str:
    """docs/model.md as a page: the patterns an analyst copies into the editor."""
    body = MarkdownIt("commonmark").enable("table").render(MODEL_DOC.read_text(encoding="utf-8"))
    return _templates.get_template("model.html").render(version=__version__, body=body)


def router() -> APIRouter:
    api = APIRouter(tags=["Query page"])

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def query_page() -> HTMLResponse:
        """The SPARQL editor, with the named queries as examples."""
        return HTMLResponse(render_page())

    @api.get("/model", response_class=HTMLResponse, include_in_schema=False)
    def model_page() -> HTMLResponse:
        """How the graph is shaped and the query pattern for each kind of question."""
        return HTMLResponse(render_model_page())

    return api


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)
