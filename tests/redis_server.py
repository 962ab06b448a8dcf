"""A private redis-server that tests can stop, start, freeze and thaw.

Never the shared server: integration tests that break Redis on purpose start
their own on a free port in a temporary folder. In CI (``CI=true``) a missing
requirement fails these tests; elsewhere it skips them.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
DEADLINE_SECONDS = 60


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"Integration test requirement missing in CI: {reason}")
    pytest.skip(reason)


def wait_for(condition, *, what: str, timeout: float = DEADLINE_SECONDS):
    """Poll a condition with a deadline (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


def free_port() -> int:
    for port in range(6391, 6400):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server we can stop, start, pause and resume."""

    def __init__(self):
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="portal-redis-")
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, what="redis-server to start", timeout=15)

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_timeout=2)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def remove(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def running_server():
    """A private server for a module's tests, removed after them."""
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@contextlib.contextmanager
def celery_broker_at(url: str):
    """Point this process's Celery app at ``url`` with the production
    transport and its options (short socket timeouts), then back."""
    from django.conf import settings

    from portal.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport, dict(app.conf.broker_transport_options or {}))
    app.conf.broker_url = url
    app.conf.broker_transport = settings.REDIS_BROKER_TRANSPORT
    app.conf.broker_transport_options = dict(settings.REDIS_BROKER_TRANSPORT_OPTIONS)
    _reset_pools(app)
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport, app.conf.broker_transport_options = saved
        _reset_pools(app)


def _reset_pools(app):
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
