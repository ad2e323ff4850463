"""The built-in vendor catalogue."""
from .auth import admin_blueprint

bp = admin_blueprint("Vendors", __name__, "The built-in vendor catalogue.")
