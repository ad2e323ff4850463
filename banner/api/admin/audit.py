"""What was changed, by whom, when."""
from .auth import admin_blueprint

bp = admin_blueprint("Audit", __name__, "What was changed, by whom, when.")
