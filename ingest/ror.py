"""Import Research Organization Registry records into the graph, as N-Quads.

``citykg import ror FILE`` reads ROR records as JSON Lines (one record a line, as in
``/work/shared/data/ror``), as the JSON array of the ROR data dump (``v1.x-...-ror-data.json``),
or as the dump's zip; records in the v2 schema (``names``, ``locations``) and in the v1 schema
(``name``, ``aliases``, ``labels``, ``addresses``) alike. Records are streamed one at a time.

Each record gives an organisation: its ROR id (``ckg:ror``), names in several languages
(``skos:prefLabel`` for the display name, ``skos:altLabel`` for labels and aliases, with their
language tags), acronyms (``ckg:acronym``), type (``education`` -> ``ckg:University`` ...),
city and country, Wikidata id (``ckg:wikidata``) and website (``ckg:homepage``). A record of a
reviewed entity (same ROR id, or same name) is imported onto the reviewed entity (see
``ingest/linking.py``). Withdrawn records are skipped. A line that is not JSON, or a record
without an id or a name, is listed with its line in ``imports/ror-report.md``; the others go in.
Output: ``imports/ror.nq`` (``graph/ror``) and ``imports/links-ror.nq`` (``graph/links``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from citykg.namespaces import ROR, WIKIDATA, graph_iri
from ingest.cordis import (
    T_ALT,
    T_LABEL,
    T_PREF,
    T_TYPE,
    CITED,
    BadRow,
    ImportFileError,
    ImportReport,
    Progress,
    QuadWriter,
    Triple,
    city_local,
    city_triples,
    ckg,
    country_triples,
    document_key,
    document_triples,
    evidence_triples,
    kg,
    lit,
    sha256_of,
    types_of,
    web_iri,
    write_atomic,
)

METHOD = "import.ror"
#: A record is cited, by its lines, for its identifiers and places (as a CORDIS row is).
CITED_ROR = CITED | {ckg("ror"), ckg("wikidata")}

#: ROR organisation types -> classes of the ontology (the first that applies wins).
ROR_TYPES = {
    "education": "University",
    "facility": "ResearchInstitute",
    "company": "Company",
    "government": "PublicAuthority",
    "nonprofit": "NGO",
    "funder": "Agency",
    "healthcare": "Organisation",
    "archive": "Organisation",
    "other": "Organisation",
}

_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


class RecordError(ImportFileError):
    """A record (or, raised, a whole file) that is not a ROR record."""


def normalise_record(r: dict) -> dict:
    """A v1 or v2 ROR record as one flat shape: id, status, display (name, lang), labels
    [(name, lang)], aliases [(name, lang)], acronyms, types, city, country, wikidata, links."""
    if not isinstance(r, dict):
        raise RecordError("a record must be a JSON object")
    rid = str(r.get("id") or "").strip()
    m = re.fullmatch(r"(?:https?://ror\.org/)?(0[a-z0-9]{6}[0-9]{2})", rid)
    if not m:
        raise RecordError(f"id {rid!r} is not a ROR id")
    out: dict = {"id": m.group(1), "status": r.get("status") or "active", "labels": [], "aliases": [],
                 "acronyms": [], "types": [], "city": None, "country": None, "wikidata": [], "links": []}
    if "names" in r:  # v2
        display = None
        for n in r.get("names") or []:
            value, lang, kinds = n.get("value"), n.get("lang"), n.get("types") or []
            if not value:
                continue
            if "ror_display" in kinds:
                display = (value, lang)
            if "acronym" in kinds:
                out["acronyms"].append(value)
            elif "label" in kinds and "ror_display" not in kinds:
                out["labels"].append((value, lang))
            elif "alias" in kinds:
                out["aliases"].append((value, lang))
        out["display"] = display
        out["types"] = [str(t).lower() for t in r.get("types") or []]
        for loc in r.get("locations") or []:
            geo = loc.get("geonames_details") or {}
            out["city"] = out["city"] or geo.get("name")
            out["country"] = out["country"] or geo.get("country_code")
        for ext in r.get("external_ids") or []:
            if str(ext.get("type", "")).lower() == "wikidata":
                out["wikidata"] += [ext.get("preferred")] if ext.get("preferred") else ext.get("all") or []
        out["links"] = [link.get("value") for link in r.get("links") or [] if link.get("type") == "website"]
    else:  # v1
        out["display"] = (r["name"], None) if r.get("name") else None
        out["labels"] = [(lab.get("label"), lab.get("iso639")) for lab in r.get("labels") or [] if lab.get("label")]
        out["aliases"] = [(a, None) for a in r.get("aliases") or [] if a]
        out["acronyms"] = [a for a in r.get("acronyms") or [] if a]
        out["types"] = [str(t).lower() for t in r.get("types") or []]
        for address in r.get("addresses") or []:
            out["city"] = out["city"] or address.get("city") or (address.get("geonames_city") or {}).get("city")
        out["country"] = (r.get("country") or {}).get("country_code")
        wd = (r.get("external_ids") or {}).get("Wikidata") or {}
        out["wikidata"] = [wd["preferred"]] if wd.get("preferred") else list(wd.get("all") or [])
        out["links"] = [link for link in r.get("links") or [] if link]
    if not out["display"]:
        raise RecordError(f"record {out['id']} has no name")
    out["wikidata"] = [q for q in out["wikidata"] if isinstance(q, str) and re.fullmatch(r"Q\d+", q)]
    if out["country"]:
        out["country"] = str(out["country"]).upper()
        if not re.fullmatch(r"[A-Z]{2}", out["country"]):
            out["country"] = None
    return out


def _lang(lang: object) -> str | None:
    return str(lang) if lang and _LANG.match(str(lang)) else None


def record_triples(rec: dict, node: str, city: str | None, linked: bool) -> list[Triple]:
    """The triples of one (normalised) record. A linked record (a reviewed entity) keeps the
    reviewed types and names: ROR adds its names as alternative labels and its identifiers."""
    triples: list[Triple] = []
    name, lang = rec["display"]
    if linked:
        names = [(name, lang), *rec["labels"], *rec["aliases"]]
        triples += [(node, T_ALT, lit(n, lang=_lang(lg))) for n, lg in names]
        triples += [(node, T_ALT, lit(a)) for a in rec["acronyms"]]
    else:
        cls = next((ROR_TYPES[t] for t in rec["types"] if t in ROR_TYPES), "Organisation")
        triples += [(node, T_TYPE, t) for t in types_of(cls)]
        triples.append((node, T_PREF, lit(name, lang=_lang(lang))))
        triples.append((node, T_LABEL, lit(name, lang=_lang(lang))))
        taken = {_lang(lang)}
        for n, lg in rec["labels"]:  # a label in a language without a display name is its prefLabel
            tag = _lang(lg)
            triples.append((node, T_PREF if tag and tag not in taken else T_ALT, lit(n, lang=tag)))
            taken.add(tag)
        triples += [(node, T_ALT, lit(n, lang=_lang(lg))) for n, lg in rec["aliases"]]
        triples += [(node, ckg("acronym"), lit(a)) for a in rec["acronyms"]]
        if rec["country"]:
            triples.append((node, ckg("country"), kg(f"country/{rec['country'].lower()}")))
        if city:
            triples.append((node, ckg("city"), city))
        for url in rec["links"][:1]:
            home = web_iri(url)
            if home:
                triples.append((node, ckg("homepage"), home))
        for q in rec["wikidata"][:1]:
            triples.append((node, ckg("wikidata"), f"<{WIKIDATA[q]}>"))
    triples.append((node, ckg("ror"), f"<{ROR[rec['id']]}>"))
    return triples


def read_json_records(path: Path, on_bytes: Callable[[int], None] = lambda n: None) -> Iterator[tuple[int, int, object]]:
    """(first line, last line, record or a ``RecordError``) for each record of a JSON Lines file,
    a JSON array or a zip holding one; streamed, never the whole file in memory."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.namelist() if m.endswith(".json") or m.endswith(".jsonl")]
        if not members:
            raise RecordError(f"{path.name}: the zip holds no .json file")
        raw: IO[bytes] = archive.open(sorted(members, key=lambda m: ("schema_v2" not in m, m))[0])
    else:
        raw = open(path, "rb")
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace")
    try:
        head = text.read(1 << 16)
        start = head.lstrip()[:1]
        if start == "[":
            yield from _array_records(text, head, on_bytes)
        elif start == "{":
            yield from _line_records(text, head, on_bytes)
        else:
            raise RecordError(f"{path.name}:1: not JSON (ROR records are expected as JSON Lines or a JSON array)")
    finally:
        text.close()


