"""Tests of the citykg ontology (ontology/citykg.ttl) and SHACL shapes (ontology/shapes.ttl).

The shapes are exercised the way the build calls them:
    pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
with a small, valid, made-up graph (GOOD) and variants of it that each break one rule.
All names, numbers and identifiers in the fixtures are invented.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_PATH = ROOT / "ontology" / "citykg.ttl"
SHAPES_PATH = ROOT / "ontology" / "shapes.ttl"
README_PATH = ROOT / "knowledge" / "README.md"

CKG = Namespace("https://w3id.org/citykg/ontology#")
ROLE = Namespace("https://w3id.org/citykg/role/")
SCHEMA = Namespace("https://schema.org/")
EX = Namespace("https://example.org/citykg-test/")
# A plain Namespace: rdflib's closed XSD namespace warns when pytest probes its attributes.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY_IRI = URIRef("https://w3id.org/citykg/ontology")


# ---------------------------------------------------------------------------------------
# Graphs
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def ckg_terms(ontology: Graph, *kinds: URIRef) -> set[URIRef]:
    return {
        s
        for kind in kinds
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(CKG))
    }


def classes(ontology: Graph) -> set[URIRef]:
    return ckg_terms(ontology, OWL.Class)


def properties(ontology: Graph) -> set[URIRef]:
    return ckg_terms(ontology, OWL.ObjectProperty, OWL.DatatypeProperty)


def class_set(ontology: Graph, node) -> set[URIRef]:
    """A named class, or the members of an owl:unionOf class expression."""
    if node is None:
        return set()
    if isinstance(node, URIRef):
        return {node}
    union = ontology.value(node, OWL.unionOf)
    assert union is not None, f"unexpected class expression {node}"
    return set(ontology.items(union))


# ---------------------------------------------------------------------------------------
# knowledge/README.md: the contract with the knowledge base
# ---------------------------------------------------------------------------------------


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table of a Markdown text, as rows of cells (header first, no separator)."""
    tables, current = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [c.strip() for c in stripped[1:-1].split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def readme_table(first_header: str) -> list[list[str]]:
    for table in markdown_tables(README_PATH.read_text(encoding="utf-8")):
        if table[0][0].strip("` ").lower() == first_header.lower():
            return table[1:]
    raise AssertionError(f"no table starting with column {first_header!r} in {README_PATH}")


def backticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def class_names(cell: str) -> set[str]:
    """Class names in a subject/object cell, ignoring the remarks in parentheses."""
    cell = re.sub(r"\([^)]*\)", " ", cell)
    return {w for w in re.findall(r"[A-Za-z]+", cell) if re.fullmatch(r"[A-Z][a-z][A-Za-z]*", w)}


def readme_types() -> set[str]:
    names = {name for row in readme_table("KIND") for name in backticked(row[1])}
    assert len(names) >= 20, names  # sanity: the table was found and parsed
    return names


def readme_properties() -> list[tuple[str, str, str]]:
    rows = []
    for cells in readme_table("property"):
        for name in backticked(cells[0]):
            rows.append((name, cells[1], cells[2]))
    assert len(rows) >= 25, rows
    return rows


# Words of the README's object column that stand for a datatype rather than a class.
VALUE_WORDS = {
    "amount": {CKG.MonetaryAmount},
    "date": {RDFS.Literal},
    "string": {XSD.string},
}


def test_readme_types_are_classes(ontology):
    missing = sorted(n for n in readme_types() if CKG[n] not in classes(ontology))
    assert not missing, f"types of knowledge/README.md missing from the ontology: {missing}"


def test_readme_properties_are_properties(ontology):
    names = {name for name, _, _ in readme_properties()}
    missing = sorted(n for n in names if CKG[n] not in properties(ontology))
    assert not missing, f"properties of knowledge/README.md missing from the ontology: {missing}"


def test_classes_named_in_readme_columns_exist(ontology):
    named = set()
    for _, subject, obj in readme_properties():
        named |= class_names(subject) | class_names(obj)
    missing = sorted(n for n in named if CKG[n] not in classes(ontology))
    assert not missing, missing


@pytest.mark.parametrize("name,subject,obj", readme_properties())
def test_domain_and_range_follow_readme(ontology, name, subject, obj):
    prop = CKG[name]
    domain = class_set(ontology, ontology.value(prop, RDFS.domain))
    expected_domain = {CKG[n] for n in class_names(subject)}
    if "anything" in subject:
        assert not domain, f"{name} applies to anything and should have no rdfs:domain"
    else:
        assert domain == expected_domain, f"rdfs:domain of {name}"

    rng = class_set(ontology, ontology.value(prop, RDFS.range))
    expected_range = {CKG[n] for n in class_names(obj)}
    first_word = obj.split()[0].lower() if obj.split() else ""
    if expected_range:
        assert rng == expected_range, f"rdfs:range of {name}"
    elif first_word in VALUE_WORDS:
        assert rng == VALUE_WORDS[first_word], f"rdfs:range of {name}"


# ---------------------------------------------------------------------------------------
# The ontology
# ---------------------------------------------------------------------------------------


def test_files_parse(ontology, shapes):
    assert len(ontology) > 300
    assert len(shapes) > 300


def test_ontology_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionInfo, URIRef("http://purl.org/dc/terms/title"),
                 URIRef("http://purl.org/dc/terms/description"),
                 URIRef("http://purl.org/dc/terms/license")):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop


