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
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from citykg.config import get_settings
from citykg.errors import CityKGError, ValidationError
from citykg.namespaces import sparql_prologue
from citykg.queries import load_queries, run_named_query
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
            console.print(f"[red]error:[/red] {escape(str(error))}", markup=True, highlight=False)
            for candidate in getattr(error, "candidates", ()):  # what an unknown or ambiguous name may have meant
                console.print(f"  {candidate['id']}  {candidate['name']} ({candidate['type']})", markup=False, highlight=False)
            raise typer.Exit(error.exit_code)

    return wrapper


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console)


@app.command()
@handle_errors
def build(
    sources: Annotated[Optional[Path], typer.Option(help="Folder of source documents.")] = None,
    knowledge: Annotated[Optional[Path], typer.Option(help="Folder of the reviewed knowledge base (an empty one: extraction alone).")] = None,
) -> None:
    """Build the graph from the ontology, the knowledge base and the documents, then swap it in."""
    from citykg.build import build as run_build

    settings = get_settings()
    with _progress() as progress:
        task = progress.add_task("starting", total=None)
        # Without a terminal (logs, CI, supervisors) each step gets a line of its own, as it starts.
        step = (lambda s: progress.update(task, description=s)) if console.is_terminal else (lambda s: console.print(f"step: {s}", highlight=False))
        report = run_build(settings, sources, step, knowledge)
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
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild the whole graph instead of adding these documents' graphs to it.")] = False,
) -> None:
    """Add documents to the graph (or take them out); the review report says what to check.

    Documents are kept in CITYKG_INBOX; ingesting a file again replaces its facts, and a
    document that cannot be read is reported while the others go in. Added documents replace
    only their own graphs in the served graph (seconds, whatever its size); taking documents
    out, or --rebuild, rebuilds it whole.
    """
    from citykg.build import add_documents
    from citykg.build import build as run_build
    from ingest.inbox import add_to_inbox, remove_from_inbox
    from ingest.sources import SUPPORTED_SUFFIXES

    settings = get_settings()
    changed = remove_from_inbox(settings.inbox, paths) if remove else add_to_inbox(settings.inbox, paths)
    for line in changed:
        out.print(line, markup=False, highlight=False)
    given = [f for p in paths for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    added = [settings.inbox / f.name for f in given if f.suffix.lower() in SUPPORTED_SUFFIXES
             and (settings.inbox / f.name).is_file() and not (settings.inbox / f.name).is_symlink()]
    incremental = not (remove or rebuild) and open_store(settings).build_key() is not None
    with _progress() as progress:
        task = progress.add_task("starting", total=None)
        step = lambda s: progress.update(task, description=s)  # noqa: E731
        report = add_documents(settings, added, step) if incremental else run_build(settings, None, step)
    for line in report.documents:
        out.print(line, markup=False, highlight=False)
    what = "added to the served graph" if incremental else "triples"
    out.print(f"build {report.build_id}: {report.triples} {what} in {report.seconds:.1f} s; review report: {report.review}")


@app.command()
@handle_errors
def validate(
    sources: Annotated[Optional[Path], typer.Option(help="Folder of source documents.")] = None,
) -> None:
    """Assemble the graph and check it against the SHACL shapes, without writing the store."""
    from citykg.build import assemble

    settings = get_settings()
    assembly = assemble(sources or settings.sources, knowledge_dir=settings.knowledge, inbox=settings.inbox)
    for line in (r.summary() for r in assembly.documents):
        out.print(line, markup=False, highlight=False)
    graphs = assembly.graphs
    out.print(f"conforms: {sum(len(g) for g in graphs.values())} triples in {len(graphs)} graphs")


IncludeProposed = Annotated[bool, typer.Option(
    "--include-proposed", help="Include facts extraction proposed and nobody has reviewed yet (marked as proposed).")]


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
    include_proposed: IncludeProposed = False,
) -> None:
    """Run a SPARQL query: by name (see `citykg queries`), from a file, or inline. A named query
    answers from reviewed facts unless --include-proposed; SPARQL text sees every graph, as on /sparql."""
    from citykg.layers import left_out_note, named_query

    store = open_store()
    params = _parse_params(param)
    if query in load_queries():
        from citykg.entity_search import EntityResolver

        resolver = EntityResolver(store)
        result, left_out = named_query(store, query, params, include_proposed, resolver.iri)
        for name, entity in resolver.resolved.items():
            console.print(f"{name}: {entity['given']} -> {entity['id']}" + (f" ({entity['name']})" if "name" in entity else ""),
                          markup=False, highlight=False)
        if not include_proposed:
            console.print(left_out_note(left_out), markup=False, highlight=False)
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


