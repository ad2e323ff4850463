"""The merchant API under /v1/admin (DESIGN.md section 4): one blueprint per area."""
from . import audit, banner, keys, sites, stats, vendors, versions, visitors

BLUEPRINTS = (sites.bp, banner.bp, versions.bp, vendors.bp, visitors.bp, keys.bp, audit.bp,
              stats.bp)


def register(api) -> None:
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for bp in BLUEPRINTS:
        api.register_blueprint(bp)
