"""Demo content for notices: schedule the advance notices of the demo
world's measures and issue those already due. Safe to run again."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.models import MeasureNoticeState, Notice
from notices.services import dispatch_due


def load(*, stdout) -> None:
    figures = dispatch_due(now=timezone.now())
    scheduled = Notice.objects.filter(status=Notice.Status.SCHEDULED).count()
    issued = Notice.objects.filter(status=Notice.Status.ISSUED).count()
    stdout.write(
        _(
            "Notices: %(synced)d measures synced; %(issued)d notices in inboxes, %(scheduled)d scheduled; "
            "%(late)d measures flagged for a late notice."
        )
        % {
            "synced": figures["synced"],
            "issued": issued,
            "scheduled": scheduled,
            "late": MeasureNoticeState.objects.filter(compliance=MeasureNoticeState.Compliance.NONCOMPLIANT).count(),
        }
    )


def guide(*, base_url: str) -> list[str]:
    next_notice = (
        Notice.objects.filter(status=Notice.Status.SCHEDULED, measure__isnull=False)
        .select_related("measure")
        .order_by("send_at")
        .first()
    )
    lines = [
        _("Advance notices") + f"  {base_url}{reverse('notices:inbox')}",
        "  " + _("Signed-in borrowers see their notices under “Inbox” in the header, with the unread count."),
        "  "
        + _("Staff: notice rules %(rules)s, templates with preview %(templates)s, compliance per measure %(states)s.")
        % {
            "rules": f"{base_url}{reverse('admin:notices_noticerule_changelist')}",
            "templates": f"{base_url}{reverse('admin:notices_noticetemplate_changelist')}",
            "states": f"{base_url}{reverse('admin:notices_measurenoticestate_changelist')}",
        },
    ]
    if next_notice is not None:
        lines.append(
            "  "
            + _("Next advance notice goes out at %(when)s (%(measure)s); beat sends it, or run the dispatcher.")
            % {
                "when": timezone.localtime(next_notice.send_at).strftime("%Y-%m-%d %H:%M"),
                "measure": next_notice.measure.get_kind_display(),
            }
        )
    return lines
