"""The borrower site has one template engine and one layout: every page a
borrower or a visitor of the public site opens is a Jinja2 template that
extends ``base.html``, and nothing on it (forms included) is rendered by the
Django template language."""

import jinja2
import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse

from notices.services import borrower_notify
from tests.complaints.conftest import NOW, account, agency, borrower, in_house, routed, submit  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def layouts(monkeypatch):
    """The names of the templates the Jinja2 environment loaded, in order
    (``{% extends %}``, ``{% import %}`` and ``{% include %}`` go through it)."""
    environment = engines["jinja2"].env
    loaded = []
    original = environment.get_template

    def get_template(name, *args, **kwargs):
        loaded.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(environment, "get_template", get_template)
    return loaded


@pytest.fixture
def signed_in(borrower):  # noqa: F811
    client = Client()
    client.force_login(borrower.user)
    return client


def _borrower_urls(borrower, account, complaint, notice):  # noqa: F811
    return [
        reverse("portal:loans"),
        reverse("portal:account", args=[account.reference]),
        reverse("portal:contacts", args=[account.reference]),
        reverse("portal:verify"),
        reverse("portal:preferences"),
        reverse("complaints:list"),
        reverse("complaints:new"),
        reverse("complaints:detail", args=[complaint.reference]),
        reverse("complaints:submitted", args=[complaint.reference]),
        reverse("notices:inbox"),
        reverse("notices:detail", args=[notice.pk]),
        reverse("requests:list"),
        reverse("requests:menu"),
        reverse("requests:new", args=["vulnerability"]),
        reverse("datacopy:page"),
        reverse("portal:agencies"),
        reverse("portal:check_number"),
    ]


def _assert_jinja2_on_the_layout(response, loaded, url):
    rendered = response.templates
    assert rendered, url
    assert all(isinstance(template, jinja2.Template) for template in rendered), (url, rendered)
    assert "base.html" in loaded, url
    assert response.content.decode().count("<html") == 1, url


def test_every_signed_in_borrower_page_is_jinja2_on_the_one_layout(signed_in, borrower, account, routed, layouts):  # noqa: F811
    complaint = routed()
    notice = borrower_notify(
        borrower=borrower,
        event="complaint.acknowledged",
        key="layout",
        context={"reference": complaint.reference, "date": NOW, "deadline": "-"},
        now=NOW,
    )
    for url in _borrower_urls(borrower, account, complaint, notice):
        layouts.clear()
        response = signed_in.get(url)
        assert response.status_code == 200, url
        _assert_jinja2_on_the_layout(response, layouts, url)


def test_every_public_page_is_jinja2_on_the_one_layout(client, agency, layouts):  # noqa: F811
    session = client.session
    session["portal_signin_phone"] = "+8613800138000"
    session.save()
    urls = [
        reverse("portal:home"),
        reverse("portal:signin"),
        reverse("portal:signin_code"),
        reverse("portal:agencies"),
        reverse("portal:check_number"),
        reverse("portal:scorecards"),
        reverse("portal:scorecard", args=[agency.pk]),
    ]
    for url in urls:
        layouts.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_jinja2_on_the_layout(response, layouts, url)


def test_forms_with_errors_are_drawn_by_the_jinja2_macros(signed_in, layouts):
    response = signed_in.post(reverse("complaints:new"), {"description": "short"})
    assert response.status_code == 400
    _assert_jinja2_on_the_layout(response, layouts, "complaints:new")
    assert "forms.html" in layouts


def test_error_page_is_jinja2_on_the_one_layout(client, layouts):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_jinja2_on_the_layout(response, layouts, "404")


def test_signed_in_menu_appears_on_public_pages_for_a_borrower(signed_in):
    page = signed_in.get(reverse("portal:agencies"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{reverse("notices:inbox")}"' in page
    assert f'action="{reverse("portal:signout")}"' in page


def test_signed_in_menu_counts_unread_notices_on_every_page(signed_in, borrower, account):  # noqa: F811
    borrower_notify(
        borrower=borrower,
        event="complaint.acknowledged",
        key="menu",
        context={"reference": "TS-1", "date": NOW, "deadline": "-"},
        now=NOW,
    )
    for url in (reverse("portal:loans"), reverse("portal:account", args=[account.reference]), reverse("portal:verify")):
        assert "Inbox (1)" in signed_in.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), url


def test_visitor_sees_sign_in_in_the_menu(client):
    page = client.get(reverse("portal:agencies")).content.decode()
    assert f'href="{reverse("portal:signin")}"' in page
    assert f'action="{reverse("portal:signout")}"' not in page


def test_workspace_pages_do_not_use_the_borrower_layout(client, layouts):
    response = client.get(reverse("agency:signin"))
    assert response.status_code == 200
    assert layouts == []
    assert f'href="{reverse("complaints:list")}"' not in response.content.decode()
