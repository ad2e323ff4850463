"""`flask --app wsgi banner ...`: account, site and maintenance commands."""
import json

import click
from flask import Flask
from flask.cli import AppGroup

from . import errors
from .models import SCOPES
from .services import accounts, api_keys, audit, demo, drafts, retention, sites

banner_cli = AppGroup("banner", help="Manage merchants, sites and consent data.")


# The exit code tells scripts what went wrong; 1 stays click's own for other failures.
EXIT_CODES = {errors.Invalid: 2, errors.NotFound: 3, errors.Conflict: 4, errors.Forbidden: 5,
              errors.Unauthenticated: 5, errors.Throttled: 6}


class DomainFailure(click.ClickException):
    def __init__(self, exc: errors.DomainError):
        detail = "; ".join(f"{k}: {_flatten(v)}" for k, v in exc.errors.items())
        super().__init__(exc.message + (f" ({detail})" if detail else ""))
        self.exit_code = next(code for kind, code in EXIT_CODES.items()
                              if isinstance(exc, kind))


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


def _read_document(path: str) -> dict:
    """The JSON document in a file; a clear message, before anything is written, if not."""
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except OSError as exc:
        raise click.ClickException(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                   f"column {exc.colno}.") from None


@banner_cli.command("publish")
@click.option("--site", "site_key", required=True, help="The site key.")
@click.option("--from-file", "path", default=None,
              help="A banner document (JSON) to publish; without it, the current draft.")
@click.option("--change", required=True, type=click.Choice(["material", "minor"]),
              help="material asks every visitor again (needed when vendors, the policy or "
                   "the consent rules changed).")
@click.option("--note", default=None, help="Why it changed (kept with the version).")
def publish(site_key, path, change, note):
    """Publish a banner document (or the draft) as the site's next version."""
    document = _read_document(path) if path else None
    try:
        site = sites.site_by_key(site_key)
        actor = audit.Actor(site.merchant_id, "cli")
        if document is None:
            version = drafts.publish_draft(site, change, note, actor)
        else:
            version = drafts.publish_document(site, document, change, note, actor)
    except errors.DomainError as exc:
        _fail(exc)
    click.echo(f"Published version {version.number} ({version.change_kind})")


@banner_cli.command("export-draft")
@click.option("--site", "site_key", required=True, help="The site key.")
def export_draft(site_key):
    """Print the draft document as JSON, to edit and publish with --from-file."""
    try:
        draft = drafts.get_draft(sites.site_by_key(site_key))
    except errors.DomainError as exc:
        _fail(exc)
    click.echo(json.dumps(draft.document, indent=2, ensure_ascii=False))


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
    from .cli_analytics import COMMANDS  # imports this module's DomainFailure
    for command in COMMANDS:
        banner_cli.add_command(command)
    app.cli.add_command(banner_cli)
