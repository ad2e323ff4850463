"""The demo storefronts: two pages modelled on the reference stores, each carrying its
trackers as gated markup (local stand-in scripts, so the demo works offline) and a side
panel that shows which trackers the snippet let load.

`make demo` serves them at /demo/demo-electronics and /demo/demo-subscriptions.
"""
from flask import Blueprint, abort, make_response, render_template, request

from .stores import PANEL_TEXTS, STORES, category_label, sar

bp = Blueprint("demo", __name__, url_prefix="/demo", template_folder="templates",
               static_folder="static")
# A storefront runs its own inline tags (gated by the snippet) and the banner's shadow
# root carries its <style>: inline allowed, yet nothing may load from another origin.
bp.content_security_policy = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'")

# Short and public: the pages hold nothing visitor-specific (the consent lives in the
# browser), yet a demo being edited should show changes within a minute.
MAX_AGE = 60


def _cacheable(html: str):
    response = make_response(html)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


@bp.get("/")
def list_stores():
    return _cacheable(render_template("demo/index.html", stores=STORES.values()))


@bp.get("/<site_key>")
def show_store(site_key: str):
    store = STORES.get(site_key)
    if store is None:
        abort(404)
    lang = store.language(request.args.get("lang"))
    return _cacheable(render_template(
        store.template, store=store, lang=lang, dir="rtl" if lang == "ar" else "ltr",
        t=store.texts[lang], panel=PANEL_TEXTS[lang], trackers=store.trackers,
        category_label=category_label, sar=sar))
