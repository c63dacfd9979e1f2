"""Import CORDIS open data (Horizon 2020 and Horizon Europe) into the graph, as N-Quads.

``citykg import cordis DIR`` reads every CSV file of a folder and recognises each by its header:

* ``project``: one row per project (``id, acronym, title, startDate, ... fundingScheme``);
* ``organization``: one row per participation (``projectID, organisationID, name, ... role,
  ecContribution``);
* ``topics``: project -> topic (the call), ``legalBasis``: project -> programme part.

Both layouts are read as published: ``;`` or ``,`` separated (sniffed from the header), quoted
fields with newlines, decimal commas (``258714,29``), booleans as text, empty fields. Rows are
streamed (memory grows with the number of distinct projects and organisations, never with the
file size) and turned into triples by pure functions (``project_triples``,
``participation_triples``, ...); the quads go straight into ``imports/cordis.nq`` (named graph
``graph/cordis``) through a temporary file that replaces the old one only when the import has
finished, so a re-import is idempotent and the graph never sees half an import.

A row that does not validate (a number that is not a number, a date that is not a date, a row
cut short, an organisation of a project no project file lists) is left out and listed, with its
file and line, in ``imports/cordis-report.md``; a file whose header is not a CORDIS header is
left out whole. Each fact of a record that pages and searches cite (see ``CITED``) has its own
``ckg:Evidence`` naming the imported file (a ``ckg:Document`` with its sha256) and the record's
lines.

Organisations and projects the knowledge base already knows are not duplicated: see
``ingest/linking.py``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from citykg.config import PROJECT_ROOT
from citykg.errors import CityKGError
from citykg.namespaces import (
    BASE,
    CKG,
    ROLE,
    SCHEMA,
    amount_iri,
    evidence_iri,
    graph_iri,
    participation_iri,
    period_iri,
    slug,
    statement_key,
)
from citykg.periods import period_of
from ingest.normalise import fold

if TYPE_CHECKING:
    from ingest.linking import Linker

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"

csv.field_size_limit(sys.maxsize)  # project objectives are long

# --------------------------------------------------------------------------------------------
# N-Quads, written as text: terms are N-Triples strings ("<iri>", "\"literal\"@en")
# --------------------------------------------------------------------------------------------

_IRI_OK = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`\x00-\x20]*$')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    """An IRI term; raises ValueError for a string that is not a valid IRI."""
    if not _IRI_OK.match(value):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def lit(value: object, *, lang: str | None = None, datatype: str | None = None) -> str:
    text = str(value).translate(_ESCAPES)
    if lang:
        return f'"{text}"@{lang}'
    if datatype:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def web_iri(url: str) -> str | None:
    """A homepage as an IRI term, or None when the text is not a usable URL."""
    url = url.strip()
    if not url:
        return None
    if not re.match(r"^https?://", url, re.IGNORECASE):
        url = "http://" + url
    try:
        return iri(url)
    except ValueError:
        return None


Triple = tuple[str, str, str]


@lru_cache(maxsize=None)
def ckg(term: str) -> str:
    return f"<{CKG[term]}>"


def kg(local: str) -> str:
    """An entity IRI term: ``org/utcn`` -> ``<https://w3id.org/citykg/org/utcn>``."""
    return f"<{BASE}{local}>"


T_TYPE = f"<{RDF_TYPE}>"
T_PREF = f"<{SKOS}prefLabel>"
T_ALT = f"<{SKOS}altLabel>"
T_NOTATION = f"<{SKOS}notation>"
T_LABEL = f"<{RDFS.label}>"
T_VALUE = f"<{SCHEMA.value}>"
T_CURRENCY = f"<{SCHEMA.currency}>"
T_SAME_AS = f"<{OWL_SAME_AS}>"


class QuadWriter:
    """Writes quads of one named graph to ``path`` atomically: a temporary file beside it,
    renamed over ``path`` by :meth:`commit`; :meth:`abort` (or an exception in a ``with``
    block) leaves the previous file as it was."""

    def __init__(self, path: Path, graph: URIRef) -> None:
        self.path = Path(path)
        self.graph = f"<{graph}>"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        self.out: IO[str] = open(self.tmp, "w", encoding="utf-8", newline="\n")
        self.count = 0

    def add(self, s: str, p: str, o: str) -> None:
        self.out.write(f"{s} {p} {o} {self.graph} .\n")
        self.count += 1

    def add_all(self, triples) -> None:
        g = self.graph
        lines = [f"{s} {p} {o} {g} .\n" for s, p, o in triples]
        self.out.write("".join(lines))
        self.count += len(lines)

    def commit(self) -> None:
        self.out.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.out.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> "QuadWriter":
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is not None and not self.out.closed:
            self.abort()


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    return Graph().parse(PROJECT_ROOT / "ontology" / "citykg.ttl", format="turtle")


