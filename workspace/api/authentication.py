from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from agencies.services import agency_api_user
from agencies.tokens import api_token_authenticate, api_token_lookup


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer agk_<id>_<secret>``. ``request.auth`` is the
    :class:`~agencies.models.ApiToken`; its agency scopes every lookup."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send exactly one token after 'Bearer'."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = api_token_authenticate(raw=raw, now=timezone.now())
        if token is None:
            # A genuine token that is revoked, expired or suspended: keep the
            # attempt in its call log (an unknown token has no log to go to).
            request._refused_token = api_token_lookup(raw=raw)
            raise exceptions.AuthenticationFailed(_("The token is not valid, has expired or was revoked."))
        # The user is the agency's API user, so audit history and the
        # complaint services see a real member of the agency.
        return agency_api_user(agency=token.agency), token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "workspace.api.authentication.BearerTokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "agk_<id>_<secret>",
            "description": "An API token created for your agency by the platform. Shown once, when created.",
        }
