"""What Lighthouse's accessibility and SEO audits check on the borrower pages,
held here without a browser: a translated meta description on both layouts,
footer links readable against the footer, a text alternative on every image."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import LoanAccountFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')
DESCRIPTIONS = {
    "en": "Your loan’s collection stage, who may contact you and how, and complaints about collectors, in one place.",
    "zh-hans": "在一处查看您借款的催收阶段、谁可以联系您以及如何联系，并投诉催收人员。",
}


def _description(response) -> str:
    assert response.status_code == 200
    match = DESCRIPTION.search(response.content.decode())
    assert match, "no meta description"
    return unescape(match.group(1))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_django_layout_describes_the_site_in_the_visitors_language(client, language):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE=language)
    assert _description(response) == DESCRIPTIONS[language]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_jinja2_layout_describes_the_site_in_the_visitors_language(borrower, borrower_client, language):
    account = LoanAccountFactory(borrower=borrower)
    response = borrower_client.get(reverse("portal:account", args=[account.reference]), HTTP_ACCEPT_LANGUAGE=language)
    assert _description(response) == DESCRIPTIONS[language]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_matches_the_ratio_lighthouse_reported_for_bootstraps_link_blue():
    assert round(contrast("#0d6efd", "#f8f9fa"), 2) == 4.27


def test_footer_links_read_at_least_4_5_to_1_against_the_footer():
    css = (settings.BASE_DIR / "static/css/portal.css").read_text(encoding="utf-8")
    variables = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    background = re.search(r"\.site-footer\s*\{\s*background:\s*(#[0-9a-fA-F]{6})", css).group(1)
    link = re.search(r"\.site-footer a\s*\{\s*color:\s*([^;]+);", css).group(1).strip()
    link = variables[link[4:-1]] if link.startswith("var(") else link
    assert contrast(link, background) >= 4.5


def test_every_image_in_the_templates_has_a_text_alternative():
    missing = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        for tag in re.findall(r"<img\b[^>]*>", path.read_text(encoding="utf-8"), flags=re.S):
            if not re.search(r'\balt="[^"]+"', tag):
                missing.append(f"{path.name}: {tag}")
    assert missing == []
