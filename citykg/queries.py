"""Named SPARQL queries: ``queries/NAME.rq`` files with a ``#+`` YAML header.

The header gives the title (ro, en), a description, the group it is listed in on the query page
(``GROUPS``; ``internal`` for the service's own) and the parameters with type and default::

    #+ title: {en: Who coordinates a project, ro: Cine coordonează un proiect}
    #+ description: The coordinator of a project, with the source of that fact.
    #+ group: partners
    #+ params:
    #+   project: {type: entity, default: project/netzerocities-pnrr}

Parameters are bound as values (a VALUES block of RDF terms serialised by pyoxigraph, see
``citykg.store.bind_values``), never pasted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from citykg.config import PROJECT_ROOT
from citykg.errors import NotFoundError, QueryError
from citykg.namespaces import BASE
from citykg.store import GraphStore, QueryResult, Term

QUERIES_DIR = PROJECT_ROOT / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("entity", "iri", "string", "date", "integer", "decimal")
#: Where a query is listed on the query page (``#+ group:``); ``internal`` ones serve the code
#: (search indexes, maps, pages) and are kept out of the analysts' examples.
GROUPS = {
    "partners": {"en": "Partners and projects", "ro": "Parteneri și proiecte"},
    "places": {"en": "Cities and countries", "ro": "Orașe și țări"},
    "money": {"en": "Programmes, calls, money and dates", "ro": "Programe, apeluri, bani și date"},
    "entities": {"en": "Entities, documents and the graph", "ro": "Entități, documente și graful"},
    "internal": {"en": "Used by the service", "ro": "Folosite de serviciu"},
}
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
#: A node's id under the project's base: an entity's (``org/utcn``) or a document's (``doc/000_2d25``).
NODE_ID = re.compile(r"[a-z]+/[a-z0-9][a-z0-9_-]*")
#: What turns an entity parameter's value into an IRI: (parameter name, value) -> IRI.
Resolve = Callable[[str, str], str]


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any = None
    description: str = ""

    def to_term(self, raw: Any) -> Term:
        """The RDF term for a value given on the command line or in a URL."""
        text = str(raw).strip()
        try:
            if self.type == "entity":
                if NODE_ID.fullmatch(text):
                    return ox.NamedNode(BASE + text)
                return ox.NamedNode(text)
            if self.type == "iri":
                return ox.NamedNode(text)
            if self.type == "date":
                return ox.Literal(date.fromisoformat(text).isoformat(), datatype=ox.NamedNode(XSD + "date"))
            if self.type == "integer":
                return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
            if self.type == "decimal":
                return ox.Literal(str(Decimal(text)), datatype=ox.NamedNode(XSD + "decimal"))
            return ox.Literal(text)
        except (ValueError, InvalidOperation) as error:
            raise QueryError(
                f"parameter {self.name!r} must be a {self.type}, got {text!r}: {error}"
            ) from error


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: dict[str, str]
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path = field(compare=False)
    group: str = "entities"

    @property
    def internal(self) -> bool:
        return self.group == "internal"

    def bindings(self, given: dict[str, Any], resolve: Resolve | None = None) -> dict[str, Term]:
        """Terms for the given parameters plus defaults; unknown names are an error. ``resolve``
        turns a given entity parameter (an id, an IRI or a name) into an IRI, refusing what the
        graph does not have (see ``citykg.entity_search.EntityResolver.iri``)."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise QueryError(
                f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters: {', '.join(known) or 'none'}"
            )
        terms: dict[str, Term] = {}
        for name, param in known.items():
            raw = given.get(name, param.default)
            if raw is None or raw == "":
                raise QueryError(f"query {self.name!r} needs parameter {name!r}")
            if resolve is not None and param.type == "entity" and name in given:
                raw = resolve(name, raw)
            terms[name] = param.to_term(raw)
        return terms

    def header(self) -> dict[str, Any]:
        """What ``GET /queries`` and ``citykg queries`` show."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "group": self.group,
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                for p in self.params
            ],
        }


def parse_named_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file; a header that is not valid raises naming the file."""
    text = path.read_text(encoding="utf-8")
    header_lines = [line[3:] for line in text.splitlines() if line.startswith("#+ ")]
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as error:
        raise QueryError(f"{path.name}: header is not valid YAML: {error}") from error
    title = header.get("title") or {}
    if not isinstance(title, dict) or not {"ro", "en"} <= set(title):
        raise QueryError(f"{path.name}: header needs a title in ro and en")
    group = str(header.get("group", "entities"))
    if group not in GROUPS:
        raise QueryError(f"{path.name}: unknown group {group!r}; one of {', '.join(GROUPS)}")
    params = []
    for name, spec in (header.get("params") or {}).items():
        spec = spec or {}
        if spec.get("type", "string") not in PARAM_TYPES:
            raise QueryError(f"{path.name}: parameter {name!r} has unknown type {spec.get('type')!r}")
        params.append(
            Param(name, spec.get("type", "string"), spec.get("default"), spec.get("description", ""))
        )
    return NamedQuery(
        name=path.stem,
        title={k: str(v) for k, v in title.items()},
        description=str(header.get("description", "")).strip(),
        params=tuple(params),
        text=text,
        path=path,
        group=group,
    )


@lru_cache(maxsize=4)
def load_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query of the folder, by name."""
    return {p.stem: parse_named_query(p) for p in sorted(directory.glob("*.rq"))}


def get_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    if not NAME_PATTERN.match(name):
        raise NotFoundError(f"no named query {name!r}")
    queries = load_queries(directory)
    if name not in queries:
        raise NotFoundError(f"no named query {name!r}; known: {', '.join(queries)}")
    return queries[name]


def run_named_query(store: GraphStore, name: str, params: dict[str, Any] | None = None,
                    resolve: Resolve | None = None) -> QueryResult:
    """Run a named query with its parameters bound (entity parameters through ``resolve``)."""
    query = get_query(name)
    return store.query(query.text, bindings=query.bindings(params or {}, resolve))