def _langs(graph: Graph, subject, predicate) -> set[str]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def test_every_term_has_labels_comment_and_definedby(ontology):
    terms = classes(ontology) | properties(ontology)
    assert len(terms) > 80
    problems = []
    for term in sorted(terms):
        labels = _langs(ontology, term, RDFS.label)
        if not {"en", "ro"} <= labels:
            problems.append(f"{term}: rdfs:label languages {labels}")
        if "en" not in _langs(ontology, term, RDFS.comment):
            problems.append(f"{term}: no rdfs:comment @en")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology:
            problems.append(f"{term}: no rdfs:isDefinedBy")
    assert not problems, "\n".join(problems)


def test_no_term_is_both_object_and_datatype_property(ontology):
    both = ckg_terms(ontology, OWL.ObjectProperty) & ckg_terms(ontology, OWL.DatatypeProperty)
    assert not both


def test_required_extra_terms(ontology):
    for name in ("Place", "Participation", "Role", "MonetaryAmount", "Document", "Evidence",
                 "Mention"):
        assert CKG[name] in classes(ontology), name
    for name in ("hasParticipation", "inProject", "participant", "role", "allocation",
                 "hasParticipant", "coordinator", "leadPartner", "partner", "city", "country",
                 "wikidata", "ror", "sourceDocument", "lineStart", "lineEnd", "method", "about",
                 "surfaceForm", "signedDate", "grantAgreement", "acronym", "isoCode",
                 "sourceText", "approximate", "fileName", "sha256", "lineCount", "documentKind"):
        assert CKG[name] in properties(ontology), name
    assert (CKG.hasParticipation, OWL.inverseOf, CKG.inProject) in ontology
    for shortcut in (CKG.coordinator, CKG.leadPartner, CKG.partner):
        assert (shortcut, RDFS.subPropertyOf, CKG.hasParticipant) in ontology
    for sub, sup in ((CKG.City, CKG.Place), (CKG.CityDistrict, CKG.Place),
                     (CKG.Country, CKG.Place), (CKG.CityHall, CKG.PublicAuthority),
                     (CKG.Network, CKG.Project), (CKG.Mission, CKG.Initiative),
                     (CKG.Hub, CKG.Initiative)):
        assert (sub, RDFS.subClassOf, sup) in ontology


def test_role_scheme(ontology):
    scheme = URIRef(str(ROLE))
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    for local in ("coordinator", "lead-partner", "partner"):
        concept = ROLE[local]
        assert (concept, RDF.type, SKOS.Concept) in ontology
        assert (concept, SKOS.inScheme, scheme) in ontology
        assert {"en", "ro"} <= _langs(ontology, concept, SKOS.prefLabel), concept


