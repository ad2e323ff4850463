"""No session cookie on the public API and the snippet.

These responses are CDN-cached and must carry nothing visitor-specific; skipping the
session also saves building a signing serializer on every request of the hot paths.
"""
from flask.sessions import SecureCookieSessionInterface

STATELESS_PREFIXES = ("/v1/", "/static/", "/healthz")


class StatelessApiSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if request.path.startswith(STATELESS_PREFIXES):
            return None  # Flask substitutes a null session, which is never saved
        return super().open_session(app, request)
