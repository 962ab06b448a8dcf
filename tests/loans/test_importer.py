import datetime
import io
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import translation

from agencies.models import Agency, AuthorisedNumber, Collector
from loans.feed.records import APPLIERS
from loans.importer import MAX_LINE_BYTES, feed_import, feed_lines
from loans.models import (
    Assignment,
    Borrower,
    ContactEvent,
    ContactPreference,
    LoanAccount,
    ScheduledMeasure,
    StageChange,
)

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)

AGENCY = {
    "type": "agency",
    "id": "AG-1",
    "kind": "external",
    "name": "上海安信资产管理有限公司",
    "short_name": "安信资产",
    "licence_number": "91310000MA1FL0001X",
    "hotline": "400-820-8820",
    "status": "active",
    "authorised_since": "2025-03-01",
    "contact_hours_start": "08:00",
    "contact_hours_end": "20:00",
}
OTHER_AGENCY = {"type": "agency", "id": "AG-2", "name": "杭州信达催收服务有限公司"}
COLLECTOR = {"type": "collector", "id": "COL-1", "agency": "AG-1", "display_name": "李明", "badge_number": "AX-0001"}
OTHER_COLLECTOR = {
    "type": "collector",
    "id": "COL-2",
    "agency": "AG-2",
    "display_name": "赵强",
    "badge_number": "XD-01",
}
NUMBER = {
    "type": "number",
    "id": "NUM-1",
    "agency": "AG-1",
    "collector": "COL-1",
    "number": "021-60001234",
    "valid_from": "2026-01-01T00:00:00+08:00",
}
BORROWER = {
    "type": "borrower",
    "id": "BR-1",
    "name": "张伟",
    "phone": "13800138001",
    "id_number": "11010519491231002X",
    "email": "zhangwei@example.cn",
}
ACCOUNT = {
    "type": "account",
    "id": "LN-1",
    "borrower": "BR-1",
    "product": "随借随还消费贷",
    "principal": "12000.00",
    "amount_overdue": "3456.78",
    "due_date": "2026-08-01",
    "stage": "CURRENT",
    "stage_since": "2026-05-01T10:00:00+08:00",
}
WORLD = [AGENCY, OTHER_AGENCY, COLLECTOR, OTHER_COLLECTOR, NUMBER, BORROWER, ACCOUNT]
HOME_VISIT = {
    "type": "measure",
    "id": "SM-1",
    "account": "LN-1",
    "kind": "home_visit",
    "planned_for": "2026-12-05T10:00:00+08:00",
    "performer": "AG-1",
}


def assignment(id="AS-1", **fields):
    return {
        "type": "assignment",
        "id": id,
        "account": "LN-1",
        "agency": "AG-1",
        "collector": "COL-1",
        "starts_at": "2026-09-01T09:00:00+08:00",
        **fields,
    }


def contact(id="CE-1", **fields):
    return {
        "type": "contact",
        "id": id,
        "account": "LN-1",
        "agency": "AG-1",
        "collector": "COL-1",
        "occurred_at": "2026-09-03T10:15:00+08:00",
        "channel": "call",
        "party": "borrower",
        "from_number": "02160001234",
        "outcome": "connected",
        "duration_seconds": 95,
        **fields,
    }


def stage_change(id, stage, changed_at):
    return {"type": "stage_change", "id": id, "account": "LN-1", "stage": stage, "changed_at": changed_at}


def run(*records, now=NOW, dry_run=False):
    lines = [record if isinstance(record, str) else json.dumps(record, ensure_ascii=False) for record in records]
    return feed_import(lines=lines, now=now, dry_run=dry_run)


def feed_bytes(records):
    return b"\n".join(
        json.dumps(record, ensure_ascii=False).encode() if isinstance(record, dict) else record for record in records
    )


def only_error(report):
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


def counts(report, record_type):
    c = report.counts[record_type]
    return (c.created, c.updated, c.unchanged, c.rejected)


# Good rows, one type at a time.


def test_agency_record_creates_agency_with_normalised_hotline():
    report = run(AGENCY)

    agency = Agency.objects.get(external_id="AG-1")
    assert counts(report, "agency") == (1, 0, 0, 0)
    assert agency.hotline == "+864008208820"
    assert agency.contact_hours_start == datetime.time(8, 0)
    assert agency.authorised_since == datetime.date(2025, 3, 1)


