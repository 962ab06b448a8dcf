from rest_framework.permissions import BasePermission

from .authentication import AgencyPrincipal


class IsAgencyToken(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, AgencyPrincipal)
