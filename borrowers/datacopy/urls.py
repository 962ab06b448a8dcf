from django.urls import path

from . import views

app_name = "datacopy"

urlpatterns = [
    path("", views.page, name="page"),
    path("ask/", views.ask, name="ask"),
    path("<slug:token>/download/", views.download, name="download"),
]
