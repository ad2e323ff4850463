"""The built-in vendor catalogue: hosts whose scripts the snippet holds back."""

CATALOGUE = {
    "google-analytics": {
        "name": "Google Analytics", "category": "analytics",
        "hosts": ["www.googletagmanager.com", "www.google-analytics.com", "region1.google-analytics.com"],
        "privacy_url": "https://policies.google.com/privacy",
    },
    "google-ads": {
        "name": "Google Ads", "category": "advertising",
        "hosts": ["googleads.g.doubleclick.net", "www.googleadservices.com", "pagead2.googlesyndication.com"],
        "privacy_url": "https://policies.google.com/technologies/ads",
    },
    "meta": {
        "name": "Meta Pixel", "category": "advertising",
        "hosts": ["connect.facebook.net", "www.facebook.com"],
        "privacy_url": "https://www.facebook.com/privacy/policy/",
    },
    "microsoft-uet": {
        "name": "Microsoft Advertising (UET)", "category": "advertising",
        "hosts": ["bat.bing.com"],
        "privacy_url": "https://privacy.microsoft.com/privacystatement",
    },
    "tiktok": {
        "name": "TikTok Pixel", "category": "advertising",
        "hosts": ["analytics.tiktok.com"],
        "privacy_url": "https://www.tiktok.com/legal/page/row/privacy-policy/en",
    },
    "snapchat": {
        "name": "Snap Pixel", "category": "advertising",
        "hosts": ["sc-static.net", "tr.snapchat.com"],
        "privacy_url": "https://values.snap.com/privacy/privacy-policy",
    },
}


def catalogue_vendor(key: str) -> dict:
    """A vendor entry of the catalogue, ready to put in a banner document."""
    return {"key": key, **CATALOGUE[key]}
