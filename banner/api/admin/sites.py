"""Sites of the merchant API: list, create, read, update."""
from ...services import sites
from .auth import admin_blueprint, current_site, principal, requires
from .schemas import PageQuerySchema, SiteInSchema, SiteOutSchema, SitePageSchema, SitePatchSchema

bp = admin_blueprint("Sites", __name__, "The merchant's stores and their settings.")


@bp.get("/sites")
@requires("sites:read")
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, SitePageSchema)
def list_sites(cursor: str | None, limit: int):
    """The merchant's sites, oldest first."""
    return sites.list_sites(principal().actor.merchant_id, cursor, limit)


@bp.post("/sites")
@requires("sites:write")
@bp.arguments(SiteInSchema)
@bp.response(201, SiteOutSchema)
@bp.refusals(409)
def create_site(data: dict):
    """Create a site; publish a banner for it before installing the snippet."""
    origins = data.pop("allowed_origins")
    return sites.create_site(principal().actor.merchant_id, data.pop("name"), origins,
                             actor=principal().actor, **data)


@bp.get("/sites/<int:site_id>")
@requires("sites:read")
@bp.response(200, SiteOutSchema)
@bp.refusals(404)
def get_site(site_id: int):
    """One site."""
    return current_site()


@bp.patch("/sites/<int:site_id>")
@requires("sites:write")
@bp.arguments(SitePatchSchema)
@bp.response(200, SiteOutSchema)
@bp.refusals(404)
def update_site(changes: dict, site_id: int):
    """Change some settings (the site key never changes)."""
    return sites.update_site(current_site(), changes, principal().actor)
