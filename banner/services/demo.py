"""The demo: one merchant and two sites modelled on the reference stores in shared/seeds."""
import copy

from ..default_texts import DEFAULT_TEXTS
from ..extensions import db
from ..models import Merchant, Site
from ..vendors import catalogue_vendor
from .accounts import create_merchant
from .sites import create_site
from .versions import publish

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-store-2026"


def _texts(ar_description: str, en_description: str) -> dict:
    texts = copy.deepcopy(DEFAULT_TEXTS)
    texts["ar"]["description"] = ar_description
    texts["en"]["description"] = en_description
    return texts


ELECTRONICS = {
    "site": {"name": "Al-VoIP Electronics", "platform": "shopify", "default_language": "ar",
             "origins": ["https://al-voip.com"]},
    "document": {
        "languages": ["ar", "en"], "default_language": "ar",
        "texts": _texts(
            "نستخدم ملفات تعريف الارتباط الضرورية لتشغيل المتجر وإتمام طلباتك. وبموافقتك، "
            "نستخدم Google Analytics لفهم كيفية تصفّح المتجر، وإعلانات Google وFacebook وBing "
            "لعرض عروض تناسبك. قد تُعالَج هذه البيانات على خوادم خارج المملكة. اختر ما يناسبك، "
            "ويمكنك تغيير قرارك في أي وقت.",
            "We use cookies the store needs to work and to complete your orders. With your "
            "permission, we also use Google Analytics to understand how the store is browsed, "
            "and Google, Facebook and Bing ads to show you relevant offers. This data may be "
            "processed on servers outside the Kingdom. Choose what suits you; you can change "
            "your mind at any time."),
        "vendors": [catalogue_vendor(k) for k in
                    ("google-analytics", "google-ads", "meta", "microsoft-uet")],
        "appearance": {"position": "bottom", "theme": "light", "accent_color": "#0a5c8a"},
        # Opt-in, as Saudi law asks, except for US visitors: an opt-out notice there, so
        # the demo shows both policies (`make demo` says how to try it with a header).
        "behaviour": {"consent_lifetime_days": 365, "honour_gpc": True,
                      "age_confirmation": False, "default_mode": "opt_in",
                      "region_rules": [{"countries": ["US"], "mode": "opt_out"}]},
        "policy_url": "https://al-voip.com/policies/privacy-policy",
        "contact": {"email": "info@al-voip.com"},
    },
}

SUBSCRIPTIONS = {
    "site": {"name": "ALLWANSTORES", "platform": "salla", "default_language": "ar",
             "origins": ["https://allwanstores.com"]},
    "document": {
        "languages": ["ar", "en"], "default_language": "ar",
        "texts": _texts(
            "نلتزم بحماية خصوصيتك. نستخدم ملفات تعريف الارتباط الضرورية لإتمام اشتراكاتك، ولن "
            "نستخدم ملفات التحليل أو التسويق إلا بموافقتك الصريحة. يمكنك سحب موافقتك في أي وقت "
            "من زر إعدادات الخصوصية، وسنُعلمك بأي تغيير جوهري في سياستنا.",
            "We are committed to protecting your privacy. We use the cookies needed to deliver "
            "your subscriptions, and analytics or marketing cookies only with your explicit "
            "consent. You can withdraw it at any time from the privacy settings button, and we "
            "will tell you about any material change to our policy."),
        "vendors": [catalogue_vendor(k) for k in ("google-analytics", "snapchat", "tiktok")],
        "appearance": {"position": "bottom", "theme": "dark", "accent_color": "#6b3fa0"},
        "behaviour": {"consent_lifetime_days": 180, "honour_gpc": True,
                      "age_confirmation": True},
        "policy_url": "https://allwanstores.com/ar/privacy-policy",
        "contact": {"phone": "+966 56 312 0415", "whatsapp": "+966 56 312 0415"},
    },
}

DEMO_SITES = {"demo-electronics": ELECTRONICS, "demo-subscriptions": SUBSCRIPTIONS}


def seed_demo() -> tuple[str, str]:
    """Create (or leave as they are) the demo merchant and sites; returns the login."""
    merchant = db.session.scalar(db.select(Merchant).filter_by(email=DEMO_EMAIL)) \
        or create_merchant(DEMO_EMAIL, DEMO_PASSWORD)
    for site_key, spec in DEMO_SITES.items():
        site = db.session.scalar(db.select(Site).filter_by(site_key=site_key)) \
            or create_site(merchant.id, site_key=site_key, **spec["site"])
        publish(site, copy.deepcopy(spec["document"]))
    return DEMO_EMAIL, DEMO_PASSWORD
