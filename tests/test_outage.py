"""A database outage: banners keep being served, consent posts answer 503 with
Retry-After (never 500), /healthz says 503, and everything recovers with the database.

The end-to-end test runs gunicorn with the production config on a PostgreSQL database of
its own, reached through a TCP proxy the test cuts and restores, whatever database the
rest of the run uses.
"""
import pytest
from sqlalchemy.exc import OperationalError

from banner.services.batching import GroupCommitter, _Pending
from tests.helpers import consent, post_consent
from tests.processes import fresh_database, gunicorn, proxy_to_postgres, scalar
from tests.traffic import Load, get_banner, post_consent as post_to, request

ERROR_SHAPE = {"code", "name", "description", "errors"}


@pytest.fixture(scope="module")
def database():
    with fresh_database("banner_outage") as url:
        yield url


@pytest.fixture
def proxy():
    with proxy_to_postgres() as proxy:
        yield proxy


def health(port: int) -> int:
    return request(port, "GET", "/healthz").status


def assert_unavailable(answer) -> None:
    assert answer.status == 503 and set(answer.json()) == ERROR_SHAPE
    assert answer.json()["code"] == 503 and int(answer.headers["Retry-After"]) > 0


def test_an_outage_serves_the_last_banner_refuses_writes_with_503_and_recovers(
        database, proxy, tmp_path):
    # One worker, so the worker serving the outage is the one that saw the banner; it
    # re-reads the database every half second, so the outage outlasts its fresh copy.
    with gunicorn(proxy.url(database), tmp_path / "gunicorn.log", workers=1, threads=8,
                  env={"BANNER_CACHE_SECONDS": "0.5"}) as server:
        good = get_banner(server.port)
        assert good.status == 200 and health(server.port) == 200
        with Load(server.port) as load:
            load.wait_until(lambda: load.count("consent", "before", 201) >= 5, "writes")
            proxy.cut()  # every connection dropped before it returns: the next query fails
            load.phase = "outage"
            assert health(server.port) == 503
            server.wait_for_log("serving live_versions",
                                "the banner to be served past its freshness")
            served = load.count("banner", "outage", 200)
            load.wait_until(lambda: load.count("consent", "outage", 503) >= 5
                            and load.count("banner", "outage", 200) >= served + 20,
                            "banners and refusals while the copy is stale")
            proxy.restore()
            # The failed queries invalidated the pool: the next check-out connects anew.
            assert health(server.port) == 200
            load.phase = "after"
            load.wait_until(lambda: load.count("consent", "after", 201) >= 5, "writes again")

        banners = load.outcomes("banner")
        assert {(o.answer.status, o.answer.body) for o in banners if o.answer} == {
            (200, good.body)}
        assert all(o.answer is not None for o in load.results), "a connection broke"
        consents = load.outcomes("consent")
        assert {o.answer.status for o in consents} == {201, 503}
        for outcome in consents:
            if outcome.answer.status == 503:
                assert_unavailable(outcome.answer)
        assert {o.answer.status for o in load.outcomes("consent", "after")} == {201}

        # Sent again with the same key (as the snippet does), every refused choice is
        # stored, and every choice exactly once.
        for outcome in consents:
            if outcome.answer.status == 503:
                assert post_to(server.port, outcome.body).status in (200, 201)
        keys = [o.key for o in consents]
        stored = scalar(database, "SELECT count(*) FROM consent_record "
                        "WHERE idempotency_key = ANY(:keys)", keys=keys)
        assert stored == len(keys) == len(set(keys))
    assert "Traceback" not in server.log_text()


def test_a_failed_group_commit_answers_503_with_retry_after(client, site, monkeypatch):
    def down(self, items):
        raise OperationalError("INSERT", {}, ConnectionRefusedError("connection refused"))
    monkeypatch.setattr(GroupCommitter, "_write", down)
    response = post_consent(client, "test-store", consent(),
                            Origin="https://store.example")
    assert response.status_code == 503 and set(response.json) == ERROR_SHAPE
    assert int(response.headers["Retry-After"]) > 0


def test_a_commit_that_never_comes_answers_503(client, site, monkeypatch):
    def stuck(self, item):
        raise TimeoutError("The database did not commit in time.")
    monkeypatch.setattr(GroupCommitter, "submit", stuck)
    response = post_consent(client, "test-store", consent(),
                            Origin="https://store.example")
    assert response.status_code == 503 and response.json["code"] == 503


def test_a_batch_meeting_an_unreachable_database_fails_at_once():
    """After the batch and its first item alone fail to connect, the others are not
    tried one by one (each would wait on a connection attempt of its own)."""
    attempts = []

    def down(items):
        attempts.append(len(items))
        raise OperationalError("INSERT", {}, ConnectionRefusedError("connection refused"))
    committer = GroupCommitter(engine=None)
    committer._write = down
    batch = [_Pending(item) for item in range(5)]
    committer._commit(batch)
    assert attempts == [5, 1]
    assert all(isinstance(p.error, OperationalError) and p.done.is_set() for p in batch)
