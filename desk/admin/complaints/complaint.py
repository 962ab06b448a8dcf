"""The complaint desk: the changelist staff triage from, and the complaint
page they work on."""

import re

from django.contrib import admin, messages
from django.contrib.admin import DateFieldListFilter, RelatedFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from common.masking import mask_name, mask_phone
from complaints import permissions
from complaints.actions import complaint_actions_allowed
from complaints.models import Complaint, SLATarget
from complaints.services import complaint_note_add
from complaints.sla_state import sla_state
from desk.actions import apply_each, apply_one, form_action, request_now, selection_too_large
from desk.compliance.filters import ReportFigureFilter
from desk.history import DeskHistoryAdmin
from desk.paginator import CappedPaginator
from desk.personal_data import PersonalDataAdminMixin
from desk.sla import badge_html, sla_badge
from loans.models import Borrower

from .evidence import complaint_evidence_response
from .export import complaints_export_response
from .filters import AssigneeFilter, CollectorFilter, SlaStateFilter, TriageFilter
from .forms import NoteForm
from .operations import OPERATIONS, OPERATIONS_BY_NAME, Operation
from .page import complaint_page

# The deadline that comes next on the platform's side: acknowledging comes
# before the decision, so the first one set is the nearer.
NEXT_DUE = Coalesce("acknowledge_due_at", "decision_due_at")
REFERENCE_RE = re.compile(r"TS-[0-9A-Z]{4}-?[0-9A-Z]{0,4}")


def _operation_action(operation: Operation):
    def action(modeladmin, request, queryset):
        return modeladmin.run_operation(request, queryset, operation)

    action.__name__ = operation.name
    return admin.action(description=operation.label, permissions=[operation.permission])(action)


