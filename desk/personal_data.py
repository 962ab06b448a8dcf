"""Desk pages that show a borrower's personal data record who saw it (PIPL).

An admin that shows names, phone or ID numbers or loan details takes
:class:`PersonalDataAdminMixin` and says, in ``personal_data_subject``, how
one of its objects is named in the access log (naming the borrower), and in
``personal_data_borrower_id`` whose it is (by default the object's
``borrower_id``). Each
page shown then leaves exactly one row: the change page, the list page (one
row listing what it showed), the history and each past version.
"""

from accesslog.services import data_access_record

from .actions import request_now

PAGE_SUBJECTS = {
    "change": "{subject}",
    "history": "history of {subject}",
    "version": "past version of {subject}",
}


class PersonalDataAdminMixin:
    def personal_data_subject(self, obj) -> str:
        raise NotImplementedError

    def personal_data_borrower_id(self, obj) -> int | None:
        return getattr(obj, "borrower_id", None)

    def personal_data_viewed(self, request, obj, *, page: str = "change") -> None:
        data_access_record(
            user=request.user,
            subject=PAGE_SUBJECTS[page].format(subject=self.personal_data_subject(obj)),
            detail={"page": page},
            borrower_id=self.personal_data_borrower_id(obj),
            now=request_now(request),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            self.personal_data_viewed(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method == "GET" and response.status_code == 200 and changelist is not None:
            shown = [self.personal_data_subject(obj) for obj in changelist.result_list]
            if shown:
                data_access_record(
                    user=request.user,
                    subject=f"{self.opts.model_name} list",
                    detail={"page": "list", "shown": shown},
                    rows=len(shown),
                    now=request_now(request),
                )
        return response

    def history_viewed(self, request, obj, *, page: str) -> None:
        self.personal_data_viewed(request, obj, page=page)
