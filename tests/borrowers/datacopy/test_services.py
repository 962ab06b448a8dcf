import datetime

import pytest

from accesslog.services import data_access_record
from borrowers.datacopy.models import DataCopyRequest
from borrowers.datacopy.services import (
    BUILD_KIND,
    DataCopyRefused,
    datacopies_expire,
    datacopy_allow_another,
    datacopy_build,
    datacopy_request,
)
from complaints.selectors import evidence_list_for, timeline_for
from notices.models import Notice
from outbox.models import Obligation
from outbox.services import outbox_deliver_due
from tests.factories import UserFactory

from .conftest import archive_of, data_of

DAY = datetime.timedelta(days=1)


def _built(borrower, now):
    copy = datacopy_request(borrower=borrower, language="en", now=now)
    return datacopy_build(request_id=copy.pk, now=now + datetime.timedelta(minutes=1))


def test_request_records_a_build_obligation(rich_borrower, now):
    copy = datacopy_request(borrower=rich_borrower, language="zh-hans", now=now)
    assert copy.status == DataCopyRequest.Status.REQUESTED
    obligation = Obligation.objects.get(key=f"datacopy-build:{copy.pk}")
    assert obligation.kind == BUILD_KIND and obligation.payload == {"request_id": copy.pk}


def test_copy_matches_the_database(rich_borrower, now):
    copy = _built(rich_borrower, now)
    data = data_of(copy)
    history = rich_borrower.history
    assert data["profile"]["phone"] == rich_borrower.phone
    assert data["profile"]["name"] == "Zhang Wei"
    [account] = data["accounts"]
    assert account["reference"] == history["account"].reference
    assert [change["stage"] for change in account["stage_history"]] == ["Early collection"]
    assert account["assignments"][0]["agency"]["name"] == "Agency MINE"
    [contact] = account["contacts"]
    assert contact["from_number"] == history["contact"].from_number
    assert contact["breaches"] == [
        {"rule": "Contact in the quiet hours", "detected_at": contact["breaches"][0]["detected_at"]}
    ]
    assert len(account["measures"]) == 1
    [complaint] = data["complaints"]
    shown = list(timeline_for(complaint=history["complaint"], audience="borrower").values_list("text", flat=True))
    assert [event["text"] for event in complaint["timeline"]] == shown
    assert "We are on it" in shown
    [file] = complaint["files"]
    [evidence] = evidence_list_for(complaint=history["complaint"], audience="borrower")
    assert file["name"] == evidence.original_name
    assert archive_of(copy).read(file["in_archive"]).startswith(b"%PDF")
    assert data["consents"] == [{"complaint": history["complaint"].reference, "consent_to_share_with_agency": True}]
    assert data["preferences"]["current"]["preferred_channel"]
    assert data["requests"][0]["kind"] == "data copy"
    assert {record["what"] for record in data["personal_data_access"]} == {
        f"borrower {rich_borrower.external_id}",
        "borrower list",
    }
    assert all(record["role"].startswith("platform") for record in data["personal_data_access"])
    names = set(archive_of(copy).namelist())
    assert {"data.json", "index.html", "style.css"} <= names


def test_copy_holds_nothing_of_others_or_internal_notes(rich_borrower, other_borrower, now):
    copy = _built(rich_borrower, now)
    archive = archive_of(copy)
    text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert "OTHER" not in text
    assert other_borrower.phone not in text and other_borrower.history["complaint"].reference not in text
    assert "internal" not in text
    assert "agency-MINE" not in text
    assert "<script" not in archive.read("index.html").decode()


def test_ready_copy_tells_the_borrower_once(rich_borrower, now):
    copy = _built(rich_borrower, now)
    assert copy.status == DataCopyRequest.Status.READY
    assert copy.expires_at == now + datetime.timedelta(minutes=1) + 7 * DAY
    notice = Notice.objects.get(key=f"datacopy-ready:{copy.pk}")
    assert notice.borrower == rich_borrower and "/my-data/" in notice.action_url


