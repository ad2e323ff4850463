"""The consent lane (api/consent_lane.py) answers consent posts as the view does: the same
requests, sent with the lane on and off, get the same answers and write the same rows."""
import json
import re
import uuid

import pytest
from flask import request_started

from tests.helpers import ALL, NONE, consent, post_consent

ORIGIN = "https://store.example"
SECRET = "s" * 32
# Answers differ in these alone: new ids and times on every run.
VOLATILE = re.compile(rb'"(consent_id|visitor_id|recorded_at|expires_at)":"[^"]*"')


def _decision(visitor, **overrides):
    return consent(visitor_id=visitor, **overrides)


def _cases(visitor: str) -> list[tuple[str, dict]]:
    """One visitor's requests, in order: the store's own visitors, then refusals."""
    key = uuid.uuid4().hex[:16]
    return [
        ("new decision", dict(body=_decision(visitor, idempotency_key=key,
                                             visitor_secret=SECRET), Origin=ORIGIN)),
        ("replayed key", dict(body=_decision(visitor, idempotency_key=key,
                                             visitor_secret=SECRET), Origin=ORIGIN)),
        ("reused key, other decision", dict(
            body=_decision(visitor, idempotency_key=key, action="accept_all", choices=ALL,
                           visitor_secret=SECRET), Origin=ORIGIN)),
        ("wrong secret", dict(body=_decision(visitor, visitor_secret="t" * 32),
                              Origin=ORIGIN)),
        ("no origin (server to server)", dict(body=_decision(visitor, action="reject_all",
                                                             choices=NONE,
                                                             visitor_secret=SECRET))),
        ("foreign origin", dict(body=_decision(visitor), Origin="https://evil.example")),
        ("unknown site", dict(body=_decision(visitor), site="no-such-store", Origin=ORIGIN)),
        ("not JSON", dict(body="{nope", Origin=ORIGIN)),
        ("not an object", dict(body="[1, 2]", Origin=ORIGIN)),
        ("invalid field", dict(body=_decision(visitor, version=0), Origin=ORIGIN)),
        ("unknown field", dict(body=_decision(visitor, extra=1), Origin=ORIGIN)),
        ("language not offered", dict(body=_decision(visitor, language="fr"), Origin=ORIGIN)),
        ("version not published", dict(body=_decision(visitor, version=9), Origin=ORIGIN)),
        ("form type", dict(body=_decision(visitor), content_type="application/x-www-form-"
                           "urlencoded", Origin=ORIGIN)),
        ("too large", dict(body=_decision(visitor, page="https://store.example/" + "a" * 20000),
                           Origin=ORIGIN)),
    ]


def _answers(app, site_key: str) -> list[tuple]:
    client = app.test_client()
    visitor = str(uuid.uuid4())
    answers = []
    for name, case in _cases(visitor):
        case = dict(case)
        body, site = case.pop("body"), case.pop("site", site_key)
        response = post_consent(client, site, body, **case)
        stable = VOLATILE.sub(rb'"\1":"..."', response.data)  # the bytes, as clients parse them
        headers = sorted((k, v) for k, v in response.headers.items()
                         if k not in ("Content-Length", "Date"))
        answers.append((name, response.status_code, stable, headers))
    return answers


def test_the_lane_and_the_view_answer_every_case_alike(make_app, make_site, row_counts):
    on, off = make_app(CONSENT_LANE=True), make_app(CONSENT_LANE=False)
    make_site(site_key="lane-on")
    make_site(site_key="lane-off")
    before = row_counts()
    with_lane = _answers(on, "lane-on")
    written_with_lane = {k: v - before[k] for k, v in row_counts().items()}
    before = row_counts()
    without_lane = _answers(off, "lane-off")
    written_without_lane = {k: v - before[k] for k, v in row_counts().items()}
    assert [a[:2] for a in with_lane] == [a[:2] for a in without_lane]
    assert with_lane == without_lane
    assert written_with_lane == written_without_lane
    # The cases do cover both faces: recorded, replayed and refused for each reason.
    assert {status for _, status, _, _ in with_lane} == {200, 201, 400, 403, 404, 409, 413,
                                                         415, 422}


def test_a_decision_is_answered_without_flask_dispatch_and_a_refusal_by_the_view(
        make_app, site):
    app = make_app()
    dispatched = []

    def started(sender, **extra):
        dispatched.append(sender)

    request_started.connect(started, app)
    try:
        client = app.test_client()
        accepted = post_consent(client, "test-store", consent(), Origin=ORIGIN)
        assert accepted.status_code == 201 and dispatched == []
        refused = post_consent(client, "test-store", consent(version=0), Origin=ORIGIN)
        assert refused.status_code == 422 and dispatched == [app]
    finally:
        request_started.disconnect(started, app)


@pytest.mark.parametrize("lane", [True, False], ids=["lane", "view"])
def test_a_post_counts_once_against_the_limit_whoever_answers_it(make_app, site, row_counts,
                                                                  lane):
    app = make_app(CONSENT_LANE=lane, RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="3 per minute")
    client = app.test_client()
    # Two refusals (handed over to the view by the lane) and a decision use up the three.
    assert post_consent(client, "test-store", consent(version=0)).status_code == 422
    assert post_consent(client, "test-store", "{nope").status_code == 400
    assert post_consent(client, "test-store", consent()).status_code == 201
    before = row_counts()
    refused = post_consent(client, "test-store", consent())
    assert refused.status_code == 429
    assert json.loads(refused.data)["description"] == "3 per 1 minute"
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["Cache-Control"] == "no-store"
    assert row_counts() == before
