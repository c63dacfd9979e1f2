"""The CORDIS importer on the real samples of /work/shared/data/cordis and on bad files."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.config import PROJECT_ROOT
from ingest.cordis import (
    ImportFileError,
    RowError,
    import_cordis,
    parse_bool,
    parse_date,
    parse_number,
    programme_chain,
    read_records,
)

CORDIS = PROJECT_ROOT.parent / "shared" / "data" / "cordis"
KG = "https://w3id.org/citykg/"
PREFIX = ("PREFIX ckg: <https://w3id.org/citykg/ontology#> PREFIX schema: <https://schema.org/>\n"
          "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
          "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX kg: <https://w3id.org/citykg/>\n")

ORG_HEADER = ('"projectID","projectAcronym","organisationID","vatNumber","name","shortName","SME","activityType",'
              '"street","postCode","city","country","nutsCode","geolocation","organizationURL","contactForm",'
              '"contentUpdateDate","rcn","order","role","ecContribution","netEcContribution","totalCost",'
              '"endOfParticipation","active"')


def org_row(project: str, org: str, name: str, contribution: str = "1000.0", country: str = "RO", city: str = "IASI") -> str:
    return (f'"{project}","ACR","{org}","","{name}","","False","PUB","","","{city}","{country}","","","","",'
            f'"2023-03-10 21:17:00","1","1","participant","{contribution}","{contribution}","{contribution}","False",""')


def load(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def ask(store: ox.Store, where: str) -> bool:
    return bool(store.query(PREFIX + "ASK { " + where + " }", use_default_graph_as_union=True))


@pytest.fixture(scope="module")
def cordis_sample_import(tmp_path_factory):
    """The whole real sample folder, imported without a knowledge base to link to."""
    imports = tmp_path_factory.mktemp("cordis-imports")
    report = import_cordis(CORDIS, imports)
    return report, load(report.output)


# values -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("258714,29", Decimal("258714.29")), ("50000.0", Decimal("50000")), ("1453690", Decimal("1453690")),
    ("1.234.567,5", Decimal("1234567.5")), ("1,234,567.5", Decimal("1234567.5")), ("", None), ("  ", None),
])
def test_cordis_numbers_as_written(text, value):
    assert parse_number(text, "totalCost") == value


@pytest.mark.parametrize("text", ["12abc", "n/a", "1e5", "--3"])
def test_cordis_number_that_is_not_a_number(text):
    with pytest.raises(RowError, match="not a number"):
        parse_number(text, "ecContribution")


def test_cordis_dates_and_booleans():
    assert parse_date("2023-03-10 21:15:00", "d") == "2023-03-10"
    assert parse_date("2017-10-01", "d") == "2017-10-01"
    assert parse_date("", "d") is None
    with pytest.raises(RowError):
        parse_date("2017-13-45", "d")
    with pytest.raises(RowError):
        parse_date("tomorrow", "d")
    assert parse_bool("True", "SME") is True and parse_bool("false", "SME") is False
    assert parse_bool("", "SME") is None
    with pytest.raises(RowError):
        parse_bool("maybe", "SME")


def test_cordis_programme_parts_hang_under_the_framework():
    assert programme_chain("HORIZON.4.2.6") == [
        ("HORIZON.4.2.6", "HORIZON.4.2"), ("HORIZON.4.2", "HORIZON.4"), ("HORIZON.4", "programme/horizon-europe")]
    assert programme_chain("H2020-EU.3.4.")[-1] == ("H2020-EU.3.", "programme/horizon-2020")


def test_cordis_quoted_newlines_keep_their_lines(tmp_path):
    path = tmp_path / "topics.csv"
    path.write_text('projectID;topic;title\n1;T-1;"a title\non two lines"\n2;T-2;plain\n', encoding="utf-8")
    records = list(read_records(path))[1:]
    assert [(r.first, r.last) for r in records] == [(2, 3), (4, 4)]
    assert records[0].fields["title"] == "a title\non two lines"


# the real samples -----------------------------------------------------------------------------

def test_cordis_real_samples_import_without_bad_rows(cordis_sample_import):
    report, _ = cordis_sample_import
    assert report.bad == []
    assert report.files["h2020_organization_subset.csv"] == "organization"
    assert report.files["horizon_legalBasis.csv"] == "legalBasis"
    assert report.rows["h2020_organization_subset.csv"] == 5153
    assert report.counts["participations"] == 5153 + 100
    assert report.counts["organisations"] > 3000
    assert (report.output.parent / "cordis-report.md").is_file()


def test_cordis_reflow_participation_of_cluj_napoca(cordis_sample_import):
    _, store = cordis_sample_import
    # the municipality, with its role and EC contribution as an n-ary participation
    assert ask(store, f"""
        ?p ckg:inProject <{KG}project/cordis-820937> ; ckg:participant <{KG}org/cordis-966466485> ;
           ckg:role <{KG}role/partner> ; ckg:allocation [ schema:value 336250.0 ; schema:currency "EUR" ] .
        <{KG}project/cordis-820937> ckg:partner <{KG}org/cordis-966466485> ;
           ckg:fundedUnderCall <{KG}call/ce-sc5-03-2018> ; ckg:acronym "REFLOW" .
        <{KG}org/cordis-966466485> a ckg:PublicAuthority, ckg:Organisation ; ckg:country <{KG}country/ro> .
        <{KG}call/ce-sc5-03-2018> ckg:fundedBy <{KG}programme/horizon-2020> .""")
    # and where it comes from: the file and the line of the record
    rows = list(store.query(PREFIX + f"""
        SELECT ?line ?file WHERE {{ ?e ckg:method "import.cordis" ; ckg:lineStart ?line ;
            ckg:sourceDocument [ ckg:fileName ?file ; ckg:sha256 ?sha ] ;
            <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <{KG}org/cordis-966466485> }}""",
        use_default_graph_as_union=True))
    assert [(r["line"].value, r["file"].value) for r in rows] == [("2685", "h2020_organization_subset.csv")]


def test_cordis_every_fact_cites_the_lines_of_its_row(cordis_sample_import):
    _, store = cordis_sample_import
    # not one identifier, date, amount, funding link, participant or place lacks its lines
    cited_props = """VALUES ?p { ckg:grantAgreement ckg:startDate ckg:endDate ckg:signedDate ckg:budget ckg:funding
        ckg:fundedBy ckg:fundedUnderCall ckg:partOfProgramme ckg:participant ckg:country ckg:city ckg:homepage }"""
    stated = {tuple(r) for r in store.query(PREFIX + f"SELECT ?s ?p ?o WHERE {{ {cited_props} ?s ?p ?o }}",
                                            use_default_graph_as_union=True)}
    cited = {tuple(r) for r in store.query(PREFIX + f"""SELECT ?s ?p ?o WHERE {{ {cited_props}
        ?e rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; ckg:method "import.cordis" ;
           ckg:lineStart [] ; ckg:lineEnd [] ; ckg:sourceDocument [] }}""", use_default_graph_as_union=True)}
    assert len(stated) > 100_000 and not stated - cited
    # and the lines are those of the row that states it
    lines = {(r["p"].value.rsplit("#")[-1], r["file"].value, r["line"].value) for r in store.query(PREFIX + f"""
        SELECT ?p ?file ?line WHERE {{
          ?e rdf:subject ?s ; rdf:predicate ?p ; ckg:lineStart ?line ; ckg:sourceDocument/ckg:fileName ?file .
          VALUES ?s {{ <{KG}project/cordis-741487> <{KG}org/cordis-966466485> }} }}""", use_default_graph_as_union=True)}
    for prop in ("startDate", "endDate", "signedDate", "budget", "funding", "fundedBy", "fundedUnderCall"):
        assert (prop, "h2020_project_sample.csv", "2") in lines, prop
    for prop in ("country", "city"):
        assert (prop, "h2020_organization_subset.csv", "2685") in lines, prop
    assert ("fundedUnderCall", "h2020_topics.csv", "12567") in lines


def test_cordis_layout_details(cordis_sample_import):
    _, store = cordis_sample_import
    # decimal comma in a ','-separated file; EL/UK mapped to ISO codes; legal basis as programmes
    assert ask(store, f"""?p ckg:participant <{KG}org/cordis-936384457> ; ckg:inProject <{KG}project/cordis-820937> .""")
    assert not ask(store, f"?x ckg:country <{KG}country/uk> ")
    assert not ask(store, f"?x ckg:country <{KG}country/el> ")
    assert ask(store, f"?x ckg:country <{KG}country/gb> ")
    assert ask(store, f"""<{KG}project/cordis-101116741> ckg:fundedBy ?p . ?p ckg:partOfProgramme+ <{KG}programme/horizon-europe> ;
        <http://www.w3.org/2004/02/skos/core#notation> "HORIZON.1.1" .""")
    assert ask(store, f"""<{KG}project/cordis-741487> ckg:startDate "2017-10-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
        ckg:budget [ schema:value 2463412.0 ] ; ckg:fundedBy <{KG}programme/horizon-2020> .""")


