"""The W3C SPARQL 1.1 Protocol tests, replayed against the app.

Each test of ``../shared/w3c/sparql11-protocol/manifest.ttl`` (read with rdflib) loads its
``ut:graphData`` into an in-memory store as named graphs, sends its requests in order (the
manifest's ``/sparql/`` replaced by the app's ``/sparql``) and checks each response's status class
and, where the manifest says so, its format and boolean. Updates are enabled by a token that every
request carries, so the update tests run and the ``bad_update_*`` tests fail for their own reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

from citykg.config import PROJECT_ROOT, Settings
from citykg.store import MemoryStore
from graph_api.app import create_app
from graph_api.media_types import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES

SUITE = PROJECT_ROOT.parent / "shared" / "w3c" / "sparql11-protocol"
TOKEN = "w3c-protocol-token"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[int]  # acceptable status classes: 2 for 2xx...
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    graph_data: tuple[tuple[Path, str], ...]
    requests: tuple[HttpRequest, ...]


def _items(graph: Graph, head) -> list:
    return list(Collection(graph, head)) if head is not None else []


def read_manifest(path: Path = SUITE / "manifest.ttl") -> list[ProtocolTest]:
    graph = Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        data = tuple(
            (Path(str(graph.value(d, UT.graph)).removeprefix("file://")), str(graph.value(d, RDFS.label)))
            for d in graph.objects(entry, UT.graphData)
        )
        action = graph.value(entry, MF.action)
        requests = []
        for request in _items(graph, graph.value(action, HT.requests)):
            headers = {
                str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
                for h in _items(graph, graph.value(request, HT.headers))
            }
            body = graph.value(request, HT.body)
            content = None
            if body is not None:
                encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
                content = str(graph.value(body, CNT.chars)).encode(encoding)
            response = graph.value(request, HT.resp)
            statuses = frozenset(
                int(str(s).removeprefix(str(HTS)).removeprefix("StatusCode")[0])
                for s in graph.objects(response, MF.expectedStatus)
            )
            boolean = graph.value(response, MF.expectedBoolean)
            fmt = graph.value(response, MF.expectedFormat)
            requests.append(
                HttpRequest(
                    method=str(graph.value(request, HT.methodName)),
                    path=str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                    headers=headers,
                    body=content,
                    statuses=statuses,
                    expected_format=str(fmt) if fmt is not None else None,
                    expected_boolean=boolean.toPython() if boolean is not None else None,
                )
            )
        name = str(entry).rsplit("#", 1)[-1]
        tests.append(ProtocolTest(name, str(graph.value(entry, MF.name)), data, tuple(requests)))
    return tests


TESTS = read_manifest()


def load_dataset(store: MemoryStore, graph_data, tmp_path: Path) -> None:
    """Replace the store's content by each file of ``graph_data`` in its named graph."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri))
        for path, iri in graph_data
        for t in ox.parse(path=str(SUITE / path.name), format=ox.RdfFormat.N_TRIPLES)
    ]
    dataset = tmp_path / "dataset.nq"
    dataset.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    store.publish([dataset])


@pytest.fixture(scope="module")
def protocol_app():
    store = MemoryStore()
    app = create_app(Settings(update_token=TOKEN, query_timeout=10), store)
    with TestClient(app) as client:
        yield store, client


def check_format(response, request: HttpRequest) -> None:
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if request.expected_format in ("boolean", "tabular"):
        assert media in RESULT_MEDIA_TYPES, f"{media} is not a SPARQL results format"
        fmt = ox.QueryResultsFormat.from_media_type(media)
        parsed = ox.parse_query_results(response.content, fmt)
        if request.expected_format == "boolean":
            assert isinstance(parsed, ox.QueryBoolean), "expected a boolean result"
            if request.expected_boolean is not None:
                assert bool(parsed) is request.expected_boolean
        else:
            assert isinstance(parsed, ox.QuerySolutions), "expected a table of results"
            list(parsed)
    elif request.expected_format == "RDF":
        assert media in GRAPH_MEDIA_TYPES, f"{media} is not an RDF syntax"
        list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media)))


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(test: ProtocolTest, protocol_app, tmp_path):
    store, client = protocol_app
    load_dataset(store, test.graph_data, tmp_path)
    for number, request in enumerate(test.requests, 1):
        headers = {"authorization": f"Bearer {TOKEN}", **request.headers}
        response = client.request(request.method, request.path, headers=headers, content=request.body)
        where = f"{test.name} request {number}: {request.method} {request.path}"
        assert response.status_code // 100 in request.statuses, (
            f"{where} answered {response.status_code} {response.text[:300]}"
        )
        if response.status_code >= 400:
            assert json.loads(response.content)["error"], f"{where}: a 4xx says what is wrong"
        check_format(response, request)


def test_manifest_is_read_whole():
    """All 34 entries of the manifest are replayed, none skipped."""
    assert len(TESTS) == 34
    assert sum(len(t.requests) for t in TESTS) == 39
