"""`flask banner export-draft` and `flask banner publish`: edit a banner from a shell."""
import json

import pytest

from banner.extensions import db
from banner.models import BannerVersion
from banner.services import drafts
from banner.services.audit import Actor
from banner.vendors import catalogue_vendor


def export(runner, site_key):
    result = runner.invoke(args=["banner", "export-draft", "--site", site_key])
    assert result.exit_code == 0, result.output
    return result.output


def run_publish(runner, site_key, *options):
    return runner.invoke(args=["banner", "publish", "--site", site_key, *options])


def test_export_edit_publish_round_trips(runner, client, site, tmp_path):
    printed = export(runner, site.site_key)
    assert '\n  "languages": [' in printed and "الخصوصية" in printed  # indented, not escaped
    document = json.loads(printed)
    document["texts"]["en"]["title"] = "Cookies, briefly"
    path = tmp_path / "banner.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = run_publish(runner, site.site_key, "--from-file", str(path), "--change", "minor",
                         "--note", "Shorter title")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Published version 2 (minor)"
    assert client.get("/v1/sites/test-store/banner?lang=en").json["texts"]["title"] == \
        "Cookies, briefly"
    version = db.session.scalar(db.select(BannerVersion).filter_by(site_id=site.id, number=2))
    assert version.change_note == "Shorter title"
    assert json.loads(export(runner, site.site_key)) == version.document


def test_publish_without_a_file_publishes_the_draft(runner, site, document):
    document["vendors"] = [catalogue_vendor("meta")]
    drafts.save_draft(site, document, Actor(site.merchant_id, "test"))
    result = run_publish(runner, site.site_key, "--change", "material")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Published version 2 (material)"


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not valid JSON: "),
    ('{"languages": ["ar"],', "is not valid JSON: "),
    (b"\xff\xfe{}", "is not UTF-8"),
])
def test_an_unreadable_file_is_a_clear_failure_writing_nothing(
        runner, site, tmp_path, row_counts, content, message):
    path = tmp_path / "banner.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = row_counts()
    result = run_publish(runner, site.site_key, "--from-file", str(path), "--change", "minor")
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output
    assert row_counts() == before


def test_a_missing_file_is_a_clear_failure(runner, site, tmp_path, row_counts):
    before = row_counts()
    result = run_publish(runner, site.site_key, "--from-file", str(tmp_path / "nope.json"),
                         "--change", "minor")
    assert result.exit_code != 0 and "Cannot read" in result.output
    assert row_counts() == before


@pytest.mark.parametrize("change, exit_code, words", [
    (lambda d: d.update(policy_url="javascript:alert(1)"), 2, "policy_url"),
    (lambda d: d.update(vendors=[{**catalogue_vendor("meta"), "hosts": []}]), 2, "hosts"),
    (lambda d: d.update(vendors=[catalogue_vendor("meta")]), 2, "asked again"),  # as minor
    (lambda d: None, 4, "live version"),  # nothing changed
])
def test_a_refused_publication_exits_non_zero_and_writes_nothing(
        runner, site, document, tmp_path, row_counts, change, exit_code, words):
    change(document)
    path = tmp_path / "banner.json"
    path.write_text(json.dumps(document))
    before = row_counts()
    result = run_publish(runner, site.site_key, "--from-file", str(path), "--change", "minor")
    assert result.exit_code == exit_code and words in result.output, result.output
    assert row_counts() == before


def test_an_unknown_site_exits_3(runner, row_counts):
    before = row_counts()
    assert runner.invoke(args=["banner", "export-draft", "--site", "nope"]).exit_code == 3
    assert run_publish(runner, "nope", "--change", "minor").exit_code == 3
    assert row_counts() == before
