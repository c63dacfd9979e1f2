"""Export the graph from any backend in the common RDF formats."""

from __future__ import annotations

import pyoxigraph as ox

from citykg.namespaces import PREFIXES
from citykg.queries import run_named_query
from citykg.store import GraphStore

QUAD_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD}


def export_graph(store: GraphStore, fmt: ox.RdfFormat) -> bytes:
    """Quad formats keep each named graph; triple formats get the union of all graphs."""
    rows = run_named_query(store, "all_quads")
    if fmt in QUAD_FORMATS:
        data = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
    else:
        data = list({ox.Triple(r["s"], r["p"], r["o"]) for r in rows})
    options = {"prefixes": PREFIXES} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
    return ox.serialize(data, format=fmt, **options)
