"""Issue 19 in a real browser (headless Chromium through Playwright, the app on loopback): the
flows an analyst follows with names instead of ids."""

from __future__ import annotations


def test_an_ambiguous_name_offers_its_candidates_and_one_click_searches(live_server, browser):
    page = browser.new_page()
    response = page.goto(f"{live_server}/partners?project=NetZeroCities")
    assert response.status == 422
    options = page.eval_on_selector_all("ul.candidates a", "links => links.map(a => a.textContent)")
    assert len(options) == 2, options
    page.click("ul.candidates a[href*='netzerocities-pnrr']")
    page.wait_for_selector("article.result")
    assert page.text_content("p.resolved code") == "project/netzerocities-pnrr"
    page.close()


def test_a_map_by_name_from_the_browser_and_its_error_page(live_server, browser):
    page = browser.new_page()
    response = page.goto(f"{live_server}/map?project=NetZeroCities")
    assert response.status == 422 and "text/html" in response.headers["content-type"]
    page.click("ul.candidates a[href*='netzerocities-h2020']")
    page.wait_for_function("window.citykgMap && window.citykgMap.stabilised", timeout=60_000)
    response = page.goto(f"{live_server}/map?project=CO4CITIES")
    assert response.status == 200
    page.wait_for_function("window.citykgMap && window.citykgMap.stabilised", timeout=60_000)
    page.close()


def test_search_with_a_co_partner_type_then_download_the_csv(live_server, browser):
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{live_server}/partners")
    page.select_option("select[name=type]", "University")
    page.fill("input[name=country]", "Romania")
    page.select_option("select[name=copartner_type]", "CityHall")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("article.result")
    found = page.eval_on_selector_all("article.result h2 a", "links => links.map(a => a.getAttribute('href'))")
    assert set(found) == {"/entities/org/utcn", "/entities/org/ubb"}
    with page.expect_download() as download:
        page.click("text=CSV")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert text.startswith("organisation_id,") and "org/utcn" in text and "001_4743cbcc972cd821.txt" in text
    page.close()


def test_a_citation_opens_the_passage_with_the_cited_lines_marked(live_server, browser):
    page = browser.new_page()
    page.goto(f"{live_server}/partners?near=UTCN")
    page.click("article.result ul.reasons details summary")
    page.click("article.result ul.reasons details a.cite")
    page.wait_for_selector("ol.passage li.cited mark")
    assert "/documents/" in page.url and "#L" in page.url
    assert page.text_content("h1").strip(), "the document's title"
    cited = page.eval_on_selector_all("ol.passage li.cited", "items => items.map(i => i.id)")
    line = page.url.split("#L")[1]
    assert f"L{line}" in cited
    page.close()


def test_an_entity_page_reads_clean_in_romanian(live_server, browser):
    page = browser.new_page()
    page.goto(f"{live_server}/entities/initiative/cities-mission")
    text = page.inner_text("main")
    assert "sprijină" in text and "selectedCity" not in text
    assert "Document 001 names it" not in text  # the curator's note
    page.close()


def test_the_query_page_opens_result_iris_here(live_server, browser):
    page = browser.new_page()
    page.goto(f"{live_server}/")
    page.click("button.example[data-name=project_partners]")
    link = page.wait_for_selector("a[data-iri^='https://w3id.org/citykg/org/']", timeout=30_000)
    href = link.get_attribute("href")
    assert href.startswith("/entities/org/")
    page.goto(f"{live_server}/queries/organisation_projects?format=html")
    page.fill("input[name=organisation]", "UTCN")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("table.results a[href^='/entities/project/']")
    assert page.text_content("p.resolved code") == "org/utcn"
    page.close()


def test_entity_fields_autocomplete_from_search(live_server, browser):
    page = browser.new_page()
    page.goto(f"{live_server}/partners")
    page.fill("input[name=city]", "Clujul")
    page.wait_for_function("document.querySelectorAll('#names-city option').length > 0", timeout=10_000)
    options = page.eval_on_selector_all("#names-city option", "os => os.map(o => o.value)")
    assert "city/cluj-napoca" in options
    page.close()
