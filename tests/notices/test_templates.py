import pytest
from django.core.exceptions import ValidationError

from desk.admin.notices import NoticeTemplateForm
from notices.models import NoticeTemplate
from notices.templating import placeholders, render, sms_segments, validate_template_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _form(**changes):
    template = NoticeTemplate.objects.get(code="measure.lawsuit")
    data = {f: getattr(template, f) for f in NoticeTemplateForm.Meta.fields}
    data.update(changes)
    return NoticeTemplateForm(data, instance=template)


def test_unknown_variable_is_refused_naming_it():
    with pytest.raises(ValidationError, match=r"Unknown variable \{amount_due\}"):
        validate_template_text("Pay {amount_due} now")


def test_form_with_unknown_variable_is_invalid_on_that_field():
    form = _form(body_en="Pay {amont_overdue} by {date}")
    assert not form.is_valid()
    assert "{amont_overdue}" in form.errors["body_en"][0]


def test_attribute_access_in_a_placeholder_is_refused():
    with pytest.raises(ValidationError, match="is not a variable"):
        placeholders("{date.__class__}")


def test_unbalanced_brace_is_refused():
    with pytest.raises(ValidationError, match="Unbalanced braces"):
        placeholders("Pay {amount_overdue")


def test_saving_outside_a_form_still_refuses_unknown_variables():
    template = NoticeTemplate.objects.get(code="measure.lawsuit")
    template.sms_zh = "{secret}"
    with pytest.raises(ValidationError):
        template.save()


def test_valid_edit_is_accepted():
    assert _form(sms_en="Lawsuit on {date} about loan {account}. {portal_link}").is_valid()


def test_sms_that_would_take_more_than_three_messages_is_refused():
    form = _form(sms_zh="催" * 210 + "{date}")
    assert not form.is_valid()
    assert "messages" in form.errors["sms_zh"][0]


def test_render_substitutes_values_as_plain_text():
    assert render("{{literal}} {reference}", {"reference": "{date}"}) == "{literal} {date}"


def test_chinese_sms_of_seventy_characters_is_one_message():
    assert sms_segments("催" * 70) == ("UCS-2", 70, 1)


def test_chinese_sms_of_seventy_one_characters_is_two_messages_of_67():
    assert sms_segments("催" * 71) == ("UCS-2", 71, 2)
    assert sms_segments("催" * 135)[2] == 3


def test_ascii_sms_uses_gsm7_160_then_153():
    assert sms_segments("a" * 160) == ("GSM-7", 160, 1)
    assert sms_segments("a" * 161) == ("GSM-7", 161, 2)
    assert sms_segments("a" * 307)[2] == 3


def test_gsm7_extension_characters_count_twice():
    assert sms_segments("{" * 80) == ("GSM-7", 160, 1)


def test_one_chinese_character_makes_the_whole_sms_ucs2():
    assert sms_segments("a" * 69 + "元") == ("UCS-2", 70, 1)


def test_admin_lists_how_many_sms_each_template_takes(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/notices/noticetemplate/")
    assert response.status_code == 200
    assert "UCS-2" in response.content.decode()


def test_admin_preview_renders_unsaved_texts_with_sample_values(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    template = NoticeTemplate.objects.get(code="measure.lawsuit")
    data = {f: getattr(template, f) for f in NoticeTemplateForm.Meta.fields}
    data["title_en"] = "Court filing on {date}"
    response = client.post("/admin/notices/noticetemplate/preview/", data)
    body = response.content.decode()
    assert "Court filing on 5 Dec 2026 10:00" in body
    assert NoticeTemplate.objects.get(pk=template.pk).title_en != "Court filing on {date}"


def test_admin_preview_shows_the_unknown_variable(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    template = NoticeTemplate.objects.get(code="measure.lawsuit")
    data = {f: getattr(template, f) for f in NoticeTemplateForm.Meta.fields}
    data["body_zh"] = "{oops}"
    response = client.post("/admin/notices/noticetemplate/preview/", data)
    assert "{oops}" in response.content.decode()


def test_admin_refuses_to_save_a_template_with_an_unknown_variable(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    template = NoticeTemplate.objects.get(code="measure.lawsuit")
    data = {f: getattr(template, f) for f in NoticeTemplateForm.Meta.fields}
    data["sms_en"] = "Pay {amout}"
    response = client.post(f"/admin/notices/noticetemplate/{template.pk}/change/", data)
    assert response.status_code == 200
    assert "{amout}" in response.content.decode()
    assert NoticeTemplate.objects.get(pk=template.pk).sms_en != "Pay {amout}"


def test_seeded_templates_cannot_be_deleted_in_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    template = NoticeTemplate.objects.get(code="measure.lawsuit")
    response = client.post(f"/admin/notices/noticetemplate/{template.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert NoticeTemplate.objects.filter(pk=template.pk).exists()


def test_template_code_is_fixed_once_created(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    template = NoticeTemplate.objects.get(code="measure.lawsuit")
    data = {f: getattr(template, f) for f in NoticeTemplateForm.Meta.fields}
    data["code"] = "renamed"
    client.post(f"/admin/notices/noticetemplate/{template.pk}/change/", data)
    assert NoticeTemplate.objects.get(pk=template.pk).code == "measure.lawsuit"
