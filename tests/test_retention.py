from datetime import timedelta

from banner.extensions import db
from banner.models import ConsentRecord, VisitorConsent, utcnow
from tests.helpers import consent, post_consent


def age_records(days):
    db.session.execute(db.update(ConsentRecord).values(
        recorded_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_purge_deletes_records_past_retention_only(runner, client, make_site):
    make_site(site_key="short", retention_days=30)
    make_site(site_key="long", retention_days=400)
    post_consent(client, "short", consent())
    post_consent(client, "long", consent())
    age_records(60)
    post_consent(client, "short", consent())  # a fresh one stays
    result = runner.invoke(args=["banner", "purge"])
    assert result.exit_code == 0, result.output
    assert "short: 1 records deleted" in result.output
    assert "long: 0 records deleted" in result.output
    remaining = db.session.scalars(db.select(ConsentRecord.site_id)).all()
    assert len(remaining) == 2
    # The purged visitor's current state went with its proof.
    assert db.session.scalar(db.select(db.func.count()).select_from(VisitorConsent)) == 2
