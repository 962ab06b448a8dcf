from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Everyone who signs in: borrowers (by SMS code), platform staff and
    agency staff (by password and second factor)."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
