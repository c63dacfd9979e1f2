"""How long a 500-node map takes: build, layout, HTML, PNG, and the browser's stabilisation.

    .venv/bin/python benchmarks/map_render.py                  # 500 nodes (synthetic)
    .venv/bin/python benchmarks/map_render.py --nodes 2000     # the drawing limit
    .venv/bin/python benchmarks/map_render.py --store 20000    # + load_network on a synthetic store

The graph is synthetic (hand-made query rows in the shape of ``map_network``): projects with a
coordinator and partners, organisations in cities and countries, programmes and calls. The
browser part needs /usr/bin/chromium (``make chromium``) and is skipped without it. ``--store N``
writes a store of N projects (5 participations each) in the knowledge base's RDF shape to a
temporary folder and times ``load_network`` through ``citykg.store`` for a project, a city and an
organisation's neighbourhood.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from citykg.namespaces import BASE  # noqa: E402
from visualizations.html import render_html  # noqa: E402
from visualizations.layout import layout  # noqa: E402
from visualizations.network import CKG, build_network, load_network  # noqa: E402
from visualizations.picture import render_picture  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def synthetic_rows(nodes: int, seed: int = 1) -> list[dict]:
    """Rows for about ``nodes`` entities: 30% projects, 50% organisations, the rest places and funders."""
    rng = random.Random(seed)
    n_projects, n_orgs = int(nodes * 0.3), int(nodes * 0.5)
    n_cities, n_countries = max(2, int(nodes * 0.12)), max(2, int(nodes * 0.04))
    n_programmes = max(1, nodes - n_projects - n_orgs - n_cities - n_countries)
    rows: list[dict] = []

    def entity(kind: str, i: int, type_: str) -> str:
        iri = f"{BASE}{kind}/{kind[0]}{i}"
        rows.append({"node": iri, "type": CKG + type_, "label": f"{type_} {i}", "labelLang": "ro"})
        return iri

    countries = [entity("country", i, "Country") for i in range(n_countries)]
    cities = [entity("city", i, "City") for i in range(n_cities)]
    programmes = [entity("programme", i, "Programme") for i in range(n_programmes)]
    orgs = [entity("org", i, rng.choice(["University", "Company", "CityHall", "NGO"])) for i in range(n_orgs)]
    projects = [entity("project", i, "Project") for i in range(n_projects)]
    for i, city in enumerate(cities):
        rows.append({"node": city, "type": CKG + "City", "relation": CKG + "country", "target": countries[i % n_countries]})
    for org in orgs:
        rows.append({"node": org, "type": CKG + "University", "relation": CKG + "city", "target": rng.choice(cities)})
    for project in projects:
        rows.append({"node": project, "type": CKG + "Project", "relation": CKG + "fundedBy", "target": rng.choice(programmes)})
        partners = rng.sample(orgs, k=min(len(orgs), rng.randint(2, 6)))
        rows.append({"node": project, "type": CKG + "Project", "relation": CKG + "coordinator", "target": partners[0]})
        for org in partners[1:]:
            rows.append({"node": project, "type": CKG + "Project", "relation": CKG + "partner", "target": org})
        rows.append({"node": project, "type": CKG + "Project", "relation": CKG + "budget", "target": project + "/budget",
                     "amount": str(rng.randint(1, 50) * 100_000), "currency": "EUR"})
    return rows


def timed(label: str, function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<44} {time.perf_counter() - started:8.3f} s")
    return result


def browser_stabilisation(page_file: Path) -> None:
    if not Path(CHROMIUM).exists():
        print(f"{'browser stabilisation':<44}  skipped ({CHROMIUM} missing: make chromium)")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        started = time.perf_counter()
        page.goto(page_file.as_uri())
        page.wait_for_function("window.citykgMap && window.citykgMap.stabilised", timeout=120_000)
        wall = time.perf_counter() - started
        in_page = page.evaluate("window.citykgMap.stabilisedAt - window.citykgMap.startedAt") / 1000
        physics = page.evaluate("window.citykgMap.network.physics.options.enabled")
        print(f"{'browser: load until stable (wall)':<44} {wall:8.3f} s")
        print(f"{'browser: network created until stable':<44} {in_page:8.3f} s  (physics now {'on' if physics else 'off'})")
        print(f"{'browser: requests made':<44} {len(requests):8d}    ({', '.join(sorted({r.split(':')[0] for r in requests}))})")
        browser.close()


def synthetic_store(projects: int, folder: Path):
    """A store of ``projects`` projects in the knowledge base's RDF shape, through citykg.store."""
    from citykg.store import EmbeddedStore

    rng = random.Random(2)
    orgs, cities, countries, calls = max(10, projects // 3), max(5, projects // 16), 40, max(2, projects // 80)
    data = folder / "synthetic.nq"
    kb, doc = f"<{BASE}graph/kb>", f"<{BASE}graph/doc/synthetic>"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    with data.open("w", encoding="utf-8") as out:
        def quad(s, p, o, g=kb):
            out.write(f"{s} {p} {o} {g} .\n")

        for i in range(countries):
            quad(f"<{BASE}country/c{i}>", rdf_type, f"<{CKG}Country>")
        for i in range(cities):
            quad(f"<{BASE}city/c{i}>", rdf_type, f"<{CKG}City>")
            quad(f"<{BASE}city/c{i}>", f"<{CKG}country>", f"<{BASE}country/c{i % countries}>")
        quad(f"<{BASE}programme/horizon>", rdf_type, f"<{CKG}Programme>")
        for i in range(calls):
            quad(f"<{BASE}call/k{i}>", rdf_type, f"<{CKG}Call>")
            quad(f"<{BASE}call/k{i}>", f"<{CKG}partOfProgramme>", f"<{BASE}programme/horizon>", doc)
        for i in range(orgs):
            quad(f"<{BASE}org/o{i}>", rdf_type, f"<{CKG}University>")
            quad(f"<{BASE}org/o{i}>", label, f'"Organisation {i}"@ro')
            quad(f"<{BASE}org/o{i}>", f"<{CKG}city>", f"<{BASE}city/c{rng.randrange(cities)}>")
        for p in range(projects):
            project = f"<{BASE}project/p{p}>"
            quad(project, rdf_type, f"<{CKG}Project>")
            quad(project, label, f'"Project {p}"@ro')
            quad(project, f"<{CKG}fundedUnderCall>", f"<{BASE}call/k{rng.randrange(calls)}>", doc)
            for n, o in enumerate({int(orgs * rng.random() ** 3) for _ in range(5)}):
                quad(project, f"<{CKG}{'coordinator' if n == 0 else 'partner'}>", f"<{BASE}org/o{o}>", doc)
    store = EmbeddedStore(folder / "store")
    store.publish([data])
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--store", type=int, default=0, metavar="PROJECTS", help="also time load_network on a synthetic store")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    rows = synthetic_rows(args.nodes)
    graph = timed(f"build_network ({len(rows)} rows)", build_network, rows, lang="en")
    print(f"{'graph':<44} {graph.number_of_nodes():8d} nodes, {graph.number_of_edges()} edges")
    timed("seeded layout", layout, graph)
    page = timed("render_html (layout included)", render_html, graph, lang="en")
    timed("render_picture png 1920x1080 (layout incl.)", render_picture, graph, fmt="png")
    timed("render_picture svg 1920x1080 (layout incl.)", render_picture, graph, fmt="svg")
    with tempfile.TemporaryDirectory(prefix="citykg-map-bench-") as tmp:
        page_file = Path(tmp) / "map.html"
        page_file.write_text(page, encoding="utf-8")
        print(f"{'html size':<44} {page_file.stat().st_size / 1e6:8.2f} MB")
        if not args.no_browser:
            browser_stabilisation(page_file)
        if args.store:
            store = timed(f"synthetic store of {args.store} projects", synthetic_store, args.store, Path(tmp))
            for label, kwargs in (
                ("load_network project", {"project": "project/p17"}),
                ("load_network city", {"city": "city/c3"}),
                ("load_network around org radius 1", {"around": f"org/o{args.store // 4}", "radius": 1}),
            ):
                try:
                    graph = timed(label, load_network, store, **kwargs)
                    print(f"{'':<44} {graph.number_of_nodes():8d} nodes")
                except Exception as error:  # a benchmark reports, it does not stop
                    print(f"{label:<44} failed: {error}")


if __name__ == "__main__":
    main()
