"""Keys of the merchant API: listed by prefix, the key itself shown once."""
from ...services import api_keys
from .account_schemas import ApiKeyCreatedOutSchema, ApiKeyInSchema, ApiKeyPageSchema
from .auth import admin_blueprint, principal, requires
from .schemas import PageQuerySchema

bp = admin_blueprint("Keys", __name__, "Keys of the merchant API.")


@bp.get("/api-keys")
@requires("keys:manage")
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, ApiKeyPageSchema)
def list_api_keys(cursor: str | None, limit: int):
    """The merchant's keys, revoked ones included, newest first."""
    return api_keys.list_keys(principal().actor.merchant_id, cursor, limit)


@bp.post("/api-keys")
@requires("keys:manage")
@bp.arguments(ApiKeyInSchema)
@bp.response(201, ApiKeyCreatedOutSchema)
def create_api_key(data: dict):
    """Create a key with some of the caller's scopes; the key is in this answer only."""
    caller = principal()
    row, key = api_keys.create_api_key(caller.actor.merchant_id, data["scopes"], data["name"],
                                       actor=caller.actor, granted_by=caller.scopes)
    row.key = key  # not a column: dumped in this answer, never stored
    return row


@bp.delete("/api-keys/<int:key_id>")
@requires("keys:manage")
@bp.response(204)
@bp.refusals(404)
def revoke_api_key(key_id: int):
    """Revoke a key at once (the key making the request too, if asked)."""
    api_keys.revoke_key(principal().actor.merchant_id, key_id, principal().actor)
