"""Admin for agency access: workspace memberships, API tokens (created and
revoked here, the token text shown once), API call log and sign-in log."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencies.models import AgencyMembership, AgencySignInAttempt, ApiCallLog, ApiToken
from agencies.services import totp_reset
from agencies.tokens import DEFAULT_LIFETIME, api_token_create, api_token_revoke

from .readonly import ReadOnlyAdmin


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["agency", "name", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].initial = lambda: timezone.now() + DEFAULT_LIFETIME

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise forms.ValidationError(_("Choose an expiry in the future."))
        if expires_at > timezone.now() + datetime.timedelta(days=2 * 365):
            raise forms.ValidationError(_("A token may live at most two years."))
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["agency"]
    search_fields = ["name", "prefix", "agency__name", "agency__short_name"]
    readonly_fields = [
        "agency",
        "name",
        "prefix",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["agency", "name", "expires_at"]

    def has_delete_permission(self, request, obj=None):
        # Tokens are revoked, never deleted: the call log points at them.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, text = api_token_create(
            agency=form.cleaned_data["agency"],
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data["expires_at"],
            created_by=request.user,
            now=timezone.now(),
        )
        form.instance = token
        obj.pk = token.pk
        request._api_token_text = text

    def response_add(self, request, obj, post_url_continue=None):
        """Show the token now, once: it is not stored and cannot be shown again."""
        return TemplateResponse(
            request,
            "admin/agencies/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "title": _("API token created"),
                "token": ApiToken.objects.get(pk=obj.pk),
                "token_text": request._api_token_text,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        now = timezone.now()
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, now=now, revoked_by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "totp_confirmed_at", "created_at"]
    list_filter = ["agency", "role"]
    search_fields = ["user__username", "agency__name", "agency__short_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["totp_confirmed_at", "created_at"]
    actions = ["reset_authenticator"]

    @admin.action(description=_("Reset authenticator (the user enrols again at next sign-in)"), permissions=["change"])
    def reset_authenticator(self, request, queryset):
        for membership in queryset:
            totp_reset(membership=membership)
        self.message_user(request, _("Authenticators reset."), messages.SUCCESS)


@admin.register(ApiCallLog)
class ApiCallLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "agency", "token", "method", "path", "status"]
    list_filter = ["agency", "method", "status"]
    date_hierarchy = "at"
    list_select_related = ["agency", "token", "token__agency"]


@admin.register(AgencySignInAttempt)
class AgencySignInAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "outcome", "client"]
    list_filter = ["outcome"]
    search_fields = ["username"]
    date_hierarchy = "at"
