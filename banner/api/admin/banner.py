"""The draft banner document and its preview."""
from .auth import admin_blueprint

bp = admin_blueprint("Banner", __name__, "The draft banner document and its preview.")
