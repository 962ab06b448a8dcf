"""Only the admin: the calendar's admin tests do not depend on other apps' pages."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
