"""IRIs of the project: the ontology's terms, the entities' and the graphs'.

``CKG`` is a closed namespace: a misspelt term raises instead of minting a new IRI.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/citykg/"

EURIO = Namespace("http://data.europa.eu/s66#")
SCHEMA = Namespace("https://schema.org/")
ROLE = Namespace(BASE + "role/")
COUNTED = Namespace(BASE + "counted/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
ROR = Namespace("https://ror.org/")


class CKG(DefinedNamespace):
    """Terms of ``ontology/citykg.ttl`` (a test checks both lists agree)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Place: URIRef
    City: URIRef
    CityDistrict: URIRef
    Country: URIRef
    Organisation: URIRef
    University: URIRef
    ResearchInstitute: URIRef
    Company: URIRef
    PublicAuthority: URIRef
    Ministry: URIRef
    CityHall: URIRef
    Agency: URIRef
    NGO: URIRef
    Association: URIRef
    Cluster: URIRef
    ProfessionalBody: URIRef
    Project: URIRef
    Network: URIRef
    Programme: URIRef
    Call: URIRef
    Participation: URIRef
    MonetaryAmount: URIRef
    Event: URIRef
    Initiative: URIRef
    Mission: URIRef
    Hub: URIRef
    Document: URIRef
    Evidence: URIRef
    Mention: URIRef
    Period: URIRef
    Count: URIRef
    # relations
    fundedBy: URIRef
    fundedUnderCall: URIRef
    partOfProgramme: URIRef
    budget: URIRef
    funding: URIRef
    managedBy: URIRef
    launchedBy: URIRef
    hostedBy: URIRef
    establishedBy: URIRef
    organisedBy: URIRef
    partOf: URIRef
    coreCountry: URIRef
    supportingCountry: URIRef
    memberOf: URIRef
    selectedCity: URIRef
    candidateCity: URIRef
    pilotArea: URIRef
    location: URIRef
    governs: URIRef
    subOrganisationOf: URIRef
    basedOn: URIRef
    designatedBy: URIRef
    nationalContactPoint: URIRef
    presentedAt: URIRef
    drafts: URIRef
    commitsTo: URIRef
    endorsedBy: URIRef
    advises: URIRef
    cooperatesWith: URIRef
    supports: URIRef
    contributesTo: URIRef
    cofunds: URIRef
    alignedWith: URIRef
    relatedTo: URIRef
    homepage: URIRef
    hasParticipation: URIRef
    inProject: URIRef
    participant: URIRef
    role: URIRef
    allocation: URIRef
    hasParticipant: URIRef
    coordinator: URIRef
    leadPartner: URIRef
    partner: URIRef
    city: URIRef
    country: URIRef
    wikidata: URIRef
    ror: URIRef
    # provenance
    sourceDocument: URIRef
    lineStart: URIRef
    lineEnd: URIRef
    method: URIRef
    statementKey: URIRef
    about: URIRef
    surfaceForm: URIRef
    # values
    startDate: URIRef
    endDate: URIRef
    signedDate: URIRef
    openingDate: URIRef
    deadline: URIRef
    foundingDate: URIRef
    startPeriod: URIRef
    endPeriod: URIRef
    signedPeriod: URIRef
    openingPeriod: URIRef
    deadlinePeriod: URIRef
    foundingPeriod: URIRef
    periodStart: URIRef
    periodEnd: URIRef
    precision: URIRef
    count: URIRef
    countValue: URIRef
    counted: URIRef
    countArea: URIRef
    grantAgreement: URIRef
    acronym: URIRef
    isoCode: URIRef
    sourceText: URIRef
    approximate: URIRef
    fileName: URIRef
    sha256: URIRef
    lineCount: URIRef
    documentKind: URIRef
    reviewed: URIRef
    confidence: URIRef


def entity_iri(entity_id: str) -> URIRef:
    """``org/utcn`` -> ``https://w3id.org/citykg/org/utcn``."""
    return URIRef(BASE + entity_id)


def graph_iri(name: str) -> URIRef:
    """Named graphs: ``ontology``, ``shapes``, ``kb``, ``doc/KEY``, ``build``."""
    return URIRef(BASE + "graph/" + name)


def role_iri(role: str) -> URIRef:
    return ROLE[role]


PREFIXES: dict[str, str] = {
    "ckg": str(CKG._NS),
    "role": str(ROLE),
    "counted": str(COUNTED),
    "kg": BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": str(SCHEMA),
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "eurio": str(EURIO),
    "sh": "http://www.w3.org/ns/shacl#",
}


#: One prefix per kind of entity, for queries typed by hand (``kgorg:utcn``); not ``org:``, which
#: is W3C ORG's. Only in the prologue: results keep showing ``org/utcn``.
ENTITY_PREFIXES: dict[str, str] = {
    f"kg{kind}": f"{BASE}{kind}/"
    for kind in ("org", "city", "district", "country", "project", "programme", "call", "event", "initiative")
}


def sparql_prologue() -> str:
    """PREFIX lines for queries typed by hand (CLI, query page)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in {**PREFIXES, **ENTITY_PREFIXES}.items())


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


def local_id(iri: str) -> str:
    """``https://w3id.org/citykg/org/utcn`` -> ``org/utcn``."""
    return str(iri).removeprefix(BASE)


def slug(name: str) -> str:
    """A readable IRI segment from a name: ``Universitatea Tehnică`` -> ``universitatea-tehnica``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80] or "x"


# The nodes facts need are minted from what they are, so the knowledge base and the extractor
# stating the same fact make the same node (one fact, two pieces of evidence).


def participation_iri(project: str, participant: str, role: str) -> URIRef:
    project_slug = local_id(project).split("/", 1)[-1]
    return URIRef(f"{BASE}participation/{project_slug}--{local_id(participant).replace('/', '-')}--{role}")


def amount_iri(value: Decimal, currency: str, text: str | None) -> URIRef:
    return URIRef(f"{BASE}amount/{_digest(value.normalize(), currency, text)}")


def count_iri(subject: object, counted: str, area: object, value: int, text: str | None) -> URIRef:
    return URIRef(f"{BASE}count/{_digest(subject, counted, area, value, text)}")


def period_iri(lexical: str) -> URIRef:
    """One ``ckg:Period`` per date value as written: ``2021`` and ``2021-01`` are different."""
    return URIRef(f"{BASE}period/{lexical}")


def evidence_iri(
    s: object, p: object, o: object, document_key: str, first: int, last: int, method: str
) -> URIRef:
    return URIRef(f"{BASE}evidence/{_digest(s, p, o, document_key, first, last, method)}")


def statement_key(subject: object, prop: object) -> str:
    """The ``ckg:statementKey`` of every Evidence of a statement with this subject and property
    (IRIs), so that citing a statement is one index lookup rather than a read of all the evidence
    of its subject (a dozen for a CORDIS project). The object is left out: a literal may come back
    from the store in another form than it was written in; readers compare objects themselves."""
    return _digest(subject, prop)


def mention_iri(entity: object, document_key: str, first: int, last: int, method: str) -> URIRef:
    return URIRef(f"{BASE}mention/{_digest(entity, document_key, first, last, method)}")


def fact_id(document_key: str, subject: object, prop: object, obj: object) -> str:
    """What a reviewer's decision about a proposed fact is remembered by: the document and the
    triple (IRIs as local ids, literals by their lexical form, the same from rdflib and
    pyoxigraph), not the rule or lines, so a rule rewritten later does not bring a rejected fact back."""
    return _digest(document_key, *(local_id(str(t)) for t in (subject, prop, obj)))