def test_suspended_agency_record_keeps_reason_and_change_time():
    run({**AGENCY, "status": "suspended", "status_reason": "多次投诉未整改", "status_public_reason": "complaints"})

    agency = Agency.objects.get(external_id="AG-1")
    assert agency.status == Agency.Status.SUSPENDED
    assert agency.status_reason == "多次投诉未整改"
    assert agency.status_changed_at == NOW


def test_collector_record_creates_collector_of_its_agency():
    report = run(AGENCY, COLLECTOR)

    collector = Collector.objects.get(external_id="COL-1")
    assert counts(report, "collector") == (1, 0, 0, 0)
    assert collector.agency.external_id == "AG-1"
    assert collector.badge_number == "AX-0001"


def test_number_record_stores_e164_number():
    run(AGENCY, COLLECTOR, NUMBER)

    number = AuthorisedNumber.objects.get(external_id="NUM-1")
    assert number.number == "+862160001234"
    assert number.collector.external_id == "COL-1"
    assert number.valid_until is None


def test_borrower_record_stores_mobile_in_e164_and_full_id_number():
    run(BORROWER)

    borrower = Borrower.objects.get(external_id="BR-1")
    assert borrower.phone == "+8613800138001"
    assert borrower.id_number == "11010519491231002X"


def test_account_record_creates_account_in_its_opening_stage():
    run(*WORLD)

    account = LoanAccount.objects.get(reference="LN-1")
    assert account.borrower.external_id == "BR-1"
    assert account.principal == Decimal("12000.00")
    assert account.amount_overdue == Decimal("3456.78")
    assert account.stage.code == "CURRENT"
    assert account.stage_since == datetime.datetime(2026, 5, 1, 10, 0, tzinfo=SHANGHAI)


def test_stage_changes_move_account_to_the_latest_stage():
    run(
        *WORLD,
        stage_change("SC-2", "OUTSOURCED", "2026-09-01T09:00:00+08:00"),
        stage_change("SC-1", "REMINDER", "2026-08-02T09:00:00+08:00"),
    )

    account = LoanAccount.objects.get(reference="LN-1")
    assert StageChange.objects.filter(account=account).count() == 2
    assert account.stage.code == "OUTSOURCED"
    assert account.stage_since == datetime.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI)


def test_resent_old_account_snapshot_does_not_undo_a_later_stage_change():
    run(*WORLD, stage_change("SC-1", "EARLY", "2026-08-10T09:00:00+08:00"))

    report = run(ACCOUNT)

    assert counts(report, "account") == (0, 0, 1, 0)
    assert LoanAccount.objects.get(reference="LN-1").stage.code == "EARLY"


def test_assignment_record_creates_open_assignment():
    report = run(*WORLD, assignment())

    row = Assignment.objects.get(external_id="AS-1")
    assert counts(report, "assignment") == (1, 0, 0, 0)
    assert row.agency.external_id == "AG-1"
    assert row.ends_at is None


def test_later_assignment_closes_the_open_one_when_it_starts():
    run(*WORLD, assignment())

    report = run(assignment("AS-2", agency="AG-2", collector="COL-2", starts_at="2026-10-15T09:00:00+08:00"))

    assert counts(report, "assignment") == (1, 0, 0, 0)
    first = Assignment.objects.get(external_id="AS-1")
    assert first.ends_at == datetime.datetime(2026, 10, 15, 9, 0, tzinfo=SHANGHAI)
    assert Assignment.objects.get(external_id="AS-2").ends_at is None


def test_chain_of_assignments_in_one_feed_closes_each_at_the_next_start():
    report = run(
        *WORLD,
        assignment(),
        assignment("AS-2", agency="AG-2", collector="COL-2", starts_at="2026-10-15T09:00:00+08:00"),
        assignment("AS-3", starts_at="2026-11-01T09:00:00+08:00"),
        assignment("AS-4", starts_at="2026-10-20T09:00:00+08:00", ends_at="2026-10-25T09:00:00+08:00"),
    )

    ends = dict(Assignment.objects.values_list("external_id", "ends_at"))
    assert ends["AS-1"] == datetime.datetime(2026, 10, 15, 9, 0, tzinfo=SHANGHAI)
    assert ends["AS-2"] == datetime.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
    assert ends["AS-3"] is None
    assert (only_error(report).line, only_error(report).code) == (len(WORLD) + 4, "overlap")


