"""Real clients against the real server: uvicorn on a loopback port, queried by SPARQLWrapper
(JSON, XML, CSV, TSV; GET and POST) and by rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from tests.helpers import citykg_server

EX = "http://example.org/"
NAMES = f"SELECT ?city ?name WHERE {{ ?city <{EX}name> ?name FILTER(LANG(?name) = 'en') }} ORDER BY ?city LIMIT 3"


@pytest.fixture(scope="module")
def server(sample_store_root) -> str:
    with citykg_server({"CITYKG_STORE": str(sample_store_root), "CITYKG_QUERY_TIMEOUT": "10"}) as base:
        yield base + "/sparql"


def wrapper(endpoint: str, method: str, fmt: str, query: str = NAMES) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setMethod(method)
    client.setReturnFormat(fmt)
    client.setQuery(query)
    return client


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_json(server, method):
    rows = wrapper(server, method, JSON).queryAndConvert()["results"]["bindings"]
    assert [(r["city"]["value"], r["name"]["value"], r["name"]["xml:lang"]) for r in rows] == [
        (f"{EX}city/0", "City 0", "en"),
        (f"{EX}city/1", "City 1", "en"),
        (f"{EX}city/10", "City 10", "en"),
    ]


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_xml(server, method):
    document = wrapper(server, method, XML).queryAndConvert()
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert literals == ["City 0", "City 1", "City 10"]


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_csv(server, method):
    text = wrapper(server, method, CSV).queryAndConvert().decode("utf-8")
    assert list(csv.reader(io.StringIO(text))) == [
        ["city", "name"],
        [f"{EX}city/0", "City 0"],
        [f"{EX}city/1", "City 1"],
        [f"{EX}city/10", "City 10"],
    ]


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_tsv(server, method):
    query = f'SELECT ?name WHERE {{ <{EX}note> <{EX}name> ?name }}'
    text = wrapper(server, method, TSV, query).queryAndConvert().decode("utf-8")
    assert text == '?name\n"tab\\there, \\"quoted\\", comma"\n'


def test_sparqlwrapper_ask_and_construct(server):
    assert wrapper(server, POST, JSON, f"ASK {{ <{EX}city/0> <{EX}country> <{EX}country/ro> }}").queryAndConvert()["boolean"] is True
    graph = wrapper(server, GET, TURTLE, f"CONSTRUCT WHERE {{ <{EX}city/2> ?p ?o }}").queryAndConvert()
    parsed = Graph().parse(data=graph, format="turtle")
    assert (URIRef(f"{EX}city/2"), URIRef(f"{EX}population"), Literal(2000)) in parsed
    assert len(parsed) == 3


def test_sparqlwrapper_reports_a_bad_query(server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="malformed SPARQL"):
        wrapper(server, GET, JSON, "SELECT ?x WHERE {").queryAndConvert()


def test_rdflib_sparqlstore(server):
    graph = Graph(store=SPARQLStore(server, returnFormat="xml"))
    rows = list(graph.query(NAMES))
    assert [(str(r.city), str(r.name)) for r in rows] == [
        (f"{EX}city/0", "City 0"), (f"{EX}city/1", "City 1"), (f"{EX}city/10", "City 10")
    ]
    assert graph.query(f"ASK {{ <{EX}city/99> <{EX}population> 99000 }}").askAnswer is True
    built = graph.query(f"CONSTRUCT WHERE {{ <{EX}city/3> <{EX}name> ?n }}").graph
    assert set(built.objects()) == {Literal("Oraș 3", lang="ro"), Literal("City 3", lang="en")}


def test_rdflib_sparqlstore_json_and_bindings(server):
    """rdflib's initBindings reach the server as a VALUES block: values, not query text."""
    graph = Graph(store=SPARQLStore(server, returnFormat="json"))
    rows = graph.query(
        f"SELECT ?pop WHERE {{ ?city <{EX}population> ?pop }}", initBindings={"city": URIRef(f"{EX}city/7")}
    )
    assert [r.pop.toPython() for r in rows] == [7000]
