"""Demo agency users (password + fixed TOTP secret) for the two active demo
agencies, and one demo API token. Demo only: the secrets are public."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyMembership, ApiToken
from agencies.tokens import api_token_create

DEMO_PASSWORD = "demo-agency-2026"  # noqa: S105 - printed in the demo guide
DEMO_TOKEN_NAME = "Demo dialler (created by load_demo_data)"  # noqa: S105 - a label


@dataclass(frozen=True)
class DemoAgent:
    username: str
    agency: str
    role: str
    totp_secret: str


DEMO_AGENTS = (
    DemoAgent("huaxin-manager", "AG-HUAXIN", AgencyMembership.Role.MANAGER, "HUAXINDEMOAGENCYTOTPSECRETKEYAAA"),
    DemoAgent("jingcheng-staff", "AG-JINGCHENG", AgencyMembership.Role.STAFF, "JINGCHENGDEMOTOTPSECRETKEYBBBBBB"),
)
TOKEN_AGENCY = "AG-HUAXIN"  # noqa: S105 - an agency id


def load(*, stdout) -> None:
    """Create (or reset) the demo agency users; create the demo API token the
    first time and print it, once. Safe to run again."""
    User = get_user_model()
    now = timezone.now()
    agencies = {agency.external_id: agency for agency in Agency.objects.filter(external_id__in=_agency_ids())}
    for agent in DEMO_AGENTS:
        agency = agencies.get(agent.agency)
        if agency is None:
            stdout.write(
                _("Demo agency %(agency)s is missing; skipped %(user)s.")
                % {"agency": agent.agency, "user": agent.username}
            )
            continue
        with transaction.atomic():
            user, _created = User.objects.get_or_create(
                username=agent.username, defaults={"email": f"{agent.username}@agency.example.cn"}
            )
            user.is_active = True
            user.is_staff = False
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            AgencyMembership.objects.update_or_create(
                user=user,
                defaults={
                    "agency": agency,
                    "role": agent.role,
                    "totp_secret": agent.totp_secret,
                    "totp_confirmed_at": now,
                    "totp_last_step": None,
                },
            )
    agency = agencies.get(TOKEN_AGENCY)
    if agency is not None and not ApiToken.objects.filter(agency=agency, name=DEMO_TOKEN_NAME).exists():
        _token, text = api_token_create(agency=agency, name=DEMO_TOKEN_NAME, now=now)
        stdout.write(
            _("Demo API token for %(agency)s (shown only now; create more in the admin): %(token)s")
            % {"agency": agency, "token": text}
        )


def _agency_ids() -> set[str]:
    return {agent.agency for agent in DEMO_AGENTS} | {TOKEN_AGENCY}


def guide(*, base_url: str) -> list[str]:
    lines = [
        _("Agency workspace") + f"  {base_url}{reverse('agency:signin')}",
        "  "
        + _(
            "Sign in with the user name and password, then the 6-digit code: add the secret to an authenticator "
            "app, or print the current code with “manage.py agency_totp_code USER”."
        ),
    ]
    members = set(
        AgencyMembership.objects.filter(user__username__in=[a.username for a in DEMO_AGENTS]).values_list(
            "user__username", flat=True
        )
    )
    for agent in DEMO_AGENTS:
        if agent.username in members:
            lines.append(f"  {agent.username} / {DEMO_PASSWORD}  TOTP {agent.totp_secret}  ({agent.agency})")
    lines.append(
        _("Agency API")
        + f"  {base_url}/api/docs/  "
        + _("(the demo token was printed once by load_demo_data; create more under API tokens in the admin)")
    )
    return lines
