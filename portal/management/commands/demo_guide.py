from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.selectors import agency_for_public_number
from common.masking import mask_name
from common.phones import display_number, normalise_mainland_mobile, normalise_number
from desk.roles import role_label
from loans.models import Borrower
from portal.demo.world import GUIDE_BORROWERS, GUIDE_NUMBERS

from .load_demo_data import DEMO_MODULES, STAFF_USERS


def _url(base: str, name: str, fallback: str) -> str:
    try:
        path = reverse(name)
    except NoReverseMatch:
        path = fallback
    return f"{base}{path}"


class Command(BaseCommand):
    help = "Print where to click in the demo and which demo logins to use."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=settings.PORTAL_BASE_URL, help="Where the portal is served.")

    def handle(self, *args, base_url, **options):
        base = base_url.rstrip("/")
        write = self.stdout.write
        heading = self.style.MIGRATE_HEADING

        write(heading(_("Borrower portal")) + f"  {_url(base, 'portal:home', '/')}")
        write("  " + self._code_hint())
        known = {
            borrower.phone: borrower
            for borrower in Borrower.objects.filter(
                phone__in=[normalise_mainland_mobile(b.phone) for b in GUIDE_BORROWERS]
            ).prefetch_related("accounts__stage")
        }
        if not known:
            write("  " + _("No demo borrowers yet: run “manage.py load_demo_data” first."))
        for guide in GUIDE_BORROWERS:
            borrower = known.get(normalise_mainland_mobile(guide.phone))
            if borrower is None:
                continue
            stages = "、".join(str(account.stage) for account in borrower.accounts.all())
            write(f"  {display_number(borrower.phone)}  {mask_name(borrower.name)}  [{stages}]  {guide.what}")

        write(heading(_("Check a caller")) + f"  {_url(base, 'portal:check_number', '/check-number/')}")
        now = timezone.now()
        for guide in GUIDE_NUMBERS:
            agency = agency_for_public_number(number=normalise_number(guide.phone), now=now)
            verdict = _("authorised: %(agency)s") % {"agency": agency} if agency else _("not authorised")
            write(f"  {guide.phone}  {guide.what} ({verdict})")

        write(heading(_("Support desk (Django admin)")) + f"  {_url(base, 'admin:index', '/admin/')}")
        users = {
            user.username: user
            for user in get_user_model()
            .objects.filter(username__in=[username for username, _p, _g in STAFF_USERS], is_active=True)
            .prefetch_related("groups")
        }
        for username, password, _groups in STAFF_USERS:
            user = users.get(username)
            if user is not None:
                role = _("superuser") if user.is_superuser else ", ".join(role_label(g.name) for g in user.groups.all())
                write(f"  {username} / {password}  ({role})")

        for module in DEMO_MODULES:
            for line in module.guide(base_url=base):
                write(str(line))

    def _code_hint(self) -> str:
        backend = settings.SMS_BACKEND
        if backend.endswith("ConsoleBackend"):
            return _("Sign in with a number below; the sign-in code is printed in the web server's terminal.")
        if backend.endswith("FileBackend"):
            return _("Sign in with a number below; the sign-in code is written to a file in %(path)s.") % {
                "path": settings.SMS_FILE_PATH
            }
        return _("Sign in with a number below; the sign-in code is sent by SMS.")
