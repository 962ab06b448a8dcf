import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime.datetime:
    """A moment in December 2026, Asia/Shanghai."""
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def daytime():
    return at(1, 10)


@pytest.fixture
def night():
    return at(1, 23)


@pytest.fixture
def handler_clock(monkeypatch):
    """Set what the outbox handler takes for now (10:00 by default)."""
    from notices import handlers

    state = {"now": at(1, 10)}
    monkeypatch.setattr(handlers, "clock", lambda: state["now"])

    def set_now(when):
        state["now"] = when

    set_now.state = state
    return set_now


@pytest.fixture(autouse=True)
def _daytime_handler(handler_clock):
    return handler_clock
