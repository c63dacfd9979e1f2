"""Reading SPARQL text without parsing it: what the store and the endpoint ask of every query."""

from __future__ import annotations

import pytest

from citykg.sparql_text import names_its_dataset


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("SELECT * FROM <http://e/g> { ?s ?p ?o }", True),
        ("select * from named <http://e/g> { ?s ?p ?o }", True),
        ("PREFIX ex: <http://e/> SELECT * FROM ex:g { ?s ?p ?o }", True),
        ("SELECT * FROM :g { ?s ?p ?o }", True),
        ("SELECT * FROM # the graph\n <http://e/g> { ?s ?p ?o }", True),
        ("CONSTRUCT { ?s ?p ?o } FROM <http://e/g> WHERE { ?s ?p ?o }", True),
        # "from" in a comment, a string or after the query: no dataset clause
        ("#+ description: a participation's IRI is made from project and role\nSELECT * { ?s ?p ?o }", False),
        ("SELECT * { ?s ?p 'from <http://e/x>' }", False),
        ("SELECT * { ?s ?p ?o } # FROM <http://e/g>", False),
        ("SELECT ?from { ?from ?p ?o }", False),
    ],
)
def test_a_dataset_clause_is_found_where_sparql_puts_it(query, names):
    assert names_its_dataset(query) is names