def test_reimporting_an_automatically_closed_assignment_leaves_it_closed():
    feed = [
        *WORLD,
        assignment(),
        assignment("AS-2", agency="AG-2", collector="COL-2", starts_at="2026-10-15T09:00:00+08:00"),
    ]
    run(*feed)

    report = run(*feed)

    assert counts(report, "assignment") == (0, 0, 2, 0)
    assert Assignment.objects.get(external_id="AS-1").ends_at is not None


def test_open_assignment_sent_after_a_later_one_ends_where_the_later_starts():
    run(*WORLD, assignment("AS-2", agency="AG-2", collector="COL-2", starts_at="2026-10-15T09:00:00+08:00"))

    run(assignment())

    assert Assignment.objects.get(external_id="AS-1").ends_at == datetime.datetime(2026, 10, 15, 9, 0, tzinfo=SHANGHAI)


def test_contact_record_creates_contact_event():
    report = run(*WORLD, contact())

    event = ContactEvent.objects.get(external_id="CE-1")
    assert counts(report, "contact") == (1, 0, 0, 0)
    assert event.from_number == "+862160001234"
    assert event.collector.external_id == "COL-1"
    assert event.duration_seconds == 95


def test_contact_ids_are_scoped_to_their_agency():
    report = run(*WORLD, contact(), contact(agency="AG-2", collector="COL-2"))

    assert counts(report, "contact") == (2, 0, 0, 0)
    assert ContactEvent.objects.filter(external_id="CE-1").count() == 2


def test_measure_record_creates_planned_measure():
    report = run(
        *WORLD,
        {
            "type": "measure",
            "id": "SM-1",
            "account": "LN-1",
            "kind": "home_visit",
            "planned_for": "2026-12-05T10:00:00+08:00",
            "performer": "AG-1",
            "how_to_avoid": "在 12 月 4 日前还清逾期金额或与平台达成还款计划。",
        },
    )

    measure = ScheduledMeasure.objects.get(external_id="SM-1")
    assert counts(report, "measure") == (1, 0, 0, 0)
    assert measure.status == ScheduledMeasure.Status.PLANNED
    assert measure.performer.external_id == "AG-1"


def test_report_lists_the_measures_it_wrote_for_the_caller_to_announce():
    report = run(*WORLD, HOME_VISIT)

    assert report.measure_ids == [ScheduledMeasure.objects.get(external_id="SM-1").pk]


def test_dry_run_lists_no_measures():
    report = run(*WORLD, HOME_VISIT, dry_run=True)

    assert report.measure_ids == []


def test_preference_record_sets_borrower_preference():
    report = run(
        BORROWER,
        {
            "type": "preference",
            "id": "BR-1",
            "no_third_party_contact": True,
            "window_start": "09:00",
            "window_end": "18:00",
            "preferred_channel": "sms",
            "updated_at": "2026-10-01T10:00:00+08:00",
        },
    )

    preference = ContactPreference.objects.get(borrower__external_id="BR-1")
    assert counts(report, "preference") == (1, 0, 0, 0)
    assert preference.no_third_party_contact is True
    assert preference.window_start == datetime.time(9, 0)


def test_preference_record_older_than_stored_choice_changes_nothing():
    run(
        BORROWER,
        {"type": "preference", "id": "BR-1", "no_third_party_contact": True, "updated_at": "2026-11-01T10:00:00+08:00"},
    )

    report = run(
        {"type": "preference", "id": "BR-1", "no_third_party_contact": False, "updated_at": "2026-10-01T10:00:00+08:00"}
    )

    assert counts(report, "preference") == (0, 0, 1, 0)
    assert ContactPreference.objects.get(borrower__external_id="BR-1").no_third_party_contact is True


# Idempotency, updates and dry runs.


