"""Error pages speak the visitor's language, give the hotline and a way back,
and need neither the database nor a signed-in user.

No test here may use the database: pytest-django refuses every query, so a
page that still rendered proves it made none."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from portal import errors
from tests.borrowers.test_pages import _assert_strict_csp

pytestmark = pytest.mark.urls("tests.portal.urls")

# (how to reach it, status, English phrase, Chinese phrase)
PAGES = {
    "400": ("/", 400, "Request not understood", "无法处理的请求"),
    "403": ("/forbidden/", 403, "Access denied", "无权访问"),
    "404": ("/no-such-page/", 404, "Page not found", "页面不存在"),
    "500": ("/broken/", 500, "Something went wrong", "系统出错了"),
    "csrf": (None, 403, "This page has expired", "页面已过期"),
}


def _get(kind, *, language=None, **headers):
    """Reach the page the way a visitor does; a disallowed host is a real 400
    and a form posted without its token a real CSRF failure."""
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    if kind == "400":
        headers["HTTP_HOST"] = "not-our-host.example"
    if kind == "csrf":
        return Client(enforce_csrf_checks=True).post(reverse("portal:signin"), {"phone": "13900000001"}, **headers)
    return Client(raise_request_exception=False).get(PAGES[kind][0], **headers)


@pytest.mark.parametrize("kind", PAGES)
def test_error_page_is_in_english_for_an_english_visitor(kind):
    response = _get(kind, language="en")
    page = response.content.decode()
    assert response.status_code == PAGES[kind][1]
    assert '<html lang="en">' in page
    assert PAGES[kind][2] in page


@pytest.mark.parametrize("kind", PAGES)
def test_error_page_is_in_chinese_for_a_chinese_visitor(kind):
    response = _get(kind, language="zh-hans")
    page = response.content.decode()
    assert response.status_code == PAGES[kind][1]
    assert '<html lang="zh-hans">' in page
    assert PAGES[kind][3] in page


@pytest.mark.parametrize("kind", PAGES)
def test_error_page_is_in_chinese_by_default(kind, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    assert PAGES[kind][3] in _get(kind).content.decode()


@pytest.mark.parametrize("kind", ["404", "500"])
def test_error_page_follows_the_language_the_visitor_chose(kind):
    client = Client(raise_request_exception=False)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(PAGES[kind][0], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert PAGES[kind][2] in page


@pytest.mark.parametrize("kind", PAGES)
def test_error_page_gives_the_platform_hotline(kind):
    assert settings.PLATFORM_HOTLINE in _get(kind).content.decode()


@pytest.mark.parametrize("kind", PAGES)
def test_error_page_links_to_the_home_page(kind):
    assert f'href="{reverse("portal:home")}"' in _get(kind).content.decode()


@pytest.mark.parametrize("kind", PAGES)
def test_error_page_sends_a_strict_csp(kind):
    _assert_strict_csp(_get(kind))


@pytest.mark.parametrize("kind", PAGES)
def test_error_page_shows_no_framework_or_exception_text(kind):
    page = _get(kind, language="en").content.decode()
    for text in ("Django", "Server Error", "CSRF", "Traceback", "internal detail"):
        assert text not in page


@pytest.mark.parametrize("kind", PAGES)
def test_error_page_has_no_inline_script_or_style(kind):
    page = _get(kind).content.decode()
    assert "<script" not in page and "<style" not in page and "style=" not in page


@pytest.mark.parametrize(("path", "start"), [("/agency/broken/", "agency:inbox"), ("/admin/forbidden/", "admin:index")])
def test_error_page_in_an_area_links_back_to_its_start_page(path, start):
    page = Client(raise_request_exception=False).get(path).content.decode()
    assert f'href="{reverse(start)}"' in page


def test_error_page_outside_the_areas_links_only_home():
    page = _get("404").content.decode()
    assert f'href="{reverse("agency:inbox")}"' not in page
    assert f'href="{reverse("admin:index")}"' not in page


@pytest.mark.parametrize(("path", "status"), [("/api/v1/no-such-thing/", 404), ("/api/broken/", 500)])
def test_api_paths_get_json_errors(path, status):
    response = Client(raise_request_exception=False).get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_server_error_page_renders_when_the_database_is_unavailable():
    response = Client(raise_request_exception=False).get(reverse("portal:agencies"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert PAGES["500"][2] in response.content.decode()


def test_server_error_page_still_answers_when_its_template_fails(monkeypatch):
    def broken_render(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(errors.loader, "render_to_string", broken_render)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert settings.PLATFORM_HOTLINE in response.content.decode()


def test_server_error_page_reads_the_language_of_a_request_the_middleware_never_saw():
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    with translation.override("en"):
        page = errors.server_error(request).content.decode()
    assert PAGES["500"][3] in page


def test_server_error_page_sets_its_csp_without_the_middleware():
    _assert_strict_csp(errors.server_error(RequestFactory().get("/")))


def test_refused_form_links_back_to_the_form_it_came_from():
    form = "http://testserver" + reverse("portal:signin")
    assert f'href="{form}"' in _get("csrf", HTTP_REFERER=form).content.decode()


def test_refused_form_does_not_link_to_another_site():
    page = _get("csrf", HTTP_REFERER="https://elsewhere.example/signin/").content.decode()
    assert "elsewhere.example" not in page


@pytest.mark.parametrize("template_name", ["400.html", "403.html", "404.html", "500.html", "403_csrf.html"])
def test_error_page_renders_with_no_context_as_djangos_own_handlers_do(template_name):
    """Django's default handlers (a URLconf without ours) render these
    templates with an empty context and may not reverse our URLs."""
    from django.template import loader
    from django.urls import set_urlconf

    set_urlconf("tests.businesscalendar.urls")
    try:
        page = loader.render_to_string(template_name)
    finally:
        set_urlconf(None)
    assert '<html lang="' in page
    assert 'href="/"' in page
