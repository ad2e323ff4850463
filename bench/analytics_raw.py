"""The raw side of bench/analytics.py: each question of the bench asked as a GROUP BY
straight on consent_record and impression, computing the same metrics as the roll-ups
(last decision per visitor and day, shares, opt-in, timings, displays, every record)."""

RAW_DIMENSIONS = {"day": "day", "version": "version", "device": "device_type",
                  "browser": "browser_family"}


def raw_sql(group_by: tuple[str, ...]) -> list[str]:
    """The same question as a raw GROUP BY on consent_record (and impression): the last
    decision per visitor and day, its shares, opt-in, timings; displays; every record."""
    dims = ", ".join(RAW_DIMENSIONS[name] for name in group_by)
    window = """site_id = %(site)s AND {column} >= %(lo)s AND {column} < %(hi)s"""
    records = f"""
      SELECT r.*, v.number AS version,
             (r.recorded_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day
      FROM consent_record r JOIN banner_version v ON v.id = r.banner_version_id
      WHERE r.{window.format(column="recorded_at")}"""
    decided = f"""
      WITH d AS ({records}),
      last AS (
        SELECT DISTINCT ON (visitor_id, day) d.*,
               bool_or(source <> 'gpc') OVER (PARTITION BY visitor_id, day) AS own
        FROM d ORDER BY visitor_id, day, recorded_at DESC, id DESC)
      SELECT {dims}, count(*) AS visitors_decided,
        count(*) FILTER (WHERE own AND EXISTS (
          SELECT 1 FROM impression i WHERE i.site_id = %(site)s
          AND i.visitor_id = last.visitor_id AND i.day = last.day)) AS interacted,
        count(*) FILTER (WHERE action = 'accept_all') AS accept_all,
        count(*) FILTER (WHERE action = 'reject_all') AS reject_all,
        count(*) FILTER (WHERE action = 'custom') AS custom,
        count(*) FILTER (WHERE action = 'withdraw') AS withdrawals,
        count(*) FILTER (WHERE functional) AS functional,
        count(*) FILTER (WHERE analytics) AS analytics,
        count(*) FILTER (WHERE advertising) AS advertising,
        count(*) FILTER (WHERE functional OR analytics OR advertising) AS any_optional,
        count(*) FILTER (WHERE gpc) AS gpc_seen,
        count(*) FILTER (WHERE gpc AND NOT advertising) AS gpc_applied,
        count(*) FILTER (WHERE source = 'banner') AS first_layer,
        count(*) FILTER (WHERE source = 'preferences') AS preferences,
        percentile_disc(0.5) WITHIN GROUP (ORDER BY decision_ms) AS median,
        percentile_disc(0.9) WITHIN GROUP (ORDER BY decision_ms) AS p90
      FROM last GROUP BY {dims}"""
    every = f"WITH d AS ({records}) SELECT {dims}, count(*) FROM d GROUP BY {dims}"
    shown = f"""
      SELECT {dims}, count(*), count(DISTINCT (visitor_id, day)) FROM (
        SELECT i.*, v.number AS version,
               (i.shown_at AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS local_day
        FROM impression i JOIN banner_version v ON v.id = i.banner_version_id
        WHERE i.{window.format(column="shown_at")}) s GROUP BY {dims}"""
    return [decided, every, shown.replace("{dims}", dims)]
