"""`flask banner export|stats|refresh-analytics`: consent analytics from the command line,
the same numbers as the merchant API."""
import sys

import click

from . import errors
from .services import analytics, sites

DAY = click.DateTime(formats=["%Y-%m-%d"])


def _range(options):
    """The --site, --from and --to options every analytics command takes."""
    options = click.option("--site", "site_key", required=True, help="The site key.")(options)
    options = click.option("--from", "start", required=True, type=DAY,
                           help="First day (YYYY-MM-DD), in the site's time zone.")(options)
    return click.option("--to", "end", required=True, type=DAY,
                        help="Last day, included.")(options)


@click.command("export")
@_range
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True)
@click.option("--output", type=click.File("wb"), default="-",
              help="A file to write; standard output by default.")
def export(site_key, start, end, fmt, output):
    """Stream a site's consent records; a progress bar on standard error."""
    from .cli import DomainFailure
    try:
        site = sites.site_by_key(site_key)
        total = analytics.count_consents(site.id, start.date(), end.date())
        with click.progressbar(length=total, label=f"{total} records", file=sys.stderr,
                               show_pos=True) as bar:
            for chunk in analytics.export_consents(site.id, start.date(), end.date(), fmt,
                                                   on_rows=bar.update):
                output.write(chunk)
    except errors.DomainError as exc:
        raise DomainFailure(exc) from None


@click.command("stats")
@_range
@click.option("--group-by", "group_by", multiple=True,
              help=f"Repeat to slice: {', '.join(analytics.DIMENSIONS)}.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
def stats(site_key, start, end, group_by, fmt):
    """Print a site's consent rates for a range of days (as the admin API answers)."""
    from .cli import DomainFailure
    try:
        site = sites.site_by_key(site_key)
        for chunk in analytics.export_stats(site.id, start.date(), end.date(), group_by, fmt):
            click.echo(chunk, nl=fmt == "json")  # bytes go out as they are
    except errors.DomainError as exc:
        raise DomainFailure(exc) from None


@click.command("refresh-analytics")
@click.option("--site", "site_key", default=None, help="One site; every site by default.")
@click.option("--rebuild", is_flag=True, help="Count every day again (after a bulk load).")
def refresh_analytics(site_key, rebuild):
    """Bring the consent-rate roll-ups up to date (stats do it too when asked)."""
    from .cli import DomainFailure
    from .extensions import db
    from .models import Site
    try:
        chosen = [sites.site_by_key(site_key)] if site_key else \
            db.session.scalars(db.select(Site).order_by(Site.id)).all()
    except errors.DomainError as exc:
        raise DomainFailure(exc) from None
    for site in chosen:
        (analytics.rebuild_site if rebuild else analytics.refresh)(site)
        click.echo(f"{site.site_key}: {'rebuilt' if rebuild else 'up to date'}")


COMMANDS = (export, stats, refresh_analytics)
