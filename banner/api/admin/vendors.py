"""The built-in vendor catalogue: what a banner document's vendors can be copied from."""
from marshmallow import Schema, fields

from ... import vendors
from .auth import admin_blueprint, requires
from .schemas import page_schema

bp = admin_blueprint("Vendors", __name__, "The built-in vendor catalogue.")


class VendorOutSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    category = fields.String(required=True,
                             metadata={"enum": ["functional", "analytics", "advertising"]})
    hosts = fields.List(fields.String(), required=True,
                        metadata={"description": "Hosts the vendor's tags load from; the "
                                                 "snippet holds their scripts back."})
    cookies = fields.List(fields.String(), required=True,
                          metadata={"description": "Regular expressions of the cookie names "
                                                   "the vendor sets; cleared on withdrawal."})
    privacy_url = fields.String(required=True)


VendorPageSchema = page_schema(VendorOutSchema)


@bp.get("/vendors")
@requires("sites:read")
@bp.response(200, VendorPageSchema)
def list_vendors():
    """Every built-in vendor, with the hosts and cookies the snippet acts on."""
    return {"items": vendors.catalogue(), "next": None}