def full_feed():
    return [
        *WORLD,
        stage_change("SC-1", "REMINDER", "2026-08-02T09:00:00+08:00"),
        stage_change("SC-2", "OUTSOURCED", "2026-09-01T09:00:00+08:00"),
        assignment(),
        contact(),
        {
            "type": "measure",
            "id": "SM-1",
            "account": "LN-1",
            "kind": "lawyer_letter",
            "planned_for": "2026-12-10T10:00:00+08:00",
            "performer": "AG-1",
        },
        {"type": "preference", "id": "BR-1", "no_third_party_contact": True, "updated_at": "2026-10-01T10:00:00+08:00"},
    ]


def table_sizes():
    return [
        model.objects.count()
        for model in (
            Agency,
            Collector,
            AuthorisedNumber,
            Borrower,
            LoanAccount,
            StageChange,
            Assignment,
            ContactEvent,
            ScheduledMeasure,
            ContactPreference,
        )
    ]


def test_importing_the_same_feed_twice_creates_nothing_new():
    first = run(*full_feed())
    sizes = table_sizes()

    second = run(*full_feed())

    assert table_sizes() == sizes
    assert first.totals().created == second.totals().unchanged == len(full_feed())
    assert second.totals().created == second.totals().updated == 0


def test_changed_record_updates_its_row():
    run(*WORLD)

    report = run({**BORROWER, "name": "张伟明", "phone": "13800138999"})

    assert counts(report, "borrower") == (0, 1, 0, 0)
    borrower = Borrower.objects.get(external_id="BR-1")
    assert (borrower.name, borrower.phone) == ("张伟明", "+8613800138999")
    assert Borrower.objects.count() == 1


def test_changed_agency_status_records_when_it_changed():
    run(AGENCY)
    later = NOW + datetime.timedelta(days=1)

    report = run(
        {**AGENCY, "status": "suspended", "status_reason": "违规催收", "status_public_reason": "conduct"}, now=later
    )

    assert counts(report, "agency") == (0, 1, 0, 0)
    assert Agency.objects.get(external_id="AG-1").status_changed_at == later


def test_dry_run_counts_but_saves_nothing():
    report = run(*full_feed(), dry_run=True)

    assert report.totals().created == len(full_feed())
    assert report.dry_run is True
    assert sum(table_sizes()) == 0


# Bad rows: each rejected with its line number and reason; the rest kept.


def test_invalid_json_is_rejected_with_its_line_number_and_good_lines_are_kept():
    report = run(AGENCY, "{not json", BORROWER)

    error = only_error(report)
    assert (error.line, error.code) == (2, "invalid_json")
    assert Agency.objects.count() == 1
    assert Borrower.objects.count() == 1


def test_line_with_a_nul_character_is_rejected():
    report = run('{"type": "borrower", "id": "BR-\\u0000", "name": "x", "phone": "13800138001"}', AGENCY)

    assert (only_error(report).line, only_error(report).code) == (1, "invalid_json")
    assert Agency.objects.count() == 1


def test_line_with_an_unpaired_surrogate_is_rejected():
    report = run('{"type": "borrower", "id": "BR-1", "name": "\\ud800", "phone": "13800138001"}', AGENCY)

    assert (only_error(report).line, only_error(report).code) == (1, "invalid_json")
    assert Agency.objects.count() == 1


def test_invalid_json_is_reported_by_position_without_the_decoder_text():
    with translation.override("en"):
        error = only_error(run('{"type": "agency", "id": "AG-1",,}'))

    assert error.message == "Not valid JSON: the error is at character 33."


def test_deeply_nested_line_is_rejected_as_too_deeply_nested():
    with translation.override("en"):
        report = run("[" * 100_000, AGENCY)

    assert (only_error(report).line, only_error(report).message) == (1, "Not valid JSON: it is nested too deeply.")
    assert Agency.objects.count() == 1


def test_number_with_too_many_digits_is_rejected_without_the_decoder_text():
    with translation.override("en"):
        error = only_error(run('{"type": "agency", "id": ' + "9" * 5000 + "}"))

    assert (error.code, error.message) == ("invalid_json", "Not valid JSON: a number has too many digits.")


def test_errors_are_listed_in_line_order():
    report = run(AGENCY, {**COLLECTOR, "agency": "AG-404"}, "{not json", "[1]", {"type": "nope", "id": "x"})

    assert [error.line for error in report.errors] == [2, 3, 4, 5]


def test_json_that_is_not_an_object_is_rejected():
    error = only_error(run("[1, 2]"))

    assert error.code == "invalid_json"