def test_cordis_reimport_is_idempotent(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("horizon_project_sample100.csv", "horizon_organization_sample100.csv"):
        (folder / name).symlink_to(CORDIS / name)
    first = import_cordis(folder, tmp_path / "imports")
    digest = hashlib.sha256(first.output.read_bytes()).hexdigest()
    second = import_cordis(folder, tmp_path / "imports")
    assert hashlib.sha256(second.output.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in (tmp_path / "imports").iterdir()) == [
        "cordis-report.md", "cordis.nq", "inferred-cordis.nq", "links-cordis.nq"]


# bad input ------------------------------------------------------------------------------------

def test_cordis_bad_rows_are_reported_and_the_good_ones_imported(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "topics.csv").write_text("projectID;topic;title\n1001;TOP-1;A topic\n1002;TOP-1;A topic\n", encoding="utf-8")
    (folder / "organization.csv").write_text("\n".join([
        ORG_HEADER,
        org_row("1001", "11", "GOOD ONE"),                       # line 2
        org_row("1001", "12", "NOT A NUMBER", contribution="12abc"),  # line 3
        org_row("9999", "13", "NO SUCH PROJECT"),                # line 4
        org_row("1002", "14", "GREEK ONE", country="EL"),        # line 5
        '"1002","ACR","15","","CUT SHORT","","False","PUB"',       # line 6: truncated last line
    ]), encoding="utf-8")
    (folder / "wrong_header.csv").write_text("foo,bar,baz\n1,2,3\n", encoding="utf-8")
    report = import_cordis(folder, tmp_path / "imports")
    lines = sorted(b.line() for b in report.bad)
    assert lines == [
        "organization.csv:3: ecContribution '12abc' is not a number",
        "organization.csv:4: project 9999 is in no project, topics or legalBasis file",
        "organization.csv:6: 8 fields where the header has 25 (the record is cut short)",
        "wrong_header.csv:1: not a CORDIS header (separator ','): expected the columns of a project, "
        "organization, topics or legalBasis file, got foo, bar, baz",
    ]
    assert report.rows["organization.csv"] == 2 and report.counts["participations"] == 2
    text = (tmp_path / "imports" / "cordis-report.md").read_text()
    assert "organization.csv:4: project 9999" in text
    store = load(report.output)
    assert ask(store, f"<{KG}org/cordis-14> ckg:country <{KG}country/gr> ")
    assert not ask(store, f"<{KG}org/cordis-13> ?p ?o")


def test_cordis_wrong_separator_is_reported_by_line(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "topics.csv").write_text("projectID;topic;title\n1;T-1;ok\n2,T-2,comma separated\n", encoding="utf-8")
    report = import_cordis(folder, tmp_path / "imports")
    assert [b.line() for b in report.bad] == ["topics.csv:3: 1 fields where the header has 3 (a wrong separator?)"]
    assert report.rows["topics.csv"] == 1


def test_cordis_nothing_importable_leaves_the_previous_import(tmp_path):
    imports = tmp_path / "imports"
    good = tmp_path / "good"
    good.mkdir()
    (good / "topics.csv").write_text("projectID;topic;title\n1;T-1;ok\n", encoding="utf-8")
    before = import_cordis(good, imports).output.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.csv").write_text("a|b|c\n1|2|3\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"x.csv:1: not a CORDIS header"):
        import_cordis(bad, imports)
    assert (imports / "cordis.nq").read_bytes() == before
    assert not [p for p in imports.iterdir() if p.name.startswith(".")]  # no temporary file left


