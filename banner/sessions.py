"""Cookie sessions only for the blueprints that ask for one (the dashboard).

The API and the snippet answer CDN-cached, visitor-neutral responses: no session cookie,
no `Vary: Cookie`. A blueprint opts in with `cookie_session = True`. Flask opens the
session before it routes the request, so the interface routes it itself.
"""
from functools import lru_cache

from flask import request as flask_request
from flask.globals import request_ctx
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException


def uses_cookie_session(app, request) -> bool:
    """Whether the blueprint this request is routed to declared cookie_session."""
    return _routed_to_session_blueprint(app, request.method, request.path)


# Remembered per path: routing twice would cost the banner GET, the busiest endpoint, a
# tenth of its time. Bounded, since paths carry site keys.
@lru_cache(maxsize=4096)
def _routed_to_session_blueprint(app, method: str, path: str) -> bool:
    try:
        rule, _ = request_ctx.url_adapter.match(return_rule=True)
    except HTTPException:  # no route (404, 405) or a redirect: nothing to keep
        return False
    blueprint = app.blueprints.get(rule.endpoint.rpartition(".")[0])
    return getattr(blueprint, "cookie_session", False)


class BlueprintSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if not uses_cookie_session(app, request):
            return None  # Flask substitutes a null session, which is never saved
        return super().open_session(app, request)

    def get_cookie_secure(self, app) -> bool:
        # Secure whenever the dashboard is reached over https (behind a trusted proxy,
        # ProxyFix makes that the forwarded scheme), not only when configured so.
        return bool(app.config["SESSION_COOKIE_SECURE"]) or flask_request.is_secure
