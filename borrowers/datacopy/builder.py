"""What goes into a borrower's copy of their data, read through the same
scoped selectors the borrower's pages use, so the copy shows exactly what
the borrower may see and nothing of anyone else.

The builder reads every domain app, which is why it lives at the pages
level. Values stay Python values (dates, amounts); the archive encodes them.
"""

import datetime

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from accesslog.models import DataAccessRecord
from complaints.selectors import complaints_for_borrower, evidence_list_for, timeline_for
from conduct.selectors import breaches_of_contacts
from loans.models import Assignment, Borrower, ContactEvent, ScheduledMeasure, StageChange
from loans.selectors import accounts_for_borrower, contact_preference_changes, contact_preference_for_borrower
from notices.selectors import notices_for_borrower

from .models import DataCopyRequest

# Every earlier setting, not the pages' last ten.
PREFERENCE_HISTORY_LIMIT = 1000


def _profile(borrower: Borrower) -> dict:
    return {
        "external_id": borrower.external_id,
        "name": borrower.name,
        "phone": borrower.phone,
        "id_number": borrower.id_number,
        "email": borrower.email,
    }


def _collector(collector) -> dict | None:
    if collector is None:
        return None
    return {"name": collector.display_name, "badge_number": collector.badge_number}


def _agency(agency) -> dict | None:
    if agency is None:
        return None
    return {"name": agency.name, "licence_number": agency.licence_number}


def _contacts(account) -> list[dict]:
    events = list(
        ContactEvent.objects.filter(account=account)
        .select_related("agency", "collector", "second_collector")
        .order_by("occurred_at", "pk")
    )
    breaches = breaches_of_contacts([event.pk for event in events])
    return [
        {
            "occurred_at": event.occurred_at,
            "channel": event.get_channel_display(),
            "party": event.get_party_display(),
            "from_number": event.from_number,
            "outcome": event.get_outcome_display(),
            "duration_seconds": event.duration_seconds,
            "agency": _agency(event.agency),
            "collector": _collector(event.collector),
            "second_collector": _collector(event.second_collector),
            "breaches": [
                {"rule": breach.get_rule_display(), "detected_at": breach.detected_at}
                for breach in breaches.get(event.pk, [])
            ],
        }
        for event in events
    ]


def _account(account) -> dict:
    return {
        "reference": account.reference,
        "product": account.product,
        "principal": account.principal,
        "amount_overdue": account.amount_overdue,
        "due_date": account.due_date,
        "stage": account.stage.tr.name,
        "stage_since": account.stage_since,
        "stage_history": [
            {"stage": change.stage.tr.name, "changed_at": change.changed_at}
            for change in StageChange.objects.filter(account=account).select_related("stage").order_by("changed_at")
        ],
        "assignments": [
            {
                "agency": _agency(assignment.agency),
                "collector": _collector(assignment.collector),
                "starts_at": assignment.starts_at,
                "ends_at": assignment.ends_at,
            }
            for assignment in Assignment.objects.filter(account=account)
            .select_related("agency", "collector")
            .order_by("starts_at", "pk")
        ],
        "contacts": _contacts(account),
        "measures": [
            {
                "kind": measure.get_kind_display(),
                "planned_for": measure.planned_for,
                "status": measure.get_status_display(),
                "performer": _agency(measure.performer),
                "how_to_avoid": measure.how_to_avoid,
                "announced_at": measure.announced_at,
            }
            for measure in ScheduledMeasure.objects.filter(account=account)
            .select_related("performer")
            .order_by("planned_for", "pk")
        ],
    }


def _notices(borrower: Borrower) -> list[dict]:
    return [
        {
            "created_at": notice.created_at,
            "issued_at": notice.issued_at,
            "read_at": notice.read_at,
            "status": notice.get_status_display(),
            "account": notice.account.reference if notice.account else "",
            "complaint": notice.complaint_reference,
            "title_zh": notice.title_zh,
            "title_en": notice.title_en,
            "body_zh": notice.body_zh,
            "body_en": notice.body_en,
            "deliveries": [
                {
                    "channel": delivery.get_channel_display(),
                    "status": delivery.get_status_display(),
                    "sent_at": delivery.sent_at,
                }
                for delivery in notice.deliveries.order_by("pk")
            ],
        }
        for notice in notices_for_borrower(borrower=borrower)
        .prefetch_related("deliveries")
        .order_by("created_at", "pk")
    ]


