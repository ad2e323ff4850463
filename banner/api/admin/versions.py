"""Publishing, history and differences between versions."""
from .auth import admin_blueprint

bp = admin_blueprint("Versions", __name__, "Publishing, history and differences between versions.")
