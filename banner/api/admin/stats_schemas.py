"""Schemas of consent analytics in the merchant API: the questions and the answers."""
from datetime import date

from marshmallow import EXCLUDE, Schema, fields, validate

from ...services.analytics import DIMENSIONS

# Dates a consent can carry (CLIENT_TIME_WINDOW of the public API): outside, a day's
# bounds cannot even be converted between time zones.
DAYS = validate.Range(date(1970, 1, 2), date(2099, 12, 30), error="Between 1970 and 2099.")


class RangeQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busting parameters are harmless

    start = fields.Date(required=True, data_key="from", validate=DAYS, metadata={
        "description": "First day, in the site's time zone (YYYY-MM-DD).",
        "example": "2026-11-01"})
    end = fields.Date(required=True, data_key="to", validate=DAYS, metadata={
        "description": "Last day, included.", "example": "2026-11-30"})


class StatsQuerySchema(RangeQuerySchema):
    group_by = fields.List(
        fields.String(validate=validate.OneOf(DIMENSIONS)), load_default=list,
        validate=validate.Length(max=len(DIMENSIONS)), metadata={
            "description": "Repeat to slice by several dimensions "
                           "(?group_by=day&group_by=device)."})


class OptInSchema(Schema):
    functional = fields.Float(required=True, allow_none=True)
    analytics = fields.Float(required=True, allow_none=True)
    advertising = fields.Float(required=True, allow_none=True)


class DecisionTimeSchema(Schema):
    median = fields.Integer(required=True, allow_none=True)
    p90 = fields.Integer(required=True, allow_none=True)


def _count(description: str) -> fields.Integer:
    return fields.Integer(required=True, metadata={"description": description})


def _rate(description: str) -> fields.Float:
    return fields.Float(required=True, allow_none=True, metadata={
        "description": description + " 0 to 1; null when nothing to divide by."})


class MetricsSchema(Schema):
    """One set of metrics (README, "Consent analytics", defines each)."""

    displays = _count("Banner displays, once per visitor, version and day.")
    visitors_shown = _count("Visitor-days with a display.")
    decisions = _count("Every decision recorded.")
    visitors_decided = _count("Visitor-days with a decision; the last one of the day counts.")
    interaction_rate = _rate("Visitor-days shown on which the visitor chose.")
    ignore_rate = _rate("Visitor-days shown on which the visitor did not choose.")
    accept_all_share = _rate("Share of counted decisions.")
    reject_all_share = _rate("Share of counted decisions.")
    custom_share = _rate("Share of counted decisions.")
    opt_in = fields.Nested(OptInSchema, required=True)
    any_optional_rate = _rate("Counted decisions granting any optional category.")
    withdrawals = _count("Counted decisions that withdrew consent.")
    gpc_seen = _count("Counted decisions sent with Global Privacy Control.")
    gpc_applied = _count("Of those, advertising refused.")
    decision_ms = fields.Nested(DecisionTimeSchema, required=True)
    first_layer = _count("Counted decisions made on the banner.")
    preferences = _count("Counted decisions made in the preferences dialog.")


class ReconsentSchema(Schema):
    version = fields.Integer(required=True)
    visitors_due = fields.Integer(required=True)
    completed = fields.Integer(required=True)
    rate = fields.Float(required=True, allow_none=True)


class TotalsSchema(MetricsSchema):
    reconsent = fields.List(fields.Nested(ReconsentSchema), required=True)


class GroupSchema(Schema):
    key = fields.Dict(keys=fields.String(), required=True, metadata={
        "description": "The group's value of each dimension (null: unknown)."})
    metrics = fields.Nested(MetricsSchema, required=True)


class StatsOutSchema(Schema):
    start = fields.String(required=True, attribute="from", data_key="from")
    end = fields.String(required=True, attribute="to", data_key="to")
    time_zone = fields.String(required=True)
    group_by = fields.List(fields.String(), required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    groups = fields.List(fields.Nested(GroupSchema), required=True,
                         metadata={"description": "Sorted by key; empty without group_by."})
