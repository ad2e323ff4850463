"""Proof of one visitor's consent, and erasure."""
from .auth import admin_blueprint

bp = admin_blueprint("Visitors", __name__, "Proof of one visitor's consent, and erasure.")
