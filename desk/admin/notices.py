import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accesslog.models import DataAccessRecord
from accesslog.services import data_access_record
from common.spreadsheet import csv_cell
from common.text import FreeTextField
from desk.compliance.filters import ReportFigureFilter
from notices import templating
from notices.defaults import TEMPLATES as SEEDED_TEMPLATES
from notices.models import (
    MeasureNoticeState,
    Notice,
    NoticeAttempt,
    NoticeDelivery,
    NoticeRule,
    NoticeTemplate,
    StageNoticeRule,
)
from notices.selectors import PROOF_COLUMNS, notice_failed_delivery_ids, notice_proof_rows
from notices.services import notice_delivery_retry

REQUIRED_CODES = {values["code"] for values in SEEDED_TEMPLATES}


def template_preview(template: NoticeTemplate):
    """Both languages rendered with sample values, and the SMS length."""
    rows = []
    for language, suffix, label in (("zh-hans", "zh", _("Chinese")), ("en", "en", _("English"))):
        sample = templating.SAMPLE_CONTEXT[language]
        sms_text = templating.render(getattr(template, f"sms_{suffix}"), sample)
        encoding, length, segments = templating.sms_segments(sms_text)
        rows.append(
            {
                "label": label,
                "title": templating.render(getattr(template, f"title_{suffix}"), sample),
                "body": templating.render(getattr(template, f"body_{suffix}"), sample),
                "sms": sms_text,
                "encoding": encoding,
                "length": length,
                "segments": segments,
            }
        )
    return rows


def _segments_label(segments: int, encoding: str, length: int) -> str:
    return ngettext(
        "%(segments)d SMS (%(length)d characters, %(encoding)s)",
        "%(segments)d SMS (%(length)d characters, %(encoding)s)",
        segments,
    ) % {"segments": segments, "length": length, "encoding": encoding}


class NoticeTemplateForm(forms.ModelForm):
    class Meta:
        model = NoticeTemplate
        fields = ["code", "description", "title_zh", "title_en", "body_zh", "body_en", "sms_zh", "sms_en"]
        field_classes = dict.fromkeys(["title_zh", "title_en", "body_zh", "body_en", "sms_zh", "sms_en"], FreeTextField)
        widgets = {
            "body_zh": forms.Textarea(attrs={"rows": 6}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            "sms_zh": forms.Textarea(attrs={"rows": 3}),
            "sms_en": forms.Textarea(attrs={"rows": 3}),
        }


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    form = NoticeTemplateForm
    list_display = ["code", "description", "sms_zh_segments", "sms_en_segments", "updated_at"]
    search_fields = ["code", "description", "title_zh", "title_en"]
    readonly_fields = ["variables", "preview", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "description"]}),
        (_("Chinese"), {"fields": ["title_zh", "body_zh", "sms_zh"]}),
        (_("English"), {"fields": ["title_en", "body_en", "sms_en"]}),
        (_("Variables and preview"), {"fields": ["variables", "preview", "updated_at"]}),
    ]
    change_form_template = "admin/notices/noticetemplate/change_form.html"

    @admin.display(description=_("SMS (Chinese)"))
    def sms_zh_segments(self, obj):
        encoding, length, segments = obj.sms_segments("zh-hans")
        return _segments_label(segments, encoding, length)

    @admin.display(description=_("SMS (English)"))
    def sms_en_segments(self, obj):
        encoding, length, segments = obj.sms_segments("en")
        return _segments_label(segments, encoding, length)

    @admin.display(description=_("Variables you can use"))
    def variables(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><code>{{{}}}</code>: {}</li>", templating.VARIABLES.items()),
        )

    @admin.display(description=_("Preview with sample values"))
    def preview(self, obj):
        if obj is None or not obj.pk:
            return "—"
        return format_html_join(
            "",
            "<h4>{}</h4><p><strong>{}</strong></p><p>{}</p><p><code>{}</code><br>{}</p>",
            (
                (
                    row["label"],
                    row["title"],
                    linebreaksbr(row["body"], autoescape=True),
                    row["sms"],
                    _segments_label(row["segments"], row["encoding"], row["length"]),
                )
                for row in template_preview(obj)
            ),
        )

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="notices_noticetemplate_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """Render the texts being edited with sample values, without saving.
        The change form's "Preview" button posts here (no JavaScript)."""
        if request.method != "POST":
            raise PermissionDenied
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        form = self.form(request.POST)
        form.is_valid()
        values = {field: request.POST.get(field, "") for field in NoticeTemplate.TEXT_FIELDS}
        code = request.POST.get("code") or request.POST.get("preview_code", "")
        candidate = NoticeTemplate(code=code, **values)
        errors = []
        try:
            candidate.clean()
        except Exception as error:  # noqa: BLE001 - ValidationError; shown to staff
            errors = [
                f"{NoticeTemplate._meta.get_field(field).verbose_name}: {message}"
                for field, messages_ in getattr(error, "message_dict", {}).items()
                for message in messages_
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Preview of %(code)s") % {"code": candidate.code or "—"},
            "rows": template_preview(candidate) if not errors else [],
            "errors": errors,
        }
        return TemplateResponse(request, "admin/notices/noticetemplate/preview.html", context)

    def get_readonly_fields(self, request, obj=None):
        # The code is how the product finds a template: fixed once created.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "code"] if obj is not None and obj.pk else fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.code in REQUIRED_CODES:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(NoticeRule)
