import re

from banner.extensions import db
from banner.models import ApiKey, BannerVersion, Merchant, Site
from banner.services.api_keys import hash_key


def test_create_merchant_and_refuse_a_duplicate(runner):
    result = runner.invoke(args=["banner", "create-merchant", "Owner@Store.sa", "--password", "pw"])
    assert result.exit_code == 0, result.output
    merchant = db.session.scalars(db.select(Merchant)).one()
    assert merchant.email == "owner@store.sa" and merchant.password_hash != "pw"
    again = runner.invoke(args=["banner", "create-merchant", "owner@store.sa"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_create_site_prints_its_key_and_publishes_a_default_banner(runner, client):
    runner.invoke(args=["banner", "create-merchant", "owner@store.sa"])
    result = runner.invoke(args=["banner", "create-site", "--merchant", "owner@store.sa",
                                 "--name", "My store", "--origin", "https://shop.example/",
                                 "--origin", "https://www.shop.example"])
    assert result.exit_code == 0, result.output
    site_key = result.output.strip()
    site = db.session.scalars(db.select(Site)).one()
    assert site.site_key == site_key
    assert site.allowed_origins == ["https://shop.example", "https://www.shop.example"]
    assert client.get(f"/v1/sites/{site_key}/banner?lang=ar").json["dir"] == "rtl"


def test_create_site_for_unknown_merchant_fails_cleanly(runner):
    result = runner.invoke(args=["banner", "create-site", "--merchant", "ghost@x.sa",
                                 "--name", "S", "--origin", "https://s.example"])
    assert result.exit_code != 0 and "No merchant" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Site)) == 0


def test_api_key_is_printed_once_and_stored_as_hash(runner):
    runner.invoke(args=["banner", "create-merchant", "owner@store.sa"])
    result = runner.invoke(args=["banner", "create-api-key", "--merchant", "owner@store.sa"])
    assert result.exit_code == 0, result.output
    key = re.search(r"cb_\S+", result.output).group(0)
    stored = db.session.scalars(db.select(ApiKey)).one()
    assert stored.key_hash == hash_key(key)
    assert key not in (stored.key_hash, stored.prefix) and stored.prefix in key


def test_seed_demo_creates_both_stores_and_is_harmless_twice(runner, client):
    first = runner.invoke(args=["banner", "seed-demo"])
    assert first.exit_code == 0, first.output
    assert "demo@example.com" in first.output
    second = runner.invoke(args=["banner", "seed-demo"])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Site)) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(BannerVersion)) == 2
    electronics = client.get("/v1/sites/demo-electronics/banner?lang=ar").json
    assert [v["key"] for v in electronics["vendors"]] == [
        "google-analytics", "google-ads", "meta", "microsoft-uet"]
    subscriptions = client.get("/v1/sites/demo-subscriptions/banner").json
    assert subscriptions["language"] == "ar"
    assert [v["key"] for v in subscriptions["vendors"]] == ["google-analytics", "snapchat", "tiktok"]
    assert subscriptions["behaviour"]["age_confirmation"] is True
