"""Browser tests: a real headless Chromium (Debian's package) at a phone's width."""

import re

import pytest

from notices import sms
from tests.browser import phone_page


@pytest.fixture
def browser_page():
    with phone_page(locale="zh-CN") as page:
        yield page


def sign_in(page, live_server, borrower) -> None:
    """Sign in the way a borrower does: number, then the code from the SMS."""
    page.goto(f"{live_server.url}/signin/")
    page.fill("input[name=phone]", borrower.phone.removeprefix("+86"))
    page.click("form[action='/signin/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/signin/code/$"))
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    page.fill("input[name=code]", code)
    page.click("form[action='/signin/code/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/loans/$"))
