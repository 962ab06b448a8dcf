from django.urls import path

from . import request_views as views

app_name = "requests"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_menu, name="menu"),
    path("new/<slug:kind>/", views.request_new, name="new"),
    path("<slug:reference>/", views.request_detail, name="detail"),
    path("<slug:reference>/receipt/", views.request_receipt_page, name="receipt"),
    path("<slug:reference>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<slug:reference>/accept-plan/", views.request_accept_offer, name="accept_offer"),
    path("<slug:reference>/escalate/", views.request_escalate, name="escalate"),
    path("<slug:reference>/revoke-consent/", views.request_revoke_consent, name="revoke_consent"),
    path("<slug:reference>/files/<int:evidence_id>/", views.request_file_download, name="file"),
]