def test_blank_lines_are_skipped_but_counted_in_line_numbers():
    report = run(AGENCY, "", {"type": "nope", "id": "x"})

    assert only_error(report).line == 3


def test_byte_order_mark_before_the_first_line_of_bytes_is_ignored():
    report = feed_import(lines=[b"\xef\xbb\xbf" + json.dumps(AGENCY).encode()], now=NOW)

    assert report.errors == []
    assert Agency.objects.count() == 1


def test_blank_lines_of_bytes_are_skipped_but_counted_in_line_numbers():
    report = feed_import(lines=feed_lines(io.BytesIO(feed_bytes([AGENCY, b"", b"  \r", b"\xff"]))), now=NOW)

    assert (only_error(report).line, only_error(report).code) == (4, "invalid_utf8")


def test_line_longer_than_the_limit_is_rejected_and_the_next_line_keeps_its_number():
    huge = json.dumps({**AGENCY, "name": "安" * MAX_LINE_BYTES}).encode()

    report = feed_import(lines=feed_lines(io.BytesIO(feed_bytes([huge, OTHER_AGENCY, b"{"]))), now=NOW)

    assert [(error.line, error.code) for error in report.errors] == [(1, "too_long"), (3, "invalid_json")]
    assert list(Agency.objects.values_list("external_id", flat=True)) == ["AG-2"]


def test_reader_cuts_a_line_longer_than_the_limit_and_skips_its_rest():
    lines = list(feed_lines(io.BytesIO(b"x" * (3 * MAX_LINE_BYTES) + b"\n{}\n")))

    assert [len(line) for line in lines] == [MAX_LINE_BYTES + 1, 3]


def test_unknown_type_is_rejected():
    error = only_error(run({"type": "loan", "id": "X"}))

    assert error.code == "unknown_type"
    assert "loan" in error.message


def test_unknown_field_is_rejected():
    error = only_error(run({**BORROWER, "nickname": "伟哥"}))

    assert (error.code, error.field) == ("unknown_field", "nickname")


def test_missing_id_is_rejected():
    error = only_error(run({k: v for k, v in BORROWER.items() if k != "id"}))

    assert (error.code, error.field) == ("missing", "id")


def test_missing_required_field_is_rejected():
    error = only_error(run({k: v for k, v in BORROWER.items() if k != "name"}))

    assert (error.code, error.field, error.line) == ("missing", "name", 1)


def test_invalid_choice_is_rejected():
    error = only_error(run(*WORLD, contact(channel="fax")))

    assert (error.code, error.field) == ("invalid", "channel")


def test_unknown_referenced_id_is_rejected():
    report = run(*WORLD, contact(account="LN-404"))

    error = only_error(report)
    assert (error.code, error.field, error.line) == ("unknown_reference", "account", len(WORLD) + 1)
    assert ContactEvent.objects.count() == 0


def test_reference_to_a_record_later_in_the_file_is_rejected():
    error = only_error(run(ACCOUNT, BORROWER))

    assert (error.line, error.code) == (1, "unknown_reference")


def test_unknown_stage_is_rejected():
    error = only_error(run(*WORLD, stage_change("SC-1", "PURGATORY", "2026-08-02T09:00:00+08:00")))

    assert (error.code, error.field) == ("unknown_reference", "stage")


def test_borrower_phone_that_is_not_a_mainland_mobile_is_rejected():
    error = only_error(run({**BORROWER, "phone": "021-60001234"}))

    assert (error.code, error.field) == ("invalid_phone", "phone")


def test_invalid_authorised_number_is_rejected():
    error = only_error(run(AGENCY, COLLECTOR, {**NUMBER, "number": "12345"}))

    assert (error.code, error.field) == ("invalid_phone", "number")


def test_invalid_resident_id_number_is_rejected():
    error = only_error(run({**BORROWER, "id_number": "110105194912310021"}))

    assert (error.code, error.field) == ("invalid", "id_number")


def test_time_without_offset_is_rejected():
    error = only_error(run(*WORLD, contact(occurred_at="2026-09-03T10:15:00")))

    assert (error.code, error.field) == ("naive_time", "occurred_at")


