"""IRIs of the project: the ontology's terms, the entities' and the graphs'.

``CKG`` is a closed namespace: a misspelt term raises instead of minting a new IRI.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/citykg/"

EURIO = Namespace("http://data.europa.eu/s66#")
SCHEMA = Namespace("https://schema.org/")
ROLE = Namespace(BASE + "role/")
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
    about: URIRef
    surfaceForm: URIRef
    # values
    startDate: URIRef
    endDate: URIRef
    signedDate: URIRef
    openingDate: URIRef
    deadline: URIRef
    foundingDate: URIRef
    grantAgreement: URIRef
    acronym: URIRef
    isoCode: URIRef
    dateText: URIRef
    sourceText: URIRef
    approximate: URIRef
    fileName: URIRef
    sha256: URIRef
    lineCount: URIRef
    documentKind: URIRef


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


def sparql_prologue() -> str:
    """PREFIX lines for queries typed by hand (CLI, query page)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
