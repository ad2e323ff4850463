"""The front page: where a newcomer finds the dashboard, the demo stores and the API."""
from flask import Blueprint, current_app, render_template

from ..services.demo import DEMO_SITES

bp = Blueprint("home", __name__)
bp.cookie_session = True  # its language switch is a form like the dashboard's


@bp.get("/")
def index():
    demo_stores = list(DEMO_SITES) if current_app.config["BANNER_DEMO"] else []
    return render_template("dashboard/home.html", demo_stores=demo_stores)