class ComplaintAdmin(PersonalDataAdminMixin, DeskHistoryAdmin):
    list_display = [
        "reference",
        "sla",
        "severity",
        "status",
        "category_code",
        "agency",
        "borrower_masked",
        "assignee",
    ]
    list_display_links = ["reference"]
    list_filter = [
        SlaStateFilter,
        TriageFilter,
        "status",
        "severity",
        "category",
        ("agency", RelatedFieldListFilter),
        CollectorFilter,
        ("account__stage", RelatedFieldListFilter),
        AssigneeFilter,
        ("submitted_at", DateFieldListFilter),
        ReportFigureFilter,
    ]
    # Not joined: with a filter that matches thousands, the database would
    # join them all before sorting out the page. The page's 50 rows fetch
    # their borrower, agency, category and assignee in one query each.
    list_select_related = ()
    list_per_page = 50
    list_max_show_all = 200
    show_full_result_count = False
    # Counting every filter choice over a million rows on each page view
    # would cost more than the page.
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedPaginator
    search_fields = ["reference"]
    search_help_text = _("Reference, borrower name, last 4 digits of the borrower's phone, or agency name.")
    ordering = [NEXT_DUE.asc(nulls_last=True), "-submitted_at"]
    actions = [_operation_action(operation) for operation in OPERATIONS]
    history_masked_fields = {"caller_number": mask_phone}

    # Permissions ---------------------------------------------------------

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_escalate_permission(self, request) -> bool:
        return request.user.has_perm(permissions.ESCALATE_COMPLAINT)

    def has_lift_hold_permission(self, request) -> bool:
        return request.user.has_perm(permissions.LIFT_ACCOUNT_HOLD)

    def has_approve_extension_permission(self, request) -> bool:
        return request.user.has_perm(permissions.APPROVE_AGENCY_EXTENSION)

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("desk.export_complaints")

    def has_note_permission(self, request) -> bool:
        return self.has_change_permission(request) and request.user.has_perm(permissions.ADD_COMPLAINT_NOTE)

    def has_evidence_permission(self, request) -> bool:
        return request.user.has_perm("complaints.view_complaint_evidence")

    def operation_allowed(self, request, operation: Operation) -> bool:
        return getattr(self, f"has_{operation.permission}_permission")(request)

    # The list ------------------------------------------------------------

    def get_queryset(self, request):
        open_targets = SLATarget.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "borrower",
                "agency",
                "category",
                "assignee",
                Prefetch("sla_targets", queryset=open_targets, to_attr="open_sla_targets"),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Reference, last four digits of the phone, or a name: each looked
        up the way its index allows, not one OR over every column."""
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
        # A few dozen agencies: look them up first. A term that names one
        # searches its complaints; anything else is a borrower's name, found
        # in the borrowers table and then through the complaints' index.
        agency_ids = list(
            Agency.objects.filter(Q(name__icontains=term) | Q(short_name__icontains=term)).values_list("pk", flat=True)
        )
        if agency_ids:
            return queryset.filter(agency_id__in=agency_ids), False
        return queryset.filter(borrower__in=Borrower.objects.filter(name__icontains=term).values("pk")), False

    @admin.display(description=_("borrower"))
    def borrower_masked(self, obj: Complaint) -> str:
        return f"{mask_name(obj.borrower.name)} {mask_phone(obj.borrower.phone)}"

    @admin.display(description=_("category"), ordering="category__code")
    def category_code(self, obj: Complaint) -> str:
        return obj.category.code

    @admin.display(description=_("SLA"), ordering=NEXT_DUE.asc(nulls_last=True))
    def sla(self, obj: Complaint):
        # The admin shares this object between requests: the time is read
        # here, not kept on it.
        return self.badge_html(sla_badge(getattr(obj, "open_sla_targets", []), now=timezone.now()))

    badge_html = staticmethod(badge_html)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": gettext("Complaint desk"),
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context=extra_context)

    # Actions -------------------------------------------------------------

    def run_operation(self, request, queryset, operation: Operation):
        now = request_now(request)
        if operation.form_class is not None:
            return form_action(
                self,
                request,
                queryset,
                form_class=operation.form_class,
                title=operation.label,
                intro=operation.intro,
                apply=lambda complaint, data: operation.apply(complaint, data, request.user, now),
                done_message=operation.done,
            )
        objects = selection_too_large(self, request, queryset)
        if objects is not None:
            apply_each(
                self,
                request,
                objects,
                lambda complaint: operation.apply(complaint, {}, request.user, now),
                done_message=operation.done,
                log_message=operation.label,
            )
        return None

    # Extra pages ---------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("export/", wrap(self.export_view), name=f"{prefix}_export"),
            path("<path:object_id>/do/<slug:operation>/", wrap(self.operation_view), name=f"{prefix}_operation"),
            path(
                "<path:object_id>/evidence/<str:token>/",
                wrap(self.evidence_view),
                name=f"{prefix}_evidence",
            ),
        ] + super().get_urls()

    def _complaint_or_404(self, request, object_id) -> Complaint:
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(gettext("No complaint has this id."))
        return obj

    def operation_view(self, request, object_id, operation):
        """One operation on one complaint, from its page. GET shows the
        form; only POST changes anything."""
        operation = OPERATIONS_BY_NAME.get(operation)
        if operation is None:
            raise Http404(gettext("Unknown action."))
        if not self.has_change_permission(request) or not self.operation_allowed(request, operation):
            raise PermissionDenied
        complaint = self._complaint_or_404(request, object_id)
        page_url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        now = request_now(request)
        form = None
        if operation.form_class is not None:
            form = operation.form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and (form is None or form.is_valid()):
            data = form.cleaned_data if form else {}
            done = apply_one(self, request, complaint, operation, data, now=now, page_url=page_url)
            if done is not None:
                return done
        if form is None:
            return HttpResponseRedirect(page_url)
        context = {
            **self.admin_site.each_context(request),
            "title": operation.label,
            "intro": operation.intro,
            "objects": [complaint],
            "form": form,
            "opts": self.opts,
            "submit_label": operation.label,
            "cancel_url": page_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/desk/action_form.html", context)

    def evidence_view(self, request, object_id, token):
        """The file of one evidence row on this complaint, served as every
        evidence download is (``evidence_response``)."""
        if not self.has_evidence_permission(request):
            raise PermissionDenied
        complaint = self._complaint_or_404(request, object_id)
        return complaint_evidence_response(
            complaint=complaint, token=token, viewer=request.user, now=request_now(request)
        )

    def export_view(self, request):
        """The filtered list as CSV, streamed; who exported what is kept."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        now = request_now(request)
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # What the list itself does with a filter it cannot apply.
            return HttpResponseRedirect(reverse("admin:complaints_complaint_changelist") + "?e=1")
        return complaints_export_response(
            queryset=changelist.get_queryset(request),
            user=request.user,
            filters={key: request.GET.getlist(key) for key in request.GET},
            now=now,
        )

    # The complaint page --------------------------------------------------

    def personal_data_subject(self, obj: Complaint) -> str:
        return f"complaint {obj.reference}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        complaint = self.get_object(request, object_id)
        if complaint is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, complaint):
            raise PermissionDenied
        now = request_now(request)
        note_form = None
        if self.has_note_permission(request):
            note_form = NoteForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if note_form is None:
                raise PermissionDenied
            if note_form.is_valid():
                try:
                    complaint_note_add(
                        complaint=complaint,
                        author=request.user,
                        visibility=note_form.cleaned_data["visibility"],
                        text=note_form.cleaned_data["text"],
                        now=now,
                    )
                except ValidationError as error:
                    note_form.add_error(None, error)
                else:
                    self.message_user(request, gettext("Added to the timeline."), messages.SUCCESS)
                    return HttpResponseRedirect(request.path)
        else:
            self.personal_data_viewed(request, complaint)
        context = {
            **self.admin_site.each_context(request),
            **self.complaint_page_context(request, complaint, now=now),
            "note_form": note_form,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/complaints/complaint/desk_page.html", context)

    def complaint_page_context(self, request, complaint: Complaint, *, now) -> dict:
        page = complaint_page(complaint_pk=complaint.pk)
        complaint, ticket, hold = page.complaint, page.ticket, page.hold
        # Offer only what this complaint's state allows; the services still decide.
        allowed = complaint_actions_allowed(complaint=complaint, ticket=ticket, hold=hold)
        if complaint.extension_count >= 1 and not permissions.user_may_grant_second_extension(request.user):
            allowed -= {"extend"}
        operations = [
            operation
            for operation in OPERATIONS
            if operation.name in allowed
            and self.has_change_permission(request)
            and self.operation_allowed(request, operation)
        ]
        return {
            "title": complaint.reference,
            "subtitle": None,
            "opts": self.opts,
            "complaint": complaint,
            "original": complaint,
            "badge": sla_badge([t for t in page.targets if t.is_open], now=now),
            "targets": [{"target": t, "state": sla_state(t, now=now)} for t in page.targets],
            "timeline": page.timeline,
            "contacts": page.contacts,
            "evidence": page.evidence,
            "can_download_evidence": self.has_evidence_permission(request),
            "tickets": page.tickets,
            "hold": hold,
            "operations": operations,
            "borrower_name": mask_name(complaint.borrower.name),
            "borrower_phone": mask_phone(complaint.borrower.phone),
            "has_view_permission": True,
        }