def test_unparsable_time_is_rejected():
    error = only_error(run(*WORLD, contact(occurred_at="3 September, 10am")))

    assert (error.code, error.field) == ("invalid_time", "occurred_at")


def test_unparsable_date_is_rejected():
    error = only_error(run(*WORLD[:-1], {**ACCOUNT, "due_date": "01/08/2026"}))

    assert (error.code, error.field) == ("invalid_date", "due_date")


def test_negative_amount_is_rejected():
    error = only_error(run(*WORLD[:-1], {**ACCOUNT, "amount_overdue": "-10.00"}))

    assert (error.code, error.field) == ("negative_amount", "amount_overdue")
    assert LoanAccount.objects.count() == 0


def test_amount_with_more_than_two_decimals_is_rejected():
    error = only_error(run(*WORLD[:-1], {**ACCOUNT, "principal": 12000.005}))

    assert (error.code, error.field) == ("invalid", "principal")


def test_absurdly_large_amount_is_rejected():
    error = only_error(run(*WORLD[:-1], {**ACCOUNT, "principal": "1e999999"}))

    assert (error.code, error.field) == ("invalid", "principal")


def test_too_large_duration_is_rejected():
    error = only_error(run(*WORLD, contact(duration_seconds=10**20)))

    assert (error.code, error.field) == ("invalid", "duration_seconds")


def test_unexpected_failure_costs_only_its_row(monkeypatch):
    def broken(ctx, record_id, record):
        raise RuntimeError("bug")

    monkeypatch.setitem(APPLIERS, "number", broken)

    report = run(AGENCY, COLLECTOR, NUMBER, BORROWER)

    assert (only_error(report).line, only_error(report).code) == (3, "error")
    assert Borrower.objects.count() == 1


def test_database_refusal_costs_only_its_row_and_its_writes(monkeypatch):
    def writes_then_fails(ctx, record_id, record):
        Agency.objects.create(external_id="HALF-WRITTEN", name="x")
        raise IntegrityError("refused")

    monkeypatch.setitem(APPLIERS, "number", writes_then_fails)

    report = run(AGENCY, COLLECTOR, NUMBER, BORROWER)

    assert (only_error(report).line, only_error(report).code) == (3, "conflict")
    assert not Agency.objects.filter(external_id="HALF-WRITTEN").exists()
    assert Collector.objects.count() == Borrower.objects.count() == 1
    assert report.totals().created == 3


def test_database_refusal_is_reported_without_the_database_text(monkeypatch):
    def refused(ctx, record_id, record):
        raise IntegrityError("duplicate key value violates unique constraint DETAIL: Key (phone)=(+8613800138001)")

    monkeypatch.setitem(APPLIERS, "number", refused)

    with translation.override("en"):
        error = only_error(run(AGENCY, COLLECTOR, NUMBER))

    assert "+8613800138001" not in error.message
    assert error.message == "The database refused the row because it conflicts with stored data; it has been logged."


def test_record_repeated_in_one_feed_is_rejected_naming_its_first_line():
    with translation.override("en"):
        report = run(AGENCY, OTHER_AGENCY, {**AGENCY, "name": "另一个名称"})

    error = only_error(report)
    assert (error.line, error.code, error.field) == (3, "duplicate", "id")
    assert error.message == "Duplicate of line 1: a feed may list each record only once."
    assert Agency.objects.get(external_id="AG-1").name == AGENCY["name"]


def test_reimporting_a_feed_with_a_repeated_record_changes_nothing():
    feed = [*WORLD, {**BORROWER, "name": "张伟明"}]
    run(*feed)

    report = run(*feed)

    assert report.totals().updated == 0


def test_record_repeated_in_a_later_chunk_is_rejected():
    lines = [json.dumps(record, ensure_ascii=False) for record in (AGENCY, OTHER_AGENCY, AGENCY)]

    report = feed_import(lines=lines, now=NOW, chunk_size=1)

    assert (only_error(report).line, only_error(report).code) == (3, "duplicate")


def test_record_after_a_rejected_one_with_the_same_id_is_rejected():
    report = run({**AGENCY, "status": "suspended"}, AGENCY)

    assert [(error.line, error.code) for error in report.errors] == [(1, "missing"), (2, "duplicate")]


