"""Free text that one party writes and another reads.

Bidirectional embeddings, overrides and isolates (U+202A–U+202E,
U+2066–U+2069) are invisible and reorder the text shown after them: a
right-to-left override makes a borrower's "fdp.exe" read "exe.pdf" to staff,
or an agency's statement say to the borrower something other than what was
stored. They are removed as text arrives, once, so pages, e-mails, SMS,
webhooks and exports all carry the same clean text. Arabic and Hebrew are
shown in their direction without them; the plain marks (U+200E, U+200F,
U+061C) only settle where neutral characters such as punctuation fall, and
are kept for the rare writer who needs them.
"""

import re

from django import forms
from rest_framework import serializers

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


class FreeTextField(forms.CharField):
    """A form's text field, written by one party for another to read."""

    def to_python(self, value):
        if isinstance(value, str):
            value = strip_bidi_controls(value)
        return super().to_python(value)


class FreeTextSerializerField(serializers.CharField):
    """The API's counterpart of :class:`FreeTextField`."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str):
            data = strip_bidi_controls(data)
        return super().run_validation(data)