# ---------------------------------------------------------------------------------------
# The shapes, statically
# ---------------------------------------------------------------------------------------


def test_every_property_shape_has_a_message(shapes):
    missing = [str(s) for s in set(shapes.subjects(SH.path, None))
               if shapes.value(s, SH.message) is None]
    assert not missing, missing


def test_shapes_use_only_defined_terms(ontology, shapes):
    defined = classes(ontology) | properties(ontology)
    used = {t for triple in shapes for t in triple
            if isinstance(t, URIRef) and t.startswith(str(CKG))}
    assert not sorted(used - defined)


def test_every_readme_type_is_targeted(ontology, shapes):
    targeted = set(shapes.objects(None, SH.targetClass))
    for name in readme_types():
        cls = CKG[name]
        ancestors = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        assert ancestors & targeted, f"no shape targets {name} or a superclass of it"


def _or_classes(shapes: Graph, shape) -> set:
    """The classes of a shape's sh:class, or of the sh:class members of its sh:or."""
    found = set(shapes.objects(shape, SH["class"]))
    for or_list in shapes.objects(shape, SH["or"]):
        for member in shapes.items(or_list):
            found |= set(shapes.objects(member, SH["class"]))
    return found


def _in_classes(ontology: Graph, shapes: Graph, shape) -> set:
    """The classes that every value of a shape's sh:in list is declared an instance of."""
    found = set()
    for in_list in shapes.objects(shape, SH["in"]):
        values = list(shapes.items(in_list))
        found |= set.intersection(*(set(ontology.objects(v, RDF.type)) for v in values))
    return found


def test_every_domain_and_range_is_checked(ontology, shapes):
    """Each rdfs:domain of the ontology is enforced by a shape targeting the subjects of that
    property, and each class rdfs:range by a property shape on it (sh:class, sh:or of
    sh:class, or sh:in of instances), so that the two files cannot drift apart."""
    problems = []
    for prop in sorted(properties(ontology)):
        usage = list(shapes.subjects(SH.targetSubjectsOf, prop))
        domain = class_set(ontology, ontology.value(prop, RDFS.domain))
        if domain and not any(_or_classes(shapes, u) == domain for u in usage):
            problems.append(f"domain of {prop}")
        rng = class_set(ontology, ontology.value(prop, RDFS.range))
        if (prop, RDF.type, OWL.ObjectProperty) in ontology and rng:
            value_shapes = list(shapes.subjects(SH.path, prop))
            checked = [_or_classes(shapes, ps) for ps in value_shapes]
            enumerated = [_in_classes(ontology, shapes, ps) for ps in value_shapes]
            if rng not in checked and not any(rng <= e for e in enumerated):
                problems.append(f"range of {prop}")
    assert not problems, problems


def test_disjointness_shapes_mirror_the_ontology(ontology, shapes):
    """For every pair of classes declared disjoint, a node of both is reported."""
    data = Graph()
    pairs = {}
    for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(ontology.items(ontology.value(axiom, OWL.members)))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                node = EX[f"both-{a.fragment}-{b.fragment}"]
                data.add((node, RDF.type, a))
                data.add((node, RDF.type, b))
                pairs[node] = (a, b)
    assert len(pairs) > 80
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                    inference="rdfs")
    caught = {
        report.value(r, SH.focusNode)
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.sourceConstraintComponent)
        in (SH.XoneConstraintComponent, SH.NotConstraintComponent)
    }
    missed = sorted(f"{a.fragment}/{b.fragment}" for n, (a, b) in pairs.items()
                    if n not in caught)
    assert not missed, missed


# ---------------------------------------------------------------------------------------
# The shapes, on data
# ---------------------------------------------------------------------------------------