def _cite(steps) -> str:
    """The sources of a reason's steps, by file: ``000_x.txt:7,9; 001_y.txt:10``."""
    lines: dict[str, list[str]] = {}
    for step in steps:
        for source in step.sources:
            span = str(source).rsplit(":", 1)[1]
            lines.setdefault(source.file or source.document, [])
            if span not in lines[source.file or source.document]:
                lines[source.file or source.document].append(span)
    return "; ".join(
        f"{name}:{','.join(sorted(spans, key=lambda span: int(span.split('-')[0])))}" for name, spans in lines.items()
    ) or "knowledge base"


@app.command()
@handle_errors
def partners(
    text: Annotated[Optional[str], typer.Argument(help="Words of a name, alias or acronym.")] = None,
    type: Annotated[Optional[str], typer.Option("--type", help="University, CityHall, City ... (a class of the ontology).")] = None,
    country: Annotated[Optional[str], typer.Option(help="Country: id, name or ISO code (RO).")] = None,
    city: Annotated[Optional[str], typer.Option(help="City the partner is in: id or name.")] = None,
    programme: Annotated[Optional[str], typer.Option(help="Programme funding its projects.")] = None,
    project: Annotated[Optional[str], typer.Option(help="A project it takes part in.")] = None,
    call: Annotated[Optional[str], typer.Option(help="Call its projects were funded under.")] = None,
    role: Annotated[Optional[str], typer.Option(help="coordinator, lead-partner or partner.")] = None,
    active_from: Annotated[Optional[str], typer.Option("--from", help="Projects active from (YYYY[-MM[-DD]]).")] = None,
    active_to: Annotated[Optional[str], typer.Option("--to", help="Projects active until (YYYY[-MM[-DD]]).")] = None,
    near: Annotated[Optional[str], typer.Option(help="Rank by closeness to this organisation or city.")] = None,
    copartner_type: Annotated[Optional[str], typer.Option(help="Only projects with another participant of this type (CityHall ...).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or xlsx (one row per organisation, project and reason).")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (needed for xlsx); stdout if omitted.")] = None,
    include_proposed: IncludeProposed = False,
) -> None:
    """Who could be our partner: organisations and cities of past projects, with the reasons
    (from reviewed facts unless --include-proposed)."""
    import json

    from citykg.layers import left_out_note, proposed_left_out
    from citykg.partner_search import partner_search

    if fmt not in ("table", "json", "csv", "xlsx"):
        raise typer.BadParameter(f"unknown format {fmt!r}; table, json, csv or xlsx")
    if fmt == "xlsx" and output is None:
        raise typer.BadParameter("xlsx is written to a file: give --output FILE.xlsx")
    store = open_store()
    results = partner_search(
        store.layer(include_proposed), text=text, type=type, country=country, city=city, programme=programme,
        project=project, call=call, role=role, active_from=active_from, active_to=active_to,
        near=near, copartner_type=copartner_type, limit=limit,
    )
    if not include_proposed:
        console.print(left_out_note(proposed_left_out(store, [r.entity.id for r in results])), markup=False, highlight=False)
    if fmt in ("csv", "xlsx"):
        from citykg.partner_table import partner_table

        table_bytes = partner_table(results, fmt)
        if output:
            output.write_bytes(table_bytes)
        else:
            sys.stdout.buffer.write(table_bytes)
        return
    if fmt == "json":
        sys.stdout.write(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1) + "\n")
        return
    table = Table("#", "partner", "type", "place", "projects (role, allocation)", "why", show_lines=True)
    for rank, result in enumerate(results, 1):
        place = ", ".join(ref.name for ref in (result.city, result.country) if ref)
        projects = "\n".join(
            f"{p.project.name} ({p.role}{', ' + str(p.allocation) if p.allocation else ''})"
            for p in result.projects if p.matched
        )
        why = "\n".join(f"{reason.text} [{_cite(reason.steps)}]" for reason in result.reasons)
        table.add_row(str(rank), f"{result.entity.name}\n{result.entity.id}", result.type, place, projects, why)
    out.print(table, markup=False, highlight=False)
    console.print(f"{len(results)} partners")