def _line_records(text: IO[str], head: str, on_bytes) -> Iterator[tuple[int, int, object]]:
    done = 0
    rest = text
    line_no = 0
    pending = head
    while True:
        if "\n" not in pending:
            more = rest.read(1 << 16)
            if not more:
                if pending.strip():
                    line_no += 1
                    yield _parse_line(pending, line_no)
                return
            pending += more
            continue
        line, pending = pending.split("\n", 1)
        line_no += 1
        done += len(line) + 1
        if line_no % 512 == 0:
            on_bytes(done)
        if line.strip():
            yield _parse_line(line, line_no)


def _parse_line(line: str, line_no: int) -> tuple[int, int, object]:
    try:
        return line_no, line_no, json.loads(line)
    except json.JSONDecodeError as error:
        return line_no, line_no, RecordError(f"not JSON: {error.msg} at column {error.colno}")


def _array_records(text: IO[str], head: str, on_bytes) -> Iterator[tuple[int, int, object]]:
    decoder = json.JSONDecoder()
    buffer = head.lstrip()[1:]
    line = 1 + head[: len(head) - len(head.lstrip())].count("\n")
    done = 0
    while True:
        stripped = buffer.lstrip(" \t\r\n,")
        line += buffer[: len(buffer) - len(stripped)].count("\n")
        buffer = stripped
        if buffer.startswith("]"):
            return
        try:
            record, end = decoder.raw_decode(buffer)
        except json.JSONDecodeError as error:
            more = text.read(1 << 20)
            if more:
                buffer += more
                continue
            yield line, line + buffer.count("\n"), RecordError(f"not JSON: {error.msg} (the array is cut short?)")
            return
        first = line
        line += buffer[:end].count("\n")
        done += end
        on_bytes(done)
        yield first, line, record
        buffer = buffer[end:]