def test_contact_repeated_for_the_same_agency_is_rejected():
    report = run(*WORLD, contact(), contact(outcome="no_answer"))

    assert (only_error(report).line, only_error(report).code) == (len(WORLD) + 2, "duplicate")


def test_measure_repeated_for_the_same_performer_is_rejected():
    measure = {
        "type": "measure",
        "id": "M-1",
        "account": "LN-1",
        "kind": "home_visit",
        "planned_for": "2026-12-15T10:00:00+08:00",
        "performer": "AG-1",
    }

    report = run(*WORLD, measure, {**measure, "performer": " AG-1 "}, {**measure, "performer": "AG-2"})

    assert (only_error(report).line, only_error(report).code) == (len(WORLD) + 2, "duplicate")


def test_contact_in_the_future_is_rejected():
    future = (NOW + datetime.timedelta(minutes=5)).isoformat()

    error = only_error(run(*WORLD, contact(occurred_at=future)))

    assert (error.code, error.field) == ("future_time", "occurred_at")


def test_stage_change_in_the_future_is_rejected():
    error = only_error(run(*WORLD, stage_change("SC-1", "EARLY", "2027-01-01T09:00:00+08:00")))

    assert error.code == "future_time"


def test_collector_of_another_agency_is_rejected_on_contacts():
    error = only_error(run(*WORLD, contact(collector="COL-2")))

    assert (error.code, error.field) == ("collector_not_of_agency", "collector")


SECOND_COLLECTOR = {**COLLECTOR, "id": "COL-3", "display_name": "王芳", "badge_number": "AX-0002"}


def visit(**fields):
    return contact(channel="visit", from_number="", outcome="visited", duration_seconds=None, **fields)


def test_visit_record_keeps_its_second_collector_and_recording():
    run(*WORLD, SECOND_COLLECTOR, visit(second_collector="COL-3", recording="REC-0001"))

    event = ContactEvent.objects.get(external_id="CE-1")
    assert (event.second_collector.external_id, event.recording_ref) == ("COL-3", "REC-0001")


def test_second_collector_on_a_call_is_rejected():
    error = only_error(run(*WORLD, SECOND_COLLECTOR, contact(second_collector="COL-3")))

    assert (error.code, error.field) == ("second_collector_not_visit", "second_collector")


def test_second_collector_who_is_the_collector_is_rejected():
    error = only_error(run(*WORLD, visit(second_collector="COL-1")))

    assert (error.code, error.field) == ("second_collector_same", "second_collector")


def test_second_collector_of_another_agency_is_rejected():
    error = only_error(run(*WORLD, visit(second_collector="COL-2")))

    assert (error.code, error.field) == ("collector_not_of_agency", "second_collector")


def test_collector_of_another_agency_is_rejected_on_assignments():
    error = only_error(run(*WORLD, assignment(collector="COL-2")))

    assert error.code == "collector_not_of_agency"


def test_collector_of_another_agency_is_rejected_on_numbers():
    error = only_error(run(*WORLD, {**NUMBER, "id": "NUM-2", "collector": "COL-2"}))

    assert error.code == "collector_not_of_agency"


def test_assignment_overlapping_a_closed_one_is_rejected():
    run(*WORLD, assignment(ends_at="2026-10-01T09:00:00+08:00"))

    error = only_error(run(assignment("AS-2", starts_at="2026-09-15T09:00:00+08:00")))

    assert error.code == "overlap"
    assert "AS-1" in error.message


def test_assignment_starting_with_another_is_rejected():
    run(*WORLD, assignment())

    error = only_error(run(assignment("AS-2", agency="AG-2", collector="COL-2")))

    assert error.code == "overlap"


def test_assignment_ending_before_it_starts_is_rejected():
    error = only_error(run(*WORLD, assignment(ends_at="2026-08-01T09:00:00+08:00")))

    assert (error.code, error.field) == ("invalid", "ends_at")


def test_badge_number_of_another_collector_is_rejected():
    error = only_error(run(*WORLD, {**OTHER_COLLECTOR, "id": "COL-3", "badge_number": "AX-0001"}))

    assert (error.code, error.field) == ("conflict", "badge_number")


def test_mobile_number_of_another_borrower_is_rejected():
    error = only_error(run(BORROWER, {**BORROWER, "id": "BR-2", "id_number": ""}))

    assert (error.code, error.field) == ("conflict", "phone")


