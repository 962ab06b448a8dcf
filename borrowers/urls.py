from django.urls import path

from . import scorecard_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("signin/code/", views.signin_code, name="signin_code"),
    path("signin/resend/", views.signin_resend, name="signin_resend"),
    path("signout/", views.signout, name="signout"),
    path("loans/", views.loans, name="loans"),
    path("loans/<str:reference>/", views.account, name="account"),
    path("loans/<str:reference>/contacts/", views.contacts, name="contacts"),
    path("verify/", views.verify, name="verify"),
    path("preferences/", views.preferences, name="preferences"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/scorecards/", scorecard_views.scorecards, name="scorecards"),
    path("agencies/scorecards.csv", scorecard_views.scorecards_csv, name="scorecards_csv"),
    path("agencies/<int:agency_id>/scorecard/", scorecard_views.scorecard, name="scorecard"),
    path("agencies/<int:agency_id>/scorecard.svg", scorecard_views.scorecard_chart, name="scorecard_chart"),
    path("check-number/", views.check_number, name="check_number"),
]
