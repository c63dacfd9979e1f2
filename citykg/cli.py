"""The ``citykg`` command: a thin layer over the same functions the API calls.

Exit codes (as pySHACL's): 0 ok, 1 the graph does not conform, 2 any other error the user can
fix (bad input, missing store, unreachable server); each error is one clear message, no traceback.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated, Optional

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from citykg.config import get_settings
from citykg.errors import CityKGError, ValidationError
from citykg.namespaces import sparql_prologue
from citykg.queries import get_query, load_queries
from citykg.results import serialize_result, term_text
from citykg.store import open_store

app = typer.Typer(help="citykg: the Cities-Mission knowledge graph, seen from Romania.", no_args_is_help=True)
console = Console(stderr=True)
out = Console()


def handle_errors(command):
    """Turn the project's errors into a message and an exit code, once for every command."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ValidationError as error:
            console.print(f"[red]error:[/red] {error}")
            console.print(error.report, markup=False, highlight=False)
            raise typer.Exit(error.exit_code)
        except CityKGError as error:
            console.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
            raise typer.Exit(error.exit_code)

    return wrapper


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console)


@app.command()
@handle_errors
def build(
    sources: Annotated[Optional[Path], typer.Option(help="Folder of source documents.")] = None,
) -> None:
    """Build the graph from the ontology, the knowledge base and the documents, then swap it in."""
    from citykg.build import build as run_build

    settings = get_settings()
    with _progress() as progress:
        task = progress.add_task("starting", total=None)
        report = run_build(settings, sources, lambda step: progress.update(task, description=step))
    for line in report.documents:
        out.print(line, markup=False, highlight=False)
    table = Table(title=f"build {report.build_id}: {report.triples} triples in {report.graphs} graphs, {report.seconds:.1f} s")
    table.add_column("class")
    table.add_column("entities", justify="right")
    for name, count in report.class_counts.items():
        table.add_row(name, str(count))
    out.print(table)
    if report.review:
        out.print(f"review report: {report.review}")


@app.command()
@handle_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Documents (txt, md, html, pdf) or folders of them.")],
    remove: Annotated[bool, typer.Option("--remove", help="Take these documents (by file name) out of the graph.")] = False,
) -> None:
    """Add documents to the graph (or take them out) and rebuild; the review report says what to check.

    Documents are kept in CITYKG_INBOX; ingesting a file again replaces its facts, and a
    document that cannot be read is reported while the others go in.
    """
    from citykg.build import build as run_build
    from ingest.inbox import add_to_inbox, remove_from_inbox

    settings = get_settings()
    changed = remove_from_inbox(settings.inbox, paths) if remove else add_to_inbox(settings.inbox, paths)
    for line in changed:
        out.print(line, markup=False, highlight=False)
    with _progress() as progress:
        task = progress.add_task("starting", total=None)
        report = run_build(settings, None, lambda step: progress.update(task, description=step))
    for line in report.documents:
        out.print(line, markup=False, highlight=False)
    out.print(f"build {report.build_id}: {report.triples} triples; review report: {report.review}")


@app.command()
@handle_errors
def validate(
    sources: Annotated[Optional[Path], typer.Option(help="Folder of source documents.")] = None,
) -> None:
    """Assemble the graph and check it against the SHACL shapes, without writing the store."""
    from citykg.build import assemble

    settings = get_settings()
    assembly = assemble(sources or settings.sources, inbox=settings.inbox)
    for line in (r.summary() for r in assembly.documents):
        out.print(line, markup=False, highlight=False)
    graphs = assembly.graphs
    out.print(f"conforms: {sum(len(g) for g in graphs.values())} triples in {len(graphs)} graphs")


def _parse_params(params: list[str]) -> dict[str, str]:
    parsed = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"--param {item!r} must be NAME=VALUE")
        parsed[name] = value
    return parsed


@app.command()
@handle_errors
def query(
    query: Annotated[str, typer.Argument(help="A named query, a .rq file, or SPARQL text.")],
    param: Annotated[list[str], typer.Option("--param", "-p", help="NAME=VALUE for a named query.")] = [],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv, json, xml; ttl, nt, jsonld for graphs.")] = "table",
) -> None:
    """Run a SPARQL query: by name (see `citykg queries`), from a file, or inline."""
    store = open_store()
    params = _parse_params(param)
    if query in load_queries():
        named = get_query(query)
        result = store.query(named.text, bindings=named.bindings(params))
    else:
        path = Path(query)
        text = path.read_text(encoding="utf-8") if query.endswith(".rq") and path.is_file() else query
        if params:
            raise typer.BadParameter("--param works with named queries only")
        if "PREFIX" not in text.upper():
            text = sparql_prologue() + text
        result = store.query(text)
    if fmt != "table":
        sys.stdout.buffer.write(serialize_result(result, fmt))
        return
    if isinstance(result, ox.QueryBoolean):
        out.print(str(bool(result)).lower())
    elif isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        table = Table(*names)
        for row in result:
            table.add_row(*(term_text(row[n]) for n in names))
        out.print(table)
    else:
        sys.stdout.buffer.write(serialize_result(result, "ttl"))


@app.command()
@handle_errors
def queries() -> None:
    """List the named queries with their parameters."""
    table = Table("name", "title", "parameters")
    for named in load_queries().values():
        params = ", ".join(f"{p.name}:{p.type}={p.default}" for p in named.params)
        table.add_row(named.name, named.title["en"], params)
    out.print(table)


EXPORT_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}


@app.command()
@handle_errors
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, nt (all graphs merged), nq, trig, jsonld (graphs kept).")] = "nq",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write; stdout if omitted.")] = None,
) -> None:
    """Export the whole graph."""
    from citykg.export import export_graph

    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    data = export_graph(open_store(), EXPORT_FORMATS[fmt])
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@app.command()
@handle_errors
def stats() -> None:
    """What the store holds: backend, graphs with their sizes, entities per class."""
    from citykg.build import class_counts
    from citykg.queries import run_named_query

    store = open_store()
    out.print(store.describe())
    table = Table("graph", "triples")
    for row in run_named_query(store, "graph_sizes"):
        table.add_row(row["graph"].value, row["triples"].value)
    out.print(table)
    classes = Table("class", "entities")
    for name, count in class_counts(store).items():
        classes.add_row(name, str(count))
    out.print(classes)


@app.command()
@handle_errors
def serve(
    host: Annotated[Optional[str], typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port.")] = None,
) -> None:
    """Serve the graph over HTTP (SPARQL endpoint, pages) on 127.0.0.1 by default."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "graph_api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
    )


if __name__ == "__main__":  # pragma: no cover
    app()
