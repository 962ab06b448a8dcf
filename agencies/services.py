"""Writes on the registry's agency members that are not tokens (see ``tokens``)."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from .models import Agency, AgencyMembership


def agency_api_user(*, agency: Agency):
    """The user that API calls act as when a service needs an author (a
    ticket response, a request for more time). One per agency; it can never
    sign in (inactive, no usable password), and it is a member of the
    agency so the complaint services' membership check applies unchanged."""
    User = get_user_model()
    username = f"api-{agency.external_id}"[:150]
    membership = AgencyMembership.objects.select_related("user").filter(user__username=username).first()
    if membership is not None and membership.agency_id == agency.pk:
        return membership.user
    try:
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_active": False, "first_name": "API", "last_name": str(agency)[:150]}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            AgencyMembership.objects.get_or_create(user=user, defaults={"agency": agency})
    except IntegrityError:
        # A concurrent call created it first.
        user = User.objects.get(username=username)
    return user


def totp_reset(*, membership: AgencyMembership) -> None:
    """Staff reset a lost authenticator: the member enrols again at next sign-in."""
    AgencyMembership.objects.filter(pk=membership.pk).update(
        totp_secret="", totp_confirmed_at=None, totp_last_step=None
    )
