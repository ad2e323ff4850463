"""The built-in vendor catalogue: the one list of vendors, the hosts their tags load from
(the snippet holds those scripts back) and the cookies they set (cleared on withdrawal).

Cookie patterns are regular-expression sources that mean the same in Python and in
JavaScript (no flags, no backslashes), taken from the cookie tables the vendors publish.
The snippet clears those it finds on the store's domain; cookies a vendor keeps on its
own domain are out of a store's reach and listed only to disclose them.
"""

CATALOGUE = {
    "google-analytics": {
        "name": "Google Analytics", "category": "analytics",
        "hosts": ["www.googletagmanager.com", "www.google-analytics.com",
                  "region1.google-analytics.com"],
        "cookies": ["^_ga", "^_gid$", "^_dc_gtm_"],
        "privacy_url": "https://policies.google.com/privacy",
    },
    "google-ads": {
        "name": "Google Ads", "category": "advertising",
        "hosts": ["googleads.g.doubleclick.net", "www.googleadservices.com",
                  "pagead2.googlesyndication.com"],
        "cookies": ["^_gcl_"],
        "privacy_url": "https://policies.google.com/technologies/ads",
    },
    "meta": {
        "name": "Meta Pixel", "category": "advertising",
        "hosts": ["connect.facebook.net", "www.facebook.com"],
        "cookies": ["^_fbp$", "^_fbc$"],
        "privacy_url": "https://www.facebook.com/privacy/policy/",
    },
    "microsoft-uet": {
        "name": "Microsoft Advertising (UET)", "category": "advertising",
        "hosts": ["bat.bing.com"],
        "cookies": ["^_uet"],
        "privacy_url": "https://privacy.microsoft.com/privacystatement",
    },
    "tiktok": {
        "name": "TikTok Pixel", "category": "advertising",
        "hosts": ["analytics.tiktok.com"],
        "cookies": ["^_ttp$", "^_tt_enable_cookie$", "^ttcsid"],
        "privacy_url": "https://www.tiktok.com/legal/page/row/privacy-policy/en",
    },
    "snapchat": {
        "name": "Snap Pixel", "category": "advertising",
        "hosts": ["sc-static.net", "tr.snapchat.com"],
        "cookies": ["^_scid", "^_sctr$"],
        "privacy_url": "https://values.snap.com/privacy/privacy-policy",
    },
    "linkedin": {
        "name": "LinkedIn Insight Tag", "category": "advertising",
        "hosts": ["snap.licdn.com", "px.ads.linkedin.com"],
        "cookies": ["^li_", "^ln_or$"],
        "privacy_url": "https://www.linkedin.com/legal/privacy-policy",
    },
    "x-twitter": {
        "name": "X (Twitter) Pixel", "category": "advertising",
        "hosts": ["static.ads-twitter.com", "analytics.twitter.com"],
        "cookies": ["^_twclid$", "^muc_ads$", "^personalization_id$"],
        "privacy_url": "https://x.com/en/privacy",
    },
    "pinterest": {
        "name": "Pinterest Tag", "category": "advertising",
        "hosts": ["s.pinimg.com", "ct.pinterest.com"],
        "cookies": ["^_pin_unauth$", "^_(derived_)?epik$"],
        "privacy_url": "https://policy.pinterest.com/en/privacy-policy",
    },
    "hotjar": {
        "name": "Hotjar", "category": "analytics",
        "hosts": ["static.hotjar.com", "script.hotjar.com", "vars.hotjar.com"],
        "cookies": ["^_hj"],
        "privacy_url": "https://www.hotjar.com/legal/policies/privacy/",
    },
    "microsoft-clarity": {
        "name": "Microsoft Clarity", "category": "analytics",
        "hosts": ["www.clarity.ms", "scripts.clarity.ms"],
        "cookies": ["^_clck$", "^_clsk$"],
        "privacy_url": "https://privacy.microsoft.com/privacystatement",
    },
    "youtube": {
        "name": "YouTube embeds", "category": "functional",
        "hosts": ["www.youtube.com", "www.youtube-nocookie.com"],
        "cookies": ["^YSC$", "^VISITOR_INFO1_LIVE$", "^VISITOR_PRIVACY_METADATA$"],
        "privacy_url": "https://policies.google.com/privacy",
    },
}

DOCUMENT_FIELDS = ("name", "category", "hosts", "privacy_url")


def catalogue_vendor(key: str) -> dict:
    """A vendor entry of the catalogue, ready to put in a banner document."""
    vendor = CATALOGUE[key]
    return {"key": key, **{field: vendor[field] for field in DOCUMENT_FIELDS}}


def catalogue() -> list[dict]:
    """Every vendor with its cookie patterns, in catalogue order."""
    return [{"key": key, **vendor} for key, vendor in CATALOGUE.items()]


def by_category() -> dict[str, dict]:
    """{category: {"hosts": [...], "cookies": [...]}} over every vendor, in catalogue order."""
    grouped = {}
    for vendor in CATALOGUE.values():
        entry = grouped.setdefault(vendor["category"], {"hosts": [], "cookies": []})
        entry["hosts"] += vendor["hosts"]
        entry["cookies"] += vendor["cookies"]
    return grouped
