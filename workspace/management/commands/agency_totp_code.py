from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import AgencyMembership
from workspace.signin import totp_current_code


class Command(BaseCommand):
    help = "Print the current authenticator code of an agency user (for demos and support on this machine)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        membership = AgencyMembership.objects.select_related("user", "agency").filter(user__username=username).first()
        if membership is None:
            raise CommandError(_("%(user)s is not an agency user.") % {"user": username})
        if not membership.totp_secret:
            raise CommandError(
                _("%(user)s has no authenticator yet: they enrol at their next sign-in.") % {"user": username}
            )
        self.stdout.write(totp_current_code(membership=membership, now=timezone.now()))
