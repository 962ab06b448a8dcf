import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    BorrowerFactory,
    ContactPreferenceFactory,
    LoanAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["portal:home", "portal:signin", "portal:agencies", "portal:check_number"]
BORROWER_PAGES = ["portal:loans", "portal:verify", "portal:preferences"]


def _html_pages(full_account):
    return [reverse(name) for name in BORROWER_PAGES] + [reverse("portal:account", args=[full_account.reference])]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_renders(client, name, language):
    AgencyFactory()
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_borrower_page_renders(borrower_client, full_account, language):
    ContactPreferenceFactory(borrower=full_account.borrower)
    for url in _html_pages(full_account):
        response = borrower_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.content.decode()


def test_english_account_page_is_in_english(borrower_client, full_account):
    page = borrower_client.get(reverse("portal:account", args=[full_account.reference]), HTTP_ACCEPT_LANGUAGE="en")
    assert "What happens next" in page.content.decode()
    assert full_account.stage.explanation_en in page.content.decode()


def test_chinese_is_the_default_for_stage_content(borrower_client, full_account, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = borrower_client.get(reverse("portal:account", args=[full_account.reference]))
    assert full_account.stage.explanation_zh in page.content.decode()


def test_chinese_is_the_default_language_of_the_interface(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "授权催收机构" in page


@pytest.mark.parametrize("name", BORROWER_PAGES)
def test_borrower_pages_send_anonymous_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:signin"))


def test_staff_user_without_borrower_record_is_refused(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("portal:loans")).status_code == 403


def test_home_sends_signed_in_borrower_to_loans(borrower_client):
    response = borrower_client.get(reverse("portal:home"))
    assert response["Location"] == reverse("portal:loans")


def test_loans_page_shows_stage_amount_and_days_past_due(borrower_client, borrower):
    import datetime

    from django.utils import timezone

    account = LoanAccountFactory(
        borrower=borrower, amount_overdue="12345.60", due_date=timezone.localdate() - datetime.timedelta(days=45)
    )
    page = borrower_client.get(reverse("portal:loans"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert account.reference in page
    assert "¥12,345.60" in page
    assert account.stage.name_en in page
    assert ">45<" in page


def test_pages_mask_the_borrowers_phone_and_id(borrower_client, full_account):
    borrower = full_account.borrower
    national = borrower.phone.removeprefix("+86")
    for url in _html_pages(full_account):
        page = borrower_client.get(url).content.decode()
        assert national not in page, url
        assert borrower.id_number not in page, url


# Security headers and CSRF ---------------------------------------------------------


def _assert_strict_csp(response):
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("base-uri") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    assert "script-src" in directives
    assert "'unsafe-inline'" not in directives["script-src"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_send_a_strict_csp(client, name):
    _assert_strict_csp(client.get(reverse(name)))


def test_borrower_pages_send_a_strict_csp(borrower_client, full_account):
    for url in _html_pages(full_account):
        _assert_strict_csp(borrower_client.get(url))


def test_templates_have_no_inline_scripts_or_styles(borrower_client, full_account):
    for url in _html_pages(full_account) + [reverse(name) for name in PUBLIC_PAGES[1:]]:
        page = borrower_client.get(url).content.decode()
        assert "<script>" not in page and "<style" not in page and "style=" not in page, url


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("portal:signin", {"phone": "13900000001"}),
        ("portal:check_number", {"number": "02160000001"}),
    ],
)
def test_public_forms_enforce_csrf(name, data):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse(name), data).status_code == 403


def test_borrower_forms_enforce_csrf(borrower):
    client = Client(enforce_csrf_checks=True)
    client.force_login(borrower.user)
    for name, data in [
        ("portal:verify", {"number": "02160000001"}),
        ("portal:preferences", {"preferred_channel": "any"}),
        ("portal:signout", {}),
    ]:
        assert client.post(reverse(name), data).status_code == 403, name


def test_form_with_its_csrf_token_is_accepted(borrower):
    client = Client(enforce_csrf_checks=True)
    client.force_login(borrower.user)
    client.get(reverse("portal:preferences"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("portal:preferences"), {"preferred_channel": "sms", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


# Isolation -------------------------------------------------------------------------


def test_another_borrowers_account_is_not_found(borrower_client):
    other = LoanAccountFactory(borrower=BorrowerFactory())
    AssignmentFactory(account=other)
    assert borrower_client.get(reverse("portal:account", args=[other.reference])).status_code == 404


def test_every_borrower_url_with_another_borrowers_reference_is_not_found(borrower_client, full_account):
    other = LoanAccountFactory(borrower=BorrowerFactory())
    AssignmentFactory(account=other)
    urls = [
        reverse("portal:account", args=[other.reference]),
        reverse("portal:verify") + f"?account={other.reference}",
    ]
    for url in urls:
        assert borrower_client.get(url).status_code == 404, url
    response = borrower_client.post(reverse("portal:verify"), {"number": "02160000001", "account": other.reference})
    assert response.status_code == 404


def test_own_account_with_unknown_reference_is_not_found(borrower_client):
    assert borrower_client.get(reverse("portal:account", args=["NOPE-1"])).status_code == 404


def test_loans_page_lists_only_own_accounts(borrower_client, full_account):
    other = LoanAccountFactory(borrower=BorrowerFactory())
    page = borrower_client.get(reverse("portal:loans")).content.decode()
    assert full_account.reference in page
    assert other.reference not in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_code_entry_page_renders_with_a_strict_csp(client, language):
    client.post(reverse("portal:signin"), {"phone": "13900000001"})
    response = client.get(reverse("portal:signin_code"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    _assert_strict_csp(response)


@pytest.mark.parametrize("name", ["portal:signin_code", "portal:signin_resend"])
def test_code_forms_enforce_csrf(name):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("portal:signin"))
    token = client.cookies["csrftoken"].value
    client.post(reverse("portal:signin"), {"phone": "13900000001", "csrfmiddlewaretoken": token})
    assert client.post(reverse(name), {"code": "123456"}).status_code == 403


def test_public_pages_work_for_a_signed_in_borrower(borrower_client):
    for name in ["portal:agencies", "portal:check_number"]:
        assert borrower_client.get(reverse(name)).status_code == 200


def test_empty_submission_shows_required_errors(client):
    response = client.post(reverse("portal:signin"), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_borrower_pages_are_never_cached(borrower_client, full_account):
    for url in _html_pages(full_account):
        assert "no-store" in borrower_client.get(url)["Cache-Control"], url