@app.command()
@handle_errors
def review(
    document: Annotated[Optional[str], typer.Argument(help="A document key (file name without suffix); none lists them.")] = None,
    accept: Annotated[Optional[str], typer.Option(help="Accept this fact id or entity id.")] = None,
    reject: Annotated[Optional[str], typer.Option(help="Reject this fact id or entity id for this document.")] = None,
    merge: Annotated[Optional[str], typer.Option(help="Merge this new entity id (with --into).")] = None,
    into: Annotated[Optional[str], typer.Option(help="The existing entity a merged name is.")] = None,
    accept_all: Annotated[bool, typer.Option("--accept-all", help="Accept everything of the document not decided yet.")] = False,
    type: Annotated[Optional[str], typer.Option("--type", help="With --accept of an entity: its type.")] = None,
    value: Annotated[Optional[str], typer.Option(help="With --accept of a fact: the corrected value.")] = None,
    role: Annotated[Optional[str], typer.Option(help="With --accept of a participation: the corrected role.")] = None,
    object: Annotated[Optional[str], typer.Option("--object", help="With --accept of a relation: the corrected object.")] = None,
) -> None:
    """Review what extraction proposes: list documents, show one's proposals in their lines, or
    decide one (written to the knowledge folder and its decisions log; rebuild to see it)."""
    from citykg.build import load_ontology
    from ingest.decisions import Decision, decide, decided
    from ingest.proposals import document_proposals, review_queue

    settings = get_settings()
    store = open_store(settings)
    folders = [settings.sources, settings.inbox]
    if document is None:
        table = Table("document", "new names", "proposed facts")
        for entry in review_queue(store, folders):
            table.add_row(entry.key, str(entry.entities), str(entry.facts))
        out.print(table)
        return
    proposals = document_proposals(store, document, folders)
    chosen = [(a, t) for a, t in (("accept", accept), ("reject", reject), ("merge", merge)) if t]
    if accept_all:
        chosen.append(("accept-all", ""))
    if len(chosen) > 1:
        raise typer.BadParameter("one decision at a time: --accept, --reject, --merge or --accept-all")
    if chosen:
        action, target = chosen[0]
        outcome = decide(settings.knowledge, settings.sources, load_ontology(), proposals, Decision(
            document, action, target, into=into, type=type, value=value, role=role, object=object))
        out.print(outcome.message, markup=False, highlight=False)
        return
    done = decided(settings.knowledge, document)

    def line(first: int, last: int) -> str:
        return " ".join(" ".join(proposals.lines[first - 1 : last]).split())

    for e in proposals.entities:
        maybe = ", ".join(f"{c.name} ({c.id})" for c in e.candidates) or "nothing similar"
        out.print(f"[b]{e.id}[/b] new {e.type} “{e.name}” lines {e.lines[0]}-{e.lines[1]}, rule {e.rule}"
                  f"{' — ' + done[e.id] if e.id in done else ''}\n  did you mean: {maybe}\n  {line(*e.lines)}", highlight=False)
    for f in proposals.facts:
        confidence = f", confidence {f.confidence:.2f}" if f.confidence is not None else ""
        out.print(f"[b]{f.id}[/b] {f.describe()} lines {f.lines[0]}-{f.lines[1]}, rule {f.rule}{confidence}"
                  f"{' — ' + done[f.id] if f.id in done else ''}\n  {line(*f.lines) if f.lines[0] else ''}", highlight=False)


@app.command("map")
@handle_errors
def map_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (.html, .png, .svg, .gexf, .graphml).")],
    project: Annotated[Optional[str], typer.Option(help="A project: its ties and where its participants are.")] = None,
    programme: Annotated[Optional[str], typer.Option(help="A programme: what it funds and their ties.")] = None,
    city: Annotated[Optional[str], typer.Option(help="A city or district: what is there and its projects.")] = None,
    country: Annotated[Optional[str], typer.Option(help="A country: what is there and its projects.")] = None,
    types: Annotated[Optional[str], typer.Option(help="Kinds or classes to keep, comma-separated (organisation,project).")] = None,
    around: Annotated[Optional[str], typer.Option(help="Every entity within --radius ties of this one.")] = None,
    radius: Annotated[int, typer.Option(help="With --around: 1 to 3 ties.")] = 2,
    lang: Annotated[str, typer.Option(help="Labels in ro or en.")] = "ro",
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="html, png, svg, gexf, graphml (default: from the file's suffix).")] = None,
    title: Annotated[Optional[str], typer.Option(help="Title of the map.")] = None,
    size: Annotated[str, typer.Option(help="Node size by degree or budget.")] = "degree",
    width: Annotated[int, typer.Option(help="Picture width in pixels.")] = 1920,
    height: Annotated[int, typer.Option(help="Picture height in pixels.")] = 1080,
    include_proposed: IncludeProposed = False,
) -> None:
    """Draw the network map (for slides: html works offline; png and svg at 1920x1080) or export it,
    from reviewed facts unless --include-proposed."""
    from citykg.layers import left_out_note, proposed_left_out
    from visualizations.maps import FORMATS, make_map

    fmt = fmt or (output.suffix.lstrip(".").lower() if output.suffix.lstrip(".").lower() in FORMATS else "html")
    store = open_store()
    result = make_map(
        store, fmt=fmt, project=project, programme=programme, city=city, country=country,
        types=[types] if types else None, around=around, radius=radius, lang=lang, title=title,
        size_by=size, width=width, height=height, include_proposed=include_proposed,
    )
    output.write_bytes(result.content)
    if not include_proposed:
        focus = [e for e in (project, programme, city, country, around) if e]
        console.print(left_out_note(proposed_left_out(store, focus or None)), markup=False, highlight=False)
    if result.message:
        console.print(result.message)
    console.print(f"{output}: {result.nodes} entities, {result.edges} ties ({fmt})")


