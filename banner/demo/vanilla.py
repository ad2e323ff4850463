"""vanilla-cookieconsent 3.1.0 (the best-liked open-source banner) configured with our
banner's texts and categories, its look as it ships (what a store installing it gets):
the demo store page with it in place of our install tag is what our banner is compared
with, by time to banner (bench/snippet_size.py) and by eye and phone coverage
(tests/browser/test_banner_vs_vanilla.py). It gates the same tags by its own attribute,
data-category."""


def vanilla_config(banner: dict) -> dict:
    """CookieConsent.run()'s settings for a banner as GET /v1/sites/<key>/banner returns it."""
    texts, lang = banner["texts"], banner["language"]
    policy = f' <a href="{banner["policy_url"]}">{texts["policy_link"]}</a>'
    return {
        "hideFromBots": False,  # it hides itself from automated browsers by default
        "categories": {c["key"]: {"enabled": True, "readOnly": True} if c["required"] else {}
                       for c in banner["categories"]},
        "language": {"default": lang, "rtl": "ar", "translations": {lang: {
            "consentModal": {"title": texts["title"], "description": texts["description"] + policy,
                             "acceptAllBtn": texts["accept_all"],
                             "acceptNecessaryBtn": texts["reject_all"],
                             "showPreferencesBtn": texts["customize"]},
            "preferencesModal": {
                "title": texts["preferences_title"], "acceptAllBtn": texts["accept_all"],
                "acceptNecessaryBtn": texts["reject_all"], "savePreferencesBtn": texts["save"],
                "closeIconLabel": texts["close"],
                "sections": [{"description": texts["preferences_description"]}] + [
                    {"title": c["label"], "description": c["description"],
                     "linkedCategory": c["key"]} for c in banner["categories"]]}}}},
    }