class NoticeRuleAdmin(admin.ModelAdmin):
    list_display = ["measure_kind", "days_before", "margin_hours", "send_sms", "send_email", "mandatory", "active"]
    list_editable = ["days_before", "active"]
    list_filter = ["mandatory", "active"]
    autocomplete_fields = ["template", "moved_template", "cancelled_template"]

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryFailedFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("A channel failed")),
            ("waiting", _("Waiting for the morning")),
            ("queued", _("Still sending")),
        ]

    def queryset(self, request, queryset):
        status = {
            "failed": NoticeDelivery.Status.FAILED,
            "waiting": NoticeDelivery.Status.WAITING,
            "queued": NoticeDelivery.Status.QUEUED,
        }.get(self.value())
        if status is None:
            return queryset
        return queryset.filter(deliveries__status=status).distinct()


class NoticeDeliveryInline(admin.TabularInline):
    model = NoticeDelivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "not_before", "sent_at", "message_id", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class NoticeAttemptInline(admin.TabularInline):
    model = NoticeAttempt
    extra = 0
    can_delete = False
    fields = ["channel", "at", "outcome", "message_id", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "borrower", "purpose", "status", "send_at", "issued_at", "channels", "read_at"]
    list_filter = [DeliveryFailedFilter, "status", "purpose", "event", "mandatory"]
    search_fields = [
        "key",
        "complaint_reference",
        "account__reference",
        "borrower__external_id",
        "title_zh",
        "title_en",
    ]
    date_hierarchy = "send_at"
    list_select_related = ["borrower"]
    readonly_fields = [f.name for f in Notice._meta.fields]
    inlines = [NoticeDeliveryInline, NoticeAttemptInline]
    actions = ["retry_failed"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deliveries")

    @admin.display(description=_("channels"))
    def channels(self, obj):
        return ", ".join(f"{d.get_channel_display()}: {d.get_status_display()}" for d in obj.deliveries.all())

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the failed channels of the selected notices again"), permissions=["change"])
    def retry_failed(self, request, queryset):
        count = notice_delivery_retry(delivery_ids=notice_failed_delivery_ids(notices=queryset), now=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NoticeDelivery)
class NoticeDeliveryAdmin(admin.ModelAdmin):
    list_display = ["notice", "channel", "status", "not_before", "sent_at", "message_id", "last_error"]
    list_filter = ["status", "channel"]
    search_fields = ["notice__key", "message_id"]
    readonly_fields = [f.name for f in NoticeDelivery._meta.fields]
    list_select_related = ["notice"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeasureNoticeState)
class MeasureNoticeStateAdmin(admin.ModelAdmin):
    list_display = [
        "measure",
        "performer",
        "kind",
        "planned_for",
        "notice_deadline",
        "compliance",
        "get_compliance_note_display",
        "notice",
    ]
    list_filter = [
        "compliance",
        "kind",
        ("measure__performer", admin.RelatedOnlyFieldListFilter),
        ReportFigureFilter,
    ]
    search_fields = ["measure__external_id", "measure__account__reference"]
    date_hierarchy = "notice_deadline"
    list_select_related = ["measure__account", "measure__performer", "notice"]
    readonly_fields = [f.name for f in MeasureNoticeState._meta.fields] + ["proof"]
    actions = ["export_proof"]
    show_full_result_count = False

    @admin.display(description=_("proof of notice"))
    def proof(self, obj):
        attempts = (
            NoticeAttempt.objects.filter(notice__measure_id=obj.measure_id)
            .select_related("notice")
            .order_by("at", "pk")
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    a.notice.get_purpose_display(),
                    a.get_channel_display(),
                    timezone.localtime(a.at).strftime("%Y-%m-%d %H:%M:%S"),
                    a.get_outcome_display(),
                    a.message_id,
                    a.error,
                )
                for a in attempts
            ),
        )
        if not rows:
            return _("No notice has gone out for this measure.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("notice"),
            _("channel"),
            _("at"),
            _("outcome"),
            _("provider message id"),
            _("error"),
            rows,
        )

    @admin.action(description=_("Export proof of notice for the selected measures (CSV)"), permissions=["view"])
    def export_proof(self, request, queryset):
        now = timezone.now()
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=PROOF_COLUMNS)
        writer.writeheader()
        count = 0
        for row in notice_proof_rows(states=queryset):
            writer.writerow({key: csv_cell(value) for key, value in row.items()})
            count += 1
        data_access_record(
            user=request.user,
            action=DataAccessRecord.Action.EXPORTED,
            subject="notices: proof of notice",
            detail={"measures": queryset.count()},
            rows=count,
            now=now,
        )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="notice-proof-{now:%Y%m%d-%H%M%S}.csv"'
        return response

    @admin.display(description=_("performed by"), ordering="measure__performer__name")
    def performer(self, obj):
        return obj.measure.performer

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StageNoticeRule)
class StageNoticeRuleAdmin(admin.ModelAdmin):
    list_display = ["stage", "template", "send_sms", "send_email", "mandatory", "active"]
    list_editable = ["active"]
    list_filter = ["mandatory", "active"]
    autocomplete_fields = ["template"]
