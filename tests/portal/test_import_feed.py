"""The ``import_feed`` command: the import itself is tested in tests/loans/test_importer.py."""

import io
import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from agencies.models import Agency
from loans.models import Borrower, LoanAccount
from notices.models import MeasureNoticeState
from tests.loans.test_importer import AGENCY, BORROWER, COLLECTOR, HOME_VISIT, WORLD, feed_bytes

pytestmark = pytest.mark.django_db


def write_feed(tmp_path, records):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        "\n".join(json.dumps(record, ensure_ascii=False) if isinstance(record, dict) else record for record in records),
        encoding="utf-8",
    )
    return path


def test_command_imports_a_file_and_prints_counts(tmp_path):
    out = io.StringIO()

    call_command("import_feed", str(write_feed(tmp_path, WORLD)), stdout=out)

    assert LoanAccount.objects.filter(reference="LN-1").exists()
    assert "account" in out.getvalue()


def test_command_dry_run_saves_nothing(tmp_path):
    call_command("import_feed", str(write_feed(tmp_path, WORLD)), "--dry-run", stdout=io.StringIO())

    assert Agency.objects.count() == 0


def standard_input(monkeypatch, data: bytes):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_command_reads_standard_input(monkeypatch):
    standard_input(monkeypatch, feed_bytes(WORLD))

    call_command("import_feed", "-", stdout=io.StringIO())

    assert Borrower.objects.count() == 1


def test_command_rejects_only_the_line_that_is_not_utf8_in_a_file(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(feed_bytes([AGENCY, b'{"type": "agency", "id": "AG-\xff"}', BORROWER]))
    err = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_feed", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == ["line 2: The line is not valid UTF-8 text."]
    assert Agency.objects.count() == Borrower.objects.count() == 1


def test_command_rejects_only_the_line_that_is_not_utf8_on_standard_input(monkeypatch):
    standard_input(monkeypatch, feed_bytes([AGENCY, b'{"type": "agency", "id": "AG-\xff"}', BORROWER]))
    err = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_feed", "-", stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == ["line 2: The line is not valid UTF-8 text."]
    assert Agency.objects.count() == Borrower.objects.count() == 1


def test_command_dry_run_reports_a_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(feed_bytes([AGENCY, b"\xc3(", BORROWER]))
    err = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_feed", str(path), "--dry-run", stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == ["line 2: The line is not valid UTF-8 text."]
    assert Agency.objects.count() == 0


def test_command_fails_after_importing_good_lines_when_some_are_rejected(tmp_path):
    err = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_feed", str(write_feed(tmp_path, [AGENCY, "oops"])), stdout=io.StringIO(), stderr=err)

    assert Agency.objects.count() == 1
    assert "line 2" in err.getvalue()


def test_command_prints_rejected_lines_in_line_order(tmp_path):
    err = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError):
        call_command(
            "import_feed",
            str(write_feed(tmp_path, [AGENCY, {**COLLECTOR, "agency": "AG-404"}, "oops"])),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert [line.split(":")[0] for line in err.getvalue().splitlines()] == ["line 2", "line 3"]


def test_command_schedules_the_advance_notices_of_imported_measures(tmp_path):
    call_command("import_feed", str(write_feed(tmp_path, [*WORLD, HOME_VISIT])), stdout=io.StringIO())

    assert MeasureNoticeState.objects.filter(measure__external_id="SM-1").exists()


def test_command_dry_run_schedules_no_notices(tmp_path):
    call_command("import_feed", str(write_feed(tmp_path, [*WORLD, HOME_VISIT])), "--dry-run", stdout=io.StringIO())

    assert not MeasureNoticeState.objects.exists()


def test_command_keeps_the_imported_measures_when_scheduling_their_notices_fails(tmp_path, monkeypatch, caplog):
    def refuse(**kwargs):
        raise RuntimeError("notices are down")

    monkeypatch.setattr("portal.feed.measure_notices_refresh", refuse)

    with caplog.at_level(logging.ERROR, logger="portal.feed"):
        call_command("import_feed", str(write_feed(tmp_path, [*WORLD, HOME_VISIT])), stdout=io.StringIO())

    assert LoanAccount.objects.get(reference="LN-1").measures.count() == 1
    assert not MeasureNoticeState.objects.exists()
    assert "the sweep will" in caplog.text
