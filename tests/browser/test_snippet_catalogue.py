"""The snippet's built-in catalogue comes from banner/vendors.py when it is served: scripts
of any catalogue host are held back and every catalogue cookie is cleared on withdrawal,
on a site whose banner lists no vendor at all (so nothing comes from the banner)."""
import pytest

from banner.vendors import CATALOGUE
from tests.browser.conftest import marker, ran, wait_banner, wait_decided, wait_ran

pytestmark = pytest.mark.browser

# Vendors added with the shared catalogue, one per category, and a tag URL of each.
NEW_TAGS = {
    "hotjar": "https://static.hotjar.com/c/hotjar-1.js?sv=6",
    "linkedin": "https://snap.licdn.com/li.lms-analytics/insight.min.js",
    "youtube": "https://www.youtube.com/iframe_api",
}
# Cookies those and other new vendors set on the store's domain.
NEW_COOKIES = ["_hjSessionUser_1", "_hjSession_1", "_clck", "_clsk", "li_fat_id", "_pin_unauth",
               "_twclid", "ttcsid_C1", "_sctr"]


@pytest.mark.parametrize("key", NEW_TAGS)
def test_script_added_later_for_a_new_catalogue_host_waits_for_its_category(
        page, shop_site, store_page, document, key):
    shop_site(document)  # the default banner: no vendors of its own
    category = CATALOGUE[key]["category"]
    requested = []
    page.route(NEW_TAGS[key], lambda route: requested.append(route.request.url) or route.fulfill(
        status=200, content_type="text/javascript", body=marker(key)))
    page.goto(store_page())
    wait_banner(page)
    page.evaluate("""url => {
        const s = document.createElement('script');
        s.src = url;
        document.head.appendChild(s);
    }""", NEW_TAGS[key])
    others = {c: True for c in ("functional", "analytics", "advertising") if c != category}
    # The snippet releases what a decision grants before it posts the decision: once the
    # post is answered, a released tag would have been requested.
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url.endswith("/consents")):
        page.evaluate("choices => ConsentBanner.set(choices)", others)
    assert requested == [] and ran(page) == []

    page.evaluate("category => ConsentBanner.set({[category]: true})", category)
    wait_ran(page, key)
    assert ran(page) == [key]


def test_withdrawal_clears_the_cookies_of_new_catalogue_vendors(
        page, context, shop_site, store_page, document):
    shop_site(document)
    page.goto(store_page())
    wait_banner(page)
    page.evaluate("ConsentBanner.acceptAll()")
    wait_decided(page)
    page.evaluate("names => names.forEach(n => { document.cookie = n + '=1; Path=/'; })",
                  NEW_COOKIES + ["cart"])
    assert set(NEW_COOKIES) <= {c["name"] for c in context.cookies()}

    page.evaluate("ConsentBanner.withdraw()")
    page.wait_for_function("() => !ConsentBanner.get().categories.analytics")
    assert {c["name"] for c in context.cookies()} == {"cart", "consent_banner"}
