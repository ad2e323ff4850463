"""The two demo storefronts as data: look, products, and the trackers each one carries.

The tracker list comes from the seeded banner document (services/demo.py), so the page
gates exactly the vendors the banner discloses, under the categories the banner shows.
"""
from dataclasses import dataclass

from ..default_texts import DEFAULT_TEXTS
from ..services.demo import DEMO_SITES

# Stand-in script (under demo/static/trackers/) and a made-up tracking ID per vendor.
# The IDs look like the real ones so the gated markup reads like a real theme's.
TRACKER_TAGS = {
    "google-analytics": ("gtag.js", {"demo-electronics": "G-ALVOIP2026",
                                     "demo-subscriptions": "G-ALLWAN2026"}),
    "google-ads": ("gtag.js", {"demo-electronics": "AW-1047392261"}),
    "meta": ("fbevents.js", {"demo-electronics": "618204937716235"}),
    "microsoft-uet": ("bat.js", {"demo-electronics": "187004381"}),
    "tiktok": ("tiktok-events.js", {"demo-subscriptions": "CQ7LJ3RC77U4A5ALLWAN"}),
    "snapchat": ("scevent.js", {"demo-subscriptions": "8f2e61d4-5c3b-4b8e-9d0a-a11c0a5e2026"}),
}


@dataclass(frozen=True)
class Tracker:
    key: str        # vendor key of the catalogue (banner/vendors.py)
    name: str
    category: str   # the consent category that gates it
    standin: str    # file name under demo/static/trackers/
    tag_id: str


@dataclass(frozen=True)
class Product:
    name: dict[str, str]     # language -> name
    price: int               # SAR
    icon: str                # a drawing of demo/_icons.html
    was: int | None = None   # crossed-out price of a sale
    badge: dict[str, str] | None = None


@dataclass(frozen=True)
class Store:
    site_key: str
    template: str
    theme: str                   # CSS class of the store's look (static/store.css)
    languages: tuple[str, ...]   # the first is the default
    texts: dict[str, dict]       # language -> page texts
    products: tuple[Product, ...]
    policy_url: str
    contact: dict

    @property
    def trackers(self) -> list[Tracker]:
        return [Tracker(v["key"], v["name"], v["category"], TRACKER_TAGS[v["key"]][0],
                        TRACKER_TAGS[v["key"]][1][self.site_key])
                for v in DEMO_SITES[self.site_key]["document"]["vendors"]]

    def language(self, requested: str | None) -> str:
        return requested if requested in self.languages else self.languages[0]


def sar(amount: int, lang: str) -> str:
    """A price in Saudi riyals the way each language writes it."""
    return f"{amount:,} ر.س" if lang == "ar" else f"SAR {amount:,}"


def category_label(category: str, lang: str) -> str:
    return DEFAULT_TEXTS[lang]["categories"][category]["label"]


ELECTRONICS = Store(
    site_key="demo-electronics", template="demo/electronics.html", theme="theme-alvoip",
    languages=("ar", "en"),
    policy_url=DEMO_SITES["demo-electronics"]["document"]["policy_url"],
    contact=DEMO_SITES["demo-electronics"]["document"]["contact"],
    texts={
        "ar": {"name": "AL-VOIP", "tagline": "حلول الاتصالات وهواتف IP للشركات",
               "announcement": "شحن مجاني داخل المملكة للطلبات فوق 500 ر.س",
               "nav": ["الرئيسية", "هواتف IP", "سماعات الرأس", "بوابات VoIP",
                       "أنظمة المؤتمرات", "كاميرات المراقبة", "تواصل معنا"],
               "hero_title": "اتصالات مكتبية واضحة، من أول مكالمة",
               "hero_text": "هواتف IP وسماعات وبوابات أصلية بضمان الوكيل، "
                            "مع دعم فني للتركيب والبرمجة.",
               "hero_cta": "تسوّق الآن", "section": "الأكثر مبيعًا",
               "add": "أضف إلى السلة", "sale": "تخفيض", "search": "بحث", "cart": "السلة",
               "switch": "English", "info": "معلومات", "policy": "سياسة الخصوصية",
               "contact": "تواصل معنا", "rights": "© 2026 al-voip.com",
               "powered": "متجر يعمل على Shopify"},
        "en": {"name": "AL-VOIP", "tagline": "Business phones and VoIP solutions",
               "announcement": "Free shipping in the Kingdom on orders over SAR 500",
               "nav": ["Home", "IP phones", "Headsets", "VoIP gateways", "Conference systems",
                       "Security cameras", "Contact us"],
               "hero_title": "Clear office calls, from the very first ring",
               "hero_text": "Genuine IP phones, headsets and gateways with local warranty, "
                            "plus help with installation and setup.",
               "hero_cta": "Shop now", "section": "Best sellers",
               "add": "Add to cart", "sale": "Sale", "search": "Search", "cart": "Cart",
               "switch": "العربية", "info": "Information", "policy": "Privacy policy",
               "contact": "Contact us", "rights": "© 2026 al-voip.com",
               "powered": "Powered by Shopify"},
    },
    products=(
        Product({"ar": "هاتف IP مكتبي بشاشة ملوّنة — 6 خطوط",
                 "en": "Colour-screen desk IP phone, 6 lines"}, 649, "deskphone", was=749,
                badge={"ar": "تخفيض", "en": "Sale"}),
        Product({"ar": "سماعة رأس لاسلكية DECT للمكاتب", "en": "DECT wireless office headset"},
                899, "headset"),
        Product({"ar": "بوابة VoIP بمنفذي FXS", "en": "VoIP gateway with 2 FXS ports"},
                329, "gateway"),
        Product({"ar": "هاتف مؤتمرات IP لقاعات الاجتماعات", "en": "IP conference phone"},
                1899, "conference", was=2149, badge={"ar": "تخفيض", "en": "Sale"}),
        Product({"ar": "كاميرا مراقبة IP بدقة 4 ميجابكسل", "en": "4 MP IP security camera"},
                459, "camera"),
        Product({"ar": "موزّع شبكة PoE بثمانية منافذ", "en": "8-port PoE network switch"},
                389, "switch"),
    ),
)

