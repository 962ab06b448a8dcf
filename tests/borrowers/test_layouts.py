"""The account pages are rendered by Jinja2 on a copy of the site's layout
(templates/jinja2/base.html); these tests keep the copy in step."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.services import borrower_notify
from tests.factories import LoanAccountFactory

pytestmark = pytest.mark.django_db


def _chrome(page: str) -> str:
    """The page around its content: no title text, no <main>, no per-request
    values, and whitespace between tags ignored (the engines lay it out differently)."""
    page = re.sub(r"<title>.*?</title>", "<title></title>", page, flags=re.S)
    page = re.sub(r"<main\b.*?</main>", "<main></main>", page, flags=re.S)
    page = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*"', r'\1"', page)
    page = re.sub(r'(name="next" type="hidden" value=")[^"]*"', r'\1"', page)
    page = re.sub(r">\s+<", "><", page)
    return re.sub(r"\s+", " ", page).strip()


def _pages(client, account, language):
    jinja2 = client.get(reverse("portal:account", args=[account.reference]), HTTP_ACCEPT_LANGUAGE=language)
    django = client.get(reverse("portal:loans"), HTTP_ACCEPT_LANGUAGE=language)
    assert jinja2.status_code == django.status_code == 200
    return jinja2.content.decode(), django.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_account_page_has_the_same_layout_as_the_other_borrower_pages(borrower, borrower_client, language):
    account = LoanAccountFactory(borrower=borrower)
    jinja2, django = _pages(borrower_client, account, language)
    assert _chrome(jinja2) == _chrome(django)


def test_account_page_menu_counts_unread_notices_like_the_other_pages(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    borrower_notify(
        borrower=borrower,
        event="complaint.acknowledged",
        key="layout",
        context={"reference": "TS-1", "date": timezone.now(), "deadline": "-"},
        now=timezone.now(),
    )
    jinja2, django = _pages(borrower_client, account, "en")
    assert "Inbox (1)" in _chrome(jinja2)
    assert _chrome(jinja2) == _chrome(django)


def test_contacts_page_has_the_same_layout_as_the_other_borrower_pages(borrower, borrower_client):
    account = LoanAccountFactory(borrower=borrower)
    jinja2 = borrower_client.get(reverse("portal:contacts", args=[account.reference])).content.decode()
    django = borrower_client.get(reverse("portal:loans")).content.decode()
    assert _chrome(jinja2) == _chrome(django)
