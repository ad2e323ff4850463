"""Failures in the dashboard: an error page in the merchant's language, never JSON."""
from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .. import errors as domain
from . import bp

STATUS = {domain.NotFound: 404, domain.Forbidden: 403, domain.Conflict: 409,
          domain.Invalid: 422, domain.Unauthenticated: 401, domain.Throttled: 429}


def _titles() -> dict[int, str]:
    return {400: _("This request could not be understood"), 403: _("Not allowed"),
            404: _("Page not found"), 405: _("Not allowed"), 409: _("Already changed"),
            422: _("Check the form"), 429: _("Too many attempts"),
            500: _("Something went wrong")}


def error_page(code: int, message: str | None = None):
    title = _titles().get(code, _("Something went wrong"))
    return render_template("dashboard/error.html", code=code, title=title,
                           message=message), code


@bp.errorhandler(CSRFError)
def expired_form(exc):
    return error_page(400, _("The form expired or was not sent from this dashboard. "
                             "Go back, reload the page and try again."))


@bp.errorhandler(domain.DomainError)
def refused(exc: domain.DomainError):
    # Another merchant's site is "not found", exactly as a site that does not exist.
    code = next(code for kind, code in STATUS.items() if isinstance(exc, kind))
    return error_page(code, None if isinstance(exc, domain.NotFound) else exc.message)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    return error_page(exc.code or 500)
