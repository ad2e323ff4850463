"""Shopify's Customer Privacy API gets the choice on a Hydrogen storefront (issue 10,
point 4), run with Hydrogen's own customer privacy code from the npm package.

Hydrogen makes `Shopify.customerPrivacy` an object at once but gives it
`setTrackingConsent` only when the API script has loaded, then wraps that function with the
storefront's settings and dispatches `shopifyCustomerPrivacyApiLoaded`. A choice made in
between must reach the API once it is there, through Hydrogen's wrapper.
"""
import json

import pytest

from tests.browser.conftest import banner_button, wait_banner, wait_decided
from tests.browser.platforms import API_STAND_IN, hydrogen_customer_privacy

pytestmark = pytest.mark.browser

# What a Hydrogen app passes to useCustomerPrivacy (its public Storefront API token).
PROPS = {"checkoutDomain": "checkout.shop.localhost", "storefrontAccessToken": "a" * 32}
TRACKING = {"acceptAll()": {"analytics": True, "marketing": True, "preferences": True,
                            "sale_of_data": True},
            "rejectAll()": {"analytics": False, "marketing": False, "preferences": False,
                            "sale_of_data": False},
            "set({analytics: true})": {"analytics": True, "marketing": False,
                                       "preferences": False, "sale_of_data": False}}


def hydrogen(props=PROPS) -> str:
    """Hydrogen's code run as the app does after hydration."""
    _, code = hydrogen_customer_privacy()
    return f"{code}\nusePrivacy({json.dumps(props)});"


def consents(page) -> list[dict]:
    """What Shopify's API was given, through Hydrogen's wrapper: the choice and the
    storefront's settings Hydrogen adds."""
    page.wait_for_function("() => (window.__shopifyConsent || []).length > 0")
    return page.evaluate("window.__shopifyConsent")


def test_choice_while_hydrogen_loads_the_api_reaches_it_through_hydrogen(
        page, context, shop_site, store_page):
    shop_site(platform="shopify")
    api, _ = hydrogen_customer_privacy()
    held = []
    context.route(api, lambda route: held.append(route))  # answered when the test says
    with page.expect_request(api):
        # The held script holds the load event back.
        page.goto(store_page(body=f"<script>{hydrogen()}</script>"), wait_until="commit")
    wait_banner(page)
    assert page.evaluate("() => [typeof Shopify.customerPrivacy,"
                         " typeof Shopify.customerPrivacy.setTrackingConsent]") == [
        "object", "undefined"]

    banner_button(page, "accept-all").click()
    wait_decided(page)
    held[0].fulfill(status=200, content_type="text/javascript", body=API_STAND_IN)

    [given] = consents(page)
    assert {k: given[k] for k in TRACKING["acceptAll()"]} == TRACKING["acceptAll()"]
    # Hydrogen's wrapper added the headless settings: the call went through it.
    assert given["headlessStorefront"] is True
    assert given["checkoutRootDomain"] == "shop.localhost"
    assert given["storefrontAccessToken"] == PROPS["storefrontAccessToken"]


@pytest.mark.parametrize("decision", TRACKING)
def test_choice_before_hydrogen_hydrates_reaches_the_api_once_hydrogen_has_it(
        page, context, shop_site, store_page, decision):
    shop_site(platform="shopify")
    api, _ = hydrogen_customer_privacy()
    context.route(api, lambda route: route.fulfill(status=200, content_type="text/javascript",
                                                   body=API_STAND_IN))
    page.goto(store_page())
    wait_banner(page)
    page.evaluate(f"ConsentBanner.{decision}")
    wait_decided(page)
    assert page.evaluate("typeof window.Shopify") == "undefined"

    with page.expect_request(api):
        page.add_script_tag(content=hydrogen())

    [given] = consents(page)
    assert {k: given[k] for k in TRACKING[decision]} == TRACKING[decision]
    assert given["headlessStorefront"] is True
