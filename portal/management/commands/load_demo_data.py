import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.demo import agencies, complaints, conduct, notices, requests
from portal.demo.world import demo_load

# The apps' demo content (idempotent ``load(stdout=...)``) and their lines for
# the guide (``guide(base_url=...)``), in the order they are loaded. Requests
# come before conduct, so contacts after them are judged with them in force.
DEMO_MODULES = (agencies, notices, requests, conduct, complaints)

# (username, password, group names to look for, or () for the superuser).
# Demo only: the passwords are printed by ``demo_guide``.
STAFF_USERS = (
    ("admin", "demo-admin-2026", ()),
    ("triage", "demo-triage-2026", ("triage", "triage agent")),
    ("supervisor", "demo-supervisor-2026", ("supervisor",)),
    ("auditor", "demo-auditor-2026", ("auditor",)),
)


def demo_staff_ensure() -> list[tuple[str, str, str]]:
    """Create (or reset to the documented password) the demo staff users.
    Users whose group does not exist are skipped. Returns who is ready."""
    User = get_user_model()
    ready = []
    for username, password, group_names in STAFF_USERS:
        group = None
        if group_names:
            group = Group.objects.filter(name__in=group_names).order_by("name").first()
            if group is None:
                continue
        with transaction.atomic():
            user, _created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@portal.example.cn"}
            )
            user.is_staff = True
            user.is_active = True
            user.is_superuser = group is None
            if not user.check_password(password):
                user.set_password(password)
            user.save()
            if group is not None:
                user.groups.add(group)
        ready.append((username, password, group.name if group else "superuser"))
    return ready


class Command(BaseCommand):
    help = (
        "Load the demo world (agencies, collectors, 60 borrowers and their collection history) through the feed "
        "importer, plus demo staff users. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Place the demo's dates around this day (YYYY-MM-DD, not in the future). Default: today.",
        )

    def handle(self, *args, today=None, **options):
        now = timezone.now()
        today = today or timezone.localdate(now)
        if today > timezone.localdate(now):
            raise CommandError(_("--today must not be in the future."))
        report = demo_load(today=today, now=now)
        for line in report.as_table():
            self.stdout.write(line)
        if report.errors:
            for error in report.errors[:50]:
                self.stderr.write(str(error))
            raise CommandError(
                _(
                    "%(count)d demo records were rejected. The database holds other data with the same ids, or "
                    "demo data from another version: start from an empty, migrated database and load again."
                )
                % {"count": len(report.errors)}
            )
        staff = demo_staff_ensure()
        self.stdout.write(
            _("Staff users ready: %(users)s.") % {"users": ", ".join(username for username, _p, _g in staff)}
        )
        for module in DEMO_MODULES:
            module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded. Run “manage.py demo_guide” to see where to start.")))
