"""The Celery app for the integration tests' worker subprocess.

Plain ``portal`` Celery with three test seams read from the environment:
``COMPLAINTS_TEST_ROUTE_GATE`` makes the routing handler announce itself
(``<gate>.entered``) and wait until the file ``<gate>`` exists, so a test
can kill the worker in the middle of routing; ``COMPLAINTS_TEST_VISIBILITY``
shortens the Redis visibility timeout (and the restore sweep's period) so an
unacknowledged task comes back within the test;
``COMPLAINTS_TEST_NO_QUIET_HOURS`` lets borrowers' messages go out whatever
the time of day the test runs at.
"""

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.conf import settings  # noqa: E402

from outbox import handlers  # noqa: E402
from portal.celery import app  # noqa: E402

__all__ = ["app"]

_gate = os.environ.get("COMPLAINTS_TEST_ROUTE_GATE")
if _gate:
    _route = handlers.batch_handler_for("complaints.route")

    def _gated_route(obligations):
        Path(f"{_gate}.entered").touch()
        while not Path(_gate).exists():
            time.sleep(0.05)
        return _route(obligations)

    handlers._batches["complaints.route"] = _gated_route

_visibility = os.environ.get("COMPLAINTS_TEST_VISIBILITY")
if _visibility:
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": int(_visibility),
        # Look for unacknowledged messages every second, not every 100 s.
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if os.environ.get("COMPLAINTS_TEST_NO_QUIET_HOURS"):
    settings.PLATFORM_MESSAGE_QUIET_HOURS = ("00:00", "00:00")
