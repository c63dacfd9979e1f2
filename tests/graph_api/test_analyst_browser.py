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
