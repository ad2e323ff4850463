"""Default banner texts. Written for people, in Arabic and English, so a new site
has a complete, publishable banner the moment it is created."""

DEFAULT_TEXTS = {
    "ar": {
        "title": "خصوصيتك تهمّنا",
        "description": (
            "نستخدم ملفات تعريف الارتباط (الكوكيز) الضرورية لتشغيل المتجر. وبموافقتك، "
            "نستخدم أيضًا ملفات أخرى لتذكّر تفضيلاتك وقياس زيارات المتجر وعرض إعلانات "
            "تناسب اهتماماتك. يمكنك قبولها كلها أو رفضها أو اختيار ما يناسبك، وتغيير "
            "قرارك في أي وقت."
        ),
        "accept_all": "قبول الكل",
        "reject_all": "رفض الكل",
        "customize": "تخصيص",
        "save": "حفظ اختياراتي",
        "close": "إغلاق",
        "preferences_title": "إعدادات ملفات تعريف الارتباط",
        "preferences_description": (
            "اختر الفئات التي توافق عليها. الملفات الضرورية تعمل دائمًا لأن المتجر لا "
            "يعمل بدونها، أما البقية فلا نستخدمها إلا بإذنك."
        ),
        "vendors_title": "الشركاء الذين نتعامل معهم",
        "policy_link": "سياسة الخصوصية",
        "contact_title": "للاستفسار عن خصوصيتك",
        "age_confirmation": "أؤكد أنني بلغت السن القانونية",
        "reopen": "إعدادات الخصوصية",
        "always_on": "تعمل دائمًا",
        "categories": {
            "necessary": {
                "label": "ضرورية",
                "description": "تُبقي سلة التسوق وتسجيل الدخول والدفع تعمل بأمان، ولا يمكن إيقافها.",
            },
            "functional": {
                "label": "وظيفية",
                "description": "تتذكّر اختياراتك مثل اللغة والعملة، وتشغّل ميزات مثل المحادثة المباشرة.",
            },
            "analytics": {
                "label": "تحليلية",
                "description": "تساعدنا على فهم كيفية استخدام المتجر لنحسّنه، ببيانات إحصائية مجمّعة.",
            },
            "advertising": {
                "label": "إعلانية",
                "description": "تتيح لنا ولشركائنا عرض إعلانات تناسب اهتماماتك وقياس نتائجها.",
            },
        },
    },
    "en": {
        "title": "We value your privacy",
        "description": (
            "We use cookies that the store needs to work. With your permission, we also "
            "use cookies to remember your preferences, measure visits and show ads that "
            "match your interests. Accept them all, reject them all, or choose for "
            "yourself. You can change your mind at any time."
        ),
        "accept_all": "Accept all",
        "reject_all": "Reject all",
        "customize": "Customize",
        "save": "Save my choices",
        "close": "Close",
        "preferences_title": "Cookie settings",
        "preferences_description": (
            "Choose which categories you allow. Necessary cookies are always on because "
            "the store cannot work without them; we use the others only with your consent."
        ),
        "vendors_title": "Partners we work with",
        "policy_link": "Privacy policy",
        "contact_title": "Questions about your privacy",
        "age_confirmation": "I confirm that I am of legal age",
        "reopen": "Privacy settings",
        "always_on": "Always on",
        "categories": {
            "necessary": {
                "label": "Necessary",
                "description": "Keep the cart, sign-in and checkout working securely. They cannot be switched off.",
            },
            "functional": {
                "label": "Functional",
                "description": "Remember choices such as language and currency, and power features like live chat.",
            },
            "analytics": {
                "label": "Analytics",
                "description": "Help us understand how the store is used so we can improve it, using aggregated statistics.",
            },
            "advertising": {
                "label": "Advertising",
                "description": "Let us and our partners show ads that match your interests and measure how they perform.",
            },
        },
    },
}

# Texts the banner needs in every language that merchants do not edit: the legal-age
# message shown when a grant is refused for want of the confirmation. Languages without
# their own get the English one.
SYSTEM_TEXTS = {
    "ar": {"age_required": "يرجى تأكيد بلوغك السن القانونية قبل السماح بملفات تعريف "
                           "الارتباط الاختيارية."},
    "en": {"age_required": "Please confirm that you are of legal age before allowing "
                           "optional cookies."},
}


def system_texts(language: str) -> dict:
    return SYSTEM_TEXTS.get(language, SYSTEM_TEXTS["en"])
