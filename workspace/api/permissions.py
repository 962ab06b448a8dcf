from rest_framework.permissions import BasePermission

from agencies.models import ApiToken


class IsAgencyToken(BasePermission):
    """Only calls authenticated with an agency's API token."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)
