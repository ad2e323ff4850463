"""What every dashboard view needs: the signed-in merchant's site, and who is acting."""
from flask_login import current_user

from ..models import Site
from ..services import sites
from ..services.audit import Actor


def owned_site(site_id: int) -> Site:
    """The signed-in merchant's site; another merchant's is NotFound (a 404 page)."""
    return sites.owned_site(current_user.merchant_id, site_id)


def actor() -> Actor:
    return Actor(current_user.merchant_id, current_user.email)


def form_errors(form, exc) -> None:
    """Put a service's field errors on the form's fields (others on the form itself)."""
    for field, messages in (exc.errors or {"": [exc.message]}).items():
        target = getattr(form, field, None)
        flat = [m for m in _flatten(messages)]
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, *flat]
        else:
            form.form_errors.extend(flat)


def _flatten(messages):
    if isinstance(messages, dict):
        for value in messages.values():
            yield from _flatten(value)
    elif isinstance(messages, (list, tuple)):
        for value in messages:
            yield from _flatten(value)
    else:
        yield str(messages)


def link(endpoint: str, **values) -> str | None:
    """The URL of a dashboard page, or None where that page does not exist (yet): the
    navigation shows only pages that are there."""
    from flask import url_for
    from werkzeug.routing import BuildError
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
