from django.urls import path

from . import views, views_access, views_conduct, views_preferences, views_report, views_tickets

app_name = "agency"

urlpatterns = [
    path("", views_tickets.inbox, name="inbox"),
    path("tickets/<str:reference>/", views_tickets.ticket_detail, name="ticket"),
    path("tickets/<str:reference>/respond/", views_tickets.respond, name="respond"),
    path("tickets/<str:reference>/more-time/", views_tickets.ask_extension, name="ask_extension"),
    path("tickets/<str:reference>/evidence/<str:token>/", views_tickets.evidence_download, name="evidence"),
    path("signin/", views.signin, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("signin/enrol/", views.enrol, name="enrol"),
    path("signout/", views.signout, name="signout"),
    path("preferences/", views_preferences.preferences, name="preferences"),
    path("contacts/report/", views_report.report_contact, name="report_contact"),
    path("conduct/", views_conduct.conduct, name="conduct"),
    path("access/", views_access.access_overview, name="access"),
]
