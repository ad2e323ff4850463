"""A gunicorn worker killed (SIGKILL) in the middle of a consent load: no 201 without
its row, no record without its visitor state, and every choice sent again with its
idempotency key stored exactly once. Gunicorn with the production config, on a
PostgreSQL database of the test's own."""
import os
import signal

import pytest

from tests.processes import fresh_database, gunicorn, scalar
from tests.traffic import Load, post_consent


KILLS = 10  # at most; each is a real crash the invariants below must survive


@pytest.fixture(scope="module")
def database():
    with fresh_database("banner_crash") as url:
        yield url


def test_a_killed_worker_loses_no_answered_consent_and_leaves_no_partial_record(
        database, tmp_path):
    with gunicorn(database, tmp_path / "gunicorn.log", workers=2, threads=8) as server:
        with Load(server.port, kinds=("consent",), threads=12) as load:
            load.wait_until(lambda: load.count("consent", "before", 201) >= 200, "writes")
            # A kill can land between two requests of that worker; kill again (the other
            # worker, then the replacements) until one has cut a request in flight.
            for _ in range(KILLS):
                victim = min(server.workers())
                os.kill(victim, signal.SIGKILL)
                load.phase = "after"
                server.wait_replaced(victim)
                if load.outcomes("consent", "after") and any(
                        o.answer is None for o in load.outcomes("consent")):
                    break
            load.wait_until(lambda: load.count("consent", "after", 201) >= 200,
                            "writes after the crash")

        outcomes = load.outcomes("consent")
        answered = [o for o in outcomes if o.answer is not None and o.answer.status == 201]
        broken = [o for o in outcomes if o.answer is None]
        assert broken, f"{KILLS} kills interrupted no request: nothing was tested"
        assert {o.answer.status for o in outcomes if o.answer} == {201}
        # Every 201 counted by the clients has its row, exactly once.
        answered_keys = [o.key for o in answered]
        assert _stored(database, answered_keys) == len(answered_keys)
        # A request cut by the kill may or may not have committed: sent again with its
        # key, it is stored if it was not, and never twice.
        for outcome in broken:
            assert post_consent(server.port, outcome.body).status in (200, 201)
        keys = [o.key for o in outcomes]
        assert _stored(database, keys) == len(keys) == len(set(keys))
    # No partial writes: every record made its visitor's state, and no state points at
    # a record that is not there.
    assert scalar(database, "SELECT count(*) FROM consent_record r LEFT JOIN visitor_consent v "
                  "ON v.consent_record_id = r.id WHERE v.visitor_id IS NULL") == 0
    assert scalar(database, "SELECT count(*) FROM visitor_consent v LEFT JOIN consent_record r "
                  "ON r.id = v.consent_record_id WHERE r.id IS NULL") == 0


def _stored(database: str, keys: list[str]) -> int:
    return scalar(database, "SELECT count(*) FROM consent_record "
                  "WHERE idempotency_key = ANY(:keys)", keys=keys)
