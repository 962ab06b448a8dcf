"""The evidence upload field, shared by the borrower's and the agency's
forms. Validation only: files are checked by content in ``uploads``."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .uploads import ALLOWED_LABEL, MAX_FILE_SIZE, MAX_FILES, check_uploads

ACCEPT = ".mp3,.m4a,.amr,.wav,.jpg,.jpeg,.png,.heic,.pdf,audio/*,image/jpeg,image/png,image/heic,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _percent_format(message, values) -> str:
    return str(message) % values


def lazy_percent_format(message, **values):
    """``message % values``, translated when shown rather than at import."""
    return lazy(_percent_format, str)(message, values)


class EvidenceField(forms.FileField):
    """Up to five files, each checked by content (see ``uploads``)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            lazy_percent_format(
                _("Up to %(count)d files, %(size)d MB each: %(types)s."),
                count=MAX_FILES,
                size=MAX_FILE_SIZE // (1024 * 1024),
                types=ALLOWED_LABEL,
            ),
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": ACCEPT, "multiple": True})

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return check_uploads(uploads)
