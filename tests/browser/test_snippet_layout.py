"""The banner overlays the store without moving it, leaves the re-open button after
every decision, and does not move at all for visitors who ask for reduced motion."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import banner_button
from tests.browser.snippet_helpers import TWO_FRAMES, landmarked_store_page

pytestmark = pytest.mark.browser

# Every element of the banner (host, shadow content, their ::before/::after) that
# would transition or animate.
MOVING = """() => {
  const host = document.querySelector('#consent-banner');
  const moving = [];
  const seconds = v => v.split(',').map(parseFloat).some(s => s > 0);
  for (const el of [host, ...host.shadowRoot.querySelectorAll('*')]) {
    for (const pseudo of [null, '::before', '::after']) {
      const s = getComputedStyle(el, pseudo);
      const animated = s.animationName !== 'none' && seconds(s.animationDuration);
      if (seconds(s.transitionDuration) || animated)
        moving.push(el.tagName + (el.className ? '.' + el.className : '') + (pseudo || '') + ': ' +
                    s.transition + ' / ' + s.animation);
    }
  }
  return moving;
}"""

# Layout shifts and the store content's box before the banner exists.
WATCH_LAYOUT = """
window.__shift = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) window.__shift += entry.value;
}).observe({type: 'layout-shift', buffered: true});
document.addEventListener('DOMContentLoaded', () => {
  const r = document.querySelector('#content').getBoundingClientRect();
  window.__before = {box: [r.x, r.y, r.width, r.height],
                     banner: !!document.querySelector('#consent-banner')};
});
"""
CONTENT_BOX = """() => { const r = document.querySelector('#content').getBoundingClientRect();
  return [r.x, r.y, r.width, r.height]; }"""


@pytest.fixture
def store(page, shop_site, store_pages, live_server):
    shop_site()
    page.set_viewport_size({"width": 1280, "height": 800})
    return lambda lang="en": landmarked_store_page(store_pages, live_server, lang=lang)


@pytest.mark.parametrize("layer", ["first", "preferences"])
def test_reduced_motion_leaves_nothing_moving(page, store, layer):
    page.emulate_media(reduced_motion="reduce")
    page.goto(store())
    expect(banner_button(page, "accept-all")).to_be_visible()
    if layer == "preferences":
        banner_button(page, "customize").click()
        expect(page.get_by_role("dialog")).to_be_visible()
        page.locator('#consent-banner input[data-category="analytics"]').click()
    assert page.evaluate(MOVING) == []


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_banner_overlays_the_store_without_layout_shift(page, store, lang):
    page.add_init_script(WATCH_LAYOUT)
    page.goto(store(lang))
    expect(banner_button(page, "accept-all")).to_be_visible()
    page.evaluate(TWO_FRAMES)
    before = page.evaluate("window.__before")
    assert before["banner"] is False, "the banner existed before the page was parsed"
    assert page.evaluate(CONTENT_BOX) == before["box"]
    assert page.evaluate("window.__shift") == 0

    banner_button(page, "reject-all").click()
    expect(banner_button(page, "open")).to_be_visible()
    page.evaluate(TWO_FRAMES)
    assert page.evaluate(CONTENT_BOX) == before["box"]
    assert page.evaluate("window.__shift") == 0


def test_banner_sits_over_the_page_not_in_its_flow(page, store):
    page.goto(store())
    accept = banner_button(page, "accept-all")
    expect(accept).to_be_visible()
    position = page.evaluate("""() => {
      const host = document.querySelector('#consent-banner');
      const box = host.getBoundingClientRect();
      return {host: getComputedStyle(host).position, height: box.height};
    }""")
    assert position["host"] in ("fixed", "absolute") or position["height"] == 0
    assert accept.evaluate("el => document.elementFromPoint(...(r => [r.x + r.width / 2,"
                           " r.y + r.height / 2])(el.getBoundingClientRect()))"
                           " === el.getRootNode().host")  # on top of the store


@pytest.mark.parametrize("action", ["accept-all", "reject-all", "save"])
def test_reopen_button_is_present_after_every_decision(page, store, action):
    page.goto(store())
    if action == "save":
        banner_button(page, "customize").click()
    banner_button(page, action).click()
    reopen = banner_button(page, "open")
    expect(reopen).to_be_visible()
    expect(banner_button(page, "reject-all")).to_have_count(0)

    page.reload()
    expect(reopen).to_be_visible()
    expect(reopen).to_be_in_viewport()
    expect(banner_button(page, "accept-all")).to_have_count(0)
    reopen.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    expected = action == "accept-all"
    for key in ("functional", "analytics", "advertising"):
        switch = page.locator(f'#consent-banner input[data-category="{key}"]')
        expect(switch).to_be_checked(checked=expected)
