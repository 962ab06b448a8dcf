"""The complaint list as CSV: the columns, the masked rows and the streamed
response. Each export is recorded in the access log with the number of rows
it held, counted once the last row has gone out."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accesslog.models import DataAccessRecord
from accesslog.services import data_access_record, data_access_rows_set
from common.masking import mask_name, mask_phone
from common.spreadsheet import csv_cell
from complaints.models import Complaint
from desk.sla import sla_badge


class _Echo:
    def write(self, value):
        return value


def export_columns():
    return [
        _("reference"),
        _("submitted at"),
        _("status"),
        _("severity"),
        _("category"),
        _("agency"),
        _("collector"),
        _("assigned to"),
        _("borrower"),
        _("borrower's phone"),
        _("SLA"),
        _("next deadline"),
        _("next deadline due at"),
    ]


def export_row(complaint: Complaint, *, now) -> list:
    badge = sla_badge(getattr(complaint, "open_sla_targets", []), now=now)
    return [
        complaint.reference,
        timezone.localtime(complaint.submitted_at).strftime("%Y-%m-%d %H:%M"),
        complaint.get_status_display(),
        complaint.get_severity_display(),
        complaint.category.code,
        complaint.agency or "",
        complaint.collector or "",
        complaint.assignee.get_username() if complaint.assignee else "",
        mask_name(complaint.borrower.name),
        mask_phone(complaint.borrower.phone),
        badge.label,
        badge.target.get_kind_display() if badge.target else "",
        timezone.localtime(badge.target.due_at).strftime("%Y-%m-%d %H:%M") if badge.target else "",
    ]


def complaints_export_response(*, queryset, user, filters: dict, now) -> StreamingHttpResponse:
    """Stream ``queryset`` (the filtered list) as CSV, recording who exported
    it with which ``filters``."""
    queryset = queryset.select_related("borrower", "agency", "category", "assignee", "collector")
    record = data_access_record(
        user=user,
        action=DataAccessRecord.Action.EXPORTED,
        subject="complaints",
        detail={"filters": filters},
        now=now,
    )
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so spreadsheet programs read the Chinese text as UTF-8
        yield writer.writerow([str(label) for label in export_columns()])
        count = 0
        for complaint in queryset.iterator(chunk_size=2000):
            count += 1
            yield writer.writerow([csv_cell(value) for value in export_row(complaint, now=now)])
        data_access_rows_set(record=record, rows=count)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="complaints-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
