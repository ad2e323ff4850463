"""Naive baseline for bench/consent_post.py: one ORM row inserted and committed per request.

Same database (DATABASE_URL) as the real app, its own table `naive_consent`.
"""
import json
import os
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app)


class NaiveConsent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    action: Mapped[str] = mapped_column(sa.String(16))
    language: Mapped[str] = mapped_column(sa.String(8))
    choices: Mapped[dict] = mapped_column(sa.JSON)
    recorded_at: Mapped[datetime]


def create_table() -> None:
    """Called once by the bench before the workers start (no race between workers)."""
    with app.app_context():
        NaiveConsent.__table__.drop(db.engine, checkfirst=True)
        db.create_all()


@app.post("/consents")
def record_consent():
    body = json.loads(request.get_data())
    row = NaiveConsent(visitor_id=uuid.UUID(body["visitor_id"]), action=body["action"],
                       language=body["language"], choices=body["choices"],
                       recorded_at=datetime.now(timezone.utc).replace(tzinfo=None))
    db.session.add(row)
    db.session.commit()
    return {"id": row.id}, 201


@app.get("/")
def up():
    return "ok"