SUBSCRIPTIONS = Store(
    site_key="demo-subscriptions", template="demo/subscriptions.html", theme="theme-allwan",
    languages=("ar",),
    policy_url=DEMO_SITES["demo-subscriptions"]["document"]["policy_url"],
    contact=DEMO_SITES["demo-subscriptions"]["document"]["contact"],
    texts={
        "ar": {"name": "ALLWANSTORES", "tagline": "متجر الاشتراكات الرقمية",
               "announcement": "تسليم فوري عبر البريد الإلكتروني وواتساب بعد إتمام الدفع",
               "nav": ["الكل", "أفلام ومسلسلات", "موسيقى", "ألعاب", "تصميم", "حماية وخصوصية"],
               "hero_title": "اشتراكاتك الرقمية بأسعار تناسبك",
               "hero_text": "اشتراكات أصلية تُسلَّم فورًا، مع دعم فني طوال مدة الاشتراك.",
               "hero_cta": "تصفّح الاشتراكات", "section": "اشتراكات مميزة",
               "add": "إضافة للسلة", "search": "ابحث عن اشتراك…", "cart": "السلة",
               "info": "روابط مهمة", "policy": "سياسة الاستخدام والخصوصية",
               "contact": "تواصل معنا",
               "whatsapp": "واتساب", "phone": "الجوال", "rights": "© 2026 ALLWANSTORES",
               "powered": "متجر على منصة سلة",
               "payments": ["مدى", "VISA", "Mastercard", "Apple Pay", "STC Pay"]},
    },
    products=(
        Product({"ar": "اشتراك منصة أفلام ومسلسلات — 3 أشهر"}, 89, "play", was=120,
                badge={"ar": "الأكثر مبيعًا"}),
        Product({"ar": "اشتراك موسيقى بريميوم — 12 شهرًا"}, 149, "music"),
        Product({"ar": "اشتراك ألعاب أونلاين — شهر واحد"}, 39, "game",
                badge={"ar": "تسليم فوري"}),
        Product({"ar": "اشتراك تطبيقات التصميم — سنة"}, 199, "design", was=260),
        Product({"ar": "اشتراك VPN آمن — سنة"}, 119, "shield"),
        Product({"ar": "حزمة المكتب والتخزين السحابي — سنة"}, 229, "cloud"),
    ),
)

STORES = {store.site_key: store for store in (ELECTRONICS, SUBSCRIPTIONS)}

# The demo panel beside each store (not part of the store: it shows what the snippet did).
PANEL_TEXTS = {
    "ar": {"title": "لوحة العرض التوضيحي",
           "note": "هذه اللوحة ليست جزءًا من المتجر: تعرض ما سمح به الزائر وما تم تحميله فعلًا.",
           "trackers": "المتتبِّعات في هذه الصفحة", "waiting": "بانتظار الموافقة",
           "loaded": "تم التحميل", "withdrawn": "تم التحميل — يتوقف بعد إعادة تحميل الصفحة",
           "consent": "الموافقة الحالية", "undecided": "لم يتخذ الزائر قراره بعد",
           "granted": "مسموح", "denied": "مرفوض", "version": "نسخة البانر",
           "cookies": "ملفات تعريف الارتباط للمتتبِّعين", "no_cookies": "لا يوجد",
           "open": "تغيير الموافقة", "reset": "البدء كزائر جديد"},
    "en": {"title": "Demo panel",
           "note": "Not part of the store: it shows what the visitor allowed "
                   "and what actually loaded.",
           "trackers": "Trackers on this page", "waiting": "Waiting for consent",
           "loaded": "Loaded", "withdrawn": "Loaded — stops after a page reload",
           "consent": "Current consent", "undecided": "The visitor has not decided yet",
           "granted": "Allowed", "denied": "Refused", "version": "Banner version",
           "cookies": "Tracker cookies", "no_cookies": "None",
           "open": "Change consent", "reset": "Start as a new visitor"},
}