def import_ror(
    path: Path,
    imports: Path,
    linker=None,
    progress: Progress = lambda what, done, total: None,
) -> ImportReport:
    """Import the ROR records of ``path`` into ``imports/ror.nq`` and their links to the
    knowledge base into ``imports/links-ror.nq``."""
    from ingest.linking import LinkWriter, Linker

    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path} is not a file of ROR records")
    linker = linker or Linker.empty()
    imports = Path(imports)
    report = ImportReport("ROR", imports / "ror.nq")
    total = path.stat().st_size
    key = document_key("ror", path)
    counts = {"organisations": 0, "withdrawn (skipped)": 0, "linked": 0}
    seen: set[str] = set()
    last_line = 0
    with QuadWriter(report.output, graph_iri("ror")) as out, LinkWriter(imports / "links-ror.nq") as links:
        if True:  # a file that is not JSON at all raises RecordError: both writers abort
            for first, last, record in read_json_records(path, lambda n: progress(path.name, n, total)):
                last_line = last
                try:
                    if isinstance(record, RecordError):
                        raise record
                    rec = normalise_record(record)
                except RecordError as error:
                    report.bad.append(BadRow(path.name, first, last, str(error)))
                    continue
                if rec["status"] == "withdrawn":
                    counts["withdrawn (skipped)"] += 1
                    continue
                name = rec["display"][0]
                row: list[Triple] = []  # what the record states, written with its citations
                link = linker.ror(rec["id"], name) or linker.organisation(
                    name, [n for n, _ in rec["labels"] + rec["aliases"]], rec["city"], rec["country"])
                own = kg(f"org/ror-{rec['id']}")
                node = link.target if link else own
                city = None
                if not link:
                    if rec["country"] and kg(f"country/{rec['country'].lower()}") not in seen:
                        seen.add(kg(f"country/{rec['country'].lower()}"))
                        row += country_triples(rec["country"])
                    if rec["city"]:
                        city = linker.city(rec["city"], rec["country"])
                        if city is None:
                            city = kg(city_local(rec["city"], rec["country"]))
                            if city not in seen:
                                seen.add(city)
                                row += city_triples(city, rec["city"], rec["country"])
                else:
                    counts["linked"] += 1
                    links.link(link, own, key, first, last)
                row += record_triples(rec, node, city, link is not None)
                out.add_all(row)
                for claim in (t for t in row if t[1] in CITED_ROR):
                    out.add_all(evidence_triples(*claim, key, first, last, METHOD))
                counts["organisations"] += 1
        out.add_all(document_triples(key, path, sha256_of(path), last_line, f"ROR records {path.name}"))
        report.triples = out.count
        out.commit()
        links.commit()
        report.links = dict(links.methods)
    report.files[path.name] = "ROR records"
    report.rows[path.name] = counts["organisations"]
    report.counts = counts | {"bad records": len(report.bad)}
    report.report = imports / "ror-report.md"
    write_atomic(report.report, report.markdown())
    return report
