"""Keys of the merchant API."""
from .auth import admin_blueprint

bp = admin_blueprint("Keys", __name__, "Keys of the merchant API.")
