"""Admin for agencies, collectors and their numbers.

Suspensions go through the suspension services and every change keeps its
history. Assignments stay
with the loans admin, read-only: the lender's feed is their source, and the
feed importer refuses suspended parties through
``agencies.suspension.assignment_check_allowed``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.models import Agency, AuthorisedNumber, Collector
from agencies.suspension import (
    agency_reinstate,
    agency_suspend,
    collector_reinstate,
    collector_suspend,
)
from desk.actions import error_text, form_action
from desk.forms import AgencyStatusForm, ReasonForm
from desk.history import DeskHistoryAdmin


class SuspensionActionsMixin:
    """Suspend / reinstate with a reason, for supervisors only: as actions on
    the list, and as buttons on the agency's or collector's own page. The
    admin class names its ``suspend_service``, ``reinstate_service`` and the
    id argument they take."""

    id_argument = ""

    def status_form_class(self, *, lift: bool) -> tuple[type, dict]:
        """The form that asks for the reason of a move, and its arguments."""
        return ReasonForm, {}

    def status_arguments(self, data: dict) -> dict:
        """What the form's cleaned data hands to the service."""
        return {"reason": data["reason"]}

    def has_suspend_permission(self, request) -> bool:
        return request.user.has_perm("desk.suspend_party")

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/suspend/", wrap(self.suspension_view), {"lift": False}, name=f"{prefix}_suspend"),
            path("<path:object_id>/reinstate/", wrap(self.suspension_view), {"lift": True}, name=f"{prefix}_reinstate"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_suspend"] = self.has_suspend_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def suspension_view(self, request, object_id, lift: bool):
        """One agency or collector: GET shows the reason form, POST applies."""
        if not self.has_suspend_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        page_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        title = _("Lift the suspension") if lift else _("Suspend")
        form_class, form_kwargs = self.status_form_class(lift=lift)
        form = form_class(request.POST if request.method == "POST" else None, **form_kwargs)
        if request.method == "POST" and form.is_valid():
            service = self.reinstate_service if lift else self.suspend_service
            try:
                service(
                    **{self.id_argument: obj.pk},
                    **self.status_arguments(form.cleaned_data),
                    by=request.user,
                    now=timezone.now(),
                )
            except ValidationError as error:
                self.message_user(request, error_text(error), messages.ERROR)
            else:
                self.log_change(request, obj, str(title))
                self.message_user(
                    request,
                    (_("%(party)s is active again.") if lift else _("%(party)s is suspended.")) % {"party": obj},
                )
                return HttpResponseRedirect(page_url)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "objects": [obj],
            "form": form,
            "opts": self.opts,
            "submit_label": title,
            "cancel_url": page_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/desk/action_form.html", context)

    def _run(self, request, queryset, *, lift: bool, title, done_message):
        now = timezone.now()
        service = self.reinstate_service if lift else self.suspend_service
        form_class, form_kwargs = self.status_form_class(lift=lift)
        return form_action(
            self,
            request,
            queryset,
            form_class=form_class,
            form_kwargs=form_kwargs,
            title=title,
            apply=lambda obj, data: service(
                **{self.id_argument: obj.pk}, **self.status_arguments(data), by=request.user, now=now
            ),
            done_message=done_message,
        )


class AuthorisedNumberInline(admin.TabularInline):
    model = AuthorisedNumber
    fk_name = "agency"
    extra = 0
    fields = ["number", "collector", "valid_from", "valid_until", "external_id"]
    raw_id_fields = ["collector"]
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(SuspensionActionsMixin, DeskHistoryAdmin):
    list_display = ["name", "short_name", "kind", "status_text", "licence_number", "status_changed_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "short_name", "licence_number", "external_id"]
    readonly_fields = ["status", "status_reason", "status_public_reason", "status_changed_at", "open_assignments"]
    exclude = ["webhook_secret"]
    inlines = [AuthorisedNumberInline]
    actions = ["suspend", "reinstate"]
    id_argument = "agency_id"
    suspend_service = staticmethod(agency_suspend)
    reinstate_service = staticmethod(agency_reinstate)
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def status_form_class(self, *, lift: bool) -> tuple[type, dict]:
        return AgencyStatusForm, {"to": Agency.Status.ACTIVE if lift else Agency.Status.SUSPENDED}

    def status_arguments(self, data: dict) -> dict:
        return {"reason": data["reason"], "public_reason": data["public_reason"]}

    @admin.display(description=_("status"), ordering="status")
    def status_text(self, obj: Agency) -> str:
        return obj.get_status_display()

    @admin.display(description=_("accounts assigned now"))
    def open_assignments(self, obj: Agency) -> int:
        return obj.assignments.filter(ends_at__isnull=True).count() if obj.pk else 0

    def has_delete_permission(self, request, obj=None) -> bool:
        # Agencies are referenced by history; end them by status, never delete.
        return False

    @admin.action(description=_("Suspend the selected agencies…"), permissions=["suspend"])
    def suspend(self, request, queryset):
        return self._run(
            request,
            queryset,
            lift=False,
            title=_("Suspend agencies"),
            done_message=lambda n: (
                ngettext("%(count)d agency suspended.", "%(count)d agencies suspended.", n) % {"count": n}
            ),
        )

    @admin.action(description=_("Lift the suspension of the selected agencies…"), permissions=["suspend"])
    def reinstate(self, request, queryset):
        return self._run(
            request,
            queryset,
            lift=True,
            title=_("Lift suspensions"),
            done_message=lambda n: (
                ngettext("%(count)d agency reinstated.", "%(count)d agencies reinstated.", n) % {"count": n}
            ),
        )


@admin.register(Collector)
class CollectorAdmin(SuspensionActionsMixin, DeskHistoryAdmin):
    list_display = ["display_name", "badge_number", "agency", "status_text", "external_id"]
    list_filter = ["status", "agency"]
    list_select_related = ["agency"]
    search_fields = ["display_name", "badge_number", "external_id", "agency__name", "agency__short_name"]
    readonly_fields = ["status", "status_reason", "status_changed_at"]
    actions = ["suspend", "reinstate"]
    id_argument = "collector_id"
    suspend_service = staticmethod(collector_suspend)
    reinstate_service = staticmethod(collector_reinstate)
    show_full_result_count = False

    @admin.display(description=_("status"), ordering="status")
    def status_text(self, obj: Collector) -> str:
        return obj.get_status_display()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Suspend the selected collectors…"), permissions=["suspend"])
    def suspend(self, request, queryset):
        return self._run(
            request,
            queryset,
            lift=False,
            title=_("Suspend collectors"),
            done_message=lambda n: (
                ngettext("%(count)d collector suspended.", "%(count)d collectors suspended.", n) % {"count": n}
            ),
        )

    @admin.action(description=_("Lift the suspension of the selected collectors…"), permissions=["suspend"])
    def reinstate(self, request, queryset):
        return self._run(
            request,
            queryset,
            lift=True,
            title=_("Lift suspensions"),
            done_message=lambda n: (
                ngettext("%(count)d collector reinstated.", "%(count)d collectors reinstated.", n) % {"count": n}
            ),
        )


@admin.register(AuthorisedNumber)
class AuthorisedNumberAdmin(DeskHistoryAdmin):
    list_display = ["display", "agency", "collector", "valid_from", "valid_until"]
    list_filter = ["agency"]
    list_select_related = ["agency", "collector"]
    search_fields = ["number", "external_id", "agency__name", "collector__badge_number"]
    raw_id_fields = ["collector"]
    show_full_result_count = False

    @admin.display(description=_("number"), ordering="number")
    def display(self, obj: AuthorisedNumber) -> str:
        return obj.display