def test_building_twice_is_harmless(rich_borrower, now):
    copy = _built(rich_borrower, now)
    again = datacopy_build(request_id=copy.pk, now=now + DAY)
    assert again.ready_at == copy.ready_at and again.size == copy.size
    assert Notice.objects.filter(key=f"datacopy-ready:{copy.pk}").count() == 1


def test_sweep_builds_a_copy_whose_task_was_lost(rich_borrower, now, monkeypatch):
    from borrowers.datacopy import handlers

    monkeypatch.setattr(handlers, "clock", lambda: now + datetime.timedelta(minutes=2))
    copy = datacopy_request(borrower=rich_borrower, language="en", now=now)  # on-commit publish never runs here
    outbox_deliver_due(now=now + datetime.timedelta(minutes=2))
    copy.refresh_from_db()
    assert copy.status == DataCopyRequest.Status.READY
    assert Obligation.objects.get(key=f"datacopy-build:{copy.pk}").status == Obligation.Status.DELIVERED


def test_second_request_within_30_days_is_refused_with_the_date(rich_borrower, now):
    _built(rich_borrower, now)
    with pytest.raises(DataCopyRefused) as refused:
        datacopy_request(borrower=rich_borrower, language="en", now=now + 29 * DAY)
    assert (now + 30 * DAY).strftime("%Y-%m-%d") in refused.value.message
    assert datacopy_request(borrower=rich_borrower, language="en", now=now + 30 * DAY)


def test_request_while_one_is_prepared_is_refused(rich_borrower, now):
    datacopy_request(borrower=rich_borrower, language="en", now=now)
    datacopy_allow_another(borrower=rich_borrower, by=UserFactory(is_staff=True), now=now)
    with pytest.raises(DataCopyRefused):
        datacopy_request(borrower=rich_borrower, language="en", now=now + DAY)


def test_staff_allowance_lets_one_more_request_through(rich_borrower, now):
    _built(rich_borrower, now)
    staff = UserFactory(is_staff=True)
    datacopy_allow_another(borrower=rich_borrower, by=staff, now=now + DAY)
    assert datacopy_allow_another(borrower=rich_borrower, by=staff, now=now + DAY).granted_at == now + DAY
    second = datacopy_request(borrower=rich_borrower, language="en", now=now + 2 * DAY)
    assert second.allowance.granted_by == staff
    datacopy_build(request_id=second.pk, now=now + 2 * DAY)
    with pytest.raises(DataCopyRefused):
        datacopy_request(borrower=rich_borrower, language="en", now=now + 3 * DAY)


def test_expiry_deletes_the_file_once(rich_borrower, now):
    copy = _built(rich_borrower, now)
    from borrowers.datacopy.archive import datacopy_path

    assert datacopies_expire(now=now + 6 * DAY) == 0
    assert datacopies_expire(now=now + 8 * DAY) == 1
    assert datacopies_expire(now=now + 8 * DAY) == 0
    copy.refresh_from_db()
    assert copy.status == DataCopyRequest.Status.EXPIRED
    assert not datacopy_path(copy.file_name).exists()


def test_copy_lists_a_view_that_names_the_borrower_only_by_id(rich_borrower, other_borrower, now):
    staff = UserFactory(is_staff=True)
    data_access_record(user=staff, subject="evidence 99 of TS-ELSEWHERE", borrower_id=rich_borrower.pk, now=now)
    data_access_record(user=staff, subject="evidence 98 of TS-ELSEWHERE", borrower_id=other_borrower.pk, now=now)
    whats = {record["what"] for record in data_of(_built(rich_borrower, now))["personal_data_access"]}
    assert "evidence 99 of TS-ELSEWHERE" in whats
    assert "evidence 98 of TS-ELSEWHERE" not in whats


def test_copy_page_writes_amounts_and_numbers_as_the_site_does(rich_borrower, now):
    from common.templatetags.portal_format import money, phone
    from loans.models import LoanAccount

    page = archive_of(_built(rich_borrower, now)).read("index.html").decode()
    account = LoanAccount.objects.filter(borrower=rich_borrower).first()
    assert (money(account.amount_overdue) in page, phone(rich_borrower.phone) in page) == (True, True)
