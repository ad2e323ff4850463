"""The tag converter: each vendor's standard tag becomes the gated markup of the README's
"Gate each tag", with its category suggested from the catalogue's hosts."""
import pytest

from banner.errors import Invalid
from banner.services.tag_converter import MAX_MARKUP, convert

GTAG = """<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXXXXX"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-XXXXXXX');
</script>"""

META_CODE = """
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', 'PIXEL_ID');
fbq('track', 'PageView');
"""
META = f"""<!-- Meta Pixel Code -->
<script>{META_CODE}</script>
<noscript><img height="1" width="1" style="display:none"
  src="https://www.facebook.com/tr?id=PIXEL_ID&ev=PageView&noscript=1"/></noscript>
<!-- End Meta Pixel Code -->"""

UET = ('<script>(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[]})'
       '(window,document,"script","//bat.bing.com/bat.js","uetq");</script>')
TIKTOK = ("<script>!function (w, d, t) { w.TiktokAnalyticsObject=t; "
          "var r='https://analytics.tiktok.com/i18n/pixel/events.js'; ttq.load('PIXEL_ID'); "
          "ttq.page(); }(window, document, 'ttq');</script>")
SNAP = ("<script type='text/javascript'>(function(e,t,n){ var a=e.snaptr=function(){}; })"
        "(window,document,'https://sc-static.net/scevent.min.js');\n"
        "snaptr('init', 'PIXEL_ID', {}); snaptr('track', 'PAGE_VIEW');</script>")


def test_gtag_loader_and_its_configuration_wait_for_analytics():
    result = convert(GTAG)
    assert result.markup == GTAG.replace(
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXXXXX">',
        '<script type="text/plain" data-consent="analytics" data-src='
        '"https://www.googletagmanager.com/gtag/js?id=G-XXXXXXX" async>').replace(
        "<script>\n", '<script type="text/plain" data-consent="analytics">\n')
    assert [(g.kind, g.category, g.vendors) for g in result.gated] == [
        ("script", "analytics", ("Google Analytics",)),
        ("inline", "analytics", ("Google Analytics",))]


def test_gtag_for_google_ads_waits_for_advertising():
    result = convert(GTAG.replace("G-XXXXXXX", "AW-1234567"))
    assert result.markup.count('data-consent="advertising"') == 2
    assert {g.vendors for g in result.gated} == {("Google Ads",)}


def test_meta_pixel_is_gated_and_its_noscript_pixel_removed():
    result = convert(META)
    assert result.markup == (
        '<!-- Meta Pixel Code -->\n<script type="text/plain" data-consent="advertising">'
        f"{META_CODE}</script>\n<!-- End Meta Pixel Code -->")
    assert result.noscript_removed == 1
    assert "noscript" not in result.markup and "facebook.com/tr" not in result.markup
    assert result.gated[0].vendors == ("Meta Pixel",) and result.gated[0].source == "vendor"


@pytest.mark.parametrize("tag, vendor", [(UET, "Microsoft Advertising (UET)"),
                                         (TIKTOK, "TikTok Pixel"), (SNAP, "Snap Pixel")])
def test_uet_tiktok_and_snap_change_only_their_opening_tag(tag, vendor):
    result = convert(tag)
    code = tag[tag.index(">") + 1:]
    assert result.markup == '<script type="text/plain" data-consent="advertising">' + code
    assert result.gated[0].vendors == (vendor,)


def test_youtube_iframe_gets_data_src_and_functional():
    tag = ('<iframe width="560" height="315" src="https://www.youtube.com/embed/VIDEO_ID" '
           'allowfullscreen></iframe>')
    assert convert(tag).markup == (
        '<iframe width="560" height="315" data-consent="functional" '
        'data-src="https://www.youtube.com/embed/VIDEO_ID" allowfullscreen></iframe>')


def test_image_pixel_gets_data_src_and_advertising():
    tag = ('<img src="https://www.facebook.com/tr?id=PIXEL_ID&ev=Purchase" width="1" '
           'height="1" alt="" style="display:none">')
    assert convert(tag).markup == (
        '<img data-consent="advertising" data-src="https://www.facebook.com/tr?id=PIXEL_ID'
        '&amp;ev=Purchase" width="1" height="1" alt="" style="display:none">')


def test_protocol_relative_src_becomes_https_and_module_type_is_kept_aside():
    result = convert('<script type="module" src="//analytics.tiktok.com/x.js"></script>')
    assert result.markup == ('<script type="text/plain" data-consent="advertising" '
                             'data-type="module" data-src="https://analytics.tiktok.com/x.js">'
                             '</script>')


def test_unknown_vendor_needs_a_category_and_a_chosen_one_is_used_everywhere():
    tag = '<script src="https://cdn.example.net/widget.js"></script>'
    assert convert(tag).unknown
    chosen = convert(tag + '<img src="https://www.facebook.com/tr?id=1">', "functional")
    assert not chosen.unknown
    assert chosen.markup.count('data-consent="functional"') == 2
    assert {g.source for g in chosen.gated} == {"chosen"}


def test_the_sites_own_vendors_are_recognised_with_their_category():
    custom = [{"key": "crazy-egg", "name": "Crazy Egg", "category": "analytics",
               "hosts": ["script.crazyegg.com"], "privacy_url": "https://www.crazyegg.com/p"}]
    result = convert('<script src="https://script.crazyegg.com/pages/1.js"></script>',
                     vendors=custom)
    assert result.gated[0].category == "analytics" and result.gated[0].vendors == ("Crazy Egg",)


def test_code_naming_vendors_of_two_categories_waits_for_the_strictest():
    code = ("<script>load('https://www.youtube.com/iframe_api');"
            "load('https://connect.facebook.net/en_US/fbevents.js');</script>")
    result = convert(code)
    assert result.gated[0].category == "advertising" and "mixed" in result.notes


def test_the_install_tag_gated_tags_and_the_gtm_container_stay_as_they_are():
    ours = '<script src="https://consent.example/static/snippet.js" data-site="k"></script>'
    gated = '<script type="text/plain" data-consent="analytics">x()</script>'
    gtm = ("<script>(function(w,d,s,l,i){j.src='https://www.googletagmanager.com/gtm.js?id='"
           "+i;})(window,document,'script','dataLayer','GTM-XXXX');</script>")
    result = convert(ours + gated + gtm)
    assert result.markup == ours + gated + gtm
    assert result.gated == [] and set(result.notes) == {"our_tag", "already_gated", "gtm"}


def test_markup_is_rebuilt_escaped_and_text_is_never_taken_as_markup():
    result = convert('<img src="https://www.facebook.com/tr" alt="&quot;><script>x</script>">'
                     "<p>a &lt;b&gt; c</p>")
    assert '<img data-consent="advertising" data-src="https://www.facebook.com/tr" ' \
           'alt="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">' in result.markup
    assert "<p>a &lt;b&gt; c</p>" in result.markup


@pytest.mark.parametrize("markup, category, field", [
    ("", None, "markup"), ("   ", None, "markup"), ("x" * (MAX_MARKUP + 1), None, "markup"),
    ("<img src=x>", "necessary", "category")])
def test_bad_input_is_refused_by_field(markup, category, field):
    with pytest.raises(Invalid) as refused:
        convert(markup, category)
    assert field in refused.value.errors


def test_malformed_urls_are_converted_without_failing():
    result = convert('<script src="http://[oops/x.js"></script><img src="//[::1">', "analytics")
    assert result.markup.count('data-consent="analytics"') == 2
