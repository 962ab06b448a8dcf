"""Admin actions that need input or report per object.

An action that needs input shows an intermediate page with a form (plain
HTML, no script); the form posts back to the changelist with the same
selection and ``desk_apply``. Each object is then handed to a service on its
own, so one refusal does not undo or block the others, and each refusal is
reported with the service's own reason.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# A bulk action touches at most this many rows; more is almost surely a
# mistaken "select all".
BULK_LIMIT = 200


def error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or str(_("You are not allowed to do this."))


def apply_each(
    modeladmin, request, objects, apply: Callable, *, done_message: Callable[[int], str], log_message: str = ""
) -> int:
    """Call ``apply(obj)`` for each object; report refusals one by one.

    A service refuses with ``ValidationError`` (the state does not allow it)
    or ``PermissionDenied`` (this user may not); either names the reason.
    """
    done = 0
    for obj in objects:
        try:
            apply(obj)
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(
                request, format_lazy("{obj}: {reason}", obj=obj, reason=error_text(error)), messages.ERROR
            )
        else:
            done += 1
            if log_message:
                # Also in the admin's own log ("Recent actions", object history).
                modeladmin.log_change(request, obj, str(log_message))
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)
    return done


def apply_one(modeladmin, request, obj, operation, data: dict, *, now, page_url: str) -> HttpResponseRedirect | None:
    """Apply a desk operation (``operation.apply``, ``label``, ``done``) to
    one object from its page. Success is logged, announced and leads back
    to the page; a refusal is shown with the service's own reason and
    returns None, so the caller shows its form again (or the page, when the
    operation has none)."""
    try:
        operation.apply(obj, data, request.user, now)
    except (ValidationError, PermissionDenied) as error:
        modeladmin.message_user(request, error_text(error), messages.ERROR)
        return None
    modeladmin.log_change(request, obj, str(operation.label))
    modeladmin.message_user(request, operation.done(1), messages.SUCCESS)
    return HttpResponseRedirect(page_url)


def selection_too_large(modeladmin, request, queryset) -> list | None:
    """The selected objects, or None (with a message) when there are too many."""
    objects = list(queryset[: BULK_LIMIT + 1])
    if len(objects) > BULK_LIMIT:
        modeladmin.message_user(
            request,
            _("Select at most %(limit)d rows for one action; narrow the list with the filters.")
            % {"limit": BULK_LIMIT},
            messages.WARNING,
        )
        return None
    return objects


def form_action(
    modeladmin,
    request,
    queryset,
    *,
    form_class,
    title: str,
    intro: str = "",
    apply: Callable,
    done_message: Callable[[int], str],
    form_kwargs: dict | None = None,
    submit_label: str = "",
):
    """Show the action's form for the selection, then apply it to each object.

    ``apply(obj, cleaned_data)`` calls the service and raises
    ``ValidationError`` to refuse one object.
    """
    objects = selection_too_large(modeladmin, request, queryset)
    if objects is None:
        return None
    form_kwargs = form_kwargs or {}
    if request.POST.get("desk_apply"):
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            apply_each(
                modeladmin,
                request,
                objects,
                lambda obj: apply(obj, form.cleaned_data),
                done_message=done_message,
                log_message=title,
            )
            return None
    else:
        form = form_class(**form_kwargs)
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "objects": objects,
        "form": form,
        "opts": opts,
        "action": request.POST.get("action", ""),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "submit_label": submit_label or title,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/desk/action_form.html", context)


def request_now(request):
    """One ``now`` per request, shared by filters, badges and actions."""
    if not hasattr(request, "desk_now"):
        request.desk_now = timezone.now()
    return request.desk_now
