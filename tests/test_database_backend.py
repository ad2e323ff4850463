import os

from banner.extensions import db


def test_suite_runs_on_the_database_ci_asked_for(app, ctx):
    """CI sets EXPECT_DATABASE: a PostgreSQL run that fell back to SQLite fails here."""
    expected = os.environ.get("EXPECT_DATABASE")
    dialect = db.engine.dialect.name
    assert dialect in ("sqlite", "postgresql")
    if expected:
        assert dialect == expected