def _complaints(borrower: Borrower) -> tuple[list[dict], list]:
    """The complaints as the borrower's pages show them, and the borrower's
    files to put beside them."""
    shown, files = [], []
    for complaint in complaints_for_borrower(borrower=borrower).order_by("submitted_at", "pk"):
        evidence = list(evidence_list_for(complaint=complaint, audience="borrower").order_by("uploaded_at", "pk"))
        files.extend(evidence)
        shown.append(
            {
                "reference": complaint.reference,
                "account": complaint.account.reference if complaint.account else "",
                "category": str(complaint.category),
                "incident_at": complaint.incident_at,
                "named_agency": complaint.named_agency,
                "named_collector": complaint.named_collector,
                "caller_number": complaint.caller_number,
                "description": complaint.description,
                "desired_outcome": complaint.desired_outcome,
                "consent_to_share": complaint.consent_to_share,
                "status": complaint.get_status_display(),
                "submitted_at": complaint.submitted_at,
                "resolved_at": complaint.resolved_at,
                "finding": complaint.get_finding_display() if complaint.finding else "",
                "resolution_explanation": complaint.resolution_explanation,
                "timeline": [
                    {"at": event.at, "kind": event.get_kind_display(), "text": event.text}
                    for event in timeline_for(complaint=complaint, audience="borrower").order_by("at", "pk")
                ],
                "files": [
                    {
                        "name": item.original_name,
                        "content_type": item.content_type,
                        "size": item.size,
                        "uploaded_at": item.uploaded_at,
                        "in_archive": evidence_archive_name(item),
                    }
                    for item in evidence
                ],
            }
        )
    return shown, files


def evidence_archive_name(evidence) -> str:
    return f"files/{evidence.complaint.reference}/{evidence.pk}-{evidence.original_name}"


def _preferences(borrower: Borrower) -> dict:
    def row(preference) -> dict:
        return {
            "no_third_party_contact": preference.no_third_party_contact,
            "window_start": preference.window_start,
            "window_end": preference.window_end,
            "preferred_channel": preference.get_preferred_channel_display(),
            "updated_at": preference.updated_at,
        }

    current = contact_preference_for_borrower(borrower=borrower)
    return {
        "current": row(current) if current is not None else None,
        "history": [
            row(change) for change in contact_preference_changes(borrower=borrower, limit=PREFERENCE_HISTORY_LIMIT)
        ],
    }


def _access_subjects(borrower: Borrower, references: list[str]) -> tuple[list[str], Q]:
    """How the access log names the borrower and their complaints: the
    desk's subjects end with ``borrower <id>`` or a complaint's reference."""
    suffixes = [f"borrower {borrower.external_id}", *(f" {reference}" for reference in references)]
    named = Q()
    for suffix in suffixes:
        named |= Q(subject__endswith=suffix)
    return suffixes, named


def access_records_for_borrower(*, borrower: Borrower, references: list[str]):
    """Who other than the borrower viewed or exported their personal data:
    pages about them, and list pages that showed them (prefiltered in the
    database on the text of what they showed, then checked exactly). A
    page is theirs by its ``borrower_id``, or, for rows written before the
    log kept it, by the text of its subject."""
    suffixes, named = _access_subjects(borrower, references)
    records = list(
        DataAccessRecord.objects.filter(Q(borrower_id=borrower.pk) | named)
        .exclude(user_id=borrower.user_id)
        .select_related("user")
    )
    shown_text = Q()
    for suffix in suffixes:
        shown_text |= Q(detail_text__contains=suffix.strip())
    for record in (
        DataAccessRecord.objects.filter(detail__page="list")
        .exclude(user_id=borrower.user_id)
        .annotate(detail_text=Cast("detail", TextField()))
        .filter(shown_text)
        .select_related("user")
    ):
        shown = record.detail.get("shown") or []
        if any(str(item).endswith(suffix) for item in shown for suffix in suffixes):
            records.append(record)
    return sorted({record.pk: record for record in records}.values(), key=lambda record: (record.at, record.pk))


def staff_role(user) -> str:
    """Who, by role: the agency for its staff, the desk's groups for ours;
    never a person's name."""
    membership = getattr(user, "agency_membership", None)
    if membership is not None:
        return f"agency: {membership.agency.name}"
    groups = sorted(user.groups.values_list("name", flat=True))
    return "platform: " + (", ".join(groups) if groups else ("administrator" if user.is_superuser else "staff"))


def datacopy_contents(*, borrower: Borrower, now: datetime.datetime) -> tuple[dict, list]:
    """Everything the copy holds, and the borrower's evidence files to add."""
    complaints, files = _complaints(borrower)
    references = [complaint["reference"] for complaint in complaints]
    contents = {
        "generated_at": now,
        "profile": _profile(borrower),
        "accounts": [_account(account) for account in accounts_for_borrower(borrower=borrower).order_by("reference")],
        "notices": _notices(borrower),
        "complaints": complaints,
        "preferences": _preferences(borrower),
        "requests": [
            {
                "kind": "data copy",
                "requested_at": copy.requested_at,
                "status": copy.get_status_display(),
                "ready_at": copy.ready_at,
            }
            for copy in DataCopyRequest.objects.filter(borrower=borrower).order_by("requested_at", "pk")
        ],
        "consents": [
            {"complaint": complaint["reference"], "consent_to_share_with_agency": complaint["consent_to_share"]}
            for complaint in complaints
        ],
        "personal_data_access": [
            {
                "at": record.at,
                "role": staff_role(record.user),
                "action": record.get_action_display(),
                "what": record.subject,
                "why": record.detail.get("page") or record.detail.get("by") or "",
            }
            for record in access_records_for_borrower(borrower=borrower, references=references)
        ],
    }
    return contents, files