@lru_cache(maxsize=64)
def types_of(cls: str) -> tuple[str, ...]:
    """The class and its ckg: ancestors, as terms (types are materialised in the graph)."""
    start = CKG[cls]
    return tuple(
        f"<{c}>" for c in _ontology().transitive_objects(start, RDFS.subClassOf) if str(c).startswith(str(CKG._NS))
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def document_key(source: str, path: Path) -> str:
    return f"{source}-{slug(path.stem)}"


def document_triples(key: str, path: Path, sha256: str, lines: int, title: str) -> list[Triple]:
    """The imported file as a ``ckg:Document`` (what every Evidence of the import points at)."""
    doc = kg(f"doc/{key}")
    return [
        (doc, T_TYPE, ckg("Document")),
        (doc, ckg("fileName"), lit(path.name)),
        (doc, ckg("sha256"), lit(sha256)),
        (doc, ckg("lineCount"), lit(lines, datatype=XSD + "nonNegativeInteger")),
        (doc, "<http://purl.org/dc/terms/title>", lit(title, lang="en")),
        (doc, ckg("documentKind"), lit("dataset")),
    ]


def evidence_triples(s: str, p: str, o: str, key: str, first: int, last: int, method: str) -> list[Triple]:
    """One reified statement citing the record's lines of the imported file."""
    ev = f"<{evidence_iri(s[1:-1], p[1:-1], o, key, first, last, method)}>"
    return [
        (ev, T_TYPE, ckg("Evidence")),
        (ev, f"<{RDF_NS}subject>", s),
        (ev, f"<{RDF_NS}predicate>", p),
        (ev, f"<{RDF_NS}object>", o),
        (ev, ckg("statementKey"), lit(statement_key(s[1:-1], p[1:-1]))),
        (ev, ckg("sourceDocument"), kg(f"doc/{key}")),
        (ev, ckg("lineStart"), lit(first, datatype=XSD + "positiveInteger")),
        (ev, ckg("lineEnd"), lit(last, datatype=XSD + "positiveInteger")),
        (ev, ckg("method"), lit(method)),
    ]


def amount_triples(value: Decimal, currency: str = "EUR") -> tuple[str, list[Triple]]:
    node = f"<{amount_iri(value, currency, None)}>"
    return node, [
        (node, T_TYPE, ckg("MonetaryAmount")),
        (node, T_VALUE, lit(format(value, "f"), datatype=XSD + "decimal")),
        (node, T_CURRENCY, lit(currency)),
    ]


# --------------------------------------------------------------------------------------------
# Values as CORDIS writes them
# --------------------------------------------------------------------------------------------


class ImportFileError(CityKGError):
    """An input the importer cannot read at all: the message names the file (and line)."""


class RowError(ValueError):
    """A row that does not validate; the message says which column and why."""


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_number(text: str, column: str) -> Decimal | None:
    """``"258714,29"`` / ``"1453690"`` / ``"50000.0"`` / ``"1.234.567,5"`` -> Decimal; empty -> None."""
    t = text.strip().replace(" ", "").replace("\u00a0", "")
    if not t:
        return None
    if "," in t and "." in t:  # thousands separators: keep the last one as the decimal point
        t = t.replace(".", "").replace(",", ".") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    elif "," in t:
        t = t.replace(",", ".") if t.count(",") == 1 else t.replace(",", "")
    if not _NUMBER.match(t):
        raise RowError(f"{column} {text!r} is not a number")
    try:
        value = Decimal(t)
    except InvalidOperation as error:  # pragma: no cover - the pattern rules it out
        raise RowError(f"{column} {text!r} is not a number") from error
    if value < 0:
        raise RowError(f"{column} {text!r} is negative")
    return Decimal(int(value)) if value == value.to_integral() else value


def parse_date(text: str, column: str) -> str | None:
    """``"2017-10-01"`` or ``"2023-03-10 21:15:00"`` -> ``"2017-10-01"``; empty -> None."""
    t = text.strip()
    if not t:
        return None
    try:
        return date.fromisoformat(t[:10]).isoformat() if re.match(r"^\d{4}-\d\d-\d\d([ T].*)?$", t) else _bad()
    except ValueError as error:
        raise RowError(f"{column} {text!r} is not a date (YYYY-MM-DD)") from error


def _bad():
    raise ValueError


def parse_bool(text: str, column: str) -> bool | None:
    t = text.strip().lower()
    if not t:
        return None
    if t in ("true", "1", "yes", "y"):
        return True
    if t in ("false", "0", "no", "n"):
        return False
    raise RowError(f"{column} {text!r} is not true or false")


def parse_id(text: str, column: str) -> str:
    t = text.strip()
    if t.endswith(".0"):  # re-saved by a spreadsheet
        t = t[:-2]
    if not t.isdigit():
        raise RowError(f"{column} {text!r} is not a CORDIS id (digits)")
    return t


#: CORDIS country codes that are not ISO 3166-1 alpha-2.
COUNTRY_CODES = {"EL": "GR", "UK": "GB"}


def country_code(text: str) -> str | None:
    t = text.strip().upper()
    if not t:
        return None
    if not re.fullmatch(r"[A-Z]{2}", t):
        raise RowError(f"country {text!r} is not a two-letter code")
    return COUNTRY_CODES.get(t, t)


#: CORDIS activity types -> classes of the ontology.
ACTIVITY_TYPES = {
    "HES": "University",  # higher or secondary education
    "REC": "ResearchInstitute",
    "PRC": "Company",  # private for-profit
    "PUB": "PublicAuthority",
    "OTH": "Organisation",
}

#: A public body (activityType PUB) whose name has one of these words is a city's administration:
#: a CityHall, not just a PublicAuthority. The words name a municipality or its council in the
#: languages of CORDIS's participants, folded (lowercase, no diacritics).
CITY_HALL_WORDS = re.compile(
    r"\b(municipality|municipal council|city of|city council|town council|borough council|comune|citta di"
    r"|municipio|ayuntamiento|ajuntament|concello|camara municipal|gemeente|stadt|stadtverwaltung|gemeinde"
    r"|ville de|commune de|mairie|kommune|kommun|kaupunki|dimos|obec|mesto|grad|miasto|gmina|primaria"
    r"|municipiul|municipiului|orasul|savivaldybe|pasvaldiba|onkormanyzat|obcina|opcina|obshtina|stad)\b")
#: The rule that types a CORDIS organisation CityHall: the ``method`` of the evidence of its type.
CITY_HALL_RULE = "import.cordis.city-hall: activityType PUB and a municipality's word in the name"


def is_city_hall(org: "Organisation") -> bool:
    """A public body named as a municipality (``Comune di Torino``, ``Municipiul Cluj-Napoca``).

    >>> is_city_hall(Organisation("1", "Comune di Torino", "", "PUB", "Torino", "IT", ""))
    True
    >>> is_city_hall(Organisation("2", "Stadtwerke Muenchen GmbH", "", "PRC", "Muenchen", "DE", ""))
    False
    """
    return org.activity_type == "PUB" and CITY_HALL_WORDS.search(fold(org.name)) is not None


#: CORDIS roles -> the roles of the ontology.
ROLES = {"coordinator": "coordinator"}  # participant, partner, thirdParty, ... -> partner

#: Framework programmes -> the knowledge base's programmes.
FRAMEWORKS = {"H2020": "programme/horizon-2020", "HORIZON": "programme/horizon-europe"}


def framework_of_code(code: str) -> str | None:
    c = code.upper()
    if c.startswith("H2020"):
        return "H2020"
    if c.startswith("HORIZON"):
        return "HORIZON"
    return None


# --------------------------------------------------------------------------------------------
# File layouts
# --------------------------------------------------------------------------------------------

LAYOUTS: dict[str, set[str]] = {
    "project": {"id", "acronym", "title", "startDate", "endDate", "frameworkProgramme"},
    "organization": {"projectID", "organisationID", "name", "role", "ecContribution", "country"},
    "topics": {"projectID", "topic", "title"},
    "legalBasis": {"projectID", "legalBasis", "title"},
}


def layout_of(header: list[str]) -> str | None:
    names = set(header)
    for layout in ("organization", "legalBasis", "project", "topics"):
        if LAYOUTS[layout] <= names:
            return layout
    return None


class FileError(ImportFileError):
    """A file that cannot be imported at all (its header is not a CORDIS header...)."""


class _CountingReader(io.RawIOBase):
    """Counts the bytes read, for the progress bar."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.done += n or 0
        return n


@dataclass
class Record:
    """One CSV record: its fields by column name and its physical lines in the file."""

    fields: dict[str, str]
    first: int
    last: int


@dataclass
class BadRow:
    file: str
    first: int
    last: int
    problem: str

    def line(self) -> str:
        where = f"{self.file}:{self.first}" + (f"-{self.last}" if self.last != self.first else "")
        return f"{where}: {self.problem}"


def read_records(path: Path, on_bytes: Callable[[int], None] = lambda n: None) -> Iterator[Record | BadRow]:
    """Stream the records of a CORDIS CSV file, with the separator sniffed from its header;
    a record with the wrong number of fields comes out as a :class:`BadRow`."""
    raw = open(path, "rb")
    counter = _CountingReader(raw)
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 16), encoding="utf-8-sig", newline="", errors="replace")
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise FileError(f"{path.name}:1: the file is empty (a CORDIS header was expected)")
        try:
            delimiter = csv.Sniffer().sniff(header_line, delimiters=";,\t|").delimiter
        except csv.Error:
            delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = [h.strip() for h in next(csv.reader([header_line], delimiter=delimiter))]
        if layout_of(header) is None:
            raise FileError(
                f"{path.name}:1: not a CORDIS header (separator {delimiter!r}): expected the columns of a "
                f"project, organization, topics or legalBasis file, got {', '.join(header[:8])}"
                + (" ..." if len(header) > 8 else "")
            )
        yield Record(dict(zip(header, header)), 1, 1)  # the header, for layout_of
        reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        last = 1
        rows = enumerate(reader)
        while True:
            try:
                n, row = next(rows)
            except StopIteration:
                break
            except csv.Error as error:  # a NUL byte, ...: the rest of the file cannot be split
                yield BadRow(path.name, last + 1, reader.line_num + 1, f"unreadable CSV ({error}); the rest of the file is left out")
                break
            first, last = last + 1, reader.line_num + 1
            if n % 2048 == 0:
                on_bytes(counter.done)
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                hint = " (a wrong separator?)" if len(row) == 1 else ""
                cut = " (the record is cut short)" if len(row) < len(header) else ""
                yield BadRow(path.name, first, last, f"{len(row)} fields where the header has {len(header)}{hint or cut}")
                continue
            yield Record(dict(zip(header, row)), first, last)
        on_bytes(counter.done)
    finally:
        text.close()


# --------------------------------------------------------------------------------------------
# Rows -> triples (pure functions; the importer below does the bookkeeping)
# --------------------------------------------------------------------------------------------


def programme_chain(code: str) -> list[tuple[str, str | None]]:
    """A legal basis and its ancestors, as (code, parent code or framework programme id):
    ``HORIZON.4.2.6`` -> HORIZON.4.2.6 < HORIZON.4.2 < HORIZON.4 < programme/horizon-europe."""
    code = code.strip()
    framework = framework_of_code(code)
    parts = [p for p in re.split(r"\.", code.rstrip(".")) if p]
    chain: list[tuple[str, str | None]] = []
    for i in range(len(parts), 1, -1):
        this = ".".join(parts[:i]) + ("." if code.endswith(".") else "")
        parent = ".".join(parts[: i - 1]) + ("." if code.endswith(".") else "")
        chain.append((this, parent if i > 2 else None))
    if not chain:
        chain.append((code, None))
    # the top level hangs under the framework programme of the knowledge base
    top, _ = chain[-1]
    chain[-1] = (top, FRAMEWORKS.get(framework) if framework else None)
    return chain


@lru_cache(maxsize=1 << 16)
def programme_local(code: str) -> str:
    return f"programme/cordis-{slug(code)}"


PROGRAMME_NAMES_FILE = Path(__file__).with_name("cordis_programmes.yaml")


@lru_cache(maxsize=1)
def programme_names() -> dict[str, dict[str, dict[str, str]]]:
    """English and Romanian names of CORDIS programme parts and funding schemes, by code."""
    return yaml.safe_load(PROGRAMME_NAMES_FILE.read_text(encoding="utf-8"))


def name_triples(node: str, names: dict[str, str]) -> list[Triple]:
    return [(node, T_PREF, lit(names[lang], lang=lang)) for lang in ("en", "ro") if names.get(lang)]


def programme_title_triples(code: str, title: str | None) -> list[Triple]:
    """The English title a legalBasis row gives a part, unless the table names the part already
    (one English name per programme, whichever file is read first)."""
    if not title or code in programme_names()["programmes"]:
        return []
    return [(kg(programme_local(code)), T_PREF, lit(title, lang="en"))]


def programme_triples(code: str, parent: str | None) -> list[Triple]:
    """A programme part (legal basis) of CORDIS with its names; ``parent`` a code or a
    knowledge-base id. The title a legalBasis row gives comes separately (programme_title_triples)."""
    node = kg(programme_local(code))
    triples = [(node, T_TYPE, t) for t in types_of("Programme")]
    triples.append((node, T_NOTATION, lit(code)))
    triples += name_triples(node, programme_names()["programmes"].get(code, {}))
    if parent:
        target = kg(parent) if parent.startswith("programme/") else kg(programme_local(parent))
        triples.append((node, ckg("partOfProgramme"), target))
    return triples


def scheme_triples(scheme: str, framework: str | None) -> tuple[str, list[Triple]]:
    """A funding scheme (``RIA``, ``CSA``, ``HORIZON-ERC`` ...) is a Programme of its framework."""
    node = kg(f"programme/cordis-scheme-{slug(scheme)}")
    triples = [(node, T_TYPE, t) for t in types_of("Programme")]
    names = programme_names()["schemes"].get(scheme) or {"en": f"{scheme} (funding scheme)"}
    triples += [(node, T_NOTATION, lit(scheme)), *name_triples(node, names)]
    if framework in FRAMEWORKS:
        triples.append((node, ckg("partOfProgramme"), kg(FRAMEWORKS[framework])))
    return node, triples


@lru_cache(maxsize=1 << 16)
def call_local(topic: str) -> str:
    return f"call/{slug(topic)}"


def call_triples(topic: str, title: str | None, framework: str | None) -> list[Triple]:
    node = kg(call_local(topic))
    triples = [(node, T_TYPE, t) for t in types_of("Call")]
    triples.append((node, T_NOTATION, lit(topic)))
    if title:
        triples.append((node, T_PREF, lit(title, lang="en")))
    if framework in FRAMEWORKS:
        triples.append((node, ckg("fundedBy"), kg(FRAMEWORKS[framework])))
    return triples


def project_local(project_id: str) -> str:
    return f"project/cordis-{project_id}"


def project_triples(f: dict[str, str], project: str) -> list[Triple]:
    """A row of ``project.csv``; ``project`` is the node's IRI term (a linked one, perhaps)."""
    pid = parse_id(f["id"], "id")
    triples = [(project, T_TYPE, t) for t in types_of("Project")]
    triples.append((project, ckg("grantAgreement"), lit(pid)))
    if f.get("acronym", "").strip():
        triples.append((project, ckg("acronym"), lit(f["acronym"].strip())))
    if f.get("title", "").strip():
        triples.append((project, T_PREF, lit(" ".join(f["title"].split()), lang="en")))
    for column, prop in (("startDate", "startDate"), ("endDate", "endDate"), ("ecSignatureDate", "signedDate")):
        value = parse_date(f.get(column, ""), column)
        if value:
            triples.append((project, ckg(prop), lit(value, datatype=XSD + "date")))
    for column, prop in (("totalCost", "budget"), ("ecMaxContribution", "funding")):
        value = parse_number(f.get(column, ""), column)
        if value is not None:
            node, amount = amount_triples(value)
            triples += amount
            triples.append((project, ckg(prop), node))
    framework = f.get("frameworkProgramme", "").strip().upper() or None
    if framework and framework not in FRAMEWORKS:
        raise RowError(f"frameworkProgramme {f['frameworkProgramme']!r} is neither H2020 nor HORIZON")
    for code in _codes(f.get("legalBasis", "")):
        for this, parent in programme_chain(code):
            triples += programme_triples(this, parent)
        triples.append((project, ckg("fundedBy"), kg(programme_local(code))))
    for topic in _codes(f.get("topics", "")):
        triples += call_triples(topic, None, framework)
        triples.append((project, ckg("fundedUnderCall"), kg(call_local(topic))))
    if f.get("fundingScheme", "").strip():
        node, scheme = scheme_triples(f["fundingScheme"].strip(), framework)
        triples += scheme
        triples.append((project, ckg("fundedBy"), node))
    if framework:
        triples.append((project, ckg("fundedBy"), kg(FRAMEWORKS[framework])))
    return triples


def _codes(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[;,]", text) if c.strip()]


@dataclass(frozen=True)
class Organisation:
    """What a CORDIS organisation row says about the organisation itself."""

    organisation_id: str
    name: str
    short_name: str
    activity_type: str
    city: str
    country: str | None
    url: str


def organisation_of(f: dict[str, str]) -> Organisation:
    activity = f.get("activityType", "").strip().upper()
    if activity and activity not in ACTIVITY_TYPES:
        raise RowError(f"activityType {f['activityType']!r} is not one of {', '.join(ACTIVITY_TYPES)}")
    name = " ".join(f.get("name", "").split())
    if not name:
        raise RowError("name is empty")
    return Organisation(
        parse_id(f["organisationID"], "organisationID"),
        name,
        " ".join(f.get("shortName", "").split()),
        activity,
        " ".join(f.get("city", "").split()),
        country_code(f.get("country", "")),
        f.get("organizationURL", "").strip(),
    )


def organisation_local(organisation_id: str) -> str:
    return f"org/cordis-{organisation_id}"


def organisation_triples(org: Organisation, node: str, city: str | None, linked: bool) -> list[Triple]:
    """The organisation's own facts. A linked organisation (one of the knowledge base) keeps its
    reviewed types and names; CORDIS adds its names as alternative labels only."""
    triples: list[Triple] = []
    if linked:
        triples.append((node, T_ALT, lit(org.name)))
    else:
        kind = "CityHall" if is_city_hall(org) else ACTIVITY_TYPES.get(org.activity_type, "Organisation")
        triples += [(node, T_TYPE, t) for t in types_of(kind)]
        triples.append((node, T_PREF, lit(org.name)))
        triples.append((node, T_LABEL, lit(org.name)))
        if org.country:
            triples.append((node, ckg("country"), kg(f"country/{org.country.lower()}")))
        if city:
            triples.append((node, ckg("city"), city))
        home = web_iri(org.url)
        if home:
            triples.append((node, ckg("homepage"), home))
    if org.short_name and org.short_name.upper() != org.name.upper():
        triples.append((node, T_ALT, lit(org.short_name)))
    return triples


def participation_triples(project: str, participant: str, cordis_role: str, contribution: Decimal | None) -> tuple[str, list[Triple]]:
    """The n-ary participation (participant x project x role x EC contribution) and the
    ``ckg:coordinator`` / ``ckg:partner`` shortcut on the project; returns the node too."""
    role = ROLES.get(cordis_role.strip(), "partner")
    node = f"<{participation_iri(URIRef(project[1:-1]), URIRef(participant[1:-1]), role)}>"
    triples = [
        (node, T_TYPE, ckg("Participation")),
        (node, ckg("inProject"), project),
        (node, ckg("participant"), participant),
        (node, ckg("role"), f"<{ROLE[role]}>"),
        (project, ckg("hasParticipation"), node),
        (project, ckg("coordinator" if role == "coordinator" else "partner"), participant),
    ]
    if contribution is not None:
        amount, amount_t = amount_triples(contribution)
        triples += amount_t
        triples.append((node, ckg("allocation"), amount))
    return node, triples


DATE_TERM = re.compile(r'^"(?P<lexical>[^"]*)"\^\^<http://www\.w3\.org/2001/XMLSchema#(?P<datatype>\w+)>$')


def derived_triples(stated: Iterable[Triple], periods_seen: set[str]) -> list[Triple]:
    """What the build would derive from a record's triples (``citykg.materialise``), written at
    import time into ``graph/inferred`` because an import is too large to derive at every build:
    a participation's ``hasParticipant`` and ``memberOf`` shortcuts and each date's period."""
    stated = list(stated)
    projects = {s: o for s, p, o in stated if p == ckg("inProject")}
    derived: list[Triple] = []
    for s, p, o in stated:
        if p == ckg("participant") and s in projects:
            derived += [(projects[s], ckg("hasParticipant"), o), (o, ckg("memberOf"), projects[s])]
        elif p in DATE_LINKS and (match := DATE_TERM.match(o)):
            period = period_of(match["lexical"], match["datatype"])
            if period is None:
                continue
            node = f"<{period_iri(match['lexical'])}>"
            derived.append((s, DATE_LINKS[p], node))
            if node not in periods_seen:
                periods_seen.add(node)
                derived += [
                    (node, T_TYPE, ckg("Period")),
                    (node, ckg("periodStart"), lit(period.start.isoformat(), datatype=XSD + "date")),
                    (node, ckg("periodEnd"), lit(period.end.isoformat(), datatype=XSD + "date")),
                    (node, ckg("precision"), lit(period.precision)),
                ]
    return derived


def country_triples(iso: str) -> list[Triple]:
    node = kg(f"country/{iso.lower()}")
    return [(node, T_TYPE, t) for t in types_of("Country")] + [(node, ckg("isoCode"), lit(iso))]


@lru_cache(maxsize=1 << 16)
def city_local(name: str, iso: str | None) -> str:
    return f"city/{(iso or 'xx').lower()}-{slug(name)}"


def city_triples(node: str, name: str, iso: str | None) -> list[Triple]:
    triples = [(node, T_TYPE, t) for t in types_of("City")]
    triples.append((node, T_PREF, lit(name)))
    if iso:
        triples.append((node, ckg("country"), kg(f"country/{iso.lower()}")))
    return triples


# --------------------------------------------------------------------------------------------
# The importer
# --------------------------------------------------------------------------------------------

METHOD = "import.cordis"
#: The statements a record is cited for, each by an Evidence of its lines: the facts pages and
#: partner search show and cite (identifier, dates, amounts, funding, places). Types, names and
#: acronyms are the entity's identity. A participation is cited by ``participation ckg:participant
#: org``; its project, role and EC contribution are the same row's, on the same node.
CITED = frozenset(ckg(p) for p in (
    "grantAgreement", "startDate", "endDate", "signedDate", "budget", "funding", "fundedBy", "fundedUnderCall",
    "partOfProgramme", "participant", "country", "city", "homepage", "isoCode"))
SHARED = (f"<{BASE}programme/", f"<{BASE}call/")
DATE_LINKS = {ckg(p): ckg(link) for p, link in (
    ("startDate", "startPeriod"), ("endDate", "endPeriod"), ("signedDate", "signedPeriod"))}
Progress = Callable[[str, int, int], None]  # (description, bytes done, bytes in all)


@dataclass
class ImportReport:
    source: str
    output: Path
    triples: int = 0
    files: dict[str, str] = field(default_factory=dict)  # file -> layout, or why it was left out
    rows: dict[str, int] = field(default_factory=dict)  # file -> good rows
    counts: dict[str, int] = field(default_factory=dict)  # projects, organisations, ...
    bad: list[BadRow] = field(default_factory=list)
    links: dict[str, int] = field(default_factory=dict)  # link method -> count
    report: Path | None = None

    def markdown(self) -> str:
        lines = [f"# {self.source} import", "", f"Written: `{self.output.name}` ({self.triples} quads).", ""]
        lines += ["## Files", "", "| file | layout | good rows |", "|---|---|---:|"]
        for name, layout in self.files.items():
            lines.append(f"| {name} | {layout} | {self.rows.get(name, 0)} |")
        lines += ["", "## Counts", ""] + [f"- {k}: {v}" for k, v in self.counts.items()]
        if self.links:
            lines += ["", "## Links to the knowledge base", ""] + [f"- {k}: {v}" for k, v in self.links.items()]
        lines += ["", f"## Rows left out ({len(self.bad)})", ""]
        lines += [f"- {b.line()}" for b in self.bad] or ["none"]
        return "\n".join(lines) + "\n"


def cordis_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).iterdir() if p.is_file() and p.suffix.lower() == ".csv")


