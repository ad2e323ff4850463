"""Erasure receipts, read back: what is kept of an erasure, for the merchant to show."""
from ..errors import NotFound
from ..extensions import db
from ..models import ErasureReceipt, Site


def erasure_receipt(site: Site, receipt_id: int) -> dict:
    """One receipt of the site, shaped as erasure.erase_visitor answers it; NotFound for
    another site's receipt or none."""
    # Ids past the 32-bit column would be a database error, not a missing receipt.
    receipt = db.session.get(ErasureReceipt, receipt_id) if 0 < receipt_id < 2**31 else None
    if receipt is None or receipt.site_id != site.id:
        raise NotFound("No such erasure receipt.")
    return {"id": receipt.id, "site_key": site.site_key, "erased_at": receipt.erased_at,
            "records_removed": receipt.records_removed, "visitor_hash": receipt.visitor_hash}
