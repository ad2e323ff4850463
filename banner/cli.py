"""`flask --app wsgi banner ...`: account, site and maintenance commands."""
import click
from flask import Flask
from flask.cli import AppGroup

from . import errors
from .models import SCOPES
from .services import accounts, api_keys, demo, retention, sites

banner_cli = AppGroup("banner", help="Manage merchants, sites and consent data.")


# The exit code tells scripts what went wrong; 1 stays click's own for other failures.
EXIT_CODES = {errors.Invalid: 2, errors.NotFound: 3, errors.Conflict: 4, errors.Forbidden: 5,
              errors.Unauthenticated: 5}


class DomainFailure(click.ClickException):
    def __init__(self, exc: errors.DomainError):
        detail = "; ".join(f"{k}: {_flatten(v)}" for k, v in exc.errors.items())
        super().__init__(exc.message + (f" ({detail})" if detail else ""))
        self.exit_code = EXIT_CODES[type(exc)]


def _flatten(messages) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return " ".join(_flatten(m) for m in messages)
    return str(messages)


def _fail(exc: errors.DomainError):
    raise DomainFailure(exc)


@banner_cli.command("create-merchant")
@click.argument("email")
@click.option("--password", default=None, help="Dashboard password (optional).")
def create_merchant(email, password):
    """Create a merchant account."""
    try:
        merchant = accounts.create_merchant(email, password)
    except errors.DomainError as exc:
        _fail(exc)
    click.echo(f"Created merchant {merchant.email}")


@banner_cli.command("create-site")
@click.option("--merchant", "email", required=True, help="The owner's email.")
@click.option("--name", required=True)
@click.option("--origin", "origins", multiple=True, required=True,
              help="An origin the store is served from; repeat for several.")
@click.option("--platform", default="custom", type=click.Choice(["shopify", "salla", "custom"]))
@click.option("--language", "default_language", default="ar", show_default=True)
@click.option("--ip-mode", default="truncate", type=click.Choice(["truncate", "hash", "none"]))
def create_site(email, name, origins, platform, default_language, ip_mode):
    """Create a site with the default banner published; prints its site key."""
    from .documents import default_document
    from .services.versions import publish
    try:
        merchant = accounts.get_merchant(email)
        site = sites.create_site(merchant.id, name, list(origins), platform=platform,
                                 default_language=default_language, ip_mode=ip_mode)
        publish(site, default_document(
            ("ar", "en") if default_language != "en" else ("en", "ar")))
    except errors.DomainError as exc:
        _fail(exc)
    click.echo(site.site_key)


@banner_cli.command("create-api-key")
@click.option("--merchant", "email", required=True)
@click.option("--scope", "scopes", multiple=True, type=click.Choice(SCOPES),
              help="A scope the key carries; repeat for several. Default: every scope.")
@click.option("--name", default=None, help="A label to recognise the key by.")
def create_api_key(email, scopes, name):
    """Create an API key. It is printed once and stored only as a hash."""
    try:
        _, key = api_keys.create_api_key(accounts.get_merchant(email).id, scopes or SCOPES,
                                         name=name)
    except errors.DomainError as exc:
        _fail(exc)
    click.echo(key)
    click.echo("Store it now: it cannot be shown again.", err=True)


@banner_cli.command("seed-demo")
def seed_demo():
    """Create the demo merchant and the two demo stores (safe to run again)."""
    email, password = demo.seed_demo()
    click.echo(f"Demo login: {email} / {password}")
    for site_key in demo.DEMO_SITES:
        click.echo(f"  site {site_key}: /demo/{site_key}  "
                   f"/v1/sites/{site_key}/banner?lang=ar")


@banner_cli.command("purge")
def purge():
    """Delete consent records older than each site's retention period."""
    for site_key, count in retention.purge_expired_records().items():
        click.echo(f"{site_key}: {count} records deleted")


def init_app(app: Flask) -> None:
    app.cli.add_command(banner_cli)