PREFIXES = """
@prefix ckg:     <https://w3id.org/citykg/ontology#> .
@prefix ckgrole: <https://w3id.org/citykg/role/> .
@prefix ex:      <https://example.org/citykg-test/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix schema:  <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

# A small invented world: the town of Valea Verde, its university, a programme of an invented
# ministry, a call, a project funded under it, a network built on the project, a mission, a hub,
# an info day, one source document, two pieces of evidence and a mention.
GOOD = PREFIXES + """
ex:country-ro a ckg:Country ;
    skos:prefLabel "România"@ro , "Romania"@en ;
    ckg:isoCode "RO" .

ex:valea-verde a ckg:City ;
    skos:prefLabel "Valea Verde"@ro ;
    skos:altLabel "Valea-Verde" ;
    ckg:country ex:country-ro ;
    ckg:wikidata <http://www.wikidata.org/entity/Q4115189> .

ex:cartier-nord a ckg:CityDistrict ;
    skos:prefLabel "Cartierul Nord"@ro , "North quarter"@en ;
    ckg:city ex:valea-verde .

ex:primaria a ckg:CityHall ;
    skos:prefLabel "Primăria Valea Verde"@ro ;
    ckg:governs ex:valea-verde ;
    ckg:city ex:valea-verde ;
    ckg:country ex:country-ro ;
    ckg:homepage <https://primaria.example.org/> ;
    ckg:memberOf ex:retea .

ex:universitate a ckg:University ;
    skos:prefLabel "Universitatea din Valea Verde"@ro , "University of Valea Verde"@en ;
    skos:altLabel "Universității din Valea Verde"@ro ;
    ckg:acronym "UVV" ;
    ckg:ror <https://ror.org/0abcdef12> ;
    ckg:foundingDate "1991"^^xsd:gYear ;
    ckg:city ex:valea-verde .

ex:facultate a ckg:Organisation ;
    skos:prefLabel "Facultatea de Construcții"@ro ;
    ckg:subOrganisationOf ex:universitate .

ex:minister a ckg:Ministry ;
    skos:prefLabel "Ministerul Orașelor Verzi"@ro .

ex:program a ckg:Programme ;
    skos:prefLabel "Programul Orașe Verzi"@ro , "Green Towns Programme"@en ;
    ckg:managedBy ex:minister ;
    ckg:launchedBy ex:minister ;
    ckg:startDate "2021"^^xsd:gYear ;
    ckg:endDate "2027-12"^^xsd:gYearMonth ;
    ckg:budget ex:buget-program ;
    ckg:funding [ a ckg:MonetaryAmount ; schema:value 75000000.0 ; schema:currency "RON" ] .

ex:buget-program a ckg:MonetaryAmount ;
    schema:value 50000000.0 ;
    schema:currency "EUR" ;
    ckg:sourceText "circa 50 de milioane de euro" ;
    ckg:approximate true .

ex:apel a ckg:Call ;
    skos:prefLabel "Apelul pentru cartiere verzi"@ro ;
    ckg:partOfProgramme ex:program ;
    ckg:fundedBy ex:program ;
    ckg:openingDate "2024-03-01"^^xsd:date ;
    ckg:deadline "2024-06-28T17:00:00+03:00"^^xsd:dateTime .

ex:proiect a ckg:Project ;
    skos:prefLabel "Cartier Neutru"@ro , "Neutral Quarter"@en ;
    ckg:acronym "CANEU" ;
    ckg:fundedBy ex:program ;
    ckg:fundedUnderCall ex:apel ;
    ckg:grantAgreement "202400017" ;
    ckg:signedDate "2024-11-15"^^xsd:date ;
    ckg:startDate "2025-01-01"^^xsd:date ;
    ckg:endDate "2027-06-30"^^xsd:date ;
    ckg:budget [ a ckg:MonetaryAmount ; schema:value 2400000.0 ; schema:currency "EUR" ;
                 ckg:sourceText "2,4 milioane de euro" ; ckg:approximate false ] ;
    ckg:pilotArea ex:cartier-nord ;
    ckg:location ex:valea-verde ;
    ckg:hasParticipation ex:participare-1 , ex:participare-2 ;
    ckg:coordinator ex:universitate ;
    ckg:partner ex:valea-verde .