# synthetic data at CORDIS scale (here small) ------------------------------------------------

def test_synthetic_cordis_is_seeded_and_imports_cleanly(tmp_path):
    from ingest.synthetic_cordis import generate

    counts = generate(tmp_path / "a", projects=300, organisations=250, participations=1500, seed=3)
    generate(tmp_path / "b", projects=300, organisations=250, participations=1500, seed=3)
    assert counts == {"projects": 300, "organisations": 250, "participations": 1500}
    for name in ("project.csv", "organization.csv", "topics.csv", "legalBasis.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    report = import_cordis(tmp_path / "a", tmp_path / "imports")
    assert report.bad == []
    assert report.counts["projects"] == 300 and report.counts["participations"] == 1500
    assert report.counts["organisations"] == 250


# the command line ---------------------------------------------------------------------------

def run_cli(args: list[str], tmp_path: Path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "CITYKG_IMPORTS": str(tmp_path / "imports"), "CITYKG_STORE": str(tmp_path / "store"),
           "CITYKG_INBOX": str(tmp_path / "inbox")}
    return subprocess.run([sys.executable, "-m", "citykg.cli", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_cli_import_cordis_counts_and_bad_rows(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "topics.csv").write_text("projectID;topic;title\n1;T-1;ok\n2;T-2\n", encoding="utf-8")
    done = run_cli(["import", "cordis", str(folder), "--no-build"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "projects" in done.stdout and "cordis.nq" in done.stdout.replace("\n", "")
    assert "topics.csv:3: 2 fields where the header has 3" in done.stderr
    assert (tmp_path / "imports" / "cordis.nq").is_file()


def test_cli_import_refuses_what_is_not_cordis_or_ror(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.csv").write_text("a|b\n1|2\n", encoding="utf-8")
    done = run_cli(["import", "cordis", str(folder), "--no-build"], tmp_path)
    assert done.returncode == 2 and "x.csv:1: not a CORDIS header" in done.stderr
    (tmp_path / "r.json").write_text("id,name\n", encoding="utf-8")
    done = run_cli(["import", "ror", str(tmp_path / "r.json"), "--no-build"], tmp_path)
    assert done.returncode == 2 and "r.json:1: not JSON" in done.stderr
    assert "Traceback" not in done.stderr


def test_cordis_odd_bytes_do_not_stop_the_import(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "topics.csv").write_bytes(b"projectID;topic;title\n1;T-1;ok\n2;T-2;bad\x00byte \xff\n3;T-3;ok\n")
    report = import_cordis(folder, tmp_path / "imports")
    assert report.rows["topics.csv"] == 3 and report.bad == []
    load(report.output)  # the N-Quads stay valid


def test_cordis_programmes_have_names_not_only_codes(cordis_sample_import):
    """Before, programme/cordis-horizon-3-2 and the pillars above every part were bare codes:
    every programme part now has a name, and those of the table an English and a Romanian one."""
    _, store = cordis_sample_import
    unnamed = store.query(PREFIX + """
        SELECT ?p WHERE { ?p a ckg:Programme FILTER NOT EXISTS { ?p skos:prefLabel ?l } }""",
        use_default_graph_as_union=True)
    assert not [row["p"].value for row in unnamed]
    for code in ("HORIZON.3.2", "HORIZON.2", "H2020-EU.3."):
        for lang in ("en", "ro"):
            assert ask(store, f'?p skos:notation "{code}" ; skos:prefLabel ?l FILTER(LANG(?l) = "{lang}")'), (code, lang)
    assert ask(store, '?p skos:notation "HORIZON.2.5" ; skos:prefLabel "Climate, Energy and Mobility"@en')


def test_cordis_frameworks_are_the_knowledge_base_programmes(cordis_sample_import):
    """H2020 and HORIZON codes hang under programme/horizon-2020 / horizon-europe, the
    knowledge base's Orizont 2020 / Orizont Europa: one programme, whichever source names it."""
    _, store = cordis_sample_import
    assert ask(store, '?p skos:notation "H2020-EU.3." ; ckg:partOfProgramme kg:programme\\/horizon-2020')
    assert ask(store, '?p skos:notation "HORIZON.2" ; ckg:partOfProgramme kg:programme\\/horizon-europe')
    assert not ask(store, '?p a ckg:Programme ; skos:notation ?code FILTER(?code IN ("H2020", "HORIZON"))')


def test_cordis_shortcuts_and_periods_are_imported_into_the_inferred_graph(cordis_sample_import):
    """``?project ckg:hasParticipant ?x`` answers for imported projects too, and their dates have
    periods, in graph/inferred (an import is too large to derive at every build)."""
    report, _ = cordis_sample_import
    inferred = load(report.output.with_name("inferred-cordis.nq"))
    graphs = {q.graph_name.value for q in inferred}
    assert graphs == {"https://w3id.org/citykg/graph/inferred"}
    assert ask(inferred, "?project ckg:hasParticipant ?org . ?org ckg:memberOf ?project")
    assert ask(inferred, '?project ckg:startPeriod/ckg:periodStart ?day ; ckg:endPeriod/ckg:precision "day"')
    stated = report.output.read_text(encoding="utf-8")
    assert "hasParticipant" not in stated and "periodStart" not in stated