@app.command()
@handle_errors
def serve(
    host: Annotated[Optional[str], typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port.")] = None,
) -> None:
    """Serve the graph over HTTP (SPARQL endpoint, pages) on 127.0.0.1 by default."""
    import uvicorn

    from graph_api.request_limits import HeadLimitedHttpTools

    settings = get_settings()
    uvicorn.run(
        "graph_api.app:create_app",
        factory=True,
        http=HeadLimitedHttpTools,  # stops reading an oversized request head (SECURITY.md)
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        # On SIGTERM, requests still running after this long are cancelled (their query workers
        # killed), so that the server stops within seconds (issue 23: it waited forever).
        timeout_graceful_shutdown=5,
    )


# --- import: open data sets (CORDIS, ROR) -------------------------------------------------------

import_app = typer.Typer(help="Import open data sets (CORDIS, ROR) into the graph, then rebuild.", no_args_is_help=True)
app.add_typer(import_app, name="import")


def _run_import(run, label: str, build: bool) -> None:
    """Run an importer with a progress bar, print its counts, then rebuild the graph."""
    from rich.progress import BarColumn, DownloadColumn

    from ingest.linking import Linker

    settings = get_settings()
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task(f"{label}: reading the knowledge base", total=None)
        linker = Linker.from_knowledge_base(settings.knowledge, settings.sources)
        report = run(settings.imports, linker,
                     lambda what, done, total: progress.update(task, description=f"{label}: {what}", completed=done, total=total))
    table = Table(title=f"{label}: {report.triples} quads written to {report.output}")
    table.add_column("count")
    table.add_column("", justify="right")
    for name, value in {**report.counts, **{f"links ({m})": n for m, n in report.links.items()}}.items():
        table.add_row(name, str(value))
    out.print(table)
    for bad in report.bad[:10]:
        console.print(f"[yellow]left out[/yellow] {bad.line()}", markup=True, highlight=False)
    if len(report.bad) > 10:
        console.print(f"... and {len(report.bad) - 10} more", highlight=False)
    out.print(f"report: {report.report}")
    if build:
        from citykg.build import build as run_build

        with _progress() as progress:
            task = progress.add_task("building", total=None)
            built = run_build(settings, None, lambda step: progress.update(task, description=step))
        out.print(f"build {built.build_id}: {built.triples} triples from the knowledge base and documents, plus the imports")


@import_app.command("cordis")
@handle_errors
def import_cordis_command(
    directory: Annotated[Path, typer.Argument(help="Folder of CORDIS CSV files (project, organization, topics, legalBasis; H2020 and Horizon Europe).")],
    build: Annotated[bool, typer.Option("--build/--no-build", help="Rebuild the graph after importing.")] = True,
) -> None:
    """Import CORDIS projects, participations, calls and programmes (CITYKG_IMPORTS/cordis.nq)."""
    from ingest.cordis import import_cordis

    _run_import(lambda imports, linker, progress: import_cordis(directory, imports, linker, progress), "CORDIS", build)


@import_app.command("ror")
@handle_errors
def import_ror_command(
    file: Annotated[Path, typer.Argument(help="ROR records: JSON Lines, the dump's JSON array, or its zip.")],
    build: Annotated[bool, typer.Option("--build/--no-build", help="Rebuild the graph after importing.")] = True,
) -> None:
    """Import ROR organisation records (CITYKG_IMPORTS/ror.nq)."""
    from ingest.ror import import_ror

    _run_import(lambda imports, linker, progress: import_ror(file, imports, linker, progress), "ROR", build)


if __name__ == "__main__":  # pragma: no cover
    app()
