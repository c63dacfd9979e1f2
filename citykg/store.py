"""The one way every part of citykg reaches the graph.

Two backends behind one small interface:

* ``EmbeddedStore``: pyoxigraph on disk. A build writes a new directory under ``builds/`` and
  then swaps the ``current`` symlink atomically, so readers never see a half-written graph and a
  failed build leaves the previous one serving. Readers notice the swap and reopen.
* ``RemoteStore``: any SPARQL 1.1 server (queries by the Protocol, writes by the Graph Store
  Protocol or SPARQL Update), for data that outgrows one machine. The server must answer queries
  over the union of its named graphs by default (``oxigraph serve --union-default-graph``,
  Virtuoso does so out of the box).

Queries run with the union of all named graphs as default graph: facts live in the graph of the
document that states them, and a question about them should not have to name that graph.
``store.reviewed()`` is the same store seen without the graphs of proposed facts
(``graph/proposed/...``): what answers give unless asked to include them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from pathlib import Path

import httpx
import pyoxigraph as ox

from citykg.config import Settings, get_settings
from citykg.errors import QueryError, QueryTimeoutError, ReadOnlyStoreError, StoreError
from citykg.sparql_errors import explain_syntax_error
from citykg.sparql_text import names_its_dataset, query_form

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Bindings = Mapping[str, Term]
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list


class GraphStore(ABC):
    """What the rest of the code may ask of a store."""

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        bindings: Bindings | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; ``bindings`` are values for variables, never spliced as text.

        ``base_iri`` resolves relative IRIs of the query (the SPARQL endpoint passes its own URL).
        """

    def check(self) -> None:
        """Read one quad: StoreError when the store cannot be read at all (``/health`` asks)."""
        self.query("ASK { GRAPH ?g { ?s ?p ?o } }")

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update. Stores that are only ever replaced whole refuse."""
        raise ReadOnlyStoreError(f"{self.describe()} does not take SPARQL Update")

    @abstractmethod
    def publish(self, nquads_files: Iterable[Path]) -> str:
        """Replace the whole graph with the quads of these files; return a build id."""

    @abstractmethod
    def replace_graphs(self, graphs: Iterable[str], nquads_files: Iterable[Path]) -> str:
        """Replace some named graphs (a document's) with the quads of these files, which name
        no other graph, leaving every other graph as it is; return a build id."""

    @abstractmethod
    def describe(self) -> str:
        """A line for logs and ``citykg stats``: which backend, where."""

    def select(self, sparql: str, *, bindings: Bindings | None = None) -> list[dict[str, Term]]:
        """A SELECT query's rows as dicts of variable name -> term (unbound variables left out)."""
        result = self.query(sparql, bindings=bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        try:
            return [{name: row[name] for name in names if row[name] is not None} for row in result]
        except RuntimeError as error:  # rows are read as they are iterated
            raise unreadable(error) from error

    def ask(self, sparql: str, *, bindings: Bindings | None = None) -> bool:
        result = self.query(sparql, bindings=bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs the store holds."""
        return [row["g"].value for row in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")]

    def build_key(self) -> object | None:
        """What changes when the store's content does (None: unknown, ask every time)."""
        return None

    def reviewed(self) -> "ReviewedLayer":
        """This store without the proposed facts; one object per store, so caches kept per
        store (partner-search indexes) are kept for the reviewed layer too."""
        layer = self.__dict__.get("_reviewed_layer")
        if layer is None:
            layer = self.__dict__["_reviewed_layer"] = ReviewedLayer(self)
        return layer

    def layer(self, include_proposed: bool) -> "GraphStore":
        """The store to answer from: everything, or (the default of every answer) the reviewed layer."""
        return self if include_proposed else self.reviewed()


def _graph_nodes(iris: list[str] | None) -> list[ox.NamedNode] | None:
    return None if iris is None else [ox.NamedNode(i) for i in iris]


def _run_embedded(
    store: ox.Store,
    sparql: str,
    bindings: Bindings | None,
    default_graph: list[str] | None,
    named_graphs: list[str] | None,
    base_iri: str | None = None,
) -> QueryResult:
    options: dict = {"base_iri": base_iri}
    if default_graph is not None:
        options["default_graph"] = _graph_nodes(default_graph)
    elif not names_its_dataset(sparql):
        # The union as default graph, unless the query says FROM / FROM NAMED itself.
        options["use_default_graph_as_union"] = True
    if named_graphs is not None:
        options["named_graphs"] = _graph_nodes(named_graphs)
    try:
        if bindings:
            try:  # pyoxigraph's own binding lets it start from the bound value: much faster
                return store.query(
                    sparql, substitutions={ox.Variable(k): v for k, v in bindings.items()}, **options
                )
            except RuntimeError:  # it binds only variables the SELECT projects
                pass
        return store.query(bind_values(sparql, bindings or {}), **options)
    except SyntaxError as error:
        raise QueryError(explain_syntax_error(sparql, error)) from error
    except (ValueError, OSError) as error:
        raise QueryError(f"query failed: {error}") from error
    except RuntimeError as error:  # RocksDB: a corrupt or vanished file (issue 23: a plain-text 500)
        raise unreadable(error) from error


def unreadable(error: Exception) -> StoreError:
    return StoreError(f"the store cannot be read ({error}); rebuild it with `citykg build`")


class MemoryStore(GraphStore):
    """An in-memory pyoxigraph store: tests, and loading a dataset a request brings along.

    ``generation`` counts the changes made through ``publish`` and ``update``, so that copies of
    the store in other processes (the query workers) know when to reload; change it through those
    two methods rather than through ``store`` directly.
    """

    def __init__(self) -> None:
        self.store = ox.Store()
        self.generation = 0

    def query(self, sparql, *, bindings=None, default_graph=None, named_graphs=None, base_iri=None):
        return _run_embedded(self.store, sparql, bindings, default_graph, named_graphs, base_iri)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        try:
            self.store.update(sparql, base_iri=base_iri)
        except SyntaxError as error:
            raise QueryError(f"malformed SPARQL Update: {error}") from error
        except (ValueError, OSError) as error:
            raise QueryError(f"update failed: {error}") from error
        finally:
            self.generation += 1

    def named_graphs(self) -> list[str]:
        return [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]

    def build_key(self) -> object | None:
        return self.generation

    def publish(self, nquads_files: Iterable[Path]) -> str:
        self.store.clear()
        for path in nquads_files:
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        self.generation += 1
        return "memory"

    def replace_graphs(self, graphs: Iterable[str], nquads_files: Iterable[Path]) -> str:
        for graph in graphs:
            self.store.remove_graph(ox.NamedNode(graph))
        for path in nquads_files:
            self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        self.generation += 1
        return "memory"

    def describe(self) -> str:
        return "pyoxigraph in memory"


def _new_build_id() -> str:
    """A build's folder name: when, and unique among builds of any process."""
    return time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 10**9:09d}-{os.getpid()}"


class EmbeddedStore(GraphStore):
    """pyoxigraph on disk, with builds swapped in atomically through the ``current`` symlink."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._opened: tuple[str, ox.Store] | None = None  # the link's text, the store it names

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    def _link(self) -> str | None:
        """The text of the ``current`` link (a path under builds/), or None before the first build."""
        try:
            return os.readlink(self.current_link)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreError(f"cannot read {self.current_link}: {error}") from error

    def current_build(self) -> Path | None:
        """The directory of the build being served, or None before the first build."""
        link = self._link()
        return None if link is None else (self.root / link).resolve()

    def _store(self) -> ox.Store:
        """The served build's store, opened once per build. Asked before every query, so the
        link's text (one readlink, no path resolution) tells whether the build changed."""
        link = self._link()
        if link is None:
            raise StoreError(f"no graph has been built in {self.root} yet: run `citykg build` first")
        opened = self._opened
        if opened is not None and opened[0] == link:
            return opened[1]
        target = (self.root / link).resolve()
        with self._lock:
            if self._opened is None or self._opened[0] != link:
                try:
                    self._opened = (link, ox.Store.read_only(str(target)))
                except (OSError, RuntimeError) as error:  # RuntimeError: RocksDB found corruption
                    raise unreadable(error) from error
            return self._opened[1]

    def query(self, sparql, *, bindings=None, default_graph=None, named_graphs=None, base_iri=None):
        return _run_embedded(self._store(), sparql, bindings, default_graph, named_graphs, base_iri)

    def named_graphs(self) -> list[str]:
        return [g.value for g in self._store().named_graphs() if isinstance(g, ox.NamedNode)]

    def build_key(self) -> object | None:
        return self._link()

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        raise ReadOnlyStoreError(
            "the graph on disk is read-only: it is built from knowledge/ and the source documents "
            "by `citykg build` and swapped in whole, so a change made here would be lost at the "
            "next build; change the knowledge base and rebuild"
        )

    def publish(self, nquads_files: Iterable[Path]) -> str:
        build_id = _new_build_id()
        builds = self.root / "builds"
        target = builds / build_id
        try:
            builds.mkdir(parents=True, exist_ok=True)
            previous = self.current_build()
            store = ox.Store(str(target))
            for path in nquads_files:
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            # Bulk loading leaves a hundred unsorted files at CORDIS size; compacting them once
            # here makes every later lookup about 8x faster (0.16 ms -> 0.02 ms on disk).
            store.optimize()
            store.flush()
            del store
        except OSError as error:
            shutil.rmtree(target, ignore_errors=True)
            raise StoreError(f"cannot write a new store under {builds}: {error}") from error
        self._swap(target)
        self._prune(builds, keep={target, previous})
        return build_id

    def replace_graphs(self, graphs: Iterable[str], nquads_files: Iterable[Path]) -> str:
        """A new build that is the served one with some graphs replaced, swapped in like any.

        The copy is a RocksDB checkpoint (hard links to the served build's immutable files), so
        its cost grows with the graphs replaced rather than with the store.
        """
        previous = self.current_build()
        if previous is None:
            raise StoreError(f"no graph has been built in {self.root} yet: run `citykg build` first")
        build_id = _new_build_id()
        target = self.root / "builds" / build_id
        try:
            ox.Store.read_only(str(previous)).backup(str(target))
            store = ox.Store(str(target))
            for graph in graphs:
                store.remove_graph(ox.NamedNode(graph))
            for path in nquads_files:
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            store.flush()
            del store
        except OSError as error:
            shutil.rmtree(target, ignore_errors=True)
            raise StoreError(f"cannot write a new store under {target.parent}: {error}") from error
        self._swap(target)
        self._prune(target.parent, keep={target, previous})
        return build_id

    def _swap(self, target: Path) -> None:
        """Point ``current`` at ``target`` in one rename: readers see the old or the new graph."""
        link = self.root / f".current-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(target.relative_to(self.root))
        os.replace(link, self.current_link)

    def _prune(self, builds: Path, keep: set[Path | None]) -> None:
        """Remove every build but the one now served and the one served before (a reader may
        still hold it): builds left by killed runs go too, whatever their names, and so do the
        temporary links a killed swap left behind."""
        kept = {path.resolve() for path in keep if path is not None}
        for old in builds.iterdir():
            if old.is_dir() and old.resolve() not in kept:
                shutil.rmtree(old, ignore_errors=True)
        for link in self.root.glob(".current-*"):
            link.unlink(missing_ok=True)

    def describe(self) -> str:
        return f"pyoxigraph on disk at {self.current_build() or self.root}"


#: Where proposed facts live: one graph a document, ``graph/proposed/KEY``.
PROPOSED_GRAPHS = "https://w3id.org/citykg/graph/proposed/"


class ReviewedLayer(GraphStore):
    """A store seen without its proposed facts: the default graph is the union of the graphs not
    under ``graph/proposed/``, and ``GRAPH ?g`` sees only those. A query that names its own
    dataset (FROM, FROM NAMED, or graphs given by the caller) is left as it is. With no proposed
    graph in the store the union is used as it is, so nothing is slower then."""

    def __init__(self, base: GraphStore) -> None:
        self.base = base
        self._graphs: tuple[object, list[str], list[str]] | None = None
        self._lock = threading.Lock()

    def layers(self) -> tuple[list[str], list[str]]:
        """The reviewed graphs and the proposed graphs, read once per build."""
        key = self.base.build_key()
        known = self._graphs
        if known is None or key is None or known[0] != key:
            with self._lock:
                graphs = sorted(self.base.named_graphs())
                reviewed = [g for g in graphs if not g.startswith(PROPOSED_GRAPHS)]
                known = self._graphs = (key, reviewed, [g for g in graphs if g.startswith(PROPOSED_GRAPHS)])
        return known[1], known[2]

    def query(self, sparql, *, bindings=None, default_graph=None, named_graphs=None, base_iri=None):
        if default_graph is None and named_graphs is None and not names_its_dataset(sparql):
            reviewed, proposed = self.layers()
            if proposed:
                default_graph = named_graphs = reviewed
        return self.base.query(sparql, bindings=bindings, default_graph=default_graph,
                               named_graphs=named_graphs, base_iri=base_iri)

    def named_graphs(self) -> list[str]:
        return self.layers()[0]

    def build_key(self) -> object | None:
        return self.base.build_key()

    def reviewed(self) -> "ReviewedLayer":
        return self

    def publish(self, nquads_files: Iterable[Path]) -> str:
        raise ReadOnlyStoreError("the reviewed layer is a view: publish to the store itself")

    def replace_graphs(self, graphs: Iterable[str], nquads_files: Iterable[Path]) -> str:
        raise ReadOnlyStoreError("the reviewed layer is a view: publish to the store itself")

    def describe(self) -> str:
        return f"{self.base.describe()}, reviewed layer"


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_values(sparql: str, bindings: Bindings) -> str:
    """Bind variables with a VALUES block at the start of the WHERE clause.

    The terms are serialised as N-Triples terms by pyoxigraph, so a value can never change the
    query's structure: this is binding, not splicing user text. The embedded store prefers
    pyoxigraph's own ``substitutions`` (which let the engine start from the bound value) and
    falls back to this where they do not apply (variables the SELECT does not project); a
    remote server always gets this.
    """
    if not bindings:
        return sparql
    match = _WHERE.search(sparql)
    if match is None:
        raise QueryError("a query with parameters needs an explicit WHERE { ... } clause")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    values = f" VALUES ({names}) {{ ({terms}) }} "
    return sparql[: match.end()] + values + sparql[match.end() :]


class RemoteStore(GraphStore):
    """A SPARQL 1.1 server reached over HTTP.

    Queries and updates go as URL-encoded POSTs, the one form of the SPARQL Protocol every server
    takes (Virtuoso 7.2 leaves a direct ``application/sparql-query`` POST unanswered).
    """

    # Bytes of N-Triples held in memory while ``publish`` sorts quads into their graphs.
    SPLIT_BUFFER = 8 * 1024 * 1024
    # The slowest load rate (bytes/s) ``publish`` waits for: a server gets this long per byte
    # of a graph, beyond ``timeout``, to load it and answer.
    SLOWEST_LOAD = 100_000

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self.client = httpx.Client(timeout=timeout)

    def _post(self, url: str, **kwargs) -> httpx.Response:
        try:
            response = self.client.post(url, **kwargs)
        except httpx.TimeoutException as error:
            raise QueryTimeoutError(
                f"the SPARQL server at {url} did not answer within {self.client.timeout.read} s"
            ) from error
        except httpx.HTTPError as error:
            raise StoreError(f"the SPARQL server at {url} does not answer: {error}") from error
        if response.status_code >= 400:
            kind = QueryError if response.status_code < 500 else StoreError
            raise kind(f"{url} answered {response.status_code}: {response.text[:500]}")
        return response

    def query(self, sparql, *, bindings=None, default_graph=None, named_graphs=None, base_iri=None):
        text = bind_values(sparql, bindings or {})
        if base_iri:
            text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
        form: dict[str, str | list[str]] = {"query": text}
        if default_graph:
            form["default-graph-uri"] = default_graph
        if named_graphs:
            form["named-graph-uri"] = named_graphs
        # One media type a query form: offered both, Virtuoso answers a CONSTRUCT in JSON of its own.
        graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        response = self._post(self.query_url, data=form, headers={"Accept": accept})
        media = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if media == "application/sparql-results+json":
                content = response.content
                if b'"bnode"' in content:
                    content = self._relabel_blank_nodes(content)
                return ox.parse_query_results(content, ox.QueryResultsFormat.JSON)
            if media in ("application/n-triples", "text/plain"):
                return list(ox.parse(response.content, ox.RdfFormat.N_TRIPLES))
        except SyntaxError as error:
            raise StoreError(f"{self.query_url} answered malformed {media}: {error}") from error
        raise StoreError(f"{self.query_url} answered with unexpected media type {media!r}")

    @staticmethod
    def _relabel_blank_nodes(content: bytes) -> bytes:
        """Give the blank nodes of JSON results labels pyoxigraph accepts.

        Virtuoso labels them ``nodeID://b10006``, which is no blank node label; a label only
        has to be the same for the same node within one result, so they become ``b0``, ``b1``...
        """
        try:
            results = json.loads(content)
            labels: dict[str, str] = {}
            for row in results.get("results", {}).get("bindings", []):
                for term in row.values():
                    if term.get("type") == "bnode":
                        term["value"] = labels.setdefault(term["value"], f"b{len(labels)}")
        except (ValueError, AttributeError) as error:
            raise StoreError(f"the SPARQL server answered malformed JSON results: {error}") from error
        return json.dumps(results).encode()

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Forward a SPARQL Update to the server's update endpoint (``CITYKG_SPARQL_UPDATE_URL``)."""
        if not self.update_url:
            raise ReadOnlyStoreError(
                f"{self.describe()} has no update endpoint: set CITYKG_SPARQL_UPDATE_URL"
            )
        if base_iri:
            sparql = f"BASE {ox.NamedNode(base_iri)}\n{sparql}"
        self._post(self.update_url, data={"update": sparql})

    def publish(self, nquads_files: Iterable[Path]) -> str:
        """Replace each named graph of the files on the server by a Graph Store Protocol PUT.

        The files are read once and sorted into one N-Triples file per graph on disk, each then
        sent as a streamed body: memory stays flat however large the files (CORDIS: 2 GB). Graphs
        on the server that the files do not name are left as they are.
        """
        if not self.gsp_url:
            raise StoreError("writing to a remote store needs CITYKG_GSP_URL")
        with tempfile.TemporaryDirectory(prefix="citykg-publish-") as tmp:
            for graph, path in self.split_by_graph(nquads_files, Path(tmp), self.SPLIT_BUFFER).items():
                self._put_graph(graph, path)
        return f"remote-{time.strftime('%Y%m%dT%H%M%S')}"

    def replace_graphs(self, graphs: Iterable[str], nquads_files: Iterable[Path]) -> str:
        """A Graph Store PUT of each graph the files hold, a DELETE of each other one named."""
        build_id = self.publish(nquads_files)
        loaded = set()
        for path in nquads_files:
            loaded |= {q.graph_name.value for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
                       if isinstance(q.graph_name, ox.NamedNode)}
        for graph in set(graphs) - loaded:
            response = self.client.delete(self.gsp_url, params={"graph": graph}, timeout=self.timeout)
            if response.status_code >= 400 and response.status_code != 404:
                raise StoreError(f"{self.gsp_url} refused to delete graph {graph}: {response.status_code}")
        return build_id

    def _put_graph(self, graph: str, ntriples: Path) -> None:
        size = ntriples.stat().st_size
        timeout = httpx.Timeout(self.timeout, read=self.timeout + size / self.SLOWEST_LOAD)
        try:
            with ntriples.open("rb") as body:
                response = self.client.put(
                    self.gsp_url,
                    params={"graph": graph},
                    content=body,
                    headers={"Content-Type": "application/n-triples"},
                    timeout=timeout,
                )
        except httpx.HTTPError as error:
            raise StoreError(
                f"the server at {self.gsp_url} failed while loading graph {graph} ({size} bytes): {error!r}"
            ) from error
        if response.status_code >= 400:
            raise StoreError(
                f"{self.gsp_url} refused graph {graph}: {response.status_code} {response.text[:500]}"
            )

    @staticmethod
    def split_by_graph(nquads_files: Iterable[Path], directory: Path, buffer_bytes: int) -> dict[str, Path]:
        """Sort the quads of N-Quads files into one N-Triples file per named graph in ``directory``.

        Each file is parsed once, as a stream; about ``buffer_bytes`` characters of N-Triples wait
        in memory before they are appended to their graphs' files (appending, not one open file
        per graph, so a build with thousands of graphs does not run out of file handles). A graph
        named in several files gets all their triples. Blank node labels are kept, so a blank node
        is one node within its graph.
        """
        files: dict[str, Path] = {}
        pending: dict[str, list[str]] = {}
        held = 0

        def flush() -> None:
            try:
                for graph, lines in pending.items():
                    with files[graph].open("a", encoding="utf-8") as out:
                        out.writelines(lines)
            except OSError as error:
                raise StoreError(f"cannot write the graphs to publish into {directory}: {error}") from error
            pending.clear()

        for source in nquads_files:
            try:
                for quad in ox.parse(path=str(source), format=ox.RdfFormat.N_QUADS):
                    if not isinstance(quad.graph_name, ox.NamedNode):
                        raise StoreError(
                            f"{source} has a triple outside any named graph ({quad}): a remote "
                            "store is written graph by graph, so every quad needs a graph IRI"
                        )
                    graph = quad.graph_name.value
                    if graph not in files:
                        files[graph] = directory / f"{len(files)}.nt"
                    line = f"{quad.triple} .\n"
                    pending.setdefault(graph, []).append(line)
                    held += len(line)
                    if held >= buffer_bytes:
                        flush()
                        held = 0
            except SyntaxError as error:
                raise StoreError(f"{source} is not valid N-Quads: {error}") from error
            except OSError as error:
                raise StoreError(f"cannot read {source}: {error}") from error
        flush()
        return files

    def describe(self) -> str:
        return f"SPARQL server at {self.query_url}"


def open_store(settings: Settings | None = None) -> GraphStore:
    """The store the settings name: remote when ``CITYKG_SPARQL_URL`` is set, else on disk."""
    settings = settings or get_settings()
    if settings.sparql_url:
        return RemoteStore(
            settings.sparql_url,
            update_url=settings.update_url,
            gsp_url=settings.gsp_url,
            timeout=max(settings.query_timeout * 3, 30.0),
        )
    return EmbeddedStore(settings.store)
