"""Latency of name search (``GET /search``) and partner search (``GET /partners``) on a built graph.

A benchmark, not a test: it prints figures, it asserts nothing. ::

    .venv/bin/python benchmarks/partner_search.py                 # builds ../shared/sources into a temporary store
    .venv/bin/python benchmarks/partner_search.py --store var/store
    .venv/bin/python benchmarks/partner_search.py --cordis-scale  # also a synthetic graph of CORDIS size
    .venv/bin/python benchmarks/partner_search.py --cordis-scale --synthetic-dir /tmp/cordis  # keep it, reuse it
    .venv/bin/python benchmarks/partner_search.py --cordis-store DIR  # ten searches on a build with the CORDIS import

For each graph it prints the one-off cost of the per-build caches (the label index, the
partnership network), then p50 / p95 / max over ``--repeat`` runs of each representative search,
and the machine it ran on. ``--cordis-scale`` writes a synthetic graph shaped like the real one
(types, names, acronyms, seats, participations with allocations and evidence, programmes,
calls, dates) with 72,000 organisations and 80,000 projects, names drawn from the words of the real
CORDIS organisation names in ``../shared/data/cordis``; it takes a few minutes to write and load.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from citykg.build import build  # noqa: E402
from citykg.config import Settings  # noqa: E402
from citykg.entity_page import entity_page  # noqa: E402
from citykg.entity_search import label_index  # noqa: E402
from citykg.namespaces import statement_key  # noqa: E402
from citykg.partner_search import partner_network, partner_search, warm_indexes  # noqa: E402
from citykg.store import EmbeddedStore, GraphStore  # noqa: E402

SHARED = ROOT.parent / "shared"

#: The searches of the issue (spelling variants), a prefix, a typo, a common word.
SEARCHES = [
    "Politehnica Bucuresti", "UPB", "universitatea politehnica din bucurești", "Timisoara",
    "Timişoara", "Municipiului Cluj-Napoca", "Timsoara", "timi", "cluj", "Universității Tehnice din Cluj-Napoca",
]
PARTNER_SEARCHES = [
    {"text": "Politehnica Bucuresti"},
    {"type": "University", "country": "RO"},
    {"near": "org/primaria-cluj-napoca", "type": "Organisation"},
    {"near": "city/cluj-napoca"},
    {"programme": "URBACT", "type": "City"},
    {"active_from": "2022-10-01", "active_to": "2022-12-31"},
    {"role": "lead-partner"},
    {},
]
PAGES = ["org/utcn", "project/co4cities", "city/cluj-napoca"]


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        memory = next(int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        memory_text = f", {memory} GiB RAM"
    except (OSError, StopIteration):
        memory_text = ""
    versions = ", ".join(f"{p} {version(p)}" for p in ("pyoxigraph", "networkx", "rapidfuzz"))
    return (f"{platform.node()}: {cpu or platform.machine()}, {os.cpu_count()} cores{memory_text}; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}; {versions}")


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):8.1f} ms   p95 {p95:8.1f} ms   max {ordered[-1]:8.1f} ms"


def run(store: GraphStore, label: str, searches: list[str], partner_searches: list[dict], pages: list[str],
        repeat: int) -> None:
    print(f"\n== {label}: {store.describe()}")
    print(f"   label index (once per build):       {timed(lambda: label_index(store)):9.1f} ms, "
          f"{len(label_index(store))} entities")
    print(f"   partnership network (once per build): {timed(lambda: partner_network(store)):7.1f} ms, "
          f"{partner_network(store).graph.number_of_edges()} participations")
    all_search, all_partner = [], []
    print("   name search (GET /search)")
    for q in searches:
        samples = [timed(lambda: label_index(store).search(q, limit=10)) for _ in range(repeat)]
        all_search += samples
        top = label_index(store).search(q, limit=1)
        print(f"     {q[:38]!r:42} {percentiles(samples)}   -> {top[0].id if top else '-'}")
    print(f"     {'all':42} {percentiles(all_search)}")
    print("   partner search (GET /partners, default limit)")
    for filters in partner_searches:
        samples = [timed(lambda: partner_search(store, **filters)) for _ in range(repeat)]
        all_partner += samples
        count = len(partner_search(store, **filters))
        print(f"     {str(filters)[:42]:42} {percentiles(samples)}   -> {count} results")
    print(f"     {'all':42} {percentiles(all_partner)}")
    print("   entity page (GET /entities/..., HTML data)")
    for entity_id in pages:
        samples = [timed(lambda: entity_page(store, entity_id)) for _ in range(max(3, repeat // 3))]
        print(f"     {entity_id:42} {percentiles(samples)}")


# --------------------------------------------------------------------------- the CORDIS import


def cordis_searches(store: GraphStore) -> dict[str, dict]:
    """Ten searches an analyst makes, on a build with the CORDIS import (``citykg import
    cordis``, real or ``ingest/synthetic_cordis.py``): a common word, a named organisation, a
    country, a type in a country, a programme's coordinators, Romanians in a programme, near the
    busiest participant, near a city hall of the documents, a period in a country, no filter."""
    busiest = partner_network(store).busiest(label_index(store))[0].removeprefix(KG)
    return {
        "text=energy": {"text": "energy"},
        "text=Politehnica Bucuresti": {"text": "Politehnica Bucuresti"},
        "country=ro": {"country": "country/ro"},
        "type=University country=de": {"type": "University", "country": "country/de"},
        "programme=horizon-europe role=coordinator": {"programme": "programme/horizon-europe", "role": "coordinator"},
        "programme=horizon-europe country=ro": {"programme": "programme/horizon-europe", "country": "country/ro"},
        f"near={busiest} (busiest)": {"near": busiest},
        "near=org/primaria-cluj-napoca": {"near": "org/primaria-cluj-napoca"},
        "2024-Q1 country=it": {"active_from": "2024-01-01", "active_to": "2024-03-31", "country": "country/it"},
        "no filter": {},
    }


def measure_searches(store: GraphStore, runs: int, limits: tuple[int | None, ...] = (None, 50)) -> None:
    """p50 / p95 / max of each of :func:`cordis_searches` and of all together, at the default
    page and at ``limits``; the per-build indexes are read first and timed apart."""
    print(f"   label index (once per build):         {timed(lambda: label_index(store)) / 1000:7.1f} s")
    print(f"   partnership network (once per build): {timed(lambda: partner_network(store)) / 1000:7.1f} s")
    print(f"   rankings kept per build:              {timed(lambda: warm_indexes(store)) / 1000:7.1f} s")
    cases = cordis_searches(store)
    for limit in limits:
        page = {} if limit is None else {"limit": limit}
        print(f"   partner search, {'default page' if limit is None else f'limit={limit}'}, {runs} runs each")
        pooled = []
        for name, filters in cases.items():
            samples = [timed(lambda: partner_search(store, **filters, **page)) for _ in range(runs)]
            pooled += samples
            count = len(partner_search(store, **filters, **page))
            print(f"     {name[:44]:44} {percentiles(samples)}   -> {count} results")
        print(f"     {'all ten':44} {percentiles(pooled)}")


# --------------------------------------------------------------------------- a CORDIS-size graph

KG = "https://w3id.org/citykg/"
CKG = KG + "ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ORG_TYPES = [("University", "Organisation"), ("ResearchInstitute", "Organisation"), ("Company", "Organisation"),
             ("Agency", "PublicAuthority"), ("CityHall", "PublicAuthority"), ("NGO", "Organisation"),
             ("Association", "Organisation")]


def synthetic_graph(path: Path, organisations: int, projects: int, seed: int = 5) -> dict:
    """Write N-Quads of a graph shaped like the real build; return names to search for."""
    rng = random.Random(seed)
    rows = list(csv.DictReader((SHARED / "data/cordis/h2020_organization_subset.csv").open(encoding="utf-8")))
    real_names = sorted({r["name"] for r in rows if r["name"]})
    words = Counter(w for name in real_names for w in name.split() if w.isalpha() and len(w) > 2)
    vocabulary, weights = zip(*words.most_common())
    cities = sorted({r["city"].strip().title() for r in rows if r["city"].strip()})
    countries = sorted({r["country"] for r in rows if len(r["country"]) == 2})
    kb, doc = f"<{KG}graph/kb>", f"<{KG}graph/doc/synthetic>"
    out = path.open("w", encoding="utf-8")

    def lit(text: str, lang: str | None = None) -> str:
        return str(ox.Literal(text, language=lang)) if lang else str(ox.Literal(text))

    def quad(s: str, p: str, o: str, g: str = kb) -> None:
        out.write(f"{s} {p} {o} {g} .\n")

    ontology = ox.parse(path=str(ROOT / "ontology/citykg.ttl"), format=ox.RdfFormat.TURTLE)
    for triple in ontology:
        out.write(f"{triple.subject} {triple.predicate} {triple.object} <{KG}graph/ontology> .\n")
    quad(f"<{KG}doc/synthetic>", RDF_TYPE, f"<{CKG}Document>", doc)
    quad(f"<{KG}doc/synthetic>", f"<{CKG}fileName>", lit("synthetic.txt"), doc)
    for code in countries:
        c = f"<{KG}country/{code.lower()}>"
        for cls in ("Country", "Place"):
            quad(c, RDF_TYPE, f"<{CKG}{cls}>")
        quad(c, f"<{SKOS}prefLabel>", lit(code, "ro"))
        quad(c, f"<{SKOS}altLabel>", lit(code, "ro"))
    city_iri = {}
    for n, name in enumerate(cities):
        c = f"<{KG}city/c{n}>"
        city_iri[name] = (c, rng.choice(countries))
        for cls in ("City", "Place"):
            quad(c, RDF_TYPE, f"<{CKG}{cls}>")
        quad(c, f"<{SKOS}prefLabel>", lit(name, "ro"))
        quad(c, f"<{CKG}country>", f"<{KG}country/{city_iri[name][1].lower()}>")
    programmes = ["horizon-2020", "horizon-europe", "urbact", "uia", "interreg", "life", "digital", "cef", "erasmus", "pnrr"]
    for p in programmes:
        quad(f"<{KG}programme/{p}>", RDF_TYPE, f"<{CKG}Programme>")
        quad(f"<{KG}programme/{p}>", f"<{SKOS}prefLabel>", lit(p.replace("-", " ").title(), "ro"))
    calls = []
    for n in range(500):
        c = f"<{KG}call/k{n}>"
        calls.append((c, rng.choice(programmes)))
        quad(c, RDF_TYPE, f"<{CKG}Call>")
        quad(c, f"<{SKOS}prefLabel>", lit(f"Call {n} {' '.join(rng.choices(vocabulary, k=3))}", "ro"))
        quad(c, f"<{CKG}partOfProgramme>", f"<{KG}programme/{calls[-1][1]}>")
    orgs = []
    for n in range(organisations):
        name = real_names[n] if n < len(real_names) else " ".join(rng.choices(vocabulary, weights, k=rng.randint(2, 5)))
        o = f"<{KG}org/o{n}>"
        orgs.append(o)
        cls, parent = rng.choice(ORG_TYPES)
        for c in {cls, parent, "Organisation"}:
            quad(o, RDF_TYPE, f"<{CKG}{c}>")
        quad(o, f"<{SKOS}prefLabel>", lit(name, "ro"))
        if rng.random() < 0.5:
            quad(o, f"<{CKG}acronym>", lit("".join(w[0] for w in name.split()[:5]).upper() + str(n % 97)))
        city, country = city_iri[rng.choice(cities)]
        quad(o, f"<{CKG}city>", city)
        quad(o, f"<{CKG}country>", f"<{KG}country/{country.lower()}>")
    degree = [1 / (k + 1) ** 0.8 for k in range(organisations)]  # a few organisations in very many projects
    line = 0
    for n in range(projects):
        p = f"<{KG}project/p{n}>"
        quad(p, RDF_TYPE, f"<{CKG}Project>")
        quad(p, f"<{SKOS}prefLabel>", lit(f"PRJ{n} {' '.join(rng.choices(vocabulary, k=2))}", "ro"), doc)
        call, programme = rng.choice(calls)
        quad(p, f"<{CKG}fundedBy>", f"<{KG}programme/{programme}>", doc)
        quad(p, f"<{CKG}fundedUnderCall>", call, doc)
        start = rng.randint(2014, 2024)
        quad(p, f"<{CKG}startDate>", f'"{start}-{rng.randint(1, 12):02d}-01"^^<{XSD}date>', doc)
        quad(p, f"<{CKG}endDate>", f'"{start + rng.randint(1, 4)}-{rng.randint(1, 12):02d}-28"^^<{XSD}date>', doc)
        members = set(rng.choices(range(organisations), degree, k=rng.randint(2, 8)))
        for k, member in enumerate(sorted(members)):
            role = "coordinator" if k == 0 else "partner"
            part = f"<{KG}participation/p{n}--o{member}--{role}>"
            quad(part, RDF_TYPE, f"<{CKG}Participation>", doc)
            quad(part, f"<{CKG}participant>", orgs[member], doc)
            quad(part, f"<{CKG}inProject>", p, doc)
            quad(part, f"<{CKG}role>", f"<{KG}role/{role}>", doc)
            quad(p, f"<{CKG}hasParticipation>", part, doc)
            quad(p, f"<{CKG}{'coordinator' if role == 'coordinator' else 'partner'}>", orgs[member], doc)
            amount = f"<{KG}amount/p{n}-o{member}>"  # CORDIS gives every participation its contribution
            quad(part, f"<{CKG}allocation>", amount, doc)
            quad(amount, RDF_TYPE, f"<{CKG}MonetaryAmount>", doc)
            quad(amount, "<https://schema.org/value>", f'"{rng.randint(20, 2000) * 1000}"^^<{XSD}decimal>', doc)
            quad(amount, "<https://schema.org/currency>", lit("EUR"), doc)
            line += 1
            evidence = f"<{KG}evidence/e{line}>"
            quad(evidence, RDF_TYPE, f"<{CKG}Evidence>", doc)
            quad(evidence, f"<{RDF}subject>", part, doc)
            quad(evidence, f"<{RDF}predicate>", f"<{CKG}participant>", doc)
            quad(evidence, f"<{RDF}object>", orgs[member], doc)
            quad(evidence, f"<{CKG}statementKey>", lit(statement_key(part[1:-1], CKG + "participant")), doc)
            quad(evidence, f"<{CKG}sourceDocument>", f"<{KG}doc/synthetic>", doc)
            quad(evidence, f"<{CKG}lineStart>", f'"{line}"^^<{XSD}integer>', doc)
            quad(evidence, f"<{CKG}lineEnd>", f'"{line}"^^<{XSD}integer>', doc)
    quad(f"<{KG}build/latest>", RDF_TYPE, "<http://www.w3.org/ns/prov#Activity>", f"<{KG}graph/build>")
    out.close()
    hub, small = real_names[0], real_names[len(real_names) // 2]
    return {
        "searches": [hub, hub.lower(), hub[: max(4, len(hub) // 2)], small, cities[10], "universitat", "institute technology"],
        "partners": [
            {"text": small},
            {"type": "University", "country": countries[0]},
            {"near": "org/o0"},  # the organisation in the most projects
            {"near": f"org/o{organisations // 2}"},
            {"programme": "programme/urbact", "type": "CityHall"},
            {"call": "call/k7"},
            {"active_from": "2016-01-01", "active_to": "2016-03-31", "country": countries[1]},
            {"role": "coordinator", "city": cities[10]},
        ],
        "pages": ["org/o0", f"org/o{organisations // 2}", "project/p1000"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a built store (CITYKG_STORE); default: build the documents into a temporary one")
    parser.add_argument("--repeat", type=int, default=30, help="runs of each search (default 30)")
    parser.add_argument("--cordis-scale", action="store_true", help="also a synthetic graph of CORDIS size")
    parser.add_argument("--organisations", type=int, default=72_000)
    parser.add_argument("--projects", type=int, default=80_000)
    parser.add_argument("--cordis-store", type=Path,
                        help="a build with the CORDIS import: run the ten searches of cordis_searches() on it only")
    parser.add_argument("--synthetic-dir", type=Path,
                        help="keep the synthetic graph here, and reuse it when it is already there")
    args = parser.parse_args()
    print("machine:", machine())
    if args.cordis_store:
        store = EmbeddedStore(args.cordis_store)
        print(f"== {store.describe()}")
        measure_searches(store, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="citykg-bench-") as tmp:
        if args.store:
            store = EmbeddedStore(args.store)
        else:
            settings = Settings(store=Path(tmp) / "store", sources=SHARED / "sources")
            seconds = timed(lambda: build(settings)) / 1000
            print(f"built the five documents in {seconds:.1f} s")
            store = EmbeddedStore(settings.store)
        run(store, "the build of the documents", SEARCHES, PARTNER_SEARCHES, PAGES, args.repeat)
        if args.cordis_scale:
            folder = args.synthetic_dir or Path(tmp) / "synthetic"
            folder.mkdir(parents=True, exist_ok=True)
            data, queries_file = folder / "synthetic.nq", folder / "queries.json"
            big = EmbeddedStore(folder / "store")
            if big.current_build() is None or not queries_file.is_file():
                start = time.perf_counter()
                queries = synthetic_graph(data, args.organisations, args.projects)
                written = time.perf_counter()
                big.publish([data])
                loaded = time.perf_counter()
                queries_file.write_text(json.dumps(queries), encoding="utf-8")
                triples = sum(1 for _ in open(data, encoding="utf-8"))
                print(f"\nsynthetic graph: {args.organisations} organisations, {args.projects} projects, {triples} quads; "
                      f"written in {written - start:.0f} s, loaded in {loaded - written:.0f} s")
            else:
                queries = json.loads(queries_file.read_text(encoding="utf-8"))
                print(f"\nsynthetic graph: reused from {folder}")
            run(big, "CORDIS-size synthetic graph", queries["searches"], queries["partners"], queries["pages"],
                max(5, args.repeat // 3))


if __name__ == "__main__":
    main()
