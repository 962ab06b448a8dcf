import time

from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from agencies.models import ApiToken
from common.ratelimit import ratelimit_hit

CALLS_PER_MINUTE = 1200
WINDOW_SECONDS = 60


class TokenRateThrottle(BaseThrottle):
    """At most ``CALLS_PER_MINUTE`` calls per token per minute, counted in
    the database (atomic across all web workers). A batch of 1,000 items is
    one call, so the limit only stops runaway clients."""

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        return ratelimit_hit(
            key=f"api-token:{token.pk}", limit=CALLS_PER_MINUTE, now=timezone.now(), window_seconds=WINDOW_SECONDS
        )

    def wait(self):
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS
