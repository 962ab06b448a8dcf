from django.contrib import admin
from django.urls import include, path

from portal.metrics import metrics

urlpatterns = [
    path("", include("borrowers.urls")),
    path("complaints/", include("borrowers.complaint_urls")),
    path("inbox/", include("borrowers.inbox_urls")),
    path("requests/", include("borrowers.request_urls")),
    path("my-data/", include("borrowers.datacopy.urls")),
    path("agency/", include("workspace.urls")),
    path("api/", include("workspace.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="metrics"),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
