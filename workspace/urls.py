from django.urls import path

from .views import access, conduct, preferences, report, restrictions, signin, tickets

app_name = "agency"

urlpatterns = [
    path("", tickets.inbox, name="inbox"),
    path("tickets/<str:reference>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<str:reference>/respond/", tickets.respond, name="respond"),
    path("tickets/<str:reference>/more-time/", tickets.ask_extension, name="ask_extension"),
    path("tickets/<str:reference>/evidence/<str:token>/", tickets.evidence_download, name="evidence"),
    path("signin/", signin.signin, name="signin"),
    path("signin/code/", signin.signin_code, name="signin_code"),
    path("signin/enrol/", signin.enrol, name="enrol"),
    path("signout/", signin.signout, name="signout"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("restrictions/", restrictions.restrictions, name="restrictions"),
    path("contacts/report/", report.report_contact, name="report_contact"),
    path("conduct/", conduct.conduct, name="conduct"),
    path("access/", access.access_overview, name="access"),
]
