"""The audit history in the desk: every admin with a history uses
:class:`DeskHistoryAdmin`.

django-simple-history's admin can "revert" to an old version, which writes
the row directly, past the services, the allowed transitions and the
timeline. Here the history is a record to read: the version page is a
read-only table and refuses any POST, whatever the reader's permissions.
Values are shown as staff read them elsewhere in the desk: field names and
choice labels translated, times in local time, borrowers masked.
"""

import datetime

from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_history_model_for_model

EMPTY = "—"

# simple_history's own words for these read "changed at" in our catalogue.
ACTIONS = {"+": _("Created"), "~": _("Updated"), "-": _("Deleted")}


def object_label(obj) -> str:
    """How a record is named on screen: objects that carry a borrower's
    personal data name themselves masked (``masked_label``)."""
    if obj is None:
        return EMPTY
    label = getattr(obj, "masked_label", None)
    return str(label) if label is not None else str(obj)


def local_time_text(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def value_display(field: models.Field, value, *, masked: dict) -> str:
    """One field's value in words, for the history list and the version page."""
    if value is None or value == "":
        return EMPTY
    if field.name in masked:
        return masked[field.name](value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return local_time_text(value)
    if isinstance(value, models.Model):
        return object_label(value)
    return str(value)


class DeskHistoryContextHelper(HistoricalRecordContextHelper):
    """The "changes" column in words: each changed field by its translated
    name, with old and new values displayed as :func:`value_display` does."""

    def __init__(self, model, historical_record, *, masked: dict):
        super().__init__(model, historical_record)
        self.masked = masked

    def prepare_delta_change_value(self, change, value) -> str:
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return ", ".join(object_label(item) for item in super().prepare_delta_change_value(change, value))
        return value_display(field, value, masked=self.masked)


class DeskHistoryAdmin(SimpleHistoryAdmin):
    """History that can be read and never restored.

    ``history_masked_fields`` maps a field name to the masking function its
    values are shown through (phone and ID numbers). ``history_viewed`` is
    called once per history or version page shown, for admins whose pages
    record access to personal data.
    """

    object_history_template = "admin/desk/history/object_history.html"
    object_history_list_template = "admin/desk/history/object_history_list.html"
    object_history_form_template = "admin/desk/history/version.html"
    history_masked_fields: dict = {}

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_view_title(self, request, obj) -> str:
        return gettext("History of %(object)s") % {"object": object_label(obj)}

    def get_historical_record_context_helper(self, request, historical_record):
        return DeskHistoryContextHelper(self.model, historical_record, masked=self.history_masked_fields)

    def history_viewed(self, request, obj, *, page: str) -> None:
        """Hook for admins that record who saw personal data."""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            record.action_label = ACTIONS.get(record.history_type, record.history_type)

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, {**(extra_context or {}), "history_page": "history"})

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One past version, as a read-only table. Never a form: nothing is
        restored from here."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        history_model = get_history_model_for_model(self.model)
        try:
            record = history_model.objects.select_related("history_user").get(
                **{self.opts.pk.attname: unquote(object_id), "history_id": version_id}
            )
        except (history_model.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        obj = record.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        rows = [
            (
                capfirst(field.verbose_name),
                value_display(field, _field_value(obj, field), masked=self.history_masked_fields),
            )
            for field in history_model.tracked_fields
        ]
        info = self.opts.app_label, self.opts.model_name
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("%(object)s as of %(when)s")
            % {"object": object_label(obj), "when": local_time_text(record.history_date)},
            "opts": self.opts,
            "object": obj,
            "record": record,
            "action_label": ACTIONS.get(record.history_type, record.history_type),
            "rows": rows,
            "history_url": reverse("admin:{}_{}_history".format(*info), args=[obj.pk]),
            "history_page": "version",
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_form_template, context)

    def render_history_view(self, request, template, context, **kwargs):
        obj = context["object"]
        context["object_label"] = object_label(obj)
        self.history_viewed(request, obj, page=context["history_page"])
        return TemplateResponse(request, template, context, **kwargs)


def _field_value(obj, field: models.Field):
    if field.is_relation:
        try:
            return getattr(obj, field.name)
        except ObjectDoesNotExist:
            return getattr(obj, field.attname)
    return getattr(obj, field.attname)
