import django.db.models.deletion
from django.db import migrations, models

AGENCY_FIRST_RESPONSE = "agency_first_response"


def point_at_clock(apps, schema_editor):
    """Point each ticket at the clock its deadline came from. A current open
    ticket takes its complaint's running clock, where its copied deadline
    may have drifted (a resume did not move it); any other ticket takes the
    clock whose deadline it copied, else the last one started before it
    closed: strictly before, as a move closes the ticket at the moment it
    starts the next agency's clock."""
    AgencyTicket = apps.get_model("complaints", "AgencyTicket")
    SLATarget = apps.get_model("complaints", "SLATarget")
    for ticket in AgencyTicket.objects.filter(response_due_at__isnull=False).iterator():
        clocks = SLATarget.objects.filter(complaint_id=ticket.complaint_id, kind=AGENCY_FIRST_RESPONSE).order_by(
            "-started_at", "-pk"
        )
        clock = None
        if ticket.status == "open":
            clock = clocks.filter(met_at__isnull=True, cancelled_at__isnull=True).first()
        clock = clock or clocks.filter(due_at=ticket.response_due_at).first()
        if clock is None and ticket.closed_at is not None:
            clock = clocks.filter(started_at__lt=ticket.closed_at).first()
        clock = clock or clocks.first()
        if clock is not None:
            AgencyTicket.objects.filter(pk=ticket.pk).update(response_target=clock)


def copy_deadline_back(apps, schema_editor):
    AgencyTicket = apps.get_model("complaints", "AgencyTicket")
    for ticket in AgencyTicket.objects.filter(response_target__isnull=False).select_related("response_target"):
        AgencyTicket.objects.filter(pk=ticket.pk).update(response_due_at=ticket.response_target.due_at)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_ticket_moves"),
    ]

    operations = [
        migrations.AddField(
            model_name="agencyticket",
            name="response_target",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="complaints.slatarget",
                verbose_name="first response due",
            ),
        ),
        migrations.RunPython(point_at_clock, copy_deadline_back),
    ]
