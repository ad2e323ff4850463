"""Region rules take effect: the policy for the visitor's country, from the trusted country
header only, in the banner and in every record (issue 10, point 3)."""
import uuid

import pytest
import requests
from cachecontrol import CacheControl

from banner.extensions import db
from banner.models import ConsentRecord
from tests.helpers import consent, post_consent
from tests.servers import wsgi_thread

HEADER = "CF-IPCountry"
RULES = [{"countries": ["US"], "mode": "opt_out"}, {"countries": ["SA", "AE"], "mode": "opt_in"}]


@pytest.fixture
def ruled_site(make_site, document):
    document["behaviour"].update(default_mode="opt_out", region_rules=RULES)
    return make_site(site_key="ruled-store", document=document)


@pytest.fixture
def geo_app(make_app):
    """The app behind a CDN that tells the visitor's country in CF-IPCountry."""
    return make_app(COUNTRY_HEADER=HEADER)


def banner(client, country=None, **query):
    headers = {HEADER: country} if country else {}
    return client.get("/v1/sites/ruled-store/banner", query_string=query, headers=headers)


@pytest.mark.parametrize("country, policy", [
    ("US", {"mode": "opt_out", "rule": 0}),
    ("SA", {"mode": "opt_in", "rule": 1}),
    ("FR", {"mode": "opt_out", "rule": None}),  # no rule: the default mode
    (None, {"mode": "opt_out", "rule": None}),  # no country known: the default mode
    ("XX", {"mode": "opt_out", "rule": None}),  # a CDN's "unknown"
])
def test_the_banner_carries_the_policy_of_the_visitors_country(geo_app, ruled_site, country,
                                                               policy):
    response = banner(geo_app.test_client(), country)
    assert response.status_code == 200
    assert response.json["policy"] == policy
    assert response.headers["Vary"] == f"Origin, {HEADER}"


def test_the_fast_path_never_hands_one_countrys_policy_to_another(geo_app, ruled_site):
    client = geo_app.test_client()
    seen = [(country, banner(client, country, lang="ar").json["policy"]["mode"])
            for country in ("US", "SA", "US", None, "SA", "US")]
    assert seen == [("US", "opt_out"), ("SA", "opt_in"), ("US", "opt_out"), (None, "opt_out"),
                    ("SA", "opt_in"), ("US", "opt_out")]


def test_a_shared_http_cache_keeps_one_copy_per_country(geo_app, ruled_site):
    """CacheControl is a real HTTP cache that honours Vary, as a CDN must: behind one cache
    key (the same URL), a repeat from the same country is served from the cache, and a
    visitor of another country never gets the copy cached for the first."""
    with wsgi_thread(geo_app) as base:
        cached = CacheControl(requests.Session())
        url = f"{base}/v1/sites/ruled-store/banner?lang=en"
        answers = [(country, cached.get(url, headers={HEADER: country}))
                   for country in ("US", "US", "SA", "SA", "US")]
        cached.close()
    assert [(country, response.json()["policy"]["mode"], response.from_cache)
            for country, response in answers] == [
        ("US", "opt_out", False), ("US", "opt_out", True),
        ("SA", "opt_in", False), ("SA", "opt_in", True), ("US", "opt_out", False)]


def test_without_region_rules_the_banner_does_not_vary_by_country(geo_app, make_site):
    make_site(site_key="plain-store")
    client = geo_app.test_client()
    answers = [client.get("/v1/sites/plain-store/banner", headers={HEADER: c})
               for c in ("US", "SA")]
    assert [a.json["policy"] for a in answers] == [{"mode": "opt_in", "rule": None}] * 2
    assert answers[0].headers["Vary"] == "Origin"
    assert answers[0].headers["ETag"] == answers[1].headers["ETag"]


def test_without_a_trusted_header_the_country_is_never_taken_from_the_client(app, client,
                                                                             ruled_site):
    # No COUNTRY_HEADER configured: whatever a client sends is ignored.
    response = banner(client, "US")
    assert response.json["policy"] == {"mode": "opt_out", "rule": None}
    assert response.headers["Vary"] == "Origin"


@pytest.mark.parametrize("country, mode, rule", [("US", "opt_out", 0), ("AE", "opt_in", 1),
                                                 (None, "opt_out", None)])
def test_each_record_stores_the_policy_that_applied(geo_app, ruled_site, country, mode, rule):
    headers = {HEADER: country} if country else {}
    body = consent(visitor_id=str(uuid.uuid4()))
    response = post_consent(geo_app.test_client(), "ruled-store", body,
                            Origin="https://store.example", **headers)
    assert response.status_code == 201, response.json
    db.session.rollback()
    record = db.session.scalars(db.select(ConsentRecord)).one()
    assert (record.policy_mode, record.country, record.policy_rule) == (mode, country, rule)


def test_the_demo_electronics_store_is_opt_in_except_for_us_visitors(geo_app, ctx):
    from banner.services.demo import seed_demo
    seed_demo()
    client = geo_app.test_client()
    policies = {country: client.get("/v1/sites/demo-electronics/banner",
                                    headers={HEADER: country}).json["policy"]
                for country in ("US", "SA")}
    assert policies == {"US": {"mode": "opt_out", "rule": 0},
                        "SA": {"mode": "opt_in", "rule": None}}
