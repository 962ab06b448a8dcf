from django.urls import path

from . import complaint_views as views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="new"),
    path("evidence/<str:token>/", views.evidence_download, name="evidence"),
    path("<str:reference>/", views.complaint_detail, name="detail"),
    path("<str:reference>/submitted/", views.complaint_submitted, name="submitted"),
    path("<str:reference>/reply/", views.complaint_reply, name="reply"),
    path("<str:reference>/withdraw/", views.complaint_withdraw, name="withdraw"),
    path("<str:reference>/accept/", views.complaint_accept, name="accept"),
    path("<str:reference>/reject/", views.complaint_reject, name="reject"),
    path("<str:reference>/review/", views.complaint_review, name="review"),
    path("<str:reference>/rate/", views.complaint_rate, name="rate"),
]
