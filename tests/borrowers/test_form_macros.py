"""The Jinja2 form macros (templates/jinja2/forms.html) that draw every form
of the borrower site."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.utils import translation

from borrowers.complaint_forms import ComplaintForm, RateForm, ReplyForm
from borrowers.forms import NumberForm, PreferenceForm


def draw(form) -> str:
    template = engines["jinja2"].from_string('{% import "forms.html" as forms %}{{ forms.form(form) }}')
    with translation.override("en"):
        return template.render({"form": form})


def control(html: str, name: str) -> str:
    return re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', html).group(0)


def test_a_field_with_an_error_is_marked_invalid_and_points_to_its_message():
    form = NumberForm({"number": ""})
    assert not form.is_valid()
    html = draw(form)
    number = control(html, "number")
    assert 'aria-invalid="true"' in number
    assert "is-invalid" in number
    assert re.search(r'aria-describedby="[^"]*\bid_number_error\b', number)
    assert re.search(
        r'<div id="id_number_error" class="invalid-feedback[^"]*"><strong[^>]*>This field is required\.', html
    )


def test_a_valid_field_is_not_marked_invalid_and_points_to_its_help_text():
    html = draw(NumberForm())
    number = control(html, "number")
    assert "aria-invalid" not in number and "is-invalid" not in number
    assert 'aria-describedby="id_number_helptext"' in number
    assert '<div id="id_number_helptext" class="form-text">Type it as shown on your phone' in html


def test_a_label_names_its_control_and_marks_a_required_field():
    html = draw(NumberForm())
    label = re.search(r'<label for="id_number"[^>]*>.*?</label>', html).group(0)
    assert "The number that contacted you" in label
    assert '<span class="asteriskField" aria-hidden="true">*</span>' in label
    assert " required" in control(html, "number")


def test_an_optional_field_has_no_required_mark():
    html = draw(PreferenceForm())
    label = re.search(r'<label for="id_window_start"[^>]*>.*?</label>', html).group(0)
    assert "asteriskField" not in label
    assert " required" not in control(html, "window_start")


def test_what_was_typed_is_kept_and_escaped():
    html = draw(NumberForm({"number": '"><script>alert(1)</script>'}))
    assert "<script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in control(html, "number")


def test_a_select_keeps_the_chosen_option_and_a_checkbox_its_tick():
    form = PreferenceForm({"no_third_party_contact": "on", "window_start": "09:00", "preferred_channel": "sms"})
    html = draw(form)
    assert '<option value="09:00" selected>09:00</option>' in html
    assert 'class="form-select' in control(html, "window_start")
    assert " checked" in control(html, "no_third_party_contact")
    assert 'class="form-check-input' in control(html, "no_third_party_contact")


def test_radio_buttons_are_a_fieldset_named_by_its_legend():
    form = RateForm({"rating": "4"})
    html = draw(form)
    fieldset = re.search(r"<fieldset.*?</fieldset>", html, flags=re.S).group(0)
    assert re.search(r"<legend[^>]*>How well was your complaint handled\?", fieldset)
    assert 'aria-describedby="id_rating_helptext"' in fieldset
    assert len(re.findall(r'<input type="radio"', fieldset)) == 5
    assert re.search(r'<input type="radio"[^>]*value="4"[^>]*checked', fieldset)
    assert re.search(r'<label for="id_rating_1" class="form-check-label">4</label>', fieldset)


def test_radio_buttons_with_an_error_are_each_marked_invalid():
    form = RateForm({})
    assert not form.is_valid()
    fieldset = re.search(r"<fieldset.*?</fieldset>", draw(form), flags=re.S).group(0)
    assert fieldset.count('aria-invalid="true"') == 5
    assert 'id="id_rating_error"' in fieldset


def test_errors_of_no_field_are_shown_above_the_fields():
    form = ReplyForm({"text": ""}, {})
    assert not form.is_valid()
    html = draw(form)
    alert = re.search(r'<div class="alert alert-danger" role="alert">.*?</div>', html, flags=re.S).group(0)
    assert "Write a message or attach a file." in alert
    assert html.index("alert-danger") < html.index('name="text"')


def test_a_file_field_takes_several_files():
    upload = SimpleUploadedFile("x.png", b"x")
    html = draw(ReplyForm({}, {"files": [upload]}))
    files = control(html, "files")
    assert 'type="file"' in files and " multiple" in files and 'accept="' in files
    assert "value=" not in files


@pytest.mark.django_db
@pytest.mark.parametrize("hidden", ["submit_token", "contact_event"])
def test_hidden_fields_are_hidden_inputs(hidden):
    form = ComplaintForm(borrower=None, accounts=[], now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    html = draw(form)
    assert re.search(rf'<input type="hidden" name="{hidden}"', html)
    assert f'for="id_{hidden}"' not in html
