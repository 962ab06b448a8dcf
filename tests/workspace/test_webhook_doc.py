"""The verification example in the agency API guide accepts what the
platform's webhook sender signs, and refuses tampering and old requests."""

import re
import time
from pathlib import Path

from complaints.handlers import signature

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "agency-api.md"


def _verify_function():
    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL).group(1)
    namespace: dict = {}
    exec(compile(code, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify_webhook"]


def _signed(body: str, *, age: int = 0) -> dict:
    timestamp = str(int(time.time()) - age)
    return {"X-Timestamp": timestamp, "X-Signature": signature(secret="s3cret", timestamp=timestamp, body=body)}


def test_guide_example_accepts_a_platform_signature():
    body = '{"data":{"reference":"TS-1"},"event":"ticket.opened"}'
    assert _verify_function()(secret="s3cret", headers=_signed(body), body=body.encode())


def test_guide_example_refuses_a_changed_body():
    body = '{"event":"ticket.opened"}'
    assert not _verify_function()(secret="s3cret", headers=_signed(body), body=b'{"event":"ticket.closed"}')


def test_guide_example_refuses_an_old_timestamp():
    body = "{}"
    assert not _verify_function()(secret="s3cret", headers=_signed(body, age=3600), body=body.encode())