ex:participare-1 a ckg:Participation ;
    ckg:inProject ex:proiect ;
    ckg:participant ex:universitate ;
    ckg:role ckgrole:coordinator ;
    ckg:allocation [ a ckg:MonetaryAmount ; schema:value 900000.0 ; schema:currency "EUR" ] .

ex:participare-2 a ckg:Participation ;
    ckg:inProject ex:proiect ;
    ckg:participant ex:valea-verde ;
    ckg:role ckgrole:partner .

ex:retea a ckg:Network ;
    skos:prefLabel "Rețeaua cartierelor verzi"@ro ;
    ckg:basedOn ex:proiect ;
    ckg:coreCountry ex:country-ro ;
    ckg:leadPartner ex:primaria .

ex:participare-3 a ckg:Participation ;
    ckg:inProject ex:retea ;
    ckg:participant ex:primaria ;
    ckg:role ckgrole:lead-partner .

ex:misiune a ckg:Mission ;
    skos:prefLabel "Misiunea orașelor verzi"@ro ;
    ckg:selectedCity ex:valea-verde ;
    ckg:candidateCity ex:valea-verde ;
    ckg:fundedBy ex:program ;
    ckg:launchedBy ex:minister .

ex:hub a ckg:Hub ;
    skos:prefLabel "Hubul orașelor verzi"@ro ;
    ckg:hostedBy ex:universitate ;
    ckg:establishedBy ex:minister ;
    ckg:foundingDate "2023-05"^^xsd:gYearMonth ;
    ckg:relatedTo ex:misiune .

ex:zi-informativa a ckg:Event ;
    skos:prefLabel "Ziua informativă a apelului"@ro ;
    ckg:organisedBy ex:minister ;
    ckg:partOf ex:program ;
    ckg:hostedBy ex:universitate ;
    ckg:location ex:valea-verde ;
    ckg:city ex:valea-verde ;
    ckg:startDate "2024-03-12T10:00:00+02:00"^^xsd:dateTime ;
    ckg:endDate "2024-03-12T16:00:00+02:00"^^xsd:dateTime .

ex:doc-001 a ckg:Document ;
    ckg:fileName "001_invented.txt" ;
    ckg:sha256 "9f2c4b7a1e0d38f5c6a9b2e47d1f0c3a8b5e6d7f9012a3b4c5d6e7f8091a2b3c" ;
    ckg:lineCount "40"^^xsd:nonNegativeInteger ;
    dcterms:title "An invented press release about a green quarter"@en ;
    dcterms:language "ro" ;
    ckg:documentKind "press-release" .

ex:dovada-1 a ckg:Evidence ;
    rdf:subject ex:proiect ;
    rdf:predicate ckg:signedDate ;
    rdf:object "2024-11-15"^^xsd:date ;
    ckg:statementKey "1" ;
    ckg:sourceDocument ex:doc-001 ;
    ckg:lineStart "7"^^xsd:positiveInteger ;
    ckg:lineEnd "7"^^xsd:positiveInteger ;
    ckg:method "reviewed" ;
    ckg:surfaceForm "semnat pe 15 noiembrie 2024" .

ex:dovada-2 a ckg:Evidence ;
    rdf:subject ex:participare-1 ;
    rdf:predicate ckg:participant ;
    rdf:object ex:universitate ;
    ckg:statementKey "2" ;
    ckg:sourceDocument ex:doc-001 ;
    ckg:lineStart "9"^^xsd:positiveInteger ;
    ckg:lineEnd "11"^^xsd:positiveInteger ;
    ckg:method "participation-rule" .

ex:mentiune-1 a ckg:Mention ;
    ckg:about ex:universitate ;
    ckg:surfaceForm "Universității din Valea Verde" ;
    ckg:sourceDocument ex:doc-001 ;
    ckg:lineStart "3"^^xsd:positiveInteger ;
    ckg:lineEnd "3"^^xsd:positiveInteger ;
    ckg:method "reviewed" .
