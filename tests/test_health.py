def test_health_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_health_is_503_when_the_database_is_down(make_app, tmp_path):
    broken = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no-dir' / 'x.sqlite3'}")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"