def import_cordis(
    directory: Path,
    imports: Path,
    linker: "Linker | None" = None,
    progress: Progress = lambda what, done, total: None,
) -> ImportReport:
    """Import every CORDIS CSV file of ``directory`` into ``imports/cordis.nq`` (and the links
    to the knowledge base into ``imports/links-cordis.nq``); return what was imported."""
    from ingest.linking import LinkWriter, Linker

    directory = Path(directory)
    if not directory.is_dir():
        raise ImportFileError(f"{directory} is not a folder of CORDIS CSV files")
    files = cordis_files(directory)
    if not files:
        raise ImportFileError(f"{directory} holds no .csv file")
    linker = linker or Linker.empty()
    imports = Path(imports)
    report = ImportReport("CORDIS", imports / "cordis.nq")
    total = sum(p.stat().st_size for p in files)
    done_before = 0

    # header first: which layout each file has (project-level files are read before organisations)
    layouts: dict[Path, str] = {}
    for path in files:
        try:
            first = next(iter(read_records(path)))
            layouts[path] = layout_of(list(first.fields))  # type: ignore[union-attr]
            report.files[path.name] = layouts[path]
        except FileError as error:
            report.files[path.name] = "left out"
            report.bad.append(BadRow(path.name, 1, 1, str(error).split(": ", 1)[1]))
    if not layouts:
        raise ImportFileError("no CORDIS file to import:\n" + "\n".join(f"  {b.line()}" for b in report.bad))
    order = {"project": 0, "topics": 1, "legalBasis": 2, "organization": 3}
    ordered = sorted(layouts, key=lambda p: (order[layouts[p]], p.name))

    seen: set[str] = set()  # nodes whose own triples are written already
    projects: set[str] = set()  # CORDIS project ids some project-level file lists
    organisations: dict[str, str] = {}  # organisationID -> node term
    counts = {"projects": 0, "organisations": 0, "participations": 0, "calls": 0, "programmes": 0}

    periods_seen: set[str] = set()
    with (
        QuadWriter(report.output, graph_iri("cordis")) as out,
        QuadWriter(imports / "inferred-cordis.nq", graph_iri("inferred")) as inferred,
        LinkWriter(imports / "links-cordis.nq") as links,
    ):

        row: list[Triple] = []  # what the record being read states; written only if all of it is good
        fresh: set[str] = set()  # nodes first stated by that record

        def once(node: str, triples) -> None:
            if node not in seen and node not in fresh:
                fresh.add(node)
                row.extend(triples)

        def project_node(pid: str) -> str:
            target = linker.project(pid)
            if target is not None:
                if f"link:{pid}" not in seen:
                    seen.add(f"link:{pid}")
                    links.same_as(target, kg(project_local(pid)), "link.grant-agreement", 1, f"grant agreement {pid}")
                return target
            return kg(project_local(pid))

        def country(iso: str | None) -> None:
            if iso:
                once(kg(f"country/{iso.lower()}"), country_triples(iso))

        for path in ordered:
            layout = layouts[path]
            key = document_key("cordis", path)
            framework = framework_of_code(path.name) or ("HORIZON" if "horizon" in path.name.lower() else None)
            good = 0
            last_line = 1
            records = read_records(path, lambda n: progress(path.name, done_before + n, total))
            next(records)  # the header
            for record in records:
                if isinstance(record, BadRow):
                    report.bad.append(record)
                    last_line = record.last
                    continue
                f, first, last = record.fields, record.first, record.last
                last_line = last
                row.clear()
                fresh.clear()
                ruled: list[Triple] = []  # statements a rule concluded, cited with the rule
                try:
                    triples: list[Triple] = []
                    if layout == "project":
                        pid = parse_id(f["id"], "id")
                        node = project_node(pid)
                        triples = []
                        for t in project_triples(f, node):  # programmes, calls, schemes: once
                            if t[0] != node and t[0].startswith(SHARED) and t[0] in seen:
                                continue
                            triples.append(t)
                        fresh.update(t[0] for t in triples if t[0] != node and t[0].startswith(SHARED))
                        if pid not in projects:
                            counts["projects"] += 1
                        projects.add(pid)
                    elif layout in ("topics", "legalBasis"):
                        pid = parse_id(f["projectID"], "projectID")
                        node = project_node(pid)
                        code = f["topic" if layout == "topics" else "legalBasis"].strip()
                        if not code:
                            raise RowError(f"{'topic' if layout == 'topics' else 'legalBasis'} is empty")
                        title = " ".join(f.get("title", "").split()) or None
                        if layout == "topics":
                            once(kg(call_local(code)), call_triples(code, title, framework_of_code(code) or framework))
                            triples = [(node, ckg("fundedUnderCall"), kg(call_local(code)))]
                        else:
                            for this, parent in programme_chain(code):
                                once(kg(programme_local(this)), programme_triples(this, parent))
                            # a part first met as another's parent, or in project.csv, gets its title here
                            once(f"title:{code}", programme_title_triples(code, title))
                            triples = [(node, ckg("fundedBy"), kg(programme_local(code)))]
                        if pid not in projects:
                            counts["projects"] += 1
                            projects.add(pid)
                            triples += [(node, T_TYPE, t) for t in types_of("Project")]
                            triples.append((node, ckg("grantAgreement"), lit(pid)))
                    else:  # organization
                        pid = parse_id(f["projectID"], "projectID")
                        if projects and pid not in projects:
                            raise RowError(f"project {pid} is in no project, topics or legalBasis file")
                        org = organisation_of(f)
                        contribution = parse_number(f.get("ecContribution", ""), "ecContribution")
                        parse_number(f.get("totalCost", ""), "totalCost")
                        parse_bool(f.get("SME", ""), "SME")
                        parse_bool(f.get("endOfParticipation", ""), "endOfParticipation")
                        if not f.get("role", "").strip():
                            raise RowError("role is empty")
                        project = project_node(pid)
                        if pid not in projects:  # no project-level file at all: the row names it
                            projects.add(pid)
                            counts["projects"] += 1
                            triples += [(project, T_TYPE, t) for t in types_of("Project")]
                            triples.append((project, ckg("grantAgreement"), lit(pid)))
                            if framework:
                                triples.append((project, ckg("fundedBy"), kg(FRAMEWORKS[framework])))
                        if f.get("projectAcronym", "").strip():
                            once(f"{project}#acronym", [(project, ckg("acronym"), lit(f["projectAcronym"].strip()))])
                        participant = organisations.get(org.organisation_id)
                        if participant is None:
                            link = linker.organisation(org.name, [org.short_name], org.city, org.country)
                            participant = link.target if link else kg(organisation_local(org.organisation_id))
                            organisations[org.organisation_id] = participant
                            if link:
                                links.link(link, kg(organisation_local(org.organisation_id)), key, first, last)
                            country(org.country)
                            city = None
                            if org.city and not link:
                                city = linker.city(org.city, org.country)
                                if city is None:
                                    city = kg(city_local(org.city, org.country))
                                    once(city, city_triples(city, org.city.title(), org.country))
                            counts["organisations"] += 1
                            triples += organisation_triples(org, participant, city, link is not None)
                            if not link and is_city_hall(org):  # the rule's conclusion, cited by the row
                                ruled.append((participant, T_TYPE, ckg("CityHall")))
                        triples += participation_triples(project, participant, f["role"], contribution)[1]
                        counts["participations"] += 1
                except (RowError, KeyError) as error:
                    report.bad.append(BadRow(path.name, first, last, str(error)))
                    continue
                row.extend(triples)
                seen.update(fresh)
                stated = dict.fromkeys(row)  # a chain of programmes can repeat within a record
                out.add_all(stated)
                inferred.add_all(derived_triples(stated, periods_seen))
                for claim in (t for t in stated if t[1] in CITED):
                    out.add_all(evidence_triples(*claim, key, first, last, METHOD))
                for claim in ruled:
                    out.add_all(evidence_triples(*claim, key, first, last, CITY_HALL_RULE))
                good += 1
            done_before += path.stat().st_size
            report.rows[path.name] = good
            out.add_all(document_triples(key, path, sha256_of(path), last_line, f"CORDIS {layout} file {path.name}"))
        report.triples = out.count
        out.commit()
        inferred.commit()
        links.commit()
        report.links = dict(links.methods)
    counts["calls"] = sum(1 for n in seen if n.startswith(SHARED[1]))
    counts["programmes"] = sum(1 for n in seen if n.startswith(SHARED[0]))
    report.counts = counts | {"bad rows": len(report.bad)}
    report.report = imports / "cordis-report.md"
    write_atomic(report.report, report.markdown())
    return report