def test_suspended_agency_without_reason_is_rejected():
    error = only_error(run({**AGENCY, "status": "suspended"}))

    assert (error.code, error.field) == ("missing", "status_reason")


def test_collector_cannot_move_to_another_agency():
    run(*WORLD)

    error = only_error(run({**COLLECTOR, "agency": "AG-2"}))

    assert error.code == "agency_change"


def test_report_renders_each_error_with_line_and_id():
    with translation.override("en"):
        report = run(*WORLD, contact(account="LN-404"))

        assert str(report.errors[0]).startswith(f"line {len(WORLD) + 1}: contact “CE-1”:")


# The command.


# Suspensions: the desk's decisions stand; suspended parties get no new accounts.


def test_new_assignment_to_a_suspended_agency_is_rejected():
    run(*WORLD)
    run({**OTHER_AGENCY, "status": "suspended", "status_reason": "违规催收", "status_public_reason": "conduct"})

    error = only_error(run(assignment(agency="AG-2", collector="COL-2", starts_at="2026-11-28T13:00:00+08:00")))

    assert (error.code, error.field) == ("agency_not_active", "agency")
    assert not Assignment.objects.exists()


def test_assignment_that_started_before_the_suspension_is_kept():
    run(*WORLD)
    run({**OTHER_AGENCY, "status": "suspended", "status_reason": "违规催收", "status_public_reason": "conduct"})

    report = run(assignment(agency="AG-2", collector="COL-2", starts_at="2026-10-01T09:00:00+08:00"))

    assert counts(report, "assignment") == (1, 0, 0, 0)


def test_new_open_assignment_to_a_suspended_collector_is_rejected():
    run(*WORLD)
    run({**COLLECTOR, "status": "suspended", "status_reason": "辱骂借款人"})

    error = only_error(run(assignment(starts_at="2026-11-28T13:00:00+08:00")))

    assert (error.code, error.field) == ("collector_not_active", "collector")


def test_open_assignment_that_started_before_a_collector_was_suspended_is_kept():
    run(*WORLD)
    run({**COLLECTOR, "status": "suspended", "status_reason": "辱骂借款人"})

    report = run(assignment(starts_at="2026-11-28T11:00:00+08:00"))

    assert counts(report, "assignment") == (1, 0, 0, 0)


def test_closed_assignment_of_a_former_collector_is_kept_as_history():
    run(*WORLD)
    run({**COLLECTOR, "status": "left"})

    report = run(assignment(ends_at="2026-10-01T09:00:00+08:00"))

    assert counts(report, "assignment") == (1, 0, 0, 0)


def test_feed_does_not_lift_an_agency_suspension_made_in_the_desk():
    run(AGENCY)
    Agency.objects.filter(external_id="AG-1").update(
        status=Agency.Status.SUSPENDED,
        status_reason="投诉处理中",
        status_public_reason="conduct",
        status_changed_at=NOW,
    )

    report = run(AGENCY, now=NOW + datetime.timedelta(days=1))

    agency = Agency.objects.get(external_id="AG-1")
    assert counts(report, "agency") == (0, 0, 1, 0)
    assert (agency.status, agency.status_reason) == (Agency.Status.SUSPENDED, "投诉处理中")


def test_feed_lifts_an_agency_suspension_when_it_says_when():
    run(AGENCY)
    Agency.objects.filter(external_id="AG-1").update(
        status=Agency.Status.SUSPENDED,
        status_reason="投诉处理中",
        status_public_reason="conduct",
        status_changed_at=NOW,
    )
    later = NOW + datetime.timedelta(days=1)

    run({**AGENCY, "status_changed_at": later.isoformat(), "status_public_reason": "reviewed"}, now=later)

    agency = Agency.objects.get(external_id="AG-1")
    assert (agency.status, agency.status_changed_at) == (Agency.Status.ACTIVE, later)


def test_feed_does_not_reinstate_a_suspended_collector():
    run(*WORLD)
    Collector.objects.filter(external_id="COL-1").update(status=Collector.Status.SUSPENDED, status_reason="停职")

    run(COLLECTOR)

    assert Collector.objects.get(external_id="COL-1").status == Collector.Status.SUSPENDED
