"""Answers from the reviewed layer say how many proposed facts they left out.

Every answer (named queries, partner search, entity pages, the map) comes from the reviewed layer
unless asked to include proposed facts (``include=proposed``, ``--include-proposed``); the count
of proposed facts about the entities an answer names tells the reader what a click would add.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from citykg.errors import InvalidParameterError
from citykg.namespaces import BASE
from citykg.partner_search import bind_rows
from citykg.queries import NamedQuery, Resolve, get_query
from citykg.store import GraphStore, QueryResult, ReviewedLayer

INCLUDE_VALUES = ("proposed",)


def include_proposed(value: str | None) -> bool:
    """``include=proposed`` (web) turns proposed facts on; anything else is an error said so."""
    if value in (None, ""):
        return False
    if value not in INCLUDE_VALUES:
        raise InvalidParameterError("include", value, "the one value is 'proposed' (facts nobody has reviewed yet)")
    return True


def proposed_left_out(store: GraphStore, entities: Iterable[str] | None = None) -> int:
    """How many proposed facts name any of ``entities`` (IRIs or ids); all of them when None."""
    base = store.base if isinstance(store, ReviewedLayer) else store
    if entities is None:
        rows = base.select(get_query("proposed_facts_count").text)
    else:
        nodes = []
        for e in sorted(set(entities)):
            try:
                nodes.append((ox.NamedNode(e if e.startswith(("http://", "https://")) else BASE + e),))
            except ValueError:  # not an IRI: it names nothing, so nothing about it was left out
                continue
        if not nodes:
            return 0
        text = bind_rows(get_query("proposed_left_out").text, ["entity"], nodes)
        rows = base.select(text)
    return int(rows[0]["facts"].value) if rows else 0


def left_out_note(count: int) -> str:
    """What an answer from the reviewed layer says under it."""
    if not count:
        return "answered from reviewed facts; no proposed fact was left out"
    return (f"answered from reviewed facts; {count} proposed fact{'s' if count != 1 else ''} nobody has reviewed "
            "yet left out (include them with include=proposed or --include-proposed)")


def named_query(store: GraphStore, name: str, params: dict[str, str], include: bool,
                resolve: Resolve | None = None) -> tuple[QueryResult, int]:
    """A named query from the layer asked for, and how many proposed facts it left out: those
    about the entities it was asked about, or all of them for a query about no entity."""
    query = get_query(name)
    bindings = query.bindings(params, resolve)
    result = store.layer(include).query(query.text, bindings=bindings)
    return result, 0 if include else named_query_left_out(store, query, bindings)


def named_query_left_out(store: GraphStore, query: NamedQuery, bindings: dict) -> int:
    """How many proposed facts a named query's answer from the reviewed layer left out."""
    entities = [bindings[p.name].value for p in query.params if p.type == "entity"]
    return proposed_left_out(store, entities or None)


def reviewed_dataset(store: GraphStore) -> tuple[str, ...]:
    """The graphs of the reviewed layer, for a query run elsewhere (a query worker)."""
    return tuple(store.reviewed().layers()[0])
