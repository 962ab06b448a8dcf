from tests.notices.conftest import _daytime_handler, handler_clock  # noqa: F401
