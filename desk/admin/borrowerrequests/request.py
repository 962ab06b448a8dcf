"""The borrower-request desk: the changelist staff work from (each request's
staff deadline with the complaints' SLA badge and filter) and the request
page with the actions its state allows.

Sensitive personal information (a vulnerability's category, the borrower's
words about it, its files) is shown only to staff who hold
``complaints.permissions.READ_SENSITIVE_INFORMATION``, and each time it is
shown a row in the access log says who saw it and why. The list never
shows a vulnerability's category.
"""

import re

from django.contrib import admin
from django.contrib.admin import DateFieldListFilter
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accesslog.services import data_access_record
from borrowerrequests.actions import STAFF_SOURCES, request_actions_allowed
from borrowerrequests.models import BorrowerRequest, Kind, RequestDeadline
from borrowerrequests.selectors import request_evidence_for_staff
from borrowerrequests.services import request_evidence_response
from common.masking import mask_name, mask_phone
from complaints import permissions
from desk.actions import apply_each, apply_one, request_now, selection_too_large
from desk.compliance.filters import ReportFigureFilter
from desk.personal_data import PersonalDataAdminMixin
from desk.sla import badge_html, sla_badge
from loans.models import Borrower

from .filters import RequestSlaStateFilter
from .forms import InstalmentFormSet, instalments_of
from .operations import OPERATIONS, OPERATIONS_BY_NAME, Operation
from .page import request_page

REFERENCE_RE = re.compile(r"RQ-[0-9A-Z]{4}-?[0-9A-Z]{0,4}")
# Why a supervisor sees a vulnerability's details: to review it while it
# waits for a decision, or to read the record of one decided.
SENSITIVE_REASON_REVIEW = "vulnerability review (DOMAIN §7, within 5 working days)"
SENSITIVE_REASON_RECORD = "record of a vulnerability already reviewed"


def _bulk_action(operation: Operation):
    def action(modeladmin, request, queryset):
        return modeladmin.run_bulk(request, queryset, operation)

    action.__name__ = operation.name
    return admin.action(description=operation.label, permissions=["change"])(action)


def sensitive_view_record(*, user, obj: BorrowerRequest, what: str, now) -> None:
    """One access-log row per showing of sensitive personal information,
    with the purpose it was shown for."""
    reason = SENSITIVE_REASON_REVIEW if obj.status in STAFF_SOURCES else SENSITIVE_REASON_RECORD
    data_access_record(
        user=user,
        subject=f"sensitive information of request {obj.reference}",
        detail={"what": what, "reason": reason, "sensitive": True},
        borrower_id=obj.borrower_id,
        now=now,
    )


class BorrowerRequestAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "sla",
        "kind",
        "reason_shown",
        "status",
        "account_reference",
        "borrower_masked",
        "filed_at",
        "effective_from",
    ]
    list_display_links = ["reference"]
    list_filter = [
        RequestSlaStateFilter,
        "kind",
        "status",
        ("filed_at", DateFieldListFilter),
        ReportFigureFilter,
    ]
    list_select_related = ()
    list_per_page = 50
    list_max_show_all = 200
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["reference"]
    search_help_text = _("Reference, borrower name, or last 4 digits of the borrower's phone.")
    ordering = [F("staff_due_at").asc(nulls_last=True), "-filed_at"]
    actions = [_bulk_action(operation) for operation in OPERATIONS if operation.bulk]

    # Permissions ---------------------------------------------------------

    def has_add_permission(self, request) -> bool:
        # Borrowers file requests; the desk decides them.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_evidence_permission(self, request) -> bool:
        return request.user.has_perm(permissions.READ_REQUEST_EVIDENCE)

    def has_sensitive_permission(self, request) -> bool:
        return permissions.user_may_read_sensitive_information(request.user)

    def operation_allowed(self, request, obj: BorrowerRequest) -> bool:
        """Staff who may change requests act on them; a vulnerability is
        decided by those who may see what it says."""
        if not self.has_change_permission(request, obj):
            return False
        return not obj.is_sensitive or self.has_sensitive_permission(request)

    # The list ------------------------------------------------------------

    def get_queryset(self, request):
        open_clocks = RequestDeadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "borrower", "account", Prefetch("deadlines", queryset=open_clocks, to_attr="open_deadlines")
            )
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        upper = term.upper()
        if REFERENCE_RE.fullmatch(upper):
            if len(upper) == 12:
                return queryset.filter(reference=upper), False
            return queryset.filter(reference__startswith=upper), False
        if term.isdigit() and len(term) == 4:
            return queryset.filter(borrower__phone__endswith=term), False
        return queryset.filter(borrower__in=Borrower.objects.filter(name__icontains=term).values("pk")), False

    @admin.display(description=_("borrower"))
    def borrower_masked(self, obj: BorrowerRequest) -> str:
        return f"{mask_name(obj.borrower.name)} {mask_phone(obj.borrower.phone)}"

    @admin.display(description=_("loan account"))
    def account_reference(self, obj: BorrowerRequest) -> str:
        return obj.account.reference if obj.account_id else "—"

    @admin.display(description=_("reason"))
    def reason_shown(self, obj: BorrowerRequest) -> str:
        if obj.is_sensitive:
            return gettext("Sensitive: open the request")
        return obj.reason_label or "—"

    @admin.display(description=_("SLA"), ordering=F("staff_due_at").asc(nulls_last=True))
    def sla(self, obj: BorrowerRequest):
        return badge_html(sla_badge(getattr(obj, "open_deadlines", []), now=timezone.now()))

    def personal_data_subject(self, obj: BorrowerRequest) -> str:
        return f"borrower request {obj.reference}"

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": gettext("Borrower requests"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra_context)

    def run_bulk(self, request, queryset, operation: Operation):
        now = request_now(request)
        objects = selection_too_large(self, request, queryset)
        if objects is None:
            return None

        def apply(obj):
            if not self.operation_allowed(request, obj):
                raise PermissionDenied(gettext("Only staff who may see sensitive information decide this request."))
            return operation.apply(obj, {}, request.user, now)

        apply_each(self, request, objects, apply, done_message=operation.done, log_message=operation.label)
        return None

    # Extra pages ---------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/do/<slug:operation>/", wrap(self.operation_view), name=f"{prefix}_operation"),
            path("<path:object_id>/evidence/<int:evidence_id>/", wrap(self.evidence_view), name=f"{prefix}_evidence"),
        ] + super().get_urls()

    def _request_or_404(self, request, object_id) -> BorrowerRequest:
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(gettext("No request has this id."))
        return obj

    def operation_view(self, request, object_id, operation):
        """One operation on one request, from its page. GET shows the form;
        only POST changes anything."""
        operation = OPERATIONS_BY_NAME.get(operation)
        if operation is None:
            raise Http404(gettext("Unknown action."))
        obj = self._request_or_404(request, object_id)
        if not self.operation_allowed(request, obj):
            raise PermissionDenied
        page_url = reverse("admin:borrowerrequests_borrowerrequest_change", args=[obj.pk])
        now = request_now(request)
        posted = request.method == "POST"
        form = formset = None
        if operation.form_class is not None:
            form = operation.form_class(request.POST if posted else None, request.FILES if posted else None)
        if operation.instalments:
            formset = InstalmentFormSet(request.POST if posted else None, prefix="instalments")
        if posted and (form is None or form.is_valid()) and (formset is None or formset.is_valid()):
            data = dict(form.cleaned_data) if form else {}
            if formset is not None:
                data["instalments"] = instalments_of(formset)
            done = apply_one(self, request, obj, operation, data, now=now, page_url=page_url)
            if done is not None:
                return done
        if form is None:
            return HttpResponseRedirect(page_url)
        context = {
            **self.admin_site.each_context(request),
            "title": operation.label,
            "intro": operation.intro,
            "original": obj,
            "form": form,
            "formset": formset,
            "multipart": operation.files,
            "opts": self.opts,
            "submit_label": operation.label,
            "cancel_url": page_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/borrowerrequests/borrowerrequest/action_form.html", context)

    def evidence_view(self, request, object_id, evidence_id):
        """A file of this request, through ``request_evidence_response`` (the
        one private-file response, which logs the download)."""
        if not self.has_evidence_permission(request):
            raise PermissionDenied
        obj = self._request_or_404(request, object_id)
        sensitive = self.has_sensitive_permission(request)
        evidence = request_evidence_for_staff(request=obj, evidence_id=evidence_id, sensitive=sensitive)
        now = request_now(request)
        if evidence.sensitive:
            sensitive_view_record(user=request.user, obj=obj, what=f"evidence {evidence.pk}", now=now)
        return request_evidence_response(evidence=evidence, viewer=request.user, now=now)

    # The request page ----------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if request.method != "GET":
            # Every change goes through an operation's own page.
            raise PermissionDenied
        now = request_now(request)
        sensitive = self.has_sensitive_permission(request)
        page = request_page(request_pk=obj.pk, sensitive=sensitive, now=now)
        self.personal_data_viewed(request, obj)
        if page.shows_sensitive:
            sensitive_view_record(user=request.user, obj=obj, what="category, words and files", now=now)
        allowed = request_actions_allowed(request=page.request)
        operations = (
            [operation for operation in OPERATIONS if operation.name in allowed]
            if self.operation_allowed(request, obj)
            else []
        )
        borrower = page.request.borrower
        context = {
            **self.admin_site.each_context(request),
            "title": page.request.reference,
            "subtitle": None,
            "opts": self.opts,
            "original": page.request,
            "page": page,
            "req": page.request,
            "operations": operations,
            "sensitive_blocked": obj.is_sensitive and self.has_change_permission(request, obj) and not sensitive,
            "can_download_evidence": self.has_evidence_permission(request),
            "borrower_name": mask_name(borrower.name),
            "borrower_phone": mask_phone(borrower.phone),
            "is_vulnerability": page.request.kind == Kind.VULNERABILITY,
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/borrowerrequests/borrowerrequest/desk_page.html", context)