"""


def run_shapes(ontology: Graph, shapes: Graph, data: str, inference: str = "rdfs"):
    data_graph = Graph().parse(data=data, format="turtle")
    conforms, report, text = pyshacl.validate(
        data_graph, shacl_graph=shapes, ont_graph=ontology, inference=inference
    )
    results = []  # top-level results only, not the sh:detail results nested in them
    for r in report.objects(None, SH.result):
        results.append({
            "focus": report.value(r, SH.focusNode),
            "path": report.value(r, SH.resultPath),
            "component": report.value(r, SH.sourceConstraintComponent),
            "message": str(report.value(r, SH.resultMessage)),
        })
    return conforms, results, text


@pytest.mark.parametrize("inference", ["rdfs", "none"])
def test_good_graph_conforms(ontology, shapes, inference):
    conforms, _, text = run_shapes(ontology, shapes, GOOD, inference)
    assert conforms, text


# Each case adds a few triples to GOOD that break exactly one rule. At least one violation
# must match the first expectation (focus node, path, constraint component, message
# fragment), and every violation must match one of the expectations, so a case cannot pass
# by failing for an unrelated reason.
BAD_CASES = {
    "amount without currency": (
        """ex:apel ckg:budget ex:buget-apel .
           ex:buget-apel a ckg:MonetaryAmount ; schema:value 3000000.0 ;
               ckg:sourceText "3 milioane" .""",
        {"focus": EX["buget-apel"], "path": SCHEMA.currency,
         "component": SH.MinCountConstraintComponent},
    ),
    "participation with two roles": (
        """ex:participare-4 a ckg:Participation ; ckg:inProject ex:proiect ;
               ckg:participant ex:primaria ; ckg:role ckgrole:partner , ckgrole:coordinator .""",
        {"focus": EX["participare-4"], "path": CKG.role,
         "component": SH.MaxCountConstraintComponent},
    ),
    "country with an alpha-3 ISO code": (
        """ex:country-md a ckg:Country ; skos:prefLabel "Republica Moldova"@ro ;
               ckg:isoCode "MDA" .""",
        {"focus": EX["country-md"], "path": CKG.isoCode,
         "component": SH.PatternConstraintComponent},
    ),
    "country with a lowercase ISO code": (
        """ex:country-md a ckg:Country ; skos:prefLabel "Republica Moldova"@ro ;
               ckg:isoCode "md" .""",
        {"focus": EX["country-md"], "path": CKG.isoCode,
         "component": SH.PatternConstraintComponent},
    ),
    "date given as a plain string": (
        """ex:retea ckg:endDate "2026-09-30" .""",
        {"focus": EX.retea, "path": CKG.endDate, "component": SH.NodeConstraintComponent},
    ),
    "date in words": (
        """ex:hub ckg:foundingDate "mai 2023"@ro .""",
        {"focus": EX.hub, "path": CKG.foundingDate, "component": SH.NodeConstraintComponent},
    ),
    "gYearMonth with month 13": (
        """ex:retea ckg:startDate "2025-13"^^xsd:gYearMonth .""",
        {"focus": EX.retea, "path": CKG.startDate, "component": SH.NodeConstraintComponent},
    ),
    "evidence with lineStart after lineEnd": (
        """ex:dovada-3 a ckg:Evidence ; rdf:subject ex:proiect ; rdf:predicate ckg:pilotArea ;
               rdf:object ex:cartier-nord ; ckg:statementKey "3" ; ckg:sourceDocument ex:doc-001 ;
               ckg:lineStart "14"^^xsd:positiveInteger ; ckg:lineEnd "12"^^xsd:positiveInteger ;
               ckg:method "reviewed" .""",
        {"focus": EX["dovada-3"], "path": CKG.lineStart,
         "component": SH.LessThanOrEqualsConstraintComponent},
    ),
    "evidence beyond the end of its document": (
        """ex:dovada-3 a ckg:Evidence ; rdf:subject ex:proiect ; rdf:predicate ckg:pilotArea ;
               rdf:object ex:cartier-nord ; ckg:statementKey "3" ; ckg:sourceDocument ex:doc-001 ;
               ckg:lineStart "39"^^xsd:positiveInteger ; ckg:lineEnd "41"^^xsd:positiveInteger ;
               ckg:method "reviewed" .""",
        {"focus": EX["doc-001"], "component": SH.SPARQLConstraintComponent,
         "message": "beyond the end"},
    ),
    "line number zero": (
        """ex:mentiune-2 a ckg:Mention ; ckg:about ex:primaria ; ckg:sourceDocument ex:doc-001 ;
               ckg:lineStart "0"^^xsd:integer ; ckg:lineEnd "2"^^xsd:positiveInteger .""",
        {"focus": EX["mentiune-2"], "path": CKG.lineStart,
         "component": SH.DatatypeConstraintComponent},
    ),
    "end date before start date": (
        """ex:retea ckg:startDate "2026-02-01"^^xsd:date ; ckg:endDate "2025"^^xsd:gYear .""",
        {"focus": EX.retea, "component": SH.SPARQLConstraintComponent,
         "message": "wrong order"},
    ),
    "amount written as an integer": (
        """ex:retea ckg:budget [ a ckg:MonetaryAmount ; schema:value 750000 ;
               schema:currency "EUR" ] .""",
        {"path": SCHEMA.value, "component": SH.DatatypeConstraintComponent},
    ),
    "negative amount": (
        """ex:retea ckg:budget [ a ckg:MonetaryAmount ; schema:value -5.0 ;
               schema:currency "EUR" ] .""",
        {"path": SCHEMA.value, "component": SH.MinInclusiveConstraintComponent},
    ),
    "role outside the role scheme": (
        """ex:participare-4 a ckg:Participation ; ckg:inProject ex:proiect ;
               ckg:participant ex:primaria ; ckg:role ckgrole:observer .""",
        {"focus": EX["participare-4"], "path": CKG.role, "component": SH.InConstraintComponent},
    ),
    "participant that is a project": (
        """ex:participare-4 a ckg:Participation ; ckg:inProject ex:proiect ;
               ckg:participant ex:retea ; ckg:role ckgrole:partner .""",
        {"focus": EX["participare-4"], "path": CKG.participant,
         "component": SH.OrConstraintComponent},
    ),
    "shortcut without a participation": (
        """ex:proiect ckg:partner ex:facultate .""",
        {"focus": EX.proiect, "component": SH.SPARQLConstraintComponent,
         "message": "not backed"},
    ),
    "entity without a Romanian name": (
        """ex:asociatie a ckg:Association ; skos:prefLabel "Green Towns Association"@en .""",
        {"focus": EX.asociatie, "path": SKOS.prefLabel,
         "component": SH.QualifiedMinCountConstraintComponent},
    ),
    "two Romanian names": (
        """ex:valea-verde skos:prefLabel "Orașul Valea Verde"@ro .""",
        {"focus": EX["valea-verde"], "path": SKOS.prefLabel,
         "component": SH.UniqueLangConstraintComponent},
    ),
    "name without language tag": (
        """ex:asociatie a ckg:Association ;
               skos:prefLabel "Asociația Orașelor Verzi"@ro , "Asociatia Oraselor Verzi" .""",
        {"focus": EX.asociatie, "path": SKOS.prefLabel,
         "component": SH.DatatypeConstraintComponent},
    ),
    # Under RDFS inference the programme also becomes an Organisation (range of hostedBy);
    # the two types are disjoint.
    "value of the wrong class": (
        """ex:zi-informativa ckg:hostedBy ex:program .""",
        {"focus": EX.program, "component": SH.XoneConstraintComponent},
    ),
    # The dangling IRI is inferred to be a Programme and then lacks a name.
    "reference to an undescribed entity": (
        """ex:proiect ckg:fundedBy ex:program-inexistent .""",
        {"focus": EX["program-inexistent"], "path": SKOS.prefLabel,
         "component": SH.QualifiedMinCountConstraintComponent},
    ),
    "property used on the wrong kind of subject": (
        """ex:zi-informativa ckg:fundedBy ex:program .""",
        {"focus": EX["zi-informativa"], "component": SH.OrConstraintComponent,
         "message": "fundedBy"},
    ),
    # RDFS inference also types the literal as a MonetaryAmount, which the amount shape
    # then reports as well.
    "budget given as a literal": (
        """ex:retea ckg:budget "500000 EUR" .""",
        {"focus": EX.retea, "path": CKG.budget},
        {"focus": Literal("500000 EUR")},
    ),
    # The country also becomes a City (range of ckg:city).
    "city that is a country": (
        """ex:minister ckg:city ex:country-ro .""",
        {"focus": EX["country-ro"], "component": SH.XoneConstraintComponent},
    ),
    "ROR id without its IRI prefix": (
        """ex:facultate ckg:ror "0abcdef12" .""",
        {"focus": EX.facultate, "path": CKG.ror},
    ),
    "Wikidata page URL instead of entity IRI": (
        """ex:misiune ckg:wikidata <https://www.wikidata.org/wiki/Q4115189> .""",
        {"focus": EX.misiune, "path": CKG.wikidata, "component": SH.PatternConstraintComponent},
    ),
    "grant agreement with letters": (
        """ex:retea ckg:grantAgreement "GA-2024-17" .""",
        {"focus": EX.retea, "path": CKG.grantAgreement,
         "component": SH.PatternConstraintComponent},
    ),
    "document with an uppercase checksum": (
        """ex:doc-002 a ckg:Document ; ckg:fileName "002_invented.txt" ;
               ckg:sha256 "9F2C4B7A1E0D38F5C6A9B2E47D1F0C3A8B5E6D7F9012A3B4C5D6E7F8091A2B3C" ;
               ckg:lineCount "12"^^xsd:nonNegativeInteger .""",
        {"focus": EX["doc-002"], "path": CKG.sha256, "component": SH.PatternConstraintComponent},
    ),
    "evidence without a statement key": (
        """ex:dovada-3 a ckg:Evidence ; rdf:subject ex:proiect ; rdf:predicate ckg:pilotArea ;
               rdf:object ex:cartier-nord ; ckg:sourceDocument ex:doc-001 ; ckg:lineStart "5"^^xsd:positiveInteger ;
               ckg:lineEnd "5"^^xsd:positiveInteger ; ckg:method "reviewed" .""",
        {"focus": EX["dovada-3"], "path": CKG.statementKey, "component": SH.MinCountConstraintComponent},
    ),
    "evidence without a source document": (
        """ex:dovada-3 a ckg:Evidence ; rdf:subject ex:proiect ; rdf:predicate ckg:pilotArea ;
               rdf:object ex:cartier-nord ; ckg:statementKey "3" ; ckg:lineStart "5"^^xsd:positiveInteger ;
               ckg:lineEnd "5"^^xsd:positiveInteger ; ckg:method "reviewed" .""",
        {"focus": EX["dovada-3"], "path": CKG.sourceDocument,
         "component": SH.MinCountConstraintComponent},
    ),
}


def _matches(result: dict, expected: dict) -> bool:
    for key, value in expected.items():
        if key == "message":
            if value not in result["message"]:
                return False
        elif result[key] != value:
            return False
    return True


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_graph_is_rejected(ontology, shapes, case):
    snippet, *expected = BAD_CASES[case]
    conforms, results, text = run_shapes(ontology, shapes, GOOD + snippet)
    assert not conforms, f"{case}: accepted"
    assert any(_matches(r, expected[0]) for r in results), f"{case}: not reported:\n{text}"
    unexpected = [r for r in results if not any(_matches(r, e) for e in expected)]
    assert not unexpected, f"{case}: other violations too:\n{text}"


def test_messages_name_the_problem(ontology, shapes):
    snippet, *_ = BAD_CASES["amount without currency"]
    _, results, _ = run_shapes(ontology, shapes, GOOD + snippet)
    assert any("schema:currency" in r["message"] for r in results)
