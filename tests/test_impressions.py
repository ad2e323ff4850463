from banner.extensions import db
from banner.models import Impression
from tests.helpers import IPHONE


def test_impressions_roll_up_per_day_language_and_device(client, site):
    for _ in range(3):
        response = client.post("/v1/sites/test-store/impressions",
                               data='{"version": 1, "language": "ar"}', content_type="text/plain",
                               headers={"User-Agent": IPHONE})
        assert response.status_code == 204
    client.post("/v1/sites/test-store/impressions", json={"version": 1, "language": "en"})
    rows = {(row.language, row.device_type): row.count
            for row in db.session.scalars(db.select(Impression))}
    assert rows == {("ar", "mobile"): 3, ("en", "other"): 1}
